"""Cases the system opens, once per cause, from signals the lower layers send.

- commerce.signals.late_payment_refunded: money that arrived after its hold expired
  was refunded automatically -> a RESOLVED case recording it (or, when a failed
  refund had opened a case, that case is resolved with the news);
- commerce.signals.late_payment_refund_failed: that refund failed -> an OPEN URGENT
  case (the reconciliation sweep keeps trying; support sees it at once);
- fulfilment.signals.pre_order_capture_failed: a pre-order's card was refused for
  good -> an OPEN HIGH case;
- fulfilment.signals.ticket_delivery_failed: a ticket delivery email failed for good
  -> an OPEN NORMAL case.

Each case carries its cause ("late-payment:<payment id>", ...) in the unique
`SupportCase.cause`: a repeated signal, a retry or a second worker finds the
existing case instead of opening another. A receiver never breaks the sender's
work: failures are logged (the signals are sent with send_robust too).
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.money import format_money
from crm.models import CasePriority, CaseSource, CaseStatus, SupportCase

logger = logging.getLogger(__name__)


def _existing(cause: str) -> SupportCase | None:
    return SupportCase.objects.filter(cause=cause).first()


def open_system_case(*, cause: str, **fields) -> tuple[SupportCase, bool]:
    """The case for `cause`, opened now if there is none yet: (case, created)."""
    from crm.services.cases import open_case

    case = _existing(cause)
    if case is not None:
        return case, False
    try:
        with transaction.atomic():
            return open_case(cause=cause, source=CaseSource.SYSTEM, **fields), True
    except IntegrityError:  # another worker opened it a moment ago
        return _existing(cause), False


# --- Late payments ------------------------------------------------------------------


def _late_payment_fields(follow_up) -> dict:
    payment = follow_up.payment
    hold = payment.hold
    return {
        "customer_email": payment.buyer_email or getattr(hold.buyer, "email", "") or "",
        "customer_name": payment.buyer_name,
        "customer": hold.buyer,
        "event_key": hold.event_key,
        "language": getattr(hold.buyer, "language", "")
        or (hold.event.locale.language_code if hold.event_id and hold.event else ""),
    }


def _payment_text(follow_up) -> str:
    payment = follow_up.payment
    return (
        f"Payment {payment.reference or payment.pk} ({payment.gateway}) of "
        f"{format_money(payment.amount_minor, payment.currency)} by {payment.buyer_email}: "
        f"{follow_up.reason}"
    )


def late_payment_refunded(sender, follow_up, **kwargs):
    from crm.services.cases import change_case, system_entry

    cause = f"late-payment:{follow_up.payment_id}"
    text = (
        f"{_payment_text(follow_up)}\n\nRefunded automatically in full on "
        f"{timezone.localtime(follow_up.settled_at or timezone.now()):%Y-%m-%d %H:%M %Z}; "
        "the buyer was emailed."
    )
    existing = _existing(cause)
    if existing is not None:
        if existing.is_open:
            system_entry(existing, text)
            change_case(case=existing, actor=None, status=CaseStatus.RESOLVED)
        return existing
    case, _created = open_system_case(
        cause=cause,
        subject=f"Late payment refunded automatically ({follow_up.payment.buyer_email})",
        priority=CasePriority.LOW,
        status=CaseStatus.RESOLVED,
        body=text,
        **_late_payment_fields(follow_up),
    )
    return case


def late_payment_refund_failed(sender, follow_up, error=None, **kwargs):
    cause = f"late-payment:{follow_up.payment_id}"
    follow_up.refresh_from_db()
    text = (
        f"{_payment_text(follow_up)}\n\nThe automatic refund failed: "
        f"{follow_up.last_error or repr(error)}\n"
        "The reconciliation sweep keeps trying; refund it by hand if it keeps failing."
    )
    case, _created = open_system_case(
        cause=cause,
        subject=f"Automatic refund failed ({follow_up.payment.buyer_email})",
        priority=CasePriority.URGENT,
        status=CaseStatus.OPEN,
        body=text,
        **_late_payment_fields(follow_up),
    )
    return case


# --- Pre-orders ---------------------------------------------------------------------


def _pre_order_case(pre_order, *, cause, subject, priority, body):
    """An open system case about a member's pre-order (once per cause)."""
    member = pre_order.member
    case, _created = open_system_case(
        cause=cause,
        subject=f"{subject} ({member.email})",
        customer_email=member.email,
        customer_name=member.get_full_name(),
        customer=member,
        pre_order=pre_order,
        priority=priority,
        status=CaseStatus.OPEN,
        body=body,
    )
    return case


def pre_order_capture_failed(sender, pre_order, **kwargs):
    return _pre_order_case(
        pre_order,
        cause=f"pre-order-capture:{pre_order.pk}",
        subject="Pre-order payment failed",
        priority=CasePriority.HIGH,
        body=(
            f"The capture of pre-order {pre_order.pk} failed for good after "
            f"{pre_order.capture_attempts} attempts: {pre_order.last_capture_error}\n"
            "The member was emailed a link to replace the card."
        ),
    )


def ticket_delivery_failed(sender, assignment_id, error="", **kwargs):
    from fulfilment.models import Assignment

    assignment = Assignment.objects.select_related("pre_order__member").get(pk=assignment_id)
    pre_order = assignment.pre_order
    return _pre_order_case(
        pre_order,
        cause=f"ticket-delivery:{assignment_id}",
        subject="Ticket email not delivered",
        priority=CasePriority.NORMAL,
        body=(
            f"The ticket delivery email of pre-order {pre_order.pk} to {pre_order.member.email} "
            f"failed for good after {assignment.delivery_attempts} attempts: "
            f"{assignment.last_delivery_error or error}\n"
            "Check the address with the customer, then resend the credentials."
        ),
    )


# --- Wiring -------------------------------------------------------------------------


def _logged(receiver):
    def receive(sender, **kwargs):
        try:
            return receiver(sender, **kwargs)
        except Exception:
            logger.exception("system case (%s) not opened", receiver.__name__)
            return None

    receive.__name__ = receiver.__name__
    return receive


def connect():
    """Connect the receivers that open system cases (late payments, failed captures)."""
    from commerce import signals as commerce_signals
    from fulfilment import signals as fulfilment_signals

    pairs = [
        (commerce_signals.late_payment_refunded, late_payment_refunded),
        (commerce_signals.late_payment_refund_failed, late_payment_refund_failed),
        (fulfilment_signals.pre_order_capture_failed, pre_order_capture_failed),
        (fulfilment_signals.ticket_delivery_failed, ticket_delivery_failed),
    ]
    for signal, receiver in pairs:
        signal.connect(
            _logged(receiver), weak=False, dispatch_uid=f"crm.system_cases.{receiver.__name__}"
        )
