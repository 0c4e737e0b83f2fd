"""Sales stop when the event is over (or earlier, at a tier's sales end) on every path —
the page, the form post, the API hold, checkout and payment — and add-on tiers sell
only beside the tier they need."""

import datetime as dt

import pytest
from django.utils import timezone

from commerce.exceptions import HoldError
from commerce.models import EventInventory, Order, Payment, PaymentFollowUp, PaymentStatus
from commerce.services.orders import EVENT_OVER
from event_pages.models import EventPage, TicketTier
from tests.commerce.payments import checkout, hold_for, mark_charge, post_webhook, signed_event
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_event(organization):
    return make_event(organization, "Aurora Season Opening", starts_in_days=-2)


def end_now(event):
    """The event ends (while someone is buying)."""
    past = timezone.now() - dt.timedelta(minutes=5)
    EventPage.objects.filter(pk=event.pk).update(
        starts_at=past - dt.timedelta(hours=3), ends_at=past
    )


def test_a_past_event_keeps_its_page_without_a_ticket_picker(client, past_event):
    page = client.get(past_event.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "This event has already taken place; tickets are no longer sold." in body
    assert f"/tickets/{past_event.pk}/hold/" not in body


def test_a_past_event_cannot_be_bought_by_posting_the_form(client, past_event):
    general = past_event.tiers.get()
    response = client.post(f"/tickets/{past_event.pk}/hold/", {f"tier_{general.pk}": 1})
    assert response.status_code in (200, 400, 409)
    assert "already taken place" in response.content.decode()
    assert EventInventory.objects.get(event_key=past_event.translation_key).held == 0


def test_a_past_event_cannot_be_held_through_the_api(client, past_event):
    general = past_event.tiers.get()
    response = client.post(
        "/api/v1/holds/",
        {"lines": [{"tier_id": general.pk, "quantity": 1}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "event_over"


def test_a_past_event_leaves_the_sitemap_but_an_upcoming_one_stays(
    client, organization, past_event
):
    make_event(organization, "Next Week", starts_in_days=7)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert past_event.slug not in sitemap
    assert "next-week" in sitemap


def test_a_tier_whose_sales_ended_is_not_sold_though_the_event_is_upcoming(client, organization):
    event = make_event(organization, tiers=[("Early Bird", 1500, None), ("General", 2500, None)])
    TicketTier.objects.filter(page=event, name="Early Bird").update(
        sales_end=timezone.now() - dt.timedelta(hours=1)
    )
    early = event.tiers.get(name="Early Bird")
    response = client.post(
        "/api/v1/holds/",
        {"lines": [{"tier_id": early.pk, "quantity": 1}]},
        content_type="application/json",
    )
    assert response.json()["error"] == "tier_not_on_sale"
    assert "Not on sale now" in client.get(event.url).content.decode()


def test_checkout_is_refused_once_the_event_ended_during_the_hold(organization):
    event = make_event(organization)
    hold = hold_for(event, 1)
    end_now(event)
    with pytest.raises(HoldError) as refusal:
        checkout(hold)
    assert refusal.value.code == "event_over"
    assert not Payment.objects.exists()


@pytest.mark.parametrize("sql_core", [True, False], ids=["sql-core", "python-path"])
def test_a_payment_settling_after_the_event_ended_is_refunded_not_sold(
    client, organization, settings, sql_core, django_capture_on_commit_callbacks
):
    settings.COMMERCE_SQL_CORE = sql_core and settings.IS_POSTGRES
    event = make_event(organization)
    payment = checkout(hold_for(event, 2))
    mark_charge(payment, "succeeded")
    end_now(event)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, *signed_event(payment))
    assert response.status_code == 200
    assert not Order.objects.exists()
    follow_up = PaymentFollowUp.objects.get(payment=payment)
    assert follow_up.reason == EVENT_OVER
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REFUNDED
    assert EventInventory.objects.get(event_key=event.translation_key).sold == 0


# --- add-on tiers ------------------------------------------------------------------


@pytest.fixture
def conference(organization):
    event = make_event(organization, tiers=[("Conference", 30000, None), ("Workshop", 9000, 20)])
    conference_tier = event.tiers.get(name="Conference")
    TicketTier.objects.filter(page=event, name="Workshop").update(
        requires_tier_key=conference_tier.translation_key
    )
    return event


def hold_lines(client, event, **quantities):
    lines = [
        {"tier_id": event.tiers.get(name=name).pk, "quantity": qty}
        for name, qty in quantities.items()
    ]
    return client.post("/api/v1/holds/", {"lines": lines}, content_type="application/json")


def test_an_add_on_alone_is_refused_with_the_tier_it_needs(client, conference):
    response = hold_lines(client, conference, Workshop=1)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "tier_requires_another"
    assert body["detail"] == "“Workshop” can only be bought together with a “Conference” ticket."


def test_an_add_on_beside_the_tier_it_needs_is_held(client, conference):
    assert hold_lines(client, conference, Conference=1, Workshop=1).status_code == 201


def test_the_page_says_what_an_add_on_needs_and_the_form_refuses_it_alone(client, conference):
    page = client.get(conference.url).content.decode()
    assert "Only together with a Conference ticket." in page
    workshop = conference.tiers.get(name="Workshop")
    refused = client.post(f"/tickets/{conference.pk}/hold/", {f"tier_{workshop.pk}": 1})
    assert "can only be bought together with" in refused.content.decode()
