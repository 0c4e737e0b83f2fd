"""Automatic refunds of payments that cannot become orders.

A schedule reconciles payments left pending by a request that died mid-way.
"""

from django.db import migrations, models


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name="reconcile payments",
        defaults={"func": "commerce.tasks.reconcile_payments", "schedule_type": "I",
                  "minutes": 2, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="reconcile payments").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("commerce", "0011_serialize_buyer_holds"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name='paymentfollowup',
            name='buyer_notified_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='paymentfollowup',
            name='last_error',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name="payment",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for payment"),
                    ("succeeded", "Succeeded"),
                    ("failed", "Failed"),
                    ("refunded", "Refunded"),
                    ("cancelled", "Cancelled"),
                ],
                default="pending",
                max_length=12,
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
