"""The Platform admin role (not only superusers) edits the pre-order ticket delivery email
(fulfilment.change_ticketemailtemplate, accounts.roles)."""

from django.db import migrations

from accounts.migrations import _roles_helper


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0006_refund_policy_role_permissions"),
        ("fulfilment", "0004_pre_order_offer_variants_inline"),
    ]

    operations = [
        migrations.RunPython(_roles_helper.refresh_role_groups, migrations.RunPython.noop)
    ]
