"""Every minute, send the confirmation emails a lost or failed task left unsent.

The queued task (commerce.tasks.send_order_confirmation) is lost when Redis
restarts, the database blips or the worker is killed; the sweep finds completed
orders without a successful EmailDelivery for each recipient (commerce.emails).
"""

from django.db import migrations

NAME = "send missing confirmations"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": "commerce.tasks.send_missing_confirmations",
            "schedule_type": "I",
            "minutes": 1,
            "repeats": -1,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0012_follow_up_refunds"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
