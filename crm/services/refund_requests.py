"""An attendee asks for their money back from their order page or the API.

Within the organization's refund policy the order's valid tickets are refunded
at once, through the gateway, like an agent's refund (source POLICY, audited
with the customer as the actor). Outside it, or when the gateway refuses, a
support case is opened for an agent to decide, and the attendee is told so.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commerce.exceptions import CommerceError
from commerce.models import Order, OrderStatus
from crm import audit
from crm.services import policies
from crm.services.actions import _email_refund, _order_state

REFUNDABLE_STATUSES = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)


@dataclass(frozen=True)
class RefundRequestOutcome:
    refunded: bool
    refund: object = None
    case: object = None


def request_refund(*, order: Order, requester=None, reason: str = "", ip: str = ""):
    """Refund within policy, else open a case. The caller checked that `requester` owns
    the order (or holds its signed link)."""
    from commerce.models import RefundSource
    from commerce.services.refunds import refund_order

    if order.status not in REFUNDABLE_STATUSES or not order.tickets.filter(status="valid"):
        raise CommerceError("nothing_to_refund")
    if policies.refund_allowed_now(order):
        try:
            with transaction.atomic():
                before = _order_state(order)
                made = refund_order(
                    order=order, reason=reason, source=RefundSource.POLICY, actor=requester
                )
                order.refresh_from_db()
                audit.record(
                    order,
                    audit.ORDER_REFUNDED,
                    actor=requester,
                    ip=ip,
                    before=before,
                    after=_order_state(order),
                    amount_minor=made.whole_amount_minor if made else 0,
                    via="refund request within policy",
                )
                _email_refund(order, made)
            return RefundRequestOutcome(refunded=True, refund=made)
        except CommerceError as refused:  # the gateway said no: an agent takes it from here
            reason = f"{reason}\n\n({refused.code})".strip()
    return RefundRequestOutcome(refunded=False, case=_open_request_case(order, requester, reason))


def _open_request_case(order, requester, reason):
    from crm.models import CasePriority, CaseSource, SupportCase
    from crm.services.cases import open_case

    existing = SupportCase.objects.filter(
        order=order, source=CaseSource.CUSTOMER, subject__startswith="Refund request"
    ).exclude(status__in=["resolved", "closed"])
    if existing.exists():
        return existing.first()
    deadline = policies.refund_deadline(order)
    why = (
        _("Outside the refund policy (refunds ended %(date)s).") % {"date": f"{deadline:%Y-%m-%d}"}
        if deadline
        else _("The organizer does not offer refunds.")
    )
    return open_case(
        subject=f"Refund request for order {order.number}",
        customer_email=order.buyer_email,
        customer_name=order.buyer_name,
        customer=order.buyer,
        order=order,
        priority=CasePriority.NORMAL,
        source=CaseSource.CUSTOMER,
        body=f"{reason}\n\n{why}".strip(),
        actor=requester,
    )
