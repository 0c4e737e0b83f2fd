"""Events for the search tests: a small, varied catalogue built like the admin builds it."""

import pytest
from django.test import TestCase

from event_pages.models import Category, Venue
from tests.factories import make_event


@pytest.fixture
def publish_hooks():
    """Run on-commit work (Wagtail's index updates) inside the test transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def places(organization):
    def venue(name, city, country):
        return Venue.objects.create(
            organization=organization, name=name, address="Main 1", city=city, country=country
        )

    return {
        "koeln": venue("Palladium", "Köln", "DE"),
        "zuerich": venue("Kaufleuten", "Zürich", "CH"),
        "berlin": venue("Tempodrom", "Berlin", "DE"),
    }


@pytest.fixture
def categories():
    return {
        "music": Category.objects.create(name="Concerts", slug="concerts"),
        "talks": Category.objects.create(name="Conferences", slug="conferences"),
    }


def lineup(*names):
    return [
        {
            "type": "lineup",
            "value": {
                "title": "Line-up",
                "people": [{"name": n, "role": "", "bio": ""} for n in names],
            },
        }
    ]


@pytest.fixture
def event_maker(organization):
    def make(title, **fields):
        return make_event(organization, title, **fields)

    return make
