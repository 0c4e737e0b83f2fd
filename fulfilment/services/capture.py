"""Charging pre-orders off-session: the weekly capture, its retries, and payment success.

A pre-order is placed with a saved card and `next_capture_at` set to the next weekly
capture slot (PRE_ORDER_CAPTURE_DAY at PRE_ORDER_CAPTURE_TIME in
PRE_ORDER_CAPTURE_TIME_ZONE, Tuesday 19:00 Berlin by default). `capture_due` charges
every processing pre-order whose time has come:

- the charge succeeds: the gateway's `payment_intent.succeeded` event, through the one
  signed, idempotent webhook path (commerce.services.orders.handle_webhook, which hands
  pre-order references to `handle_payment_event` here), makes it `confirmed` with
  `confirmed_at`; then the assignment engine is told (`on_pre_order_paid`). The demo
  gateway's event is fed to that path at once; Stripe sends its own, and a synchronous
  success is applied at once as well (the webhook then changes nothing).
- the card is refused: the pre-order stays `processing`, the attempt is counted and the
  next one is due PRE_ORDER_RETRY_HOURS later; after PRE_ORDER_CAPTURE_RETRIES retries
  it is `failed` and the member is emailed a link to replace the card, which captures
  again at once (fulfilment.services.cards).

Only `confirmed` pre-orders are ever given a ticket, so an unpaid one never is.
"""

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commerce.exceptions import PaymentError
from commerce.payments import get_gateway
from commerce.payments.base import SavedCard
from fulfilment.models import AssignmentLog, PreOrder, PreOrderStatus
from fulfilment.signals import pre_order_capture_failed

logger = logging.getLogger(__name__)

SCHEDULE_NAME = "capture pre-orders"
RETRY_SCHEDULE_NAME = "capture pre-orders (retries)"
SCHEDULE_FUNC = "fulfilment.services.capture.run_scheduled_capture"


@dataclass
class CaptureSummary:
    captured: int = 0
    retrying: int = 0
    failed: int = 0
    unavailable: int = 0
    pre_order_ids: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "captured": self.captured,
            "retrying": self.retrying,
            "failed": self.failed,
            "unavailable": self.unavailable,
        }


def next_capture_slot(now=None) -> dt.datetime:
    """The next weekly capture time strictly after `now` (aware, in UTC)."""
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(settings.PRE_ORDER_CAPTURE_TIME_ZONE)
    hour, minute = (int(part) for part in settings.PRE_ORDER_CAPTURE_TIME.split(":"))
    local = now.astimezone(zone)
    days_ahead = (settings.PRE_ORDER_CAPTURE_DAY - local.weekday()) % 7
    for extra in (0, 7):
        day = local.date() + dt.timedelta(days=days_ahead + extra)
        slot = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if slot > now:
            return slot.astimezone(dt.UTC)
    raise AssertionError("unreachable")


def log(action: str, pre_order: PreOrder, *, actor=None, ip=None, **data) -> AssignmentLog:
    from fulfilment.services.assignment import actor_label

    return AssignmentLog.objects.create(
        action=action,
        event_key=pre_order.event_key,
        pre_order_id=pre_order.pk,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor),
        ip_address=ip,
        data=data,
    )


def _count(outcome: str) -> None:
    try:
        from fulfilment.metrics import count_capture
    except ImportError:  # metrics are optional
        return
    count_capture(outcome)


def capture_due(
    now=None, *, event_key=None, actor=None, ip=None, not_yet_due=False
) -> CaptureSummary:
    """Charge every processing pre-order whose capture is due (of one event, if given;
    `not_yet_due`: also those whose turn has not come, as the admin's "capture now")."""
    now = now or timezone.now()
    due = PreOrder.objects.filter(status=PreOrderStatus.PROCESSING).order_by("created_at")
    if not not_yet_due:
        due = due.filter(next_capture_at__lte=now)
    if event_key is not None:
        due = due.filter(event_key=event_key)
    summary = CaptureSummary()
    for pre_order_id in list(due.values_list("pk", flat=True)):
        outcome = capture_pre_order(pre_order_id, now=now, actor=actor, ip=ip, force=not_yet_due)
        summary.pre_order_ids.append(pre_order_id)
        if outcome == "captured":
            summary.captured += 1
        elif outcome in ("retrying", "failed", "unavailable"):
            setattr(summary, outcome, getattr(summary, outcome) + 1)
    if summary.pre_order_ids:
        logger.info("pre-order capture run: %s", summary.as_dict())
    return summary


def capture_pre_order(pre_order_id, *, now=None, actor=None, ip=None, force=False) -> str:
    """One capture attempt: "captured", "retrying", "failed", "unavailable" or "skipped".

    The pre-order is locked while the gateway is asked, so two runs at once never charge
    it twice; the idempotency key names the attempt, so a repeated call does not either.
    `force` captures even when the attempt is not due yet (a replaced card).
    """
    now = now or timezone.now()
    gateway = get_gateway()
    with transaction.atomic():
        pre_order = (
            PreOrder.objects.select_for_update(skip_locked=True)
            .filter(pk=pre_order_id, status=PreOrderStatus.PROCESSING)
            .first()
        )
        if pre_order is None or pre_order.gateway != gateway.name:
            return "skipped"
        if not force and (pre_order.next_capture_at is None or pre_order.next_capture_at > now):
            return "skipped"
        if pre_order.payment_reference and _already_paid(gateway, pre_order.payment_reference):
            result_reference, succeeded = pre_order.payment_reference, True
        else:
            try:
                result = gateway.charge_saved_card(
                    card=SavedCard(
                        pre_order.customer_reference, pre_order.payment_method_reference
                    ),
                    amount_minor=pre_order.amount_minor,
                    currency=pre_order.currency,
                    idempotency_key=_attempt_key(pre_order),
                    metadata={"pre_order_id": str(pre_order.pk)},
                )
            except PaymentError:
                # The provider could not be reached: not the card's fault, not counted.
                pre_order.next_capture_at = now + dt.timedelta(hours=1)
                pre_order.save(update_fields=["next_capture_at"])
                transaction.on_commit(lambda: ensure_retry_run(pre_order.next_capture_at))
                return "unavailable"
            result_reference, succeeded = result.reference, result.status == "succeeded"
        pre_order.payment_reference = result_reference or pre_order.payment_reference
        if succeeded:
            pre_order.next_capture_at = None
            pre_order.save(update_fields=["payment_reference", "next_capture_at"])
            log("capture_succeeded", pre_order, actor=actor, ip=ip, reference=result_reference)
            _count("succeeded")
        else:
            outcome = _count_failure(pre_order, result, now=now, actor=actor, ip=ip)
    if not succeeded:
        _after_failure(gateway, pre_order, outcome)
        return outcome
    _announce_success(gateway, pre_order)
    return "captured"


def _attempt_key(pre_order: PreOrder) -> str:
    """One charge per attempt and card: a repeated call answers the same charge."""
    card = pre_order.payment_method_reference
    return f"pre-order-{pre_order.pk}-{card}-{pre_order.capture_attempts + 1}"


def _already_paid(gateway, reference: str) -> bool:
    """A charge of an earlier attempt that succeeded (its webhook may still be on its way)."""
    try:
        return gateway.retrieve(reference).status == "succeeded"
    except Exception:  # an unknown or unreachable reference: charge anew
        return False


def _count_failure(pre_order: PreOrder, result, *, now, actor, ip) -> str:
    pre_order.capture_attempts += 1
    pre_order.last_capture_error = (result.failure_message or "The card was refused.")[:255]
    last = pre_order.capture_attempts > settings.PRE_ORDER_CAPTURE_RETRIES
    if last:
        pre_order.status = PreOrderStatus.FAILED
        pre_order.failed_at = now
        pre_order.next_capture_at = None
        transaction.on_commit(
            lambda: pre_order_capture_failed.send_robust(sender=PreOrder, pre_order=pre_order)
        )
    else:
        pre_order.next_capture_at = now + dt.timedelta(hours=settings.PRE_ORDER_RETRY_HOURS)
    pre_order.save(
        update_fields=[
            "payment_reference",
            "capture_attempts",
            "last_capture_error",
            "status",
            "failed_at",
            "next_capture_at",
        ]
    )
    log(
        "pre_order_failed" if last else "capture_failed",
        pre_order,
        actor=actor,
        ip=ip,
        attempt=pre_order.capture_attempts,
        error=pre_order.last_capture_error,
    )
    _count("failed" if last else "retry")
    return "failed" if last else "retrying"


def _after_failure(gateway, pre_order: PreOrder, outcome: str) -> None:
    if gateway.name == "demo" and pre_order.payment_reference:
        _send_demo_event(pre_order.payment_reference, succeeded=False)
    if outcome == "failed":
        from fulfilment.services.capture_emails import send_capture_failed

        try:
            send_capture_failed(pre_order)
        except Exception:
            logger.exception("capture-failed email for pre-order %s not sent", pre_order.pk)
    elif outcome == "retrying":
        ensure_retry_run(pre_order.next_capture_at)


def _announce_success(gateway, pre_order: PreOrder) -> None:
    """Demo: its signed event goes through the webhook path now. Stripe: apply the
    synchronous success now; Stripe's own webhook then finds nothing to change."""
    if gateway.name == "demo":
        _send_demo_event(pre_order.payment_reference, succeeded=True)
    else:
        confirm_payment(reference=pre_order.payment_reference, gateway=gateway)


def _send_demo_event(reference: str, *, succeeded: bool) -> str:
    from commerce.payments.demo import DemoGateway, signed_event
    from commerce.services.orders import handle_webhook

    payload, signature = signed_event(reference=reference, succeeded=succeeded)
    return handle_webhook(payload=payload, signature=signature, gateway=DemoGateway())


# --- From the webhook ------------------------------------------------------------------


def owner_of(reference: str):
    """commerce.payment_owners lookup: pre-order references are handled here."""
    if PreOrder.objects.filter(payment_reference=reference).exists():
        return handle_payment_event
    return None


def handle_payment_event(*, reference: str, event_type: str, gateway) -> str:
    """A verified gateway event about a pre-order's charge (called inside the webhook's
    transaction, which records the event once). Failures were counted by the attempt."""
    if event_type != "payment_intent.succeeded":
        return "pre_order_capture_failed"
    return confirm_payment(reference=reference, gateway=gateway)


def confirm_payment(*, reference: str, gateway) -> str:
    """Make the pre-order paid when the gateway says its charge succeeded — once."""
    truth = gateway.retrieve(reference)  # never the payload's word
    with transaction.atomic():
        pre_order = (
            PreOrder.objects.select_for_update()
            .filter(payment_reference=reference, gateway=gateway.name)
            .first()
        )
        if pre_order is None:
            return "unknown_payment"
        if truth.status != "succeeded":
            return "pending"
        if pre_order.status not in (PreOrderStatus.PROCESSING, PreOrderStatus.FAILED):
            return "already_confirmed"
        if truth.amount_minor != pre_order.amount_minor or truth.currency != pre_order.currency:
            logger.error("pre-order %s charged %s, expected its price", pre_order.pk, truth)
            log("amount_mismatch", pre_order, charged=truth.amount_minor, currency=truth.currency)
            return "amount_mismatch"
        pre_order.status = PreOrderStatus.CONFIRMED
        pre_order.confirmed_at = timezone.now()
        pre_order.next_capture_at = None
        pre_order.failed_at = None
        pre_order.save(update_fields=["status", "confirmed_at", "next_capture_at", "failed_at"])
        log("pre_order_confirmed", pre_order, reference=reference)
        transaction.on_commit(lambda: _tell_assignment(pre_order))
    return "pre_order_confirmed"


def _tell_assignment(pre_order: PreOrder) -> None:
    try:
        from fulfilment.services.assignment import on_pre_order_paid
    except ImportError:  # the assignment engine is not installed
        return
    try:
        on_pre_order_paid(pre_order)
    except Exception:
        # The pre-order stays confirmed; the next upload or reconcile run fills it.
        logger.exception("assignment after payment of pre-order %s failed", pre_order.pk)


# --- The schedule ---------------------------------------------------------------------


def run_scheduled_capture() -> str:
    """The django-q2 task of the weekly schedule (and of the retry runs)."""
    now = timezone.now()
    summary = capture_due(now)
    _realign_weekly_schedule()
    upcoming = (
        PreOrder.objects.filter(status=PreOrderStatus.PROCESSING, next_capture_at__gt=now)
        .order_by("next_capture_at")
        .values_list("next_capture_at", flat=True)
        .first()
    )
    ensure_retry_run(upcoming)
    return str(summary.as_dict())


def _realign_weekly_schedule() -> None:
    """Keep the weekly run on its wall-clock time across daylight-saving changes."""
    from django_q.models import Schedule

    Schedule.objects.filter(name=SCHEDULE_NAME).update(next_run=next_capture_slot())


def ensure_retry_run(when) -> None:
    """A one-off run at `when` for retries that fall between two weekly runs."""
    from django_q.models import Schedule

    if when is None or when >= next_capture_slot():
        return
    retry = Schedule.objects.filter(name=RETRY_SCHEDULE_NAME).first()
    if retry is None:
        Schedule.objects.create(
            name=RETRY_SCHEDULE_NAME,
            func=SCHEDULE_FUNC,
            schedule_type=Schedule.ONCE,
            repeats=1,
            next_run=when,
        )
    elif retry.repeats == 0 or retry.next_run > when or retry.next_run < timezone.now():
        retry.next_run, retry.repeats = when, 1
        retry.save(update_fields=["next_run", "repeats"])
