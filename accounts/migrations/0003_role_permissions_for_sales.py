from django.db import migrations

from accounts.migrations import _roles_helper


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("commerce", "0004_expire_holds_schedule"),
    ]

    operations = [migrations.RunPython(_roles_helper.refresh_role_groups, migrations.RunPython.noop)]
