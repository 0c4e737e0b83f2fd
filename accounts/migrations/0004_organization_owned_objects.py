"""Organizers lose their model permissions on venues and promo codes (membership of
their organization now grants those, for its own objects only), Marketing can no
longer change venues, Support sees orders."""

from django.db import migrations

from accounts.migrations import _roles_helper


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_role_permissions_for_sales"),
        ("event_pages", "0004_venue_organization"),
    ]

    operations = [
        migrations.RunPython(_roles_helper.refresh_role_groups, migrations.RunPython.noop)
    ]
