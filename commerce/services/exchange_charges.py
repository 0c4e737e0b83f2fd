"""Exchanging a ticket for a dearer tier: the customer pays the difference first.

`request_exchange_payment` runs the rules of every exchange
(ticket_changes.plan_exchange), reserves ONE sold place of the target tier at once
(the inventory rule of a hold: a conditional update, so the last place goes to one
exchange or one buyer, never both) and creates the gateway payment of the
difference (an ExchangeCharge). The old ticket stays valid meanwhile. The customer
pays on `/exchanges/<id>/<token>/` (commerce.exchange_views).

The payment's success reaches us through the one signed, idempotent webhook path
(orders.handle_webhook, which hands exchange-charge references here through
commerce.payment_owners). We ask the gateway, never the payload; then, in one
transaction, the new ticket is issued, the old one is void, the old ticket's sold
place is given back (the target place was already taken) and the order counts the
difference as paid (`Order.charged_minor`, refundable later like the rest). If by
then the charge is no longer awaiting payment (expired, cancelled) or the ticket no
longer valid, or the amount does not match, the payment is refunded at once.

A charge past `expires_at` is expired by the sweep (commerce.tasks, every few
minutes): its gateway payment cancelled, its place given back. A payment that
succeeded before the sweep cancelled it is honoured (the place was still reserved).
Cancelling or fully refunding the order cancels its awaiting charges
(commerce.services.refunds), and an agent can cancel one.

Lock order, as everywhere in commerce: the order row, the charge, the ticket, then
the inventory rows (counters last); the gateway is never called while inventory
rows are locked.
"""

import logging
import secrets
import uuid
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from commerce.audit import EXCHANGE_EXPIRED, EXCHANGE_PAID, EXCHANGE_PAYMENT_REFUNDED
from commerce.exceptions import CommerceError, InsufficientInventory, PaymentError
from commerce.models import (
    ExchangeCharge,
    ExchangeChargeStatus,
    Order,
    Ticket,
    TicketStatus,
)
from commerce.payments import get_gateway
from commerce.services.holds import release_sold
from commerce.services.ticket_changes import (
    issue_exchanged_ticket,
    plan_exchange,
    take_sold_place,
)
from event_pages.models import EventPage

logger = logging.getLogger(__name__)

AWAITING = ExchangeChargeStatus.AWAITING_PAYMENT
SETTLED = (ExchangeChargeStatus.PAID, ExchangeChargeStatus.REFUNDED)


# --- asking for the difference ----------------------------------------------------------


def request_exchange_payment(*, ticket: Ticket, tier, actor=None) -> ExchangeCharge:
    """Reserve one place of `tier` for `ticket` and ask the customer to pay the difference.

    Refuses like exchange_ticket (the CommerceError naming the rule), with
    "exchange_not_dearer" when there is nothing to pay, "exchange_payment_pending"
    when the ticket already waits for one, InsufficientInventory when no place is
    left, PaymentError when the gateway cannot be reached; then nothing changed.
    The caller audits it and emails the customer (`pay_url`).
    """
    now = timezone.now()
    gateway = get_gateway()
    with transaction.atomic():
        plan = plan_exchange(ticket=ticket, tier=tier, now=now)
        order = plan.ticket.order
        if plan.difference_minor <= 0:
            raise CommerceError("exchange_not_dearer")
        charge = ExchangeCharge.objects.create(
            order=order,
            ticket=plan.ticket,
            tier=tier,
            tier_key=tier.translation_key,
            tier_name=tier.name,
            event_key=plan.target.translation_key,
            amount_minor=plan.difference_minor,
            currency=order.currency,
            gateway=gateway.name,
            token=secrets.token_urlsafe(24),
            expires_at=now + timedelta(hours=settings.EXCHANGE_PAYMENT_HOURS),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        # The gateway before the inventory rows (never called while they are locked).
        # The key is new for each request: a rolled-back charge's id may come again.
        charge.reference, charge.client_secret = gateway.create_payment(
            payment=charge, idempotency_key=f"exchange-charge-{uuid.uuid4()}"
        )
        charge.save(update_fields=["reference", "client_secret"])
        try:
            take_sold_place(plan.target, tier, now)
        except InsufficientInventory:
            # No place after all: this rolls back, and nobody may pay what it asked for.
            _cancel_quietly(gateway, charge.reference)
            raise
    return charge


def _cancel_quietly(gateway, reference: str) -> None:
    try:
        gateway.cancel(reference=reference)
    except PaymentError:
        logger.warning("unused exchange payment %s not cancelled", reference)


def pay_url(charge: ExchangeCharge) -> str:
    """The customer's link to the pay page (its token is the only key to it)."""
    path = reverse("commerce:exchange_pay", args=[charge.pk, charge.token])
    return f"{settings.SITE_URL}{path}"


def payable(charge: ExchangeCharge, now=None) -> bool:
    """Whether the customer may pay it now (awaiting and not past its deadline)."""
    return charge.awaiting and charge.expires_at > (now or timezone.now())


def pay_with_demo_card(*, charge: ExchangeCharge, card_number: str) -> str:
    """Charge the demo card and settle it through the real webhook path: "succeeded" or
    "declined". Refuses CommerceError("exchange_charge_not_awaiting") once the charge
    expired or ended, CommerceError("invalid_card")."""
    from commerce.payments.demo import DemoGateway, charge_card
    from commerce.services.orders import handle_webhook

    if not payable(charge):
        raise CommerceError("exchange_charge_not_awaiting")
    payload, signature = charge_card(reference=charge.reference, card_number=card_number)
    outcome = handle_webhook(payload=payload, signature=signature, gateway=DemoGateway())
    return "declined" if outcome == "exchange_payment_failed" else "succeeded"


# --- the payment's outcome (the webhook) ------------------------------------------------


def owner_of(reference: str):
    """commerce.payment_owners lookup: exchange charges' payments are settled here."""
    if reference and ExchangeCharge.objects.filter(reference=reference).exists():
        return handle_payment_event
    return None


def handle_payment_event(*, reference: str, event_type: str, gateway) -> str:
    """A verified gateway event about an exchange charge (inside the webhook's
    transaction, which records the event once). A failed attempt changes nothing:
    the customer may try another card until the deadline."""
    if event_type != "payment_intent.succeeded":
        return "exchange_payment_failed"
    return settle(reference=reference, gateway=gateway)


def settle(*, reference: str, gateway, truth=None) -> str:
    """Apply what the gateway says about an exchange charge's payment — at most once.

    Succeeded and still awaiting (the amount matching): the exchange is made.
    Succeeded but the charge ended or the ticket is no longer valid (or the amount
    differs): the payment goes back at once. Replays change nothing.
    """
    truth = truth or gateway.retrieve(reference)  # never the payload's word
    if truth.status != "succeeded":
        return "pending"
    with transaction.atomic():
        found = (
            ExchangeCharge.objects.filter(reference=reference, gateway=gateway.name)
            .values_list("pk", "order_id")
            .first()
        )
        if found is None:
            return "unknown_payment"
        order = Order.objects.select_for_update().get(pk=found[1])
        charge = ExchangeCharge.objects.select_for_update().get(pk=found[0])
        charge.order = order
        if charge.status in SETTLED:
            return "exchange_already_settled"
        ticket = Ticket.objects.select_for_update().get(pk=charge.ticket_id)
        ticket.order = order
        now = timezone.now()
        reason = _why_not(charge, ticket, truth)
        if reason:
            return _refund_payment(charge, truth, gateway, reason, now)
        return _complete(charge, ticket, now)


def _why_not(charge: ExchangeCharge, ticket: Ticket, truth) -> str:
    if charge.status == ExchangeChargeStatus.EXPIRED:
        return "Paid after the exchange had expired."
    if charge.status == ExchangeChargeStatus.CANCELLED:
        return "Paid after the exchange was cancelled."
    if ticket.status != TicketStatus.VALID:
        return f"Paid after the ticket was {ticket.get_status_display().lower()}."
    if truth.amount_minor != charge.amount_minor or truth.currency != charge.currency:
        return (
            f"Charged {truth.amount_minor} {truth.currency}, the difference is "
            f"{charge.amount_minor} {charge.currency} (minor units)."
        )
    if charge.tier is None or _target(charge) is None:
        return "The new tier no longer exists."
    return ""


def _target(charge: ExchangeCharge) -> EventPage | None:
    return EventPage.objects.filter(translation_key=charge.event_key).order_by("pk").first()


def _complete(charge: ExchangeCharge, ticket: Ticket, now) -> str:
    order = charge.order
    old_place = {ticket.held_event_key: {ticket.tier_key: 1}}
    new = issue_exchanged_ticket(ticket, _target(charge), charge.tier, now)
    order.charged_minor += charge.amount_minor
    order.save(update_fields=["charged_minor"])
    charge.status, charge.paid_at, charge.new_ticket = ExchangeChargeStatus.PAID, now, new
    charge.save(update_fields=["status", "paid_at", "new_ticket"])
    log(
        instance=order,
        action=EXCHANGE_PAID,
        user=None,
        data={
            "exchange_charge": charge.pk,
            "reference": charge.reference,
            "amount_minor": charge.amount_minor,
            "currency": charge.currency,
            "before": {"code": ticket.code, "tier_key": str(ticket.tier_key)},
            "after": {"code": new.code, "tier_key": str(new.tier_key)},
        },
    )
    release_sold(old_place)  # the counters last; the target place was taken at the request
    transaction.on_commit(lambda: _send_new_ticket(charge.pk))
    return "exchange_completed"


def _refund_payment(charge: ExchangeCharge, truth, gateway, reason: str, now) -> str:
    """Money that cannot become the exchange goes back at once (a refusal raises: the
    webhook's transaction rolls back and the gateway's retry tries again)."""
    made = gateway.refund(
        reference=charge.reference,
        amount_minor=truth.amount_minor,
        idempotency_key=f"exchange-refund-{charge.pk}",
    )
    if made.status == "failed":
        raise PaymentError("refund_refused")
    was_awaiting = charge.awaiting
    charge.status, charge.ended_at = ExchangeChargeStatus.REFUNDED, charge.ended_at or now
    charge.note = reason[:255]
    charge.save(update_fields=["status", "ended_at", "note"])
    log(
        instance=charge.order,
        action=EXCHANGE_PAYMENT_REFUNDED,
        user=None,
        data={
            "exchange_charge": charge.pk,
            "reference": charge.reference,
            "refund": made.reference,
            "amount_minor": truth.amount_minor,
            "currency": truth.currency,
            "reason": reason,
        },
    )
    if was_awaiting:  # its place was still reserved
        release_sold({charge.event_key: {charge.tier_key: 1}})
    transaction.on_commit(lambda: _send_refund_notice(charge.pk))
    return "exchange_payment_refunded"


# --- ending a charge unpaid -------------------------------------------------------------


def cancel_exchange_charge(*, charge: ExchangeCharge, actor=None, note: str = "") -> ExchangeCharge:
    """An agent withdraws an exchange waiting for payment: the gateway payment is
    cancelled and the reserved place goes back on sale. Refuses
    CommerceError("exchange_charge_not_awaiting") when it no longer waits, and
    PaymentError("payment_in_progress") when the customer has just paid (the
    webhook makes the exchange)."""
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=charge.order_id)
        locked = ExchangeCharge.objects.select_for_update().get(pk=charge.pk)
        if not locked.awaiting:
            raise CommerceError("exchange_charge_not_awaiting")
        get_gateway(locked.gateway).cancel(reference=locked.reference)
        places = _end(locked, ExchangeChargeStatus.CANCELLED, note or "Cancelled by support.")
        release_sold(places)
    charge.status, charge.ended_at, charge.note = locked.status, locked.ended_at, locked.note
    return locked


def close_awaiting_charges(order: Order, *, ticket_ids=None) -> dict:
    """For commerce.services.refunds, the order locked: the awaiting charges of the order
    (or of these tickets) are cancelled; returns their reserved places for the caller
    to give back with its own ({event_key: {tier_key: n}}). A payment the gateway
    already took is refunded when its webhook arrives (the charge is cancelled)."""
    charges = ExchangeCharge.objects.select_for_update().filter(order=order, status=AWAITING)
    if ticket_ids is not None:
        charges = charges.filter(ticket_id__in=list(ticket_ids))
    places = defaultdict(lambda: defaultdict(int))
    for charge in charges.order_by("pk"):
        try:
            get_gateway(charge.gateway).cancel(reference=charge.reference)
        except PaymentError:
            logger.warning("exchange charge %s paid while its order ended", charge.pk)
        for event_key, tiers in _end(
            charge, ExchangeChargeStatus.CANCELLED, "The ticket or the order ended."
        ).items():
            for tier_key, n in tiers.items():
                places[event_key][tier_key] += n
    return {event_key: dict(tiers) for event_key, tiers in places.items()}


def expire_due(*, now=None, batch: int = 100) -> int:
    """Expire the charges past their deadline (the sweep); returns how many ended.

    Each is asked of the gateway first: a payment that succeeded (its webhook lost or
    late) is settled instead; otherwise the payment is cancelled at the gateway, then
    the charge expires and its place goes back on sale."""
    now = now or timezone.now()
    due = list(
        ExchangeCharge.objects.filter(status=AWAITING, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    ended = 0
    for pk in due:
        try:
            ended += _expire_one(pk, now)
        except Exception:  # one charge's trouble never stops the others; the next run retries
            logger.exception("exchange charge %s not expired", pk)
    return ended


def _expire_one(pk: int, now) -> int:
    charge = ExchangeCharge.objects.get(pk=pk)
    gateway = get_gateway(charge.gateway)
    truth = gateway.retrieve(charge.reference)
    if truth.status == "succeeded":
        settle(reference=charge.reference, gateway=gateway, truth=truth)
        return 0
    gateway.cancel(reference=charge.reference)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=charge.order_id)
        locked = ExchangeCharge.objects.select_for_update().get(pk=pk)
        if not locked.awaiting:
            return 0
        places = _end(locked, ExchangeChargeStatus.EXPIRED, "Not paid in time.")
        log(
            instance=order,
            action=EXCHANGE_EXPIRED,
            user=None,
            data={
                "exchange_charge": locked.pk,
                "amount_minor": locked.amount_minor,
                "currency": locked.currency,
                "expires_at": locked.expires_at.isoformat(),
            },
        )
        release_sold(places)
    return 1


def _end(charge: ExchangeCharge, status: str, note: str) -> dict:
    """Mark a locked awaiting charge ended; returns its reserved place (to give back)."""
    charge.status, charge.ended_at, charge.note = status, timezone.now(), note[:255]
    charge.save(update_fields=["status", "ended_at", "note"])
    return {charge.event_key: {charge.tier_key: 1}}


# --- emails -----------------------------------------------------------------------------


def _send_new_ticket(charge_id: int) -> None:
    from commerce.emails import build_tickets_email

    try:
        charge = ExchangeCharge.objects.select_related("order__event", "new_ticket").get(
            pk=charge_id
        )
        new = charge.new_ticket
        build_tickets_email(
            charge.order, [new], to=new.attendee_email or charge.order.buyer_email
        ).send()
    except Exception:  # the exchange stands; the order page shows the ticket, support resends
        logger.exception("new ticket of exchange charge %s not sent", charge_id)


def _send_refund_notice(charge_id: int) -> None:
    from commerce.exchange_emails import build_payment_refunded

    try:
        build_payment_refunded(ExchangeCharge.objects.get(pk=charge_id)).send()
    except Exception:  # the refund stands
        logger.exception("refund notice of exchange charge %s not sent", charge_id)
