"""An exchange into a dearer tier: the place is reserved at once, the customer pays the
difference from an emailed link, and only the verified payment swaps the tickets."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commerce.exceptions import CommerceError, InsufficientInventory, PaymentError
from commerce.models import (
    DemoCharge,
    DemoRefund,
    ExchangeCharge,
    ExchangeChargeStatus,
    Hold,
    HoldStatus,
    Ticket,
    TicketStatus,
    TierInventory,
    WebhookEvent,
)
from commerce.payments.base import InvalidSignature
from commerce.payments.demo import DemoGateway, charge_card
from commerce.services import exchange_charges
from commerce.services.exchange_charges import (
    cancel_exchange_charge,
    expire_due,
    pay_url,
    pay_with_demo_card,
    request_exchange_payment,
)
from commerce.services.holds import LineRequest, place_hold
from commerce.services.orders import handle_webhook
from commerce.services.refunds import cancel_order, paid_for, refund_order
from commerce.services.ticket_changes import exchange_ticket, transfer_ticket
from commerce.services.ticket_checks import verify_ticket
from commerce.tickets import InvalidTicket, ticket_payload
from tests.commerce.payments import post_webhook, signed_event
from tests.commerce.test_ticket_exchange import TIERS, first_ticket, left, race, tier
from tests.commerce.test_ticket_transfer import buy, counters
from tests.conftest import requires_postgres
from tests.factories import make_event, make_organization

CARD = "4242424242424242"


@pytest.fixture
def event(organization):
    return make_event(organization, "Night Concert", capacity=10, tiers=TIERS)


@pytest.fixture
def bought(event):
    """A paid order of one General ticket (25.00) and the ticket."""
    order = buy(event, General=1)
    return order, first_ticket(order)


def ask(ticket, event, name="VIP") -> ExchangeCharge:
    return request_exchange_payment(ticket=ticket, tier=tier(event, name))


def pay(charge):
    charge.refresh_from_db()
    return pay_with_demo_card(charge=charge, card_number=CARD)


@pytest.mark.django_db
def test_a_dearer_exchange_reserves_the_place_at_once_and_keeps_the_old_ticket(event, bought):
    order, ticket = bought
    assert left(event)["VIP"] == 1 and left(event)["event"] == 9

    charge = ask(ticket, event)

    assert charge.status == ExchangeChargeStatus.AWAITING_PAYMENT
    assert (charge.amount_minor, charge.currency, charge.gateway) == (2500, "EUR", "demo")
    assert charge.tier_key == tier(event, "VIP").translation_key
    assert charge.event_key == event.translation_key
    assert charge.expires_at - timezone.now() > timedelta(hours=47)
    assert len(charge.token) >= 30
    assert DemoCharge.objects.get(reference=charge.reference).amount_minor == 2500
    # The place is taken now: nobody can buy it while the customer pays.
    assert left(event)["VIP"] == 0 and left(event)["event"] == 8
    assert counters(event) == (2, {"General": 1, "Seated": 0, "VIP": 1, "Student": 0})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.VALID and verify_ticket(ticket_payload(ticket)) == ticket
    assert pay_url(charge).endswith(f"/exchanges/{charge.pk}/{charge.token}/")
    # One awaiting exchange per ticket, and no other exchange of it meanwhile.
    for other in ("Seated", "Student"):
        with pytest.raises(CommerceError) as refusal:
            exchange_ticket(ticket=ticket, tier=tier(event, other))
        assert refusal.value.code == "exchange_payment_pending"
    with pytest.raises(CommerceError) as refusal:
        ask(ticket, event, "VIP")
    assert refusal.value.code == "exchange_payment_pending"
    assert ExchangeCharge.objects.filter(ticket=ticket).count() == 1


@pytest.mark.django_db
def test_nothing_to_pay_or_no_place_left_is_refused_with_nothing_changed(event, bought):
    order, ticket = bought
    with pytest.raises(CommerceError) as refusal:
        ask(ticket, event, "Seated")
    assert refusal.value.code == "exchange_not_dearer"
    buy(event, session_key="vip-fan", VIP=1)
    before = counters(event)
    with pytest.raises(InsufficientInventory):
        ask(ticket, event)
    assert counters(event) == before
    assert (
        not ExchangeCharge.objects.exists()
        and not DemoCharge.objects.filter(amount_minor=2500, status="pending").exists()
    )


@pytest.mark.django_db
def test_paying_swaps_the_tickets_exactly_once(
    event, bought, client, django_capture_on_commit_callbacks
):
    order, ticket = bought
    old_payload = ticket_payload(ticket)
    charge = ask(ticket, event)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert pay(charge) == "succeeded"

    charge.refresh_from_db()
    ticket.refresh_from_db()
    new = charge.new_ticket
    assert charge.status == ExchangeChargeStatus.PAID and charge.paid_at
    assert ticket.status == TicketStatus.VOID and ticket.replaced_by == new
    assert new.admits and new.code != ticket.code and new.order == order
    assert new.tier_key == tier(event, "VIP").translation_key
    with pytest.raises(InvalidTicket) as refusal:
        verify_ticket(old_payload)
    assert refusal.value.reason == "void"
    assert verify_ticket(ticket_payload(new)) == new
    # The old tier's place is back on sale, the VIP place stays sold.
    assert counters(event) == (1, {"General": 0, "Seated": 0, "VIP": 1, "Student": 0})
    assert left(event)["General"] == 5
    order.refresh_from_db()
    assert (order.total_minor, order.charged_minor, order.refundable_minor) == (2500, 2500, 5000)
    assert paid_for(new) == 5000
    assert [m.to for m in mail.outbox] == [["bea@example.com"]]
    assert "VIP" in mail.outbox[0].body

    # The same event delivered again, and another event for the same payment: no change.
    payload, signature = signed_event(charge)
    assert handle_webhook(payload=payload, signature=signature) == "exchange_already_settled"
    assert post_webhook(client, payload, signature).status_code == 200
    assert handle_webhook(payload=payload, signature=signature) == "duplicate"
    assert Ticket.objects.filter(order=order).count() == 2
    assert counters(event) == (1, {"General": 0, "Seated": 0, "VIP": 1, "Student": 0})
    order.refresh_from_db()
    assert order.charged_minor == 2500
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_forged_webhook_is_refused_and_changes_nothing(event, bought, client):
    order, ticket = bought
    charge = ask(ticket, event)
    DemoCharge.objects.filter(reference=charge.reference).update(status="succeeded")
    payload, _good = signed_event(charge)
    _other, forged = signed_event(charge, secret="not-the-secret")

    with pytest.raises(InvalidSignature):
        handle_webhook(payload=payload, signature=forged)
    assert post_webhook(client, payload, forged).status_code == 400
    assert post_webhook(client, payload, None).status_code == 400

    charge.refresh_from_db()
    ticket.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.AWAITING_PAYMENT and ticket.admits
    assert (
        not WebhookEvent.objects.filter(type="payment_intent.succeeded")
        .exclude(outcome="order_created")
        .exists()
    )


@pytest.mark.django_db
def test_the_payload_is_never_trusted_an_unpaid_charge_stays_awaiting(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)
    payload, signature = signed_event(charge)  # says succeeded; the gateway says pending
    assert handle_webhook(payload=payload, signature=signature) == "pending"
    charge.refresh_from_db()
    assert charge.awaiting and charge.new_ticket is None


@pytest.mark.django_db
def test_a_declined_card_changes_nothing_and_another_card_may_follow(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)
    assert pay_with_demo_card(charge=charge, card_number="4000000000000002") == "declined"
    charge.refresh_from_db()
    assert charge.awaiting
    assert pay(charge) == "succeeded"
    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.PAID


@pytest.mark.django_db
def test_expiry_releases_the_reserved_place_and_cancels_the_payment(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)
    assert left(event)["VIP"] == 0
    assert expire_due() == 0  # not due yet

    assert expire_due(now=charge.expires_at + timedelta(seconds=1)) == 1

    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.EXPIRED and charge.ended_at
    assert DemoCharge.objects.get(reference=charge.reference).status == "canceled"
    assert left(event)["VIP"] == 1
    assert counters(event) == (1, {"General": 1, "Seated": 0, "VIP": 0, "Student": 0})
    ticket.refresh_from_db()
    assert ticket.admits
    with pytest.raises(CommerceError) as refusal:
        pay(charge)
    assert refusal.value.code == "exchange_charge_not_awaiting"
    assert DemoCharge.objects.get(reference=charge.reference).status == "canceled"


@pytest.mark.django_db
def test_a_payment_the_sweep_finds_succeeded_is_honoured(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)
    DemoCharge.objects.filter(reference=charge.reference).update(status="succeeded")  # webhook lost

    expire_due(now=charge.expires_at + timedelta(minutes=1))

    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.PAID and charge.new_ticket.admits


@pytest.mark.django_db
def test_payment_after_the_ticket_was_transferred_is_refunded_automatically(
    event, bought, django_capture_on_commit_callbacks
):
    order, ticket = bought
    charge = ask(ticket, event)
    transfer_ticket(ticket=ticket, name="Max", email="max@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert pay(charge) == "succeeded"

    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.REFUNDED and "transferred" in charge.note
    made = DemoRefund.objects.get(charge_reference=charge.reference)
    assert made.amount_minor == 2500
    assert left(event)["VIP"] == 1  # the reserved place is back
    order.refresh_from_db()
    assert order.charged_minor == 0 and order.refundable_minor == 2500
    assert [m.to for m in mail.outbox] == [["bea@example.com"]]
    assert "refunded" in mail.outbox[0].subject


@pytest.mark.django_db
def test_refunding_the_ticket_cancels_its_exchange_and_a_late_payment_goes_back(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)
    # The customer pays at the gateway while support refunds the ticket.
    charge_card(reference=charge.reference, card_number=CARD)
    DemoCharge.objects.filter(reference=charge.reference).update(status="pending")

    refund_order(order=order, tickets=[ticket], reason="cannot come")

    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.CANCELLED
    assert DemoCharge.objects.get(reference=charge.reference).status == "canceled"
    assert counters(event) == (0, {"General": 0, "Seated": 0, "VIP": 0, "Student": 0})

    # A payment that still arrives (the gateway took it first) is refunded at once.
    DemoCharge.objects.filter(reference=charge.reference).update(status="succeeded")
    payload, signature = signed_event(charge)
    assert handle_webhook(payload=payload, signature=signature) == "exchange_payment_refunded"
    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.REFUNDED
    assert DemoRefund.objects.get(charge_reference=charge.reference).amount_minor == 2500
    assert counters(event) == (0, {"General": 0, "Seated": 0, "VIP": 0, "Student": 0})


@pytest.mark.django_db
def test_a_later_full_refund_gives_back_the_order_payment_and_the_difference(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)
    pay(charge)

    made = refund_order(order=order, reason="event moved")

    assert made.whole_amount_minor == 5000
    refunds = {r.charge_reference: r.amount_minor for r in DemoRefund.objects.all()}
    assert refunds == {order.payment_reference: 2500, charge.reference: 2500}
    rows = {r.exchange_charge_id: r.amount_minor for r in order.refunds.all()}
    assert rows == {None: 2500, charge.pk: 2500}
    order.refresh_from_db()
    assert order.refunded_minor == 5000 and order.status == "refunded"
    charge.refresh_from_db()
    assert charge.new_ticket.status == TicketStatus.REFUNDED
    assert counters(event) == (0, {"General": 0, "Seated": 0, "VIP": 0, "Student": 0})


@pytest.mark.django_db
def test_refunding_the_exchanged_in_ticket_gives_back_both_payments(organization):
    event = make_event(organization, "Two Seats", capacity=10, tiers=TIERS)
    order = buy(event, General=2)
    kept, swapped = order.tickets.order_by("pk")
    charge = ask(swapped, event)
    pay(charge)
    charge.refresh_from_db()

    made = refund_order(order=order, tickets=[charge.new_ticket], reason="cannot come")

    assert made.whole_amount_minor == 5000 and made.exchange_charge == charge
    assert {r.charge_reference: r.amount_minor for r in DemoRefund.objects.all()} == {
        charge.reference: 2500,
        order.payment_reference: 2500,
    }
    assert refund_order(order=order, tickets=[kept], reason="x").whole_amount_minor == 2500
    order.refresh_from_db()
    assert order.refunded_minor == order.paid_minor == 7500


@pytest.mark.django_db
def test_cancelling_the_order_cancels_its_awaiting_exchange(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)

    cancel_order(order=order, refund=True, reason="organizer cancelled")

    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.CANCELLED
    assert counters(event) == (0, {"General": 0, "Seated": 0, "VIP": 0, "Student": 0})


@pytest.mark.django_db
def test_an_agent_cancels_an_awaiting_exchange(event, bought):
    order, ticket = bought
    charge = ask(ticket, event)
    cancel_exchange_charge(charge=charge, note="customer changed their mind")
    assert charge.status == ExchangeChargeStatus.CANCELLED
    assert left(event)["VIP"] == 1
    with pytest.raises(CommerceError):
        cancel_exchange_charge(charge=charge)
    # Paid at the gateway already: the agent cannot cancel it any more.
    second = ask(ticket, event)
    DemoCharge.objects.filter(reference=second.reference).update(status="succeeded")
    with pytest.raises(PaymentError):
        cancel_exchange_charge(charge=second)
    second.refresh_from_db()
    assert second.awaiting


@pytest.mark.django_db
def test_the_pay_page(event, bought, client):
    order, ticket = bought
    charge = ask(ticket, event)
    url = f"/exchanges/{charge.pk}/{charge.token}/"

    assert client.get(f"/exchanges/{charge.pk}/wrong-token/").status_code == 404
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "General" in text and "VIP" in text and "25.00" in text
    assert 'name="card_number"' in text

    declined = client.post(
        url, {"card_number": "4000 0000 0000 0002", "expiry": "12/30", "cvc": "123"}
    )
    assert "declined" in declined.content.decode()
    paid = client.post(url, {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"})
    assert paid.status_code == 302
    done = client.get(url).content.decode()
    charge.refresh_from_db()
    assert "has been exchanged" in done and charge.new_ticket.code in done
    assert 'name="card_number"' not in done


@pytest.mark.django_db
def test_the_pay_page_says_when_the_link_expired(event, bought, client):
    order, ticket = bought
    charge = ask(ticket, event)
    ExchangeCharge.objects.filter(pk=charge.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(f"/exchanges/{charge.pk}/{charge.token}/").content.decode()
    assert "has expired" in page and 'name="card_number"' not in page
    refused = client.post(
        f"/exchanges/{charge.pk}/{charge.token}/",
        {"card_number": CARD, "expiry": "12/30", "cvc": "123"},
    )
    assert refused.status_code == 302
    assert DemoCharge.objects.get(reference=charge.reference).status == "pending"


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_place_raced_by_a_hold_and_an_exchange_is_never_oversold(home_page):
    organization = make_organization(home_page, "Race Org")
    for round_ in range(4):
        event = make_event(organization, f"Last VIP {round_}", capacity=20, tiers=TIERS)
        ticket = first_ticket(buy(event, session_key="holder", General=1))
        vip = tier(event, "VIP")

        def action(i, ticket=ticket, vip=vip, event=event):
            if i == 0:
                return request_exchange_payment(ticket=ticket, tier=vip)
            return place_hold(
                event=event, lines=[LineRequest(vip.pk, 1)], session_key=f"racer-{event.pk}"
            )

        results = race(2, action)

        won = [r for r in results if not isinstance(r, str)]
        assert len(won) == 1, results
        assert [r for r in results if isinstance(r, str)] == ["insufficient_inventory"], results
        row = TierInventory.objects.get(tier_key=vip.translation_key)
        assert row.sold + row.held == 1, (row.sold, row.held)
        active = Hold.objects.filter(event_key=event.translation_key, status=HoldStatus.ACTIVE)
        assert ExchangeCharge.objects.filter(ticket=ticket).count() + active.count() == 1
        assert ticket.__class__.objects.get(pk=ticket.pk).admits


def test_exchange_references_are_handed_to_the_exchange_service():
    from commerce import payment_owners

    assert exchange_charges.owner_of in payment_owners._lookups
    assert DemoGateway.name == "demo"


@pytest.mark.django_db
def test_the_scheduled_task_expires_due_exchanges(event, bought):
    from django_q.models import Schedule

    from commerce import tasks

    order, ticket = bought
    charge = ask(ticket, event)
    ExchangeCharge.objects.filter(pk=charge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    schedule = Schedule.objects.get(name="expire exchange charges")
    assert schedule.func == "commerce.tasks.expire_exchange_charges"

    assert tasks.expire_exchange_charges() == 1
    assert tasks.expire_exchange_charges() == 0
    charge.refresh_from_db()
    assert charge.status == ExchangeChargeStatus.EXPIRED and left(event)["VIP"] == 1


@pytest.mark.django_db
def test_a_dashboard_refund_of_the_difference_is_recorded_once_on_the_order(event, bought, client):
    from commerce.payments.demo import signed_refund_event

    order, ticket = bought
    charge = ask(ticket, event)
    pay(charge)
    charge.refresh_from_db()
    # Refunded in the provider's dashboard, on the difference's own payment.
    made = DemoGateway().refund(
        reference=charge.reference, amount_minor=1000, idempotency_key="dash-diff"
    )
    payload, signature = signed_refund_event(reference=charge.reference)

    assert post_webhook(client, payload, signature).json() == {"status": "refund_recorded"}
    assert post_webhook(client, payload, signature).json() == {"status": "duplicate"}
    replay = signed_refund_event(reference=charge.reference)  # a new event id, same refund
    assert post_webhook(client, *replay).json() == {"status": "refunds_known"}

    row = order.refunds.get()
    assert (row.reference, row.amount_minor, row.exchange_charge) == (made.reference, 1000, charge)
    order.refresh_from_db()
    assert order.refunded_minor == 1000 and order.refundable_minor == 4000
    # What is left of the difference (15.00) and the order payment (25.00) still refunds.
    rest = refund_order(order=order, reason="cannot come")
    assert rest.whole_amount_minor == 4000
    assert {(r.charge_reference, r.amount_minor) for r in DemoRefund.objects.all()} == {
        (charge.reference, 1000),
        (charge.reference, 1500),
        (order.payment_reference, 2500),
    }


@pytest.mark.django_db
def test_the_sales_figures_count_a_paid_difference(event, bought):
    from commerce.models import Order
    from commerce.selectors import sales_totals

    order, ticket = bought
    assert sales_totals(Order.objects.filter(pk=order.pk)).revenue == {"EUR": 2500}
    charge = ask(ticket, event)
    assert sales_totals(Order.objects.filter(pk=order.pk)).revenue == {"EUR": 2500}  # not paid
    pay(charge)
    totals = sales_totals(Order.objects.filter(pk=order.pk))
    assert totals.revenue == {"EUR": 5000} and totals.tickets == 1
