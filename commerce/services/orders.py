"""Payment outcomes: from a verified gateway event to an order with tickets.

Invariant 4: an order exists only after a verified payment success, and one
success creates at most one order however often (or concurrently) the event
arrives. We never trust the webhook payload: the gateway is asked again.
"""

import functools
import logging
import secrets

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce import payment_owners
from commerce.audit import PAYMENT_REFUNDED
from commerce.models import (
    ExchangeCharge,
    FollowUpStatus,
    HoldStatus,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentFollowUp,
    PaymentStatus,
    Ticket,
    WebhookEvent,
)
from commerce.payments import get_gateway
from commerce.payments.base import InvalidPayload
from commerce.selectors import event_is_over
from commerce.services import sql_core
from commerce.services.holds import convert_hold_to_sale
from commerce.signals import late_payment_refund_failed, late_payment_refunded

logger = logging.getLogger(__name__)

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
NUMBER_LENGTH = 10
SETTLED = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)
HANDLED_TYPES = {"payment_intent.succeeded", "payment_intent.payment_failed"}
# Refunds made in the provider's dashboard (or ours, arriving back): data.object is a
# charge or a refund whose `payment_intent` is the payment's reference.
REFUND_TYPES = {
    "charge.refunded",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
    "refund.failed",
}


def new_order_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def new_ticket_code() -> str:
    return secrets.token_urlsafe(16)


def handle_webhook(*, payload: bytes, signature: str, gateway=None) -> str:
    """Verify, record once, and apply a gateway event. Returns what happened.

    Raises InvalidSignature or InvalidPayload (nothing recorded). A replayed event id answers
    "duplicate"; unknown types are recorded and ignored.
    """
    gateway = gateway or get_gateway()
    event = gateway.parse_webhook(payload=payload, signature=signature)
    event_id, event_type, reference = _event_fields(event)
    if not event_id:
        return "ignored"
    truth = None
    if event_type == "payment_intent.succeeded" and sql_core.in_use():
        truth = _ask_gateway(gateway, reference)
        settled = _settle_in_one_call(event_id, event_type, reference, gateway, truth)
        if settled is not None:
            return settled
    # Not an order's payment (the one-call path above wrote nothing): another app's
    # (a pre-order's capture) applies it itself; commerce records the event once.
    owner = payment_owners.handler_for(reference)
    if owner is not None:
        apply = functools.partial(owner, event_type=event_type)
    else:
        apply = functools.partial(apply_gateway_state, truth=truth)

    # Applying and recording happen in one transaction: if applying fails, nothing is
    # recorded and the gateway's retry is processed afresh. The event is recorded
    # last, with its outcome: a twin delivered at the same moment waits on the
    # payment's lock, finds it settled and changes nothing, then finds the record.
    with transaction.atomic():
        if event_type in HANDLED_TYPES:
            outcome = apply(reference=reference, gateway=gateway)
        elif event_type in REFUND_TYPES and (owner is None or _is_exchange_charge(reference)):
            outcome = apply_gateway_refunds(reference=reference, gateway=gateway)
        else:
            outcome = "ignored"
        if not _record_event_once(event_id, event_type, outcome):
            transaction.set_rollback(True)  # a replay changes nothing
            return "duplicate"
    return outcome


def _ask_gateway(gateway, reference):
    """What the gateway says about `reference`, or None when it does not know it."""
    try:
        return gateway.retrieve(reference) if reference else None
    except ObjectDoesNotExist:
        return None


def _settle_in_one_call(event_id, event_type, reference, gateway, truth) -> str | None:
    """PostgreSQL: the common success (pending payment, ACTIVE hold, amounts equal) as
    one function call (sql_core); None for anything else, with nothing written."""
    if truth is None or truth.status != "succeeded":
        return None
    settled = sql_core.settle_payment(
        event_id=event_id,
        event_type=event_type,
        reference=reference,
        gateway_name=gateway.name,
        truth=truth,
        number=new_order_number(),
        now=timezone.now(),
    )
    if settled is None:
        return None
    outcome, order_id = settled
    if order_id is not None:
        transaction.on_commit(lambda: queue_confirmation(order_id))  # at once in autocommit
    return outcome


def _event_fields(event) -> tuple[str, str, str]:
    """(id, type, the payment's reference) of a verified event, or InvalidPayload."""
    if not isinstance(event, dict):
        raise InvalidPayload("the event is not an object")
    data = event.get("data", {})
    payment = data.get("object", {}) if isinstance(data, dict) else None
    if not isinstance(payment, dict):
        raise InvalidPayload("data.object must be an object")
    reference = payment.get("id", "")
    if payment.get("object") in ("charge", "refund"):
        reference = payment.get("payment_intent") or ""
    fields = (event.get("id", ""), event.get("type", ""), reference)
    if not all(isinstance(value, str) and len(value) <= 255 for value in fields):
        raise InvalidPayload("id, type and data.object.id must be short strings")
    return fields


def _record_event_once(event_id: str, event_type: str, outcome: str) -> int | None:
    """Insert the event id unless already there (a concurrent twin waits, then sees it)."""
    table = WebhookEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, type, received_at, outcome) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (event_id) DO NOTHING RETURNING id",
            [event_id, event_type, timezone.now(), outcome[:255]],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def apply_gateway_state(*, reference: str, gateway, truth=None) -> str:
    """Bring our records in line with what the gateway says about `reference`.

    The gateway is asked first (for Stripe an HTTP call), before any row is locked,
    unless the caller already asked it (`truth`).
    """
    truth = truth or _ask_gateway(gateway, reference)
    # Locks the payment and its hold rows together (FOR UPDATE over the join):
    # a concurrent event for the same payment waits here.
    payment = (
        Payment.objects.select_for_update()
        .select_related("hold")
        .filter(reference=reference, gateway=gateway.name)
        .first()
    )
    if payment is None or truth is None:
        logger.warning("gateway event for unknown payment %s", reference)
        return "unknown_payment"
    if truth.status == "succeeded" and payment.status not in SETTLED:
        mismatch = amount_mismatch(payment=payment, truth=truth)
        if mismatch:
            logger.error("amount mismatch on %s: %s (%s)", reference, truth, mismatch)
            refund_unfulfillable(payment=payment, reason=mismatch)
            return "refunding"
    if truth.status == "succeeded":
        order = confirm_payment(payment=payment, already_locked=True)
        return "order_created" if order else "refunding"
    if truth.status == "failed":
        Payment.objects.filter(
            pk=payment.pk, status__in=[PaymentStatus.PENDING, PaymentStatus.FAILED]
        ).update(status=PaymentStatus.FAILED, failure_message=truth.failure_message[:255])
        return "payment_failed"
    return "pending"


def apply_gateway_refunds(*, reference: str, gateway) -> str:
    """Record the refunds the gateway holds for an order's payment, or for an exchange
    difference paid on it (never the payload's word): "refund_recorded", or
    "refunds_known" when every one was already recorded."""
    from commerce.services.refunds import reconcile_gateway_refunds

    charge = None
    order = Order.objects.filter(payment_reference=reference, payment_provider=gateway.name).first()
    if order is None and reference:
        charge = (
            ExchangeCharge.objects.select_related("order")
            .filter(reference=reference, gateway=gateway.name)
            .first()
        )
        order = charge.order if charge is not None else None
    if order is None or not reference:
        logger.warning("refund event for unknown order payment %s", reference)
        return "unknown_payment"
    recorded = reconcile_gateway_refunds(
        order=order, listed=gateway.refunds(reference), charge=charge
    )
    return "refund_recorded" if recorded else "refunds_known"


def _is_exchange_charge(reference: str) -> bool:
    """Refunds of an exchange's difference are the order's money: commerce records them."""
    return bool(reference) and ExchangeCharge.objects.filter(reference=reference).exists()


def amount_mismatch(*, payment: Payment, truth) -> str:
    """Why what the gateway charged cannot become this order ("" when it can).

    The amount charged, the payment's amount and the hold's total (the order's
    total to be) must be one number in one currency.
    """
    hold = payment.hold
    if truth.currency != payment.currency or payment.currency != hold.currency:
        return f"Charged in {truth.currency}, the order is in {hold.currency}."
    if not truth.amount_minor == payment.amount_minor == hold.amount_minor:
        return (
            f"Charged {truth.amount_minor}, the payment says {payment.amount_minor} and the "
            f"order total is {hold.amount_minor} (minor units)."
        )
    return ""


def confirm_payment(*, payment: Payment, already_locked: bool = False) -> Order | None:
    """Create the order, its items and tickets for a succeeded payment — at most once.

    When the hold had expired and its tickets went to someone else, the money
    is refunded automatically (refund_unfulfillable): no order, no oversell.
    `already_locked`: the caller holds the payment and hold rows FOR UPDATE.
    """
    with transaction.atomic(savepoint=False):
        # Locks the payment and its hold rows together (FOR UPDATE over the join).
        locked = (
            payment
            if already_locked
            else Payment.objects.select_for_update().select_related("hold").get(pk=payment.pk)
        )
        if locked.status in SETTLED:
            # Settled before, in the same transaction as its order or follow-up.
            return Order.objects.filter(payment=locked).first()
        if event_is_over(locked.hold.event_id, now=timezone.now()):
            refund_unfulfillable(payment=locked, reason=EVENT_OVER)
            return None
        Payment.objects.filter(pk=locked.pk).update(
            status=PaymentStatus.SUCCEEDED, failure_message="", updated_at=timezone.now()
        )
        order = _order_with_tickets(locked, list(locked.hold.lines.all()))
        if order is None:
            refund_unfulfillable(payment=locked, reason=LATE_PAYMENT)
            return None
        transaction.on_commit(lambda: queue_confirmation(order.pk))
    return order


def _order_with_tickets(payment: Payment, lines) -> Order | None:
    """The order with its items and tickets, then the hold's tickets sold — the
    inventory counters last, so the hot rows stay locked only until the commit.

    None when the tickets cannot be had (a released hold whose tickets went to
    someone else); then nothing of the order is kept.
    """
    hold = payment.hold
    if hold.status == HoldStatus.CONSUMED:
        return None
    try:
        # An ACTIVE hold owns its tickets (selling cannot fail): no savepoint needed.
        with transaction.atomic(savepoint=hold.status != HoldStatus.ACTIVE):
            order = _create_order(payment, lines)
            if not convert_hold_to_sale(hold=hold, lines=lines, already_locked=True):
                raise _TicketsGone
    except _TicketsGone:
        return None
    return order


class _TicketsGone(Exception):
    """Internal: a released hold's tickets could not be taken again (undoes the order)."""


def _create_order(payment: Payment, lines) -> Order:
    hold = payment.hold
    # 32**10 possible numbers: a collision is astronomically rare, and if one
    # happens the transaction fails whole and the gateway's retry draws again.
    order = Order.objects.create(
        number=new_order_number(),
        hold=hold,
        payment=payment,
        event_key=hold.event_key,
        event_id=hold.event_id,
        buyer_id=hold.buyer_id,
        buyer_email=payment.buyer_email,
        buyer_name=payment.buyer_name,
        total_quantity=sum(line.quantity for line in lines),
        subtotal_minor=hold.subtotal_minor,
        discount_minor=hold.discount_minor,
        total_minor=hold.amount_minor,
        currency=hold.currency,
        promo_code_id=hold.promo_code_id,
        payment_provider=payment.gateway,
        payment_reference=payment.reference,
        status=OrderStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    items = OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            tier_key=line.tier_key,
            tier_id=line.tier_id,
            tier_name=line.tier_name,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            line_total_minor=line.line_total_minor,
        )
        for line in lines
    )
    names = iter(payment.attendee_names or [])
    emails = iter(payment.attendee_emails or [])
    Ticket.objects.bulk_create(
        Ticket(
            order=order,
            item=item,
            tier_key=item.tier_key,
            code=new_ticket_code(),
            attendee_name=next(names, "") or "",
            attendee_email=next(emails, "") or "",
        )
        for item in items
        for _ in range(item.quantity)
    )
    return order


@functools.cache
def _broker():
    """One django-q broker (and its connection pool) per process, not one per task."""
    from django_q.brokers import get_broker

    return get_broker()


def queue_confirmation(order_id: int) -> None:
    """Queue the confirmation email; a queue that cannot take it is logged, never the
    buyer's problem: the sweep (commerce.tasks.send_missing_confirmations) sends it."""
    from django_q.tasks import async_task

    try:
        async_task(
            "commerce.tasks.send_order_confirmation",
            order_id,
            task_name=f"confirm-{order_id}",
            broker=_broker(),
        )
    except Exception:
        logger.warning("confirmation of order %s not queued; the sweep sends it", order_id)


LATE_PAYMENT = "Paid after the reservation expired and the tickets were gone."
EVENT_OVER = "Paid after the event had ended."


def refund_unfulfillable(*, payment: Payment, reason: str) -> PaymentFollowUp:
    """Money arrived that cannot become an order: record it and refund it at once.

    Inside the settling transaction: the payment is marked succeeded and a
    follow-up records why; once committed, a task refunds through the gateway
    and emails the buyer (refund_follow_up). If that task is lost, the
    reconciliation sweep (reconcile_payments) refunds it; only a refund the
    gateway keeps refusing stays open for support.
    """
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.SUCCEEDED, updated_at=timezone.now()
    )
    follow_up, created = PaymentFollowUp.objects.get_or_create(
        payment=payment, defaults={"reason": reason[:255]}
    )
    if created:
        transaction.on_commit(lambda: queue_refund(follow_up.pk))
    return follow_up


def queue_refund(follow_up_id: int) -> None:
    """Queue the automatic refund; if the queue is unreachable, refund right here."""
    from django_q.tasks import async_task

    try:
        async_task(
            "commerce.tasks.refund_unfulfilled_payment",
            follow_up_id,
            task_name=f"refund-{follow_up_id}",
            broker=_broker(),
        )
    except Exception:  # the broker is down: the sweep would catch it, but try now
        logger.warning("refund %s not queued; refunding inline", follow_up_id, exc_info=True)
        try:
            refund_follow_up(follow_up=PaymentFollowUp.objects.get(pk=follow_up_id))
        except Exception:
            logger.exception("refund %s failed; the reconciliation sweep retries", follow_up_id)


def refund_follow_up(*, follow_up: PaymentFollowUp, actor=None) -> PaymentFollowUp:
    """Refund a payment that could not become an order, once, and tell the buyer.

    Idempotent (the gateway refund carries an idempotency key, the follow-up is
    locked). A gateway refusal is recorded on the follow-up and raised (the
    task retries; support sees it as open). An audit entry names the actor
    (None: the system).
    """
    try:
        return _refund_once(follow_up, actor)
    except Exception as error:
        # Recorded after the rollback, so support sees why it is still open.
        PaymentFollowUp.objects.filter(pk=follow_up.pk).update(last_error=repr(error)[:255])
        late_payment_refund_failed.send_robust(
            sender=PaymentFollowUp, follow_up=follow_up, error=error
        )
        raise


def _refund_once(follow_up: PaymentFollowUp, actor) -> PaymentFollowUp:
    from wagtail.log_actions import log

    with transaction.atomic():
        locked = (
            PaymentFollowUp.objects.select_for_update(of=("self",))
            .select_related("payment__hold__event")
            .get(pk=follow_up.pk)
        )
        if locked.status != FollowUpStatus.OPEN:
            return locked
        payment = locked.payment
        # What the buyer was charged, which a mismatch may have made differ from the
        # payment's amount: all of it goes back.
        gateway = get_gateway(payment.gateway)
        charged = gateway.retrieve(payment.reference).amount_minor
        gateway.refund(reference=payment.reference, amount_minor=charged)
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.REFUNDED, amount_minor=charged, updated_at=timezone.now()
        )
        locked.status, locked.settled_at, locked.last_error = (
            FollowUpStatus.REFUNDED,
            timezone.now(),
            "",
        )
        locked.save(update_fields=["status", "settled_at", "last_error"])
        log(
            instance=locked,
            action=PAYMENT_REFUNDED,
            user=actor,
            data={
                "payment": str(payment.pk),
                "reference": payment.reference,
                "amount_minor": charged,
                "currency": payment.currency,
                "reason": locked.reason,
                "status_before": FollowUpStatus.OPEN,
                "status_after": FollowUpStatus.REFUNDED,
            },
        )
        transaction.on_commit(lambda: _send_refund_notice(locked.pk))
        transaction.on_commit(
            lambda: late_payment_refunded.send_robust(sender=PaymentFollowUp, follow_up=locked)
        )
    return locked


def _send_refund_notice(follow_up_id: int) -> None:
    from commerce.refund_emails import send_refund_notice

    try:
        send_refund_notice(follow_up=PaymentFollowUp.objects.get(pk=follow_up_id))
    except Exception:  # the refund stands; the buyer also sees it on the status page
        logger.exception("refund notice for follow-up %s not sent", follow_up_id)


def order_state_for_payment(payment: Payment) -> dict:
    """What the confirmation page shows while it waits for the webhook."""
    payment.refresh_from_db()
    order = Order.objects.filter(payment=payment).first()
    if order is not None:
        return {"state": "completed", "order_number": order.number, "message": ""}
    follow_up = PaymentFollowUp.objects.filter(payment=payment).first()
    if follow_up is not None and follow_up.status == FollowUpStatus.REFUNDED:
        return {
            "state": "refunded",
            "order_number": None,
            "message": str(
                _(
                    "Your payment arrived after the last tickets were sold, so it has been "
                    "refunded in full. We have sent you an email."
                )
            ),
        }
    if follow_up is not None:
        return {
            "state": "review",
            "order_number": None,
            "message": str(
                _(
                    "Your payment arrived after the last tickets were sold. It is being "
                    "refunded in full; you will receive an email."
                )
            ),
        }
    if payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        return {
            "state": "failed",
            "order_number": None,
            "message": payment.failure_message or str(_("The payment did not go through.")),
        }
    return {"state": "pending", "order_number": None, "message": ""}
