"""GET /api/v1/events/: the search contract as an app or a partner uses it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.commerce.payments import hold_for
from tests.search.conftest import lineup

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = {
    "id", "title", "summary", "starts_at", "ends_at", "timezone", "venue", "organization", "url",
    "live",
}  # fmt: skip


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def catalogue(event_maker, places, categories):
    music, talks = categories["music"], categories["talks"]
    return {
        "jazz": event_maker(
            "Jazz Nacht",
            venue=places["koeln"],
            category=music,
            body=lineup("Esperanza Spalding"),
            tiers=[("General", 3500, None)],
            starts_in_days=2,
        ),
        "summit": event_maker(
            "Data Summit",
            venue=places["zuerich"],
            category=talks,
            tiers=[("Standard", 19900, None)],
            starts_in_days=4,
        ),
        "small": event_maker(
            "Small Jazz Club",
            venue=places["berlin"],
            category=music,
            capacity=1,
            tiers=[("General", 1500, None)],
            starts_in_days=6,
        ),
    }


def get(api, **query):
    response = api.get("/api/v1/events/", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_answer_has_results_count_facets_and_suggestion(api, catalogue, organization):
    body = get(api)
    assert {"results", "count", "facets", "suggestion"} <= set(body)
    assert body["count"] == 3 and body["suggestion"] is None
    first = body["results"][0]
    assert SUMMARY_FIELDS <= set(first)  # every field the list answered before search
    assert first["title"] == "Jazz Nacht"
    assert first["venue"]["city"] == "Köln"
    assert first["organization"] == {"id": organization.pk, "name": "Aurora Live"}
    assert first["category"] == {"slug": "concerts", "name": "Concerts"}
    assert first["price_from"] == {"price_minor": 3500, "currency": "EUR"}
    assert first["sold_out"] is False
    assert set(body["facets"]) == {"city", "category", "date", "price", "available"}
    assert [row["value"] for row in body["facets"]["price"]] == [1000, 2500, 5000, 10000]
    assert {"value": "Köln", "count": 1} in body["facets"]["city"]
    assert {"value": "concerts", "label": "Concerts", "count": 2} in body["facets"]["category"]
    assert {row["value"] for row in body["facets"]["date"]} == {"today", "weekend", "week", "month"}


def test_filters_combine(api, catalogue):
    def titles(**query):
        return [e["title"] for e in get(api, **query)["results"]]

    assert titles(q="jazz") == ["Jazz Nacht", "Small Jazz Club"] or titles(q="jazz") == [
        "Small Jazz Club",
        "Jazz Nacht",
    ]
    assert titles(q="jazz", sort="date") == ["Jazz Nacht", "Small Jazz Club"]
    assert titles(q="jazz", city="Berlin") == ["Small Jazz Club"]
    assert titles(category="concerts", price_max=2000) == ["Small Jazz Club"]
    assert titles(city="Zurich", category="conferences") == ["Data Summit"]
    assert titles(sort="price") == ["Small Jazz Club", "Jazz Nacht", "Data Summit"]
    assert titles(q="spalding") == ["Jazz Nacht"]
    assert titles(date="week", sort="date") == ["Jazz Nacht", "Data Summit", "Small Jazz Club"]


def test_available_hides_sold_out_events_as_soon_as_they_sell_out(api, catalogue):
    assert get(api, available=1)["count"] == 3
    hold_for(catalogue["small"], quantity=1)
    body = get(api, available=1, sort="date")
    assert [e["title"] for e in body["results"]] == ["Jazz Nacht", "Data Summit"]
    everything = get(api, sort="date")
    assert [e["sold_out"] for e in everything["results"]] == [False, False, True]


def test_pages(api, catalogue, event_maker):
    for n in range(20):
        event_maker(f"Filler {n}", starts_in_days=30 + n)
    first = get(api, sort="date")
    assert first["count"] == 23 and len(first["results"]) == 20
    assert first["pages"] == 2 and "page=2" in first["next"]
    second = get(api, sort="date", page=2)
    assert len(second["results"]) == 3 and second["next"] is None and second["previous"]


def test_unicode_queries(api, catalogue):
    assert [e["title"] for e in get(api, q="Köln")["results"]] == ["Jazz Nacht"]
    assert [e["title"] for e in get(api, q="Zurich")["results"]] == ["Data Summit"]
    assert [e["title"] for e in get(api, q="ZÜRICH")["results"]] == ["Data Summit"]


@pytest.mark.parametrize(
    "hostile",
    [
        '"jazz',
        "jazz'",
        "' OR 1=1 --",
        "jazz); DROP TABLE wagtailcore_page; --",
        "a & b | !c <-> d:*",
        "\\",
        "%_%",
        "jazz\x00nacht",
        "\x00",
        "🎷 jazz",
        "x" * 199,
    ],
)
def test_hostile_queries_answer_normally(api, catalogue, hostile):
    response = api.get("/api/v1/events/", {"q": hostile})
    assert response.status_code == 200
    assert set(response.json()) >= {"results", "count", "facets", "suggestion"}


def test_too_long_or_invalid_parameters_answer_400_naming_the_field(api, catalogue):
    response = api.get("/api/v1/events/", {"q": "x" * 5000})
    assert response.status_code == 400
    assert response.json()["error"] == "validation_error"
    assert "200 characters" in response.json()["detail"]["q"]
    response = api.get(
        "/api/v1/events/",
        {"date": "yesterday", "price_max": "ten", "sort": "'; --", "page": "-1", "city": "\x00"},
    )
    assert response.status_code == 400
    assert set(response.json()["detail"]) == {"date", "price_max", "sort", "page"}
    assert api.get("/api/v1/events/", {"date_from": "2026-02-30"}).status_code == 400


def test_the_language_of_the_request_is_used(api, catalogue):
    body = api.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert body["count"] == 3  # no German versions: the events in their own language


def queries(api, **query) -> int:
    """Queries for one answer computed afresh (nothing cached)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/events/", query).status_code == 200
    return len(captured)


QUERIES = [{"q": "count"}, {"city": "Köln", "sort": "price"}, {}, {"available": "1"}]


def test_a_longer_page_costs_no_more_queries(api, event_maker, places, categories):
    def make(count, start):
        for n in range(start, start + count):
            event_maker(
                f"Query Count {n}",
                venue=places["koeln"],
                category=categories["music"],
                tiers=[("General", 2500, None), ("VIP", 9000, 5)],
                starts_in_days=5 + n,
            )

    make(3, 0)  # three or more: no "did you mean" is looked for
    few = [queries(api, **query) for query in QUERIES]
    make(10, 3)
    assert [queries(api, **query) for query in QUERIES] == few


def test_a_repeated_search_is_answered_from_the_cache_with_fewer_queries(api, catalogue):
    uncached = queries(api, q="jazz", city="Berlin")
    with CaptureQueriesContext(connection) as cached:
        assert api.get("/api/v1/events/", {"q": "jazz", "city": "Berlin"}).status_code == 200
    assert len(cached) < uncached
    assert not any("wagtailsearch" in q["sql"] for q in cached.captured_queries)
