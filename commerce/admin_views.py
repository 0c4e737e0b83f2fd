"""Organizer screens in the Wagtail admin: sales per event, orders, follow-ups."""

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from commerce.admin_selectors import filter_orders, visible_orders
from commerce.exports import CheckInResource, OrderResource, export
from commerce.models import OrderStatus, PaymentFollowUp, Ticket
from commerce.selectors import availability, sales_summary
from event_pages.models import EventPage

PER_PAGE = 25


def _editable_event(request, page_id) -> EventPage:
    event = get_object_or_404(EventPage, pk=page_id)
    if not event.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return event


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _order_export(request, orders, name: str) -> HttpResponse | None:
    """?export=csv|xlsx downloads the (filtered) orders instead of showing them."""
    file_format = request.GET.get("export")
    if file_format not in ("csv", "xlsx"):
        return None
    content, content_type = export(OrderResource, orders, file_format)
    return _download(content, content_type, f"{name}.{file_format}")


def event_sales(request, page_id):
    """Tier summary (sold / held / remaining vs allocation and X) and the event's orders."""
    event = _editable_event(request, page_id)
    orders = filter_orders(
        visible_orders(request.user).filter(event_key=event.translation_key),
        status=request.GET.get("status", ""),
        query=request.GET.get("q", ""),
    )
    if download := _order_export(request, orders, f"orders-{event.slug}"):
        return download
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
            "orders": Paginator(orders, PER_PAGE).get_page(request.GET.get("page")),
            "statuses": OrderStatus.choices,
            "status": request.GET.get("status", ""),
            "q": request.GET.get("q", ""),
        },
    )


def event_checkin(request, page_id):
    event = _editable_event(request, page_id)
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        file_format = "csv"
    tickets = (
        Ticket.objects.filter(order__event_key=event.translation_key)
        .select_related("order", "item")
        .order_by("item__tier_name", "attendee_name", "pk")
    )
    content, content_type = export(CheckInResource, tickets, file_format)
    return _download(content, content_type, f"check-in-{event.slug}.{file_format}")


def orders(request):
    """All orders the user may see, across their events."""
    found = filter_orders(
        visible_orders(request.user),
        status=request.GET.get("status", ""),
        query=request.GET.get("q", ""),
    )
    if download := _order_export(request, found, "orders"):
        return download
    return TemplateResponse(
        request,
        "commerce/admin/orders.html",
        {
            "orders": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
            "statuses": OrderStatus.choices,
            "status": request.GET.get("status", ""),
            "q": request.GET.get("q", ""),
        },
    )


def _can_refund(user):
    return user.is_superuser or user.has_perm("commerce.change_paymentfollowup")


@user_passes_test(_can_refund)
def follow_ups(request):
    return TemplateResponse(
        request,
        "commerce/admin/follow_ups.html",
        {
            "follow_ups": PaymentFollowUp.objects.select_related("payment__hold__event").order_by(
                "status", "-created_at"
            )[:200],
        },
    )


@require_POST
@user_passes_test(_can_refund)
def refund(request, pk):
    from commerce.services.orders import refund_follow_up

    follow_up = get_object_or_404(PaymentFollowUp, pk=pk)
    refund_follow_up(follow_up=follow_up, actor=request.user)
    messages.success(request, _("The payment has been refunded."))
    return redirect("bilten_sales:follow_ups")
