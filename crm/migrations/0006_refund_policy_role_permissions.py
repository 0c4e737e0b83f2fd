"""Support and the Platform admin work on every organization's refund policy (the model
permissions accounts.roles.REFUND_POLICY_PERMISSIONS), and see its changes in the site history."""

from django.db import migrations

from accounts.migrations import _roles_helper


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_customer_search_scoped_indexes"),
    ]

    operations = [
        migrations.RunPython(_roles_helper.refresh_role_groups, migrations.RunPython.noop)
    ]
