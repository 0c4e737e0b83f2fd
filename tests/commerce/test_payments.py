"""From a verified payment to exactly one order with tickets (DESIGN invariant 4)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from commerce.exceptions import CommerceError, HoldError
from commerce.models import (
    EventInventory,
    FollowUpStatus,
    Hold,
    HoldStatus,
    Order,
    OrderStatus,
    Payment,
    PaymentFollowUp,
    Ticket,
)
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import release_expired_holds
from commerce.services.orders import refund_follow_up
from commerce.tickets import InvalidTicket, ticket_payload, verify_ticket_payload
from tests.commerce.payments import checkout, hold_for, mark_charge, post_webhook, signed_event
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=10, tiers=[("General", 2500, None)])


@pytest.fixture
def payment(event):
    return checkout(hold_for(event, 2), names=["Ann", "Ben"])


def test_a_signed_success_webhook_creates_a_completed_order_with_tickets(
    client, payment, django_capture_on_commit_callbacks
):
    mark_charge(payment, "succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, *signed_event(payment))
    assert response.status_code == 200
    order = Order.objects.get()
    assert order.status == OrderStatus.COMPLETED
    assert (order.total_minor, order.currency, order.total_quantity) == (5000, "EUR", 2)
    assert order.payment_provider == "demo" and order.payment_reference == payment.reference
    assert [t.attendee_name for t in order.tickets.order_by("pk")] == ["Ann", "Ben"]
    assert order.items.get().quantity == 2
    assert Hold.objects.get().status == HoldStatus.CONSUMED
    inventory = EventInventory.objects.get()
    assert (inventory.sold, inventory.held) == (2, 0)
    assert len(order.number) == 10 and order.number.isalnum()


def test_a_forged_signature_changes_nothing(client, payment):
    mark_charge(payment, "succeeded")
    payload, _signature = signed_event(payment)
    _other, forged = signed_event(payment, secret="whsec_attacker")
    response = post_webhook(client, payload, forged)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_signature"
    assert not Order.objects.exists()


def test_a_missing_signature_is_refused(client, payment):
    response = post_webhook(client, signed_event(payment)[0], None)
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_a_tampered_payload_is_refused(client, payment):
    payload, signature = signed_event(payment)
    response = post_webhook(client, payload.replace(b"succeeded", b"payment_failed"), signature)
    assert response.status_code == 400


def test_the_payload_is_not_trusted_the_gateway_is_asked(client, payment):
    # The event claims success but the gateway says the charge is still pending.
    response = post_webhook(client, *signed_event(payment))
    assert response.json() == {"status": "pending"}
    assert not Order.objects.exists()


def test_a_replayed_event_is_acknowledged_and_ignored(client, payment):
    mark_charge(payment, "succeeded")
    payload, signature = signed_event(payment, event_id="evt_same")
    assert post_webhook(client, payload, signature).json() == {"status": "order_created"}
    assert post_webhook(client, payload, signature).json() == {"status": "duplicate"}
    assert Order.objects.count() == 1
    assert Ticket.objects.count() == 2


def test_two_different_success_events_for_one_payment_make_one_order(client, payment):
    mark_charge(payment, "succeeded")
    post_webhook(client, *signed_event(payment))
    post_webhook(client, *signed_event(payment))
    assert Order.objects.count() == 1


def test_a_late_failure_event_after_success_changes_nothing(client, payment):
    mark_charge(payment, "succeeded")
    post_webhook(client, *signed_event(payment))
    post_webhook(client, *signed_event(payment, "payment_intent.payment_failed"))
    assert Order.objects.get().status == OrderStatus.COMPLETED
    assert Payment.objects.get().status == "succeeded"


def test_a_declined_card_keeps_the_hold_and_a_retry_succeeds_once(payment):
    assert confirm_demo_payment(payment=payment, card_number="4000 0000 0000 0002") == "declined"
    hold = Hold.objects.get()
    assert hold.status == HoldStatus.ACTIVE
    assert Payment.objects.get().status == "failed"
    assert not Order.objects.exists()
    assert confirm_demo_payment(payment=payment, card_number="4242 4242 4242 4242") == "succeeded"
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    assert Order.objects.count() == 1


def test_an_invalid_card_number_is_refused_with_a_reason(payment):
    with pytest.raises(CommerceError) as refusal:
        confirm_demo_payment(payment=payment, card_number="1234")
    assert refusal.value.code == "invalid_card"


def test_after_expiry_the_buyer_must_start_again(event):
    hold = hold_for(event, 1, now=timezone.now() - dt.timedelta(minutes=16))
    with pytest.raises(HoldError) as refusal:
        checkout(hold)
    assert refusal.value.code == "hold_not_active"


def test_a_double_click_on_pay_creates_one_payment(event):
    hold = hold_for(event, 1)
    first, second = checkout(hold), checkout(hold)
    assert first.pk == second.pk and first.reference == second.reference
    assert Payment.objects.count() == 1


def test_buyer_details_are_checked_naming_the_field(event):
    from commerce.services.checkout import start_checkout

    with pytest.raises(CommerceError) as refusal:
        start_checkout(hold=hold_for(event, 1), buyer_email="not-an-email", buyer_name="X")
    assert refusal.value.code == "invalid_email"


def test_payment_after_the_hold_expired_still_sells_when_capacity_allows(payment):
    Hold.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    release_expired_holds()
    mark_charge(payment, "succeeded")
    from commerce.services.orders import confirm_payment

    assert confirm_payment(payment=payment) is not None
    assert EventInventory.objects.get().sold == 2


def test_payment_after_expiry_with_no_capacity_left_is_recorded_for_a_refund(event, payment):
    Hold.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    release_expired_holds()
    hold_for(event, 9, session_key="someone-else")  # the tickets went to someone else
    mark_charge(payment, "succeeded")
    from commerce.services.orders import confirm_payment, order_state_for_payment

    assert confirm_payment(payment=payment) is None
    assert not Order.objects.exists()
    follow_up = PaymentFollowUp.objects.get()
    assert Payment.objects.get().status == "succeeded"
    assert order_state_for_payment(payment)["state"] == "review"
    assert EventInventory.objects.get().sold == 0
    refund_follow_up(follow_up=follow_up)
    refund_follow_up(follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.REFUNDED
    assert Payment.objects.get().status == "refunded"


def test_the_confirmation_email_is_sent_once_with_qr_codes(
    payment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirm_demo_payment(payment=payment, card_number="4242424242424242")
    from commerce.tasks import send_order_confirmation

    assert send_order_confirmation(Order.objects.get().pk) == "already sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buyer@example.com"]
    order = Order.objects.get()
    assert order.number in message.subject
    html = message.alternatives[0][0]
    for ticket in order.tickets.all():
        assert f"cid:ticket-{ticket.code}" in html
    images = [part for part in message.attachments if getattr(part, "get_content_type", None)]
    assert len(images) == 2


def test_a_ticket_payload_verifies_and_a_tampered_one_is_refused(payment):
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    ticket = Ticket.objects.first()
    payload = ticket_payload(ticket)
    assert verify_ticket_payload(payload)["c"] == ticket.code
    prefix, body, signature = payload.split(".")
    forged = f"{prefix}.{body[:-2]}AA.{signature}"
    with pytest.raises(InvalidTicket):
        verify_ticket_payload(forged)
    with pytest.raises(InvalidTicket):
        verify_ticket_payload("garbage")


def test_each_named_attendee_with_an_email_gets_their_own_ticket(
    event, django_capture_on_commit_callbacks
):
    from commerce.services.checkout import start_checkout

    payment = start_checkout(
        hold=hold_for(event, 2, session_key="group"),
        buyer_email="lead@example.com",
        buyer_name="Lea Lead",
        attendee_names=["Lea", "Max"],
        attendee_emails=["", "max@example.com"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        confirm_demo_payment(payment=payment, card_number="4242424242424242")
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.com", "max@example.com"]
    max_mail = next(m for m in mail.outbox if m.to == ["max@example.com"])
    max_ticket = Ticket.objects.get(attendee_email="max@example.com")
    assert max_ticket.attendee_name == "Max"
    assert f"cid:ticket-{max_ticket.code}" in max_mail.alternatives[0][0]
    assert max_mail.alternatives[0][0].count("cid:ticket-") == 1


def test_a_bad_attendee_email_is_refused(event):
    from commerce.services.checkout import start_checkout

    with pytest.raises(CommerceError) as refusal:
        start_checkout(
            hold=hold_for(event, 1),
            buyer_email="a@example.com",
            buyer_name="A",
            attendee_emails=["not-an-email"],
        )
    assert refusal.value.code == "invalid_attendee_email"


def test_an_order_is_created_complete_with_its_tickets_in_one_step(payment):
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    order = Order.objects.get()
    assert order.status == OrderStatus.COMPLETED and order.completed_at is not None
    assert order.tickets.count() == order.total_quantity == 2
