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
from commerce.models import Order, Ticket
from commerce.permissions import may_see_sales
from commerce.selectors import event_sales_overview
from event_pages.models import EventPage

LATEST_ORDERS = 20


def _event_with_visible_sales(request, page_id) -> EventPage:
    event = get_object_or_404(EventPage, pk=page_id)
    if not may_see_sales(request.user, event):
        raise PermissionDenied
    return event


def event_sales(request, page_id):
    """Sold, held and remaining per tier against capacity, revenue per tier and currency,
    and the latest orders, each opening its order in the admin."""
    event = _event_with_visible_sales(request, page_id)
    overview = event_sales_overview(event)
    orders_url = f"{reverse('bilten_orders:index')}?event={event.pk}"
    latest_orders = (
        Order.objects.filter(event_key=event.translation_key)
        .prefetch_related("items")
        .order_by("-created_at", "-pk")[:LATEST_ORDERS]
    )
    return TemplateResponse(
        request,
        "commerce/admin/event_sales.html",
        {
            "event": event,
            "overview": overview,
            "rows": overview.tiers,
            "remaining": overview.remaining,
            "latest_orders": latest_orders,
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
    content, content_type = export(CheckInResource, tickets, file_format, title="Check-in")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="check-in-{event.slug}.{file_format}"'
    return response
