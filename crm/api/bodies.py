"""The JSON answers of the support API, built by hand (described in crm.api.schema)."""

from commerce.models import Order, Refund, Ticket
from event_pages.models import TicketTier


def tier_ids(order: Order, tickets) -> dict:
    """{ticket pk: TicketTier pk}: the tier on the order's event copy, else the order line's
    tier (an exchange into another event), else any copy of the tier."""
    tickets = list(tickets)
    keys = {ticket.tier_key for ticket in tickets}
    by_key: dict = {}
    rows = TicketTier.objects.filter(translation_key__in=keys).order_by("pk")
    for key, page_id, pk in rows.values_list("translation_key", "page_id", "pk"):
        if key not in by_key or page_id == order.event_id:
            by_key[key] = (page_id, pk)
    ids = {}
    for ticket in tickets:
        page_id, pk = by_key.get(ticket.tier_key, (None, None))
        if page_id != order.event_id and ticket.item.tier_key == ticket.tier_key:
            pk = ticket.item.tier_id or pk
        ids[ticket.pk] = pk
    return ids


def ticket_body(ticket: Ticket, tier_id) -> dict:
    return {"code": ticket.code, "tier_id": tier_id, "status": ticket.status}


def refund_body(refund: Refund | None) -> dict | None:
    if refund is None:
        return None
    return {"id": refund.pk, "amount_minor": refund.whole_amount_minor, "status": refund.status}


def exchange_charge_body(charge) -> dict:
    from commerce.services.exchange_charges import pay_url

    return {
        "id": charge.pk,
        "status": charge.status,
        "amount_minor": charge.amount_minor,
        "currency": charge.currency,
        "pay_url": pay_url(charge),
        "expires_at": charge.expires_at.isoformat(),
    }


def order_body(order: Order) -> dict:
    tickets = list(order.tickets.select_related("item").order_by("pk"))
    tiers = tier_ids(order, tickets)
    payment = order.payment
    return {
        "number": order.number,
        "status": order.status,
        "event": {"id": order.event_id, "title": order.event.title if order.event else ""},
        "buyer": {"email": order.buyer_email, "name": order.buyer_name},
        "total_minor": order.total_minor,
        "refunded_minor": order.refunded_minor,
        "currency": order.currency,
        "created_at": order.created_at.isoformat(),
        "tickets": [ticket_body(ticket, tiers[ticket.pk]) for ticket in tickets],
        "payments": [
            {
                "reference": payment.reference,
                "gateway": payment.gateway,
                "amount_minor": payment.amount_minor,
                "status": payment.status,
            }
        ],
        "refunds": [
            {
                **refund_body(refund),
                "reason": refund.reason,
                "created_at": refund.created_at.isoformat(),
                "tickets": [ticket.code for ticket in refund.tickets.all()],
            }
            for refund in order.refunds.prefetch_related("tickets").order_by("created_at", "pk")
        ],
    }


def case_body(case) -> dict:
    return {
        "id": case.pk,
        "subject": case.subject,
        "status": case.status,
        "priority": case.priority,
        "source": case.source,
        "customer": {
            "id": case.customer_id,
            "email": case.customer_email,
            "name": case.customer_name,
        },
        "order": case.order.number if case.order_id else None,
        "created_at": case.created_at.isoformat(),
        "first_response_due_at": _iso(case.first_response_due_at),
        "resolution_due_at": _iso(case.resolution_due_at),
    }


def message_body(message) -> dict:
    return {
        "id": message.pk,
        "kind": message.kind,
        "internal": not message.is_public,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


def _iso(moment):
    return moment.isoformat() if moment else None
