"""One client address cannot hoard an event, however many fresh sessions it opens."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from commerce import hold_limits
from commerce.models import Hold
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.MAX_TICKETS_HELD_PER_ADDRESS = 6
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "holds": "1000/min"}


@pytest.fixture
def event(organization):
    return make_event(
        organization, "On Sale", capacity=300, tiers=[("General", 2500, None), ("VIP", 9000, 2)]
    )


def api_hold(event, quantity, *, tier="General", address="198.51.100.7", **headers):
    """A fresh client (new session, nothing remembered) asking for `quantity` tickets."""
    tier_id = event.tiers.get(name=tier).pk
    return APIClient().post(
        "/api/v1/holds/",
        {"lines": [{"tier_id": tier_id, "quantity": quantity}]},
        format="json",
        REMOTE_ADDR=address,
        **headers,
    )


def test_one_address_cannot_hold_more_than_the_cap_of_an_event_across_fresh_sessions(event):
    statuses = [
        api_hold(event, 2, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
    refused = api_hold(event, 1)
    assert refused.json()["error"] == "too_many_tickets_held"
    assert "6" in refused.json()["detail"]
    assert sum(h.lines.get().quantity for h in Hold.objects.all()) == 6


def test_another_address_and_another_event_still_get_tickets(event, organization):
    other_event = make_event(organization, "Next Night", capacity=50)
    assert api_hold(event, 6).status_code == 201
    assert api_hold(event, 1).status_code == 429
    assert api_hold(event, 1, address="198.51.100.8").status_code == 201
    assert api_hold(other_event, 1).status_code == 201


def test_a_refused_hold_gives_its_tickets_back(event):
    assert api_hold(event, 4).status_code == 201
    assert api_hold(event, 2, tier="VIP").status_code == 201  # VIP now sold out
    assert api_hold(event, 2, tier="VIP", address="198.51.100.8").status_code == 409
    assert api_hold(event, 6, address="198.51.100.8").status_code == 201


def test_tickets_count_no_more_once_their_hold_could_have_expired(event, settings, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(hold_limits.time, "time", lambda: clock[0])
    assert api_hold(event, 6).status_code == 201
    clock[0] += (settings.HOLD_MINUTES - 1) * 60
    assert api_hold(event, 1).status_code == 429
    clock[0] += 2 * 60
    assert api_hold(event, 1).status_code == 201


def test_a_signed_in_buyer_is_counted_by_account_not_address(event):
    api = APIClient()
    api.force_authenticate(make_user("ada@example.com"))
    assert api_hold(event, 6).status_code == 201
    tier_id = event.tiers.get(name="General").pk
    response = api.post(
        "/api/v1/holds/",
        {"lines": [{"tier_id": tier_id, "quantity": 6}]},
        format="json",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 201
    again = api.post(
        "/api/v1/holds/", {"lines": [{"tier_id": tier_id, "quantity": 1}]}, format="json"
    )
    assert again.status_code == 429


def test_rate_limits_off_lifts_the_cap(event, settings):
    settings.RATE_LIMITS_ENABLED = False
    assert [api_hold(event, 5).status_code for _ in range(3)] == [201, 201, 201]


def test_the_ticket_form_says_so_when_an_address_holds_too_many(event):
    tier_id = event.tiers.get(name="General").pk
    for _ in range(3):
        response = Client().post(f"/tickets/{event.pk}/hold/", {f"tier_{tier_id}": 2})
        assert response.status_code == 302
    refused = Client().post(f"/tickets/{event.pk}/hold/", {f"tier_{tier_id}": 1})
    assert refused.status_code in (409, 429)
    assert "You can hold at most 6 tickets for this event" in refused.content.decode()
    assert Hold.objects.count() == 3
