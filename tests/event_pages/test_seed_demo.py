"""`manage.py seed_demo`: the demo site every developer starts from."""

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from wagtail.images import get_image_model
from wagtail.models import Page

from accounts.models import User
from event_pages.demo import data
from event_pages.models import Category, EventIndexPage, EventPage, TicketTier, Venue
from event_pages.selectors import upcoming_events

pytestmark = pytest.mark.django_db


def seed():
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Page, EventPage, TicketTier, Category, Venue, User, get_image_model())
    }


def test_seed_demo_builds_the_demo_site_and_a_second_run_changes_nothing():
    output = seed()
    assert "bilten-demo" in output
    assert EventIndexPage.objects.filter(locale__language_code="en").count() == 2
    assert upcoming_events().count() >= 10
    assert EventPage.objects.filter(live=False).exists()  # one draft
    assert TicketTier.objects.filter(allocation__isnull=False).exists()
    assert TicketTier.objects.filter(enabled=False).exists()
    before = counts()
    seed()
    assert counts() == before


def test_seed_demo_creates_one_login_per_role():
    seed()
    for email, *_rest in data.USERS:
        assert User.objects.get(email=email).check_password("bilten-demo"), email
    organizer = User.objects.get(email="organizer@example.com")
    aurora = EventIndexPage.objects.get(slug="aurora-live", locale__language_code="en")
    northwind = EventIndexPage.objects.get(slug="northwind-conferences", locale__language_code="en")
    assert aurora.permissions_for_user(organizer).can_edit()
    assert not northwind.permissions_for_user(organizer).can_edit()
    assert User.objects.get(email="admin@example.com").is_superuser
    assert User.objects.get(email="support@example.com").groups.filter(name="Support").exists()


def test_german_translations_share_the_event_identity():
    seed()
    german = EventPage.objects.filter(locale__language_code="de", live=True)
    assert german.count() >= 2
    for event in german:
        source = EventPage.objects.get(
            translation_key=event.translation_key, locale__language_code="en"
        )
        assert event.title == data.GERMAN.get(source.title, source.title)
        assert {t.translation_key for t in event.tiers.all()} == {
            t.translation_key for t in source.tiers.all()
        }
    assert (
        EventPage.objects.get(slug="tempelhof-summer-festival", locale__language_code="de").title
        == "Tempelhof Sommerfestival"
    )


def test_seed_demo_refuses_production_settings(monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_SETTINGS_MODULE", "bilten.settings.production")
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not EventPage.objects.exists()
