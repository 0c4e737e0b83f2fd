"""Reinstall the SQL core: settling a payment leaves events that have ended to the
Python path, which refunds the payment (commerce/sql/bilten_settle_payment.sql)."""

from django.db import migrations

from commerce.migrations._postgresql import install_sql_core


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0015_sql_core"),
        ("event_pages", "0006_tier_requirements_and_unique_names"),
    ]

    operations = [migrations.RunPython(install_sql_core, migrations.RunPython.noop)]
