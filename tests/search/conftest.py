"""Events for the search tests: a small, varied catalogue built the way the admin builds it."""

import pytest

from event_pages.models import Category, Venue
from search.services import SearchParams, search_events
from tests.factories import make_event


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
    """A body with one line-up block of these artists."""
    people = [{"name": name, "role": "", "bio": ""} for name in names]
    return [{"type": "lineup", "value": {"title": "Line-up", "people": people}}]


def paragraph(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


@pytest.fixture
def event_maker(organization):
    def make(title, **fields):
        return make_event(organization, title, **fields)

    return make


def run(language="en", per_page=12, **query):
    """Search as a visitor would, with query-string values."""
    params, errors = SearchParams.from_query({k: str(v) for k, v in query.items()})
    assert errors == {}
    return search_events(params, language=language, per_page=per_page)


def titles(result):
    return [event.title for event in result.results]


def facet(result, name):
    return {row["value"]: row["count"] for row in result.facets[name]}
