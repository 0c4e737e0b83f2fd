"""The dashboard's bulk actions on pre-orders: resend the ticket email, mark the ticket
used, export CSV. The caller passes pre-orders the user may act on (the permission
policy's queryset); each state change is written to the assignment log.
"""

import csv
import io
import logging

from django.db import transaction

from commerce.exports import neutralise
from fulfilment.models import AssignmentLog, PreOrder, TicketCredential, TicketStatus

logger = logging.getLogger(__name__)

EXPORT_COLUMNS = [
    "pre_order",
    "event",
    "member_email",
    "variant",
    "status",
    "confirmed_at",
    "ticket_login_email",
    "ticket_status",
    "delivery_status",
]


def staff_label(user) -> str:
    from fulfilment.services.assignment import actor_label

    return actor_label(user)


def mark_used(pre_orders, *, actor, ip=None) -> int:
    """The assigned tickets of these pre-orders become `used`; returns how many changed."""
    with transaction.atomic():
        tickets = list(
            TicketCredential.objects.select_for_update()
            .filter(assignment__pre_order__in=pre_orders, status=TicketStatus.ASSIGNED)
            .values_list("pk", "event_key", "assignment__pre_order_id")
        )
        TicketCredential.objects.filter(pk__in=[t[0] for t in tickets]).update(
            status=TicketStatus.USED
        )
        label = staff_label(actor)
        AssignmentLog.objects.bulk_create(
            AssignmentLog(
                action="ticket_marked_used",
                event_key=event_key,
                pre_order_id=pre_order_id,
                ticket_id=ticket_id,
                actor=actor,
                actor_label=label,
                ip_address=ip,
                data={"from": TicketStatus.ASSIGNED, "to": TicketStatus.USED},
            )
            for ticket_id, event_key, pre_order_id in tickets
        )
    return len(tickets)


def resend_available() -> bool:
    return _delivery() is not None


def _delivery():
    """Engineer B's delivery service (fulfilment.services.delivery), if installed."""
    try:
        from fulfilment.services import delivery
    except ImportError:
        return None
    if not hasattr(delivery, "resend_many") and not hasattr(delivery, "resend"):
        return None
    return delivery


def resend(pre_orders, *, actor, ip=None) -> int | None:
    """Queue the ticket email again for each fulfilled pre-order (the delivery service
    logs each); None when delivery is not installed. Returns how many were queued."""
    delivery = _delivery()
    if delivery is None:
        return None
    from fulfilment.models import Assignment

    assignments = Assignment.objects.filter(pre_order__in=pre_orders)
    if hasattr(delivery, "resend_many"):
        return len(delivery.resend_many(assignments, actor=actor, ip=ip))
    return sum(1 for a in assignments if delivery.resend(a, actor=actor, ip=ip) is not None)


def export_csv(pre_orders) -> bytes:
    """The pre-orders as CSV (UTF-8 with BOM), formulas neutralised, never a password."""
    rows = (
        PreOrder.objects.filter(pk__in=pre_orders.values("pk"))
        .order_by("offer__event__title", "confirmed_at", "created_at")
        .values_list(
            "pk",
            "offer__event__title",
            "member__email",
            "variant__name",
            "status",
            "confirmed_at",
            "assignment__ticket__login_email",
            "assignment__ticket__status",
            "assignment__delivery_status",
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows.iterator(chunk_size=2000):
        writer.writerow(
            neutralise(value.isoformat() if hasattr(value, "isoformat") else value or "")
            for value in row
        )
    return buffer.getvalue().encode("utf-8-sig")
