"""Payment outcomes: from a verified gateway event to an order with tickets.

Invariant 4: an order exists only after a verified payment success, and one
success creates at most one order however often (or concurrently) the event
arrives. We never trust the webhook payload: the gateway is asked again.
"""

import functools
import logging
import secrets

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.audit import PAYMENT_REFUNDED
from commerce.exceptions import CommerceError
from commerce.models import (
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
from commerce.services.holds import convert_hold_to_sale

logger = logging.getLogger(__name__)

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
NUMBER_LENGTH = 10
HANDLED_TYPES = {"payment_intent.succeeded", "payment_intent.payment_failed"}
ALLOWED_TRANSITIONS = {OrderStatus.PAID: {OrderStatus.COMPLETED}}


def new_order_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def new_ticket_code() -> str:
    return secrets.token_urlsafe(16)


def handle_webhook(*, payload: bytes, signature: str, gateway=None) -> str:
    """Verify, record once, and apply a gateway event. Returns what happened.

    Raises InvalidSignature (nothing recorded). A replayed event id answers
    "duplicate"; unknown types are recorded and ignored.
    """
    from commerce.services.payment_fast_path import settle_success

    gateway = gateway or get_gateway()
    event = gateway.parse_webhook(payload=payload, signature=signature)
    event_id, event_type = str(event.get("id", "")), str(event.get("type", ""))
    if not event_id:
        return "ignored"
    reference = ((event.get("data") or {}).get("object") or {}).get("id", "")
    fast = settle_success(
        event_id=event_id, event_type=event_type, reference=reference, gateway=gateway
    )
    if fast is not None:
        return fast
    # Recording and applying happen in one transaction: if applying fails, the
    # record is rolled back too and the gateway's retry is processed afresh.
    with transaction.atomic():
        record_id = _record_event_once(event_id, event_type)
        if record_id is None:
            return "duplicate"
        if event_type not in HANDLED_TYPES:
            outcome = "ignored"
        else:
            outcome = apply_gateway_state(reference=reference, gateway=gateway)
        WebhookEvent.objects.filter(pk=record_id).update(outcome=outcome)
    return outcome


def _record_event_once(event_id: str, event_type: str) -> int | None:
    """Insert the event id unless already there (a concurrent twin waits, then sees it)."""
    table = WebhookEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, type, received_at, outcome) "  # noqa: S608
            "VALUES (%s, %s, %s, '') ON CONFLICT (event_id) DO NOTHING RETURNING id",
            [event_id, event_type, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def apply_gateway_state(*, reference: str, gateway) -> str:
    """Bring our records in line with what the gateway says about `reference`."""
    # Locks the payment and its hold rows together (FOR UPDATE over the join):
    # a concurrent event for the same payment waits here.
    payment = (
        Payment.objects.select_for_update()
        .select_related("hold")
        .filter(reference=reference, gateway=gateway.name)
        .first()
    )
    if payment is None:
        logger.warning("gateway event for unknown payment %s", reference)
        return "unknown_payment"
    truth = gateway.retrieve(reference)
    if truth.status == "succeeded":
        mismatch = amount_mismatch(payment=payment, truth=truth)
        if mismatch:
            logger.error("amount mismatch on %s: %s (%s)", reference, truth, mismatch)
            refund_unfulfillable(payment=payment, reason=mismatch)
            return "refunding"
        order = confirm_payment(payment=payment, already_locked=True)
        return "order_created" if order else "refunding"
    if truth.status == "failed":
        Payment.objects.filter(
            pk=payment.pk, status__in=[PaymentStatus.PENDING, PaymentStatus.FAILED]
        ).update(status=PaymentStatus.FAILED, failure_message=truth.failure_message[:255])
        return "payment_failed"
    return "pending"


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

    The general path, on any database: on PostgreSQL the common case (a pending
    payment whose hold is still ACTIVE) is settled before it gets here, in one
    statement (commerce/services/payment_fast_path.py).

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
        if locked.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
            # Settled before, in the same transaction as its order or follow-up.
            return Order.objects.filter(payment=locked).first()
        Payment.objects.filter(pk=locked.pk).update(
            status=PaymentStatus.SUCCEEDED, failure_message="", updated_at=timezone.now()
        )
        lines = list(locked.hold.lines.all())
        sold = locked.hold.status != HoldStatus.CONSUMED and convert_hold_to_sale(
            hold=locked.hold, lines=lines, already_locked=True
        )
        if not sold:
            refund_unfulfillable(payment=locked, reason=LATE_PAYMENT)
            return None
        order = _create_order(locked, lines)
        transition(order=order, to=OrderStatus.COMPLETED)
        transaction.on_commit(lambda: queue_confirmation(order.pk))
    return order


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
    order.tickets_issued = True
    return order


def transition(*, order: Order, to: str) -> Order:
    """The order state machine: PAID -> COMPLETED, nothing else."""
    if to not in ALLOWED_TRANSITIONS.get(order.status, set()):
        raise CommerceError("invalid_transition")
    issued = getattr(order, "tickets_issued", False) or order.tickets.exists()
    if to == OrderStatus.COMPLETED and not issued:
        raise CommerceError("invalid_transition")
    order.status = to
    order.completed_at = timezone.now() if to == OrderStatus.COMPLETED else order.completed_at
    order.save(update_fields=["status", "completed_at", "updated_at"])
    return order


@functools.cache
def _broker():
    """One django-q broker (and its connection pool) per process, not one per task."""
    from django_q.brokers import get_broker

    return get_broker()


def queue_confirmation(order_id: int) -> None:
    from django_q.tasks import async_task

    async_task(
        "commerce.tasks.send_order_confirmation",
        order_id,
        task_name=f"confirm-{order_id}",
        broker=_broker(),
    )


LATE_PAYMENT = "Paid after the reservation expired and the tickets were gone."


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
            "commerce.payment_tasks.refund_unfulfilled_payment",
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
        try:
            get_gateway(payment.gateway).refund(
                reference=payment.reference, amount_minor=payment.amount_minor
            )
        except Exception as error:
            PaymentFollowUp.objects.filter(pk=locked.pk).update(last_error=repr(error)[:255])
            raise
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.REFUNDED, updated_at=timezone.now()
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
                "amount_minor": payment.amount_minor,
                "currency": payment.currency,
                "reason": locked.reason,
                "status_before": FollowUpStatus.OPEN,
                "status_after": FollowUpStatus.REFUNDED,
            },
        )
        transaction.on_commit(lambda: _send_refund_notice(locked.pk))
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
