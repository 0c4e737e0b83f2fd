import uuid

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("event_pages", "HomePage")

    english, _ = Locale.objects.get_or_create(language_code="en")
    for code in ("de", "fr"):
        Locale.objects.get_or_create(language_code=code)

    # Replace Wagtail's "Welcome" page with our home page.
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, depth=2).delete()
    home_type, _ = ContentType.objects.get_or_create(app_label="event_pages", model="homepage")
    home = HomePage.objects.create(
        title="Bilten",
        draft_title="Bilten",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=english,
        translation_key=uuid.uuid4(),
        live=True,
        hero_heading="Find your next night out",
        hero_text="Concerts, conferences, festivals and talks — tickets in a minute.",
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Bilten"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("event_pages", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, migrations.RunPython.noop)]
