from django.db import migrations

from accounts.migrations._roles_helper import refresh_role_groups
from accounts.roles import grant_marketing


def create_role_groups(apps, schema_editor):
    refresh_role_groups(apps, schema_editor)
    home = apps.get_model("wagtailcore", "Page").objects.filter(depth=2).first()
    if home is not None:
        grant_marketing(apps, home_page=home)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0001_initial"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        ("wagtailimages", "0027_image_description"),
        ("event_pages", "0002_home_page_and_locales"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
