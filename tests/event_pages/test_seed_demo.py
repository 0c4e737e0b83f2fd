"""`manage.py seed_demo`: the demo site every developer starts from.

Each test runs the command once (it takes a few seconds); wagtail-localize
publishes translations on commit, so the run captures and executes those
callbacks inside the test transaction.
"""

import datetime as dt
import os
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory, TestCase
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission, Locale, Page, Revision
from wagtail_localize.models import Translation, TranslationSource

from accounts.models import User
from commerce.models import EventInventory, TierInventory
from event_pages.demo import data
from event_pages.models import Category, EventIndexPage, EventPage, TicketTier, Venue
from event_pages.selectors import upcoming_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(home_page, settings, tmp_path):
    """The home page, locales and role groups the migrations create; pictures go to tmp."""
    settings.MEDIA_ROOT = tmp_path
    return home_page


def seed() -> str:
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (
        Page,
        EventIndexPage,
        EventPage,
        TicketTier,
        Revision,
        Category,
        Venue,
        get_image_model(),
        Collection,
        User,
        Group,
        GroupPagePermission,
        TranslationSource,
        Translation,
        EventInventory,
        TierInventory,
    )
    return {model.__name__: model.objects.count() for model in models}


def english(model):
    return model.objects.filter(locale__language_code="en")


def test_seed_demo_creates_two_organizations_with_upcoming_events():
    output = seed()

    organizations = english(EventIndexPage).live().order_by("title")
    assert [o.title for o in organizations] == ["Aurora Live", "Northwind Conferences"]
    for organization in organizations:
        assert organization.logo is not None
        assert organization.about and organization.contact_email and organization.contact_phone
        assert upcoming_events(organization=organization).count() >= 5

    events = english(EventPage)
    upcoming = upcoming_events()
    assert upcoming.count() >= 10
    assert {e.time_zone for e in upcoming} >= {
        "Europe/Berlin",
        "Europe/Vienna",
        "Europe/Zurich",
        "Europe/Amsterdam",
        "Europe/London",
    }
    assert len({e.venue.city for e in upcoming}) >= 6
    assert max(e.starts_at for e in upcoming) - timezone.now() > dt.timedelta(days=90)
    assert events.filter(live=False).count() == 1  # one draft
    assert events.filter(live=True, starts_at__lt=timezone.now()).exists()  # one past event
    assert events.filter(total_capacity__lte=5).exists()  # small enough to sell out
    assert events.filter(featured=True, live=True).count() >= 2

    tiers = TicketTier.objects.filter(page__in=events)
    assert tiers.filter(allocation__isnull=False).exists()
    assert tiers.filter(allocation__isnull=True).exists()
    assert tiers.filter(enabled=False).count() == 1
    assert tiers.filter(sales_start__isnull=False, sales_end__isnull=False).exists()
    assert set(tiers.values_list("currency", flat=True)) == {"EUR", "CHF", "GBP"}
    assert all(1 <= e.tiers.count() <= 4 for e in events)

    hero = events.get(slug="tempelhof-summer-festival").hero_image
    assert (hero.width, hero.height) == (1600, 900)
    assert hero.collection.name == "Aurora Live"
    block_types = {block.block_type for e in events for block in e.body}
    assert block_types >= {"heading", "paragraph", "lineup", "schedule", "faq", "quote"}
    assert "call_to_action" in block_types
    assert "bilten-demo" in output


def test_running_seed_demo_twice_changes_nothing():
    seed()
    before = row_counts()
    output = seed()
    assert row_counts() == before
    assert "nothing new" in output


def test_seed_demo_creates_one_login_per_role():
    seed()
    request = RequestFactory().post("/accounts/login/")
    for demo_user in data.USERS:
        user = authenticate(request, username=demo_user.email, password="bilten-demo")
        assert user is not None, demo_user.email
        assert user.name == demo_user.name

    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.is_staff
    for email, group in [
        ("admin@example.com", "Platform admin"),
        ("support@example.com", "Support"),
        ("fulfilment@example.com", "Fulfilment"),
        ("marketing@example.com", "Marketing"),
    ]:
        assert User.objects.get(email=email).groups.filter(name=group).exists(), email
    attendee = User.objects.get(email="attendee@example.com")
    assert not attendee.groups.exists() and not attendee.is_staff

    aurora = english(EventIndexPage).get(slug="aurora-live")
    northwind = english(EventIndexPage).get(slug="northwind-conferences")
    for email, own, other in [
        ("organizer@example.com", aurora, northwind),
        ("organizer2@example.com", northwind, aurora),
    ]:
        organizer = User.objects.get(email=email)
        assert organizer.has_perm("wagtailadmin.access_admin")
        for page in [own, *EventPage.objects.child_of(own)]:
            assert page.permissions_for_user(organizer).can_edit(), (email, page.title)
        assert own.permissions_for_user(organizer).can_add_subpage()
        assert not other.permissions_for_user(organizer).can_edit()
        assert (
            not EventPage.objects.child_of(other).first().permissions_for_user(organizer).can_edit()
        )
    german = Locale.objects.get(language_code="de")
    organizer = User.objects.get(email="organizer@example.com")
    assert aurora.get_translation(german).permissions_for_user(organizer).can_edit()
    marketing = User.objects.get(email="marketing@example.com")
    german_event = EventPage.objects.filter(locale=german).first()
    assert german_event.permissions_for_user(marketing).can_publish()


def test_german_translations_share_the_event_identity():
    output = seed()
    assert "No German text" not in output  # every segment of the German pages is translated

    german = EventPage.objects.filter(locale__language_code="de", live=True)
    assert german.count() >= 2
    for event in german:
        source = english(EventPage).get(translation_key=event.translation_key)
        assert event.title == data.GERMAN.get(source.title, source.title)
        assert event.summary == data.GERMAN[source.summary]
        assert event.total_capacity == source.total_capacity
        assert event.starts_at == source.starts_at
        source_tiers = {t.translation_key: t for t in source.tiers.all()}
        german_tiers = {t.translation_key: t for t in event.tiers.all()}
        assert german_tiers.keys() == source_tiers.keys()
        for key, tier in german_tiers.items():
            assert tier.name == data.GERMAN[source_tiers[key].name]
            assert tier.price_minor == source_tiers[key].price_minor
        assert event.get_parent().locale.language_code == "de"
    festival = german.get(slug="tempelhof-summer-festival")
    assert festival.title == "Tempelhof Sommerfestival"
    assert festival.body[0].value["text"] == "Sommer auf dem Rollfeld"
    assert festival.url.startswith("/de/")

    # One inventory per event, shared by its translations.
    published = english(EventPage).live()
    assert EventInventory.objects.count() == published.count()
    assert TierInventory.objects.count() == TicketTier.objects.filter(page__in=published).count()
    assert english(Category).count() == Category.objects.filter(locale__language_code="de").count()
    assert Category.objects.get(slug="concerts", locale__language_code="de").name == "Konzerte"


def test_seed_demo_refuses_production_settings(monkeypatch, settings):
    monkeypatch.setitem(os.environ, "DJANGO_SETTINGS_MODULE", "bilten.settings.production")
    with pytest.raises(CommandError, match="production settings"):
        call_command("seed_demo")
    monkeypatch.setitem(os.environ, "DJANGO_SETTINGS_MODULE", "bilten.settings.test")
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production settings"):
        call_command("seed_demo")
    assert not EventPage.objects.exists()
    assert not User.objects.filter(email__endswith="@example.com").exists()


def test_demo_data_that_breaks_the_publishing_rules_is_a_clear_error(monkeypatch):
    import dataclasses

    first, *rest = data.EVENTS
    tiers_off = tuple(dataclasses.replace(tier, enabled=False) for tier in first.tiers)
    monkeypatch.setattr(data, "EVENTS", [dataclasses.replace(first, tiers=tiers_off), *rest])

    with pytest.raises(CommandError) as error:
        call_command("seed_demo", stdout=StringIO())

    assert str(error.value) == (
        f"The demo event {first.title!r} breaks the ticket rules: "
        "Add at least one ticket tier that is on sale before publishing. "
        "Fix it in event_pages/demo/data.py."
    )
    assert not EventPage.objects.exists()


def test_french_translations_match_the_german_ones():
    from event_pages.demo import french

    output = seed()
    assert "No French text" not in output  # every segment of the French pages is translated
    assert "3 events in German, 3 in French." in output

    live_french = EventPage.objects.filter(locale__language_code="fr", live=True)
    live_german = EventPage.objects.filter(locale__language_code="de", live=True)
    assert sorted(live_french.values_list("translation_key", flat=True)) == sorted(
        live_german.values_list("translation_key", flat=True)
    )
    for event in live_french:
        source = english(EventPage).get(translation_key=event.translation_key)
        assert event.summary == french.FRENCH[source.summary]
        assert {t.name for t in event.tiers.all()} == {
            french.FRENCH[t.name] for t in source.tiers.all()
        }
        assert event.get_parent().locale.language_code == "fr"
    festival = live_french.get(slug="tempelhof-summer-festival")
    assert festival.title == "Festival d’été de Tempelhof"
    assert festival.url.startswith("/fr/")
    assert Category.objects.get(slug="theatre", locale__language_code="fr").name == "Théâtre"

    fr = Locale.objects.get(language_code="fr")
    organizer = User.objects.get(email="organizer@example.com")
    aurora = english(EventIndexPage).get(slug=data.AURORA)
    assert aurora.get_translation(fr).permissions_for_user(organizer).can_edit()
    marketing = User.objects.get(email="marketing@example.com")
    assert festival.permissions_for_user(marketing).can_publish()
