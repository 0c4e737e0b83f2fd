"""Organizers may submit translations, and every translated page (the French and German
home pages, each organization's translations) gets the group page permissions of its
source: translated trees made earlier were editable by no role."""

from django.db import migrations

from accounts.migrations import _roles_helper
from accounts.roles import grant_translated_trees


def grant_in_every_language(apps, schema_editor):
    _roles_helper.refresh_role_groups(apps, schema_editor)
    grant_translated_trees(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organization_owned_objects"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(grant_in_every_language, migrations.RunPython.noop)]
