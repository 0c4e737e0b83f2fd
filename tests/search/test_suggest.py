"""Autocomplete: events, cities and artists as the visitor types, in any spelling."""

import pytest
from rest_framework.test import APIClient

from search.services import suggest
from tests.search.conftest import lineup

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(event_maker, places):
    event_maker("Kölner Lichter", venue=places["koeln"], starts_in_days=1)
    event_maker("Club Night", venue=places["berlin"], body=lineup("Kollektiv Turmstrasse"))
    event_maker("Old Gig", venue=places["zuerich"], starts_in_days=-3)
    event_maker("Secret Draft Kolibri", publish=False)


def pairs(suggestions):
    return [(s["type"], s["label"]) for s in suggestions]


def test_typing_suggests_cities_then_artists_then_events(catalogue):
    assert pairs(suggest("kol", language="en")) == [
        ("city", "Köln"),
        ("artist", "Kollektiv Turmstrasse"),
        ("event", "Kölner Lichter"),
    ]


def test_each_suggestion_links_to_where_it_leads(catalogue, event_maker):
    by_label = {s["label"]: s["url"] for s in suggest("kol", language="en")}
    assert by_label["Köln"] == "/events/?city=K%C3%B6ln"
    assert by_label["Kollektiv Turmstrasse"] == "/events/?q=Kollektiv+Turmstrasse"
    assert by_label["Kölner Lichter"].endswith("/aurora-live/kolner-lichter/")
    assert suggest("kol", language="de")[0]["url"] == "/de/events/?city=K%C3%B6ln"


def test_past_and_draft_events_and_their_cities_are_not_suggested(catalogue):
    assert suggest("zur", language="en") == []  # Zürich only hosts a past event
    assert suggest("kolibri", language="en") == []


def test_accents_and_case_do_not_matter(catalogue):
    assert pairs(suggest("KÖLN", language="en"))[0] == ("city", "Köln")
    assert pairs(suggest("turmstraße", language="en")) == [("artist", "Kollektiv Turmstrasse")]


def test_short_or_hostile_input_suggests_nothing_and_never_fails(catalogue):
    for typed in ["", "k", "'", '" OR 1=1 --', "%", "_", "\x00kol", "ko\x00l"]:
        assert isinstance(suggest(typed, language="en"), list)
    assert suggest("%", language="en") == []
    assert suggest("__", language="en") == []
    assert len(suggest("kol", language="en", limit=2)) == 2


def test_the_suggest_api_answers_a_list_and_refuses_too_long_input(catalogue):
    api = APIClient()
    response = api.get("/api/v1/search/suggest/", {"q": "kö"})
    assert response.status_code == 200
    assert response.json()[0] == {"type": "city", "label": "Köln", "url": "/events/?city=K%C3%B6ln"}
    assert api.get("/api/v1/search/suggest/").json() == []
    refused = api.get("/api/v1/search/suggest/", {"q": "x" * 5000})
    assert refused.status_code == 400
    assert refused.json()["error"] == "validation_error"
    assert "200 characters" in refused.json()["detail"]["q"]
    assert api.get("/api/v1/search/suggest/", {"q": "a\x00b"}).status_code == 200
