"""Organizers set up pre-orders in the admin (Fulfilment → Pre-order offers)."""

import datetime as dt

import pytest

from accounts.roles import make_organizer
from fulfilment.models import PreOrderOffer
from tests.factories import make_event, make_user
from tests.fulfilment.preorder_data import make_offer

pytestmark = pytest.mark.django_db
ADD = "/admin/fulfilment/offers/new/"


def offer_form(event, variants=(), **fields):
    data = {
        "event": event.pk,
        "enabled": "on",
        "price_minor": "30.00",
        "currency": "EUR",
        "fallback": "closest",
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, (name, starts, ends) in enumerate(variants):
        data[f"variants-{index}-name"] = name
        data[f"variants-{index}-starts_at"] = starts
        data[f"variants-{index}-ends_at"] = ends
        data[f"variants-{index}-id"] = ""
        data[f"variants-{index}-DELETE"] = ""
    return data


def test_an_organizer_adds_an_offer_with_variants_typed_in_the_events_time_zone(
    editor, organization
):
    event = make_event(organization, time_zone="America/New_York")
    response = editor.post(
        ADD,
        offer_form(event, [("Entry 21:00", "2031-05-02 21:00", "2031-05-02 21:30")]),
    )
    assert response.status_code == 302, response.context["form"].errors
    offer = PreOrderOffer.objects.get()
    assert (offer.price_minor, offer.fallback, offer.event_key) == (
        3000,
        "closest",
        event.translation_key,
    )
    variant = offer.variants.get()
    assert variant.starts_at == dt.datetime(2031, 5, 3, 1, 0, tzinfo=dt.UTC)  # 21:00 EDT


def test_a_window_that_ends_before_it_starts_is_refused_next_to_the_field(editor, organization):
    event = make_event(organization)
    response = editor.post(
        ADD, offer_form(event, [("Late", "2031-05-02 22:00", "2031-05-02 21:00")])
    )
    assert response.status_code == 200
    assert "The window must not end before it starts." in response.content.decode()
    assert not PreOrderOffer.objects.exists()


def test_an_event_has_one_offer(editor, organization):
    offer = make_offer(make_event(organization))
    response = editor.post(ADD, offer_form(offer.event))
    assert "This event already has a pre-order offer." in response.content.decode()


def test_an_organizer_never_sees_or_sets_up_another_organizations_offers(
    client, organization, other_organization
):
    theirs = make_offer(make_event(other_organization, title="Their Night"))
    mine = make_offer(make_event(organization, title="My Night"))
    organizer = make_user("mine@example.com")
    make_organizer(organizer, organization)
    client.force_login(organizer)
    listing = client.get("/admin/fulfilment/offers/").content.decode()
    assert "My Night" in listing and "Their Night" not in listing
    assert client.get(f"/admin/fulfilment/offers/edit/{theirs.pk}/").status_code in (302, 403, 404)
    assert client.get(f"/admin/fulfilment/offers/edit/{mine.pk}/").status_code == 200
    other_event = make_event(other_organization, title="Another Night")
    response = client.post(ADD, offer_form(other_event))
    assert response.status_code == 200  # the event is not one of the choices
    assert not PreOrderOffer.objects.filter(event=other_event).exists()
