"""The sales screen of one event in the Wagtail admin, and its check-in list.

The orders themselves are the Orders viewset (commerce.admin_viewsets); this
screen links to it, filtered to the event.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from commerce.exports import CheckInResource, export
from commerce.models import Ticket
from commerce.permissions import may_see_sales
from commerce.selectors import availability, sales_summary
from event_pages.models import EventPage


def _event_with_visible_sales(request, page_id) -> EventPage:
    event = get_object_or_404(EventPage, pk=page_id)
    if not may_see_sales(request.user, event):
        raise PermissionDenied
    return event


def event_sales(request, page_id):
    """Tier summary (sold / held / remaining vs allocation and X), with links to the orders."""
    event = _event_with_visible_sales(request, page_id)
    rows = sales_summary(event)
    current = availability(event)
    capacity = event.total_capacity or 0
    sold = sum(row["sold"] for row in rows)
    held = sum(row["held"] for row in rows)
    for row in rows:
        cap = row["allocation"] if row["allocation"] is not None else capacity
        row["cap"] = cap
        row["sold_pct"] = round(100 * row["sold"] / cap) if cap else 0
        row["held_pct"] = round(100 * row["held"] / cap) if cap else 0
    orders_url = f"{reverse('bilten_orders:index')}?event={event.pk}"
    return TemplateResponse(
        request,
        "commerce/admin/event_sales.html",
        {
            "event": event,
            "rows": rows,
            "capacity": capacity,
            "sold": sold,
            "held": held,
            "remaining": current.event_remaining,
            "sold_pct": round(100 * sold / capacity) if capacity else 0,
            "held_pct": round(100 * held / capacity) if capacity else 0,
            "orders_url": orders_url,
        },
    )


def event_checkin(request, page_id):
    event = _event_with_visible_sales(request, page_id)
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        file_format = "csv"
    tickets = (
        Ticket.objects.filter(order__event_key=event.translation_key)
        .select_related("order", "item")
        .order_by("item__tier_name", "attendee_name", "pk")
    )
    content, content_type = export(CheckInResource, tickets, file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="check-in-{event.slug}.{file_format}"'
    return response
