"""An agent gives a sold ticket to another person: a new code, the old one stops admitting."""

import datetime as dt

import pytest
from django.utils import timezone

from commerce.exceptions import CommerceError
from commerce.models import EventInventory, Order, Ticket, TicketStatus, TierInventory
from commerce.selectors import availability
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from commerce.services.promos import apply_promo_code
from commerce.services.ticket_changes import transfer_ticket
from commerce.tickets import InvalidTicket, ticket_payload, verify_ticket_payload
from event_pages.models import EventPage
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def buy(event, *, session_key="buyer", promo="", **quantities) -> Order:
    """A paid order through the demo gateway: `buy(event, General=2, VIP=1)`."""
    lines = [
        LineRequest(event.tiers.get(name=name).pk, quantity)
        for name, quantity in quantities.items()
    ]
    hold = place_hold(event=event, lines=lines, session_key=session_key)
    if promo:
        hold = apply_promo_code(hold=hold, code=promo)
    payment = start_checkout(
        hold=hold,
        buyer_email="bea@example.com",
        buyer_name="Bea Buyer",
        attendee_names=["Bea"] * sum(quantities.values()),
    )
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    return Order.objects.get(payment=payment)


def counters(event) -> tuple:
    """(event sold, {tier name: sold}) as the inventory rows say."""
    tiers = {
        tier.name: TierInventory.objects.get(tier_key=tier.translation_key).sold
        for tier in event.tiers.all()
    }
    return EventInventory.objects.get(event_key=event.translation_key).sold, tiers


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=10, tiers=[("General", 2500, None)])


@pytest.fixture
def ticket(event):
    return buy(event, General=2).tickets.order_by("pk").first()


def test_a_transfer_gives_the_new_holder_a_new_ticket_and_ends_the_old_one(event, ticket):
    old_code, old_payload = ticket.code, ticket_payload(ticket)
    before, left = counters(event), availability(event).for_tier(event.tiers.get())

    new = transfer_ticket(ticket=ticket, name="  Max Muster ", email="max@example.com")

    assert new.code != old_code and len(new.code) >= 20
    assert (new.attendee_name, new.attendee_email) == ("Max Muster", "max@example.com")
    assert new.status == TicketStatus.VALID and new.admits
    assert (new.order_id, new.item_id, new.tier_key) == (
        ticket.order_id,
        ticket.item_id,
        ticket.tier_key,
    )
    old = Ticket.objects.get(code=old_code)
    assert old.status == TicketStatus.TRANSFERRED and not old.admits
    assert old.replaced_by == new and new.replaces == old
    assert old.ended_at is not None and abs(old.ended_at - timezone.now()) < dt.timedelta(minutes=1)
    # Both stay on the order, and the place is the same place.
    assert set(ticket.order.tickets.values_list("code", flat=True)) >= {old_code, new.code}
    assert ticket.order.tickets.count() == 3
    assert counters(event) == before
    assert availability(event).for_tier(event.tiers.get()) == left
    # The old QR still carries a valid signature but names a ticket that no longer admits.
    assert verify_ticket_payload(old_payload)["c"] == old_code
    assert not Ticket.objects.get(code=verify_ticket_payload(old_payload)["c"]).admits
    assert verify_ticket_payload(ticket_payload(new))["c"] == new.code


def test_the_old_qr_code_no_longer_verifies_at_the_door(ticket):
    checks = pytest.importorskip("commerce.services.ticket_checks")
    payload = ticket_payload(ticket)
    new = transfer_ticket(ticket=ticket, name="Max Muster", email="max@example.com")
    with pytest.raises(InvalidTicket) as refusal:
        checks.verify_ticket(payload)
    assert refusal.value.reason == "transferred"
    assert checks.verify_ticket(ticket_payload(new)) == new


def test_the_callers_ticket_object_says_it_was_transferred(ticket):
    new = transfer_ticket(ticket=ticket, name="Max Muster", email="max@example.com")
    assert ticket.status == TicketStatus.TRANSFERRED and ticket.replaced_by == new


def test_a_transferred_ticket_cannot_be_transferred_again(ticket):
    transfer_ticket(ticket=ticket, name="Max Muster", email="max@example.com")
    stale = Ticket.objects.get(pk=ticket.pk)
    with pytest.raises(CommerceError) as refusal:
        transfer_ticket(ticket=stale, name="Eve", email="eve@example.com")
    assert refusal.value.code == "ticket_not_valid"
    assert Ticket.objects.filter(attendee_email="eve@example.com").count() == 0


def test_a_ticket_object_read_before_the_transfer_is_refused_too(ticket):
    """Two agents opened the same ticket: the second transfer finds it already ended."""
    seen_by_second_agent = Ticket.objects.get(pk=ticket.pk)
    transfer_ticket(ticket=ticket, name="Max Muster", email="max@example.com")
    with pytest.raises(CommerceError) as refusal:
        transfer_ticket(ticket=seen_by_second_agent, name="Eve", email="eve@example.com")
    assert refusal.value.code == "ticket_not_valid"


@pytest.mark.parametrize(
    ("name", "email", "code", "field"),
    [
        ("Max", "not-an-address", "invalid_attendee_email", "email"),
        ("Max", "max@", "invalid_attendee_email", "email"),
        ("Max", "  ", "attendee_email_required", "email"),
        ("   ", "max@example.com", "invalid_attendee_name", "name"),
        ("M" * 151, "max@example.com", "invalid_attendee_name", "name"),
    ],
)
def test_a_bad_name_or_email_is_refused_naming_the_field(ticket, name, email, code, field):
    with pytest.raises(CommerceError) as refusal:
        transfer_ticket(ticket=ticket, name=name, email=email)
    assert refusal.value.code == code
    assert refusal.value.detail == {"field": field}
    assert refusal.value.api_body() == {"error": code, "detail": refusal.value.message}
    assert "{" not in refusal.value.message and "%(" not in refusal.value.message
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VALID
    assert ticket.order.tickets.count() == 2


def test_a_name_of_150_characters_is_accepted(ticket):
    assert transfer_ticket(ticket=ticket, name="M" * 150, email="max@example.com").admits


def test_a_ticket_of_an_event_that_is_over_cannot_be_transferred(event, ticket):
    EventPage.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=5),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    with pytest.raises(CommerceError) as refusal:
        transfer_ticket(ticket=ticket, name="Max", email="max@example.com")
    assert refusal.value.code == "ticket_event_over"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VALID


def test_a_void_ticket_cannot_be_transferred(ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.VOID)
    with pytest.raises(CommerceError) as refusal:
        transfer_ticket(ticket=ticket, name="Max", email="max@example.com")
    assert refusal.value.code == "ticket_not_valid"


def test_refusals_read_in_german(ticket):
    from django.utils import translation

    with translation.override("de"), pytest.raises(CommerceError) as refusal:
        transfer_ticket(ticket=ticket, name="", email="max@example.com")
    with translation.override("de"):
        assert "150" in refusal.value.message and "Namen" in refusal.value.message
