"""The weekly off-session capture of pre-orders (Tuesday 19:00 Europe/Berlin by default:
PRE_ORDER_CAPTURE_DAY, PRE_ORDER_CAPTURE_TIME, PRE_ORDER_CAPTURE_TIME_ZONE).

A weekly django-q2 schedule whose first run is the next capture slot; each run puts its
next run back on that wall-clock time (daylight saving), and retries between two weekly
runs get a one-off run of their own (fulfilment.services.capture).
"""

from django.db import migrations

NAME = "capture pre-orders"
FUNC = "fulfilment.services.capture.run_scheduled_capture"


def create_schedule(apps, schema_editor):
    from fulfilment.services.capture import next_capture_slot

    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": FUNC,
            "schedule_type": "W",
            "repeats": -1,
            "next_run": next_capture_slot(),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(
        name__in=[NAME, "capture pre-orders (retries)"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fulfilment", "0002_assignment_delivery_email"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
