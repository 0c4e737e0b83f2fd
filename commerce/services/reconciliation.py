"""Payments settle by themselves, even when the request or the webhook was lost.

A payment whose request died mid-way (a worker timeout, a database stall, a
webhook that never came) is still pending here while the gateway may already
have the money. Every two minutes `reconcile_payments` asks the gateway about
each payment pending for a few minutes and settles it through the normal path
(`apply_gateway_state`): an order, or an automatic refund. It also finishes
refunds and refund emails whose task was lost, and cancels at the gateway
payments that were never made for a hold long expired.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commerce.exceptions import PaymentError
from commerce.models import FollowUpStatus, HoldStatus, Payment, PaymentFollowUp, PaymentStatus
from commerce.payments import get_gateway

logger = logging.getLogger(__name__)

LOOK_BACK = dt.timedelta(days=2)  # older pending payments were cancelled long ago


@dataclass
class Reconciled:
    settled: int = 0
    cancelled: int = 0
    refunded: int = 0
    notified: int = 0
    errors: int = 0


def reconcile_payments(*, now=None) -> Reconciled:
    """Settle stale pending payments, finish lost refunds; safe to run concurrently."""
    now = now or timezone.now()
    result = Reconciled()
    for payment_id in _stale_pending(now):
        _settle_one(payment_id, now=now, result=result)
    _finish_refunds(now=now, result=result)
    return result


def _stale_pending(now) -> list:
    stale = now - dt.timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    return list(
        Payment.objects.filter(
            status__in=[PaymentStatus.PENDING, PaymentStatus.FAILED],
            reference__isnull=False,
            updated_at__lte=stale,
            created_at__gte=now - LOOK_BACK,
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:500]
    )


def _settle_one(payment_id, *, now, result: Reconciled) -> None:
    from commerce.services.orders import apply_gateway_state

    try:
        with transaction.atomic():
            payment = (
                Payment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("hold")
                .filter(pk=payment_id, status__in=[PaymentStatus.PENDING, PaymentStatus.FAILED])
                .first()
            )
            if payment is None:  # settled meanwhile, or another sweep has it
                return
            gateway = get_gateway(payment.gateway)
            outcome = apply_gateway_state(reference=payment.reference, gateway=gateway)
            if outcome in ("order_created", "refunding"):
                result.settled += 1
            elif outcome in ("pending", "payment_failed") and _abandoned(payment, now):
                _cancel_abandoned(payment, gateway)
                result.cancelled += 1
            else:
                # Asked again only after another PAYMENT_RECONCILE_AFTER_MINUTES.
                Payment.objects.filter(pk=payment.pk).update(updated_at=now)
    except Exception:
        result.errors += 1
        logger.exception("reconciling payment %s failed; retried on the next run", payment_id)


def _abandoned(payment: Payment, now) -> bool:
    hold = payment.hold
    cutoff = now - dt.timedelta(minutes=settings.PAYMENT_ABANDON_AFTER_MINUTES)
    return hold.status != HoldStatus.CONSUMED and hold.expires_at <= cutoff


def _cancel_abandoned(payment: Payment, gateway) -> None:
    """Nobody paid for a hold long gone: make sure nobody can pay for it later."""
    try:
        gateway.cancel(reference=payment.reference)
    except PaymentError:  # paid in the very last moment: the next run settles it
        return
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.CANCELLED,
        failure_message="Not paid before the reservation ran out.",
        updated_at=timezone.now(),
    )


def _finish_refunds(*, now, result: Reconciled) -> None:
    from commerce.refund_emails import send_refund_notice
    from commerce.services.orders import refund_follow_up

    grace = now - dt.timedelta(minutes=1)  # leave the queued task its moment first
    for follow_up in PaymentFollowUp.objects.filter(
        status=FollowUpStatus.OPEN, created_at__lte=grace
    ):
        try:
            refund_follow_up(follow_up=follow_up)
            result.refunded += 1
        except Exception:
            result.errors += 1
            logger.exception("automatic refund of follow-up %s failed", follow_up.pk)
    for follow_up in PaymentFollowUp.objects.filter(
        status=FollowUpStatus.REFUNDED, buyer_notified_at__isnull=True, settled_at__lte=grace
    ):
        try:
            result.notified += send_refund_notice(follow_up=follow_up)
        except Exception:
            result.errors += 1
            logger.exception("refund email for follow-up %s failed", follow_up.pk)
