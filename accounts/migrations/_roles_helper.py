"""Shared by the role data migrations: make sure permissions exist, then (re)grant."""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes

from accounts.roles import ensure_role_groups


def refresh_role_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    ensure_role_groups(apps)
