"""One implementation of each commerce rule, in Python.

Holds, sales and payment settlement used to run as PostgreSQL functions next to
an ORM path for SQLite, and the two drifted apart. The functions are dropped;
commerce/services/holds.py and orders.py are the only implementation, on every
database. Orders are created completed (the unused PAID state goes); a hold's
created_at is the moment its service gives, as on every database.
"""

from django.db import migrations, models
import django.utils.timezone

from commerce.migrations._postgresql import on_postgresql

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS bilten_settle_payment(
    text, text, text, text, integer, text, text, timestamptz);
DROP FUNCTION IF EXISTS bilten_complete_sale(uuid, text, timestamptz, text[], text[]);
DROP FUNCTION IF EXISTS bilten_place_hold(
    uuid, uuid, integer, bigint, text, timestamptz, timestamptz, text, integer, integer,
    uuid[], integer[], text[], integer[], integer[]);
DROP FUNCTION IF EXISTS bilten_sell_hold(uuid, uuid, bigint, uuid[], integer[]);
"""


def tasks_in_one_module(apps, schema_editor):
    """The payment tasks live in commerce.tasks with the others (briefly commerce.payment_tasks)."""
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(func="commerce.payment_tasks.reconcile_payments").update(
        func="commerce.tasks.reconcile_payments"
    )


def complete_paid_orders(apps, schema_editor):
    apps.get_model("commerce", "Order").objects.filter(status="paid").update(status="completed")


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0013_email_sweep_schedule'),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(DROP_FUNCTIONS), migrations.RunPython.noop),
        migrations.RunPython(complete_paid_orders, migrations.RunPython.noop),
        migrations.RunPython(tasks_in_one_module, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='hold',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='order',
            name='status',
            field=models.CharField(choices=[('completed', 'Completed')], default='completed', max_length=12),
        ),
    ]
