"""Support works cases (view, open, change them); the Platform admin also edits the SLA settings."""

from django.db import migrations

from accounts.migrations import _roles_helper


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_case_cause"),
        ("accounts", "0006_user_phone"),
    ]

    operations = [
        migrations.RunPython(_roles_helper.refresh_role_groups, migrations.RunPython.noop)
    ]
