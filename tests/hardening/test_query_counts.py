"""Listing more events (or tiers) costs no more queries: no per-card or per-tier lookups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from event_pages.models import Category, Venue
from tests.factories import make_event, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_events(organization):
    image = make_image()
    category = Category.objects.create(name="Music", slug="music")
    venue = Venue.objects.create(
        organization=organization, name="Pier 7", address="Kai 1", city="Hamburg", country="DE"
    )

    def make(count, start=0):
        return [
            make_event(
                organization,
                f"Event {start + i}",
                tiers=[("General", 2500, None), ("VIP", 9000, 5)],
                hero_image=image,
                category=category,
                venue=venue,
                featured=True,
                starts_in_days=10 + start + i,
            )
            for i in range(count)
        ]

    return make


def queries(fetch) -> int:
    fetch()  # warm what is cached per process (site root paths, locales, renditions)
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/", "/events/", "/api/v1/events/", "/aurora-live/"])
def test_a_listing_of_twelve_events_costs_what_a_listing_of_three_does(
    client, make_events, url, django_assert_max_num_queries
):
    fetch = (lambda: APIClient().get(url)) if url.startswith("/api/") else (lambda: client.get(url))
    make_events(3)
    few = queries(fetch)
    make_events(9, start=3)
    fetch()  # warm again: publishing starts a new generation of the search cache
    with django_assert_max_num_queries(few):
        assert fetch().status_code == 200


def test_an_event_page_with_many_tiers_costs_what_one_with_two_does(
    client, organization, django_assert_max_num_queries
):
    small = make_event(organization, "Small", tiers=[("A", 100, None), ("B", 200, 3)])
    large = make_event(
        organization, "Large", tiers=[(f"T{i}", 100 * i, i or None) for i in range(12)]
    )
    few = queries(lambda: client.get(small.url))
    with django_assert_max_num_queries(few):
        client.get(large.url)
    few_api = queries(lambda: APIClient().get(f"/api/v1/events/{small.pk}/"))
    with django_assert_max_num_queries(few_api):
        APIClient().get(f"/api/v1/events/{large.pk}/")
