"""An attendee asks for a refund from their order page (the web side of
crm.services.refund_requests; the API's is crm.api.refund_request).

Only the buyer may: signed in as the order's account, or holding the buyer's own
signed link from the confirmation email (an attendee's link shows their tickets
but cannot refund the order). The page says first what will happen: within the
organization's policy the money goes back at once; outside it the request goes to
support as a case. Rate-limited like the API (RATE_LIMITS["refund_request"]).
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from commerce.exceptions import CommerceError
from commerce.models import Order, TicketStatus
from commerce.order_links import open_link
from core.client_address import client_address
from core.throttles import within_limit
from crm.services import policies
from crm.services.refund_requests import REFUNDABLE_STATUSES, request_refund


class RefundRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want a refund? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _buyers_order(request, number, token) -> Order:
    if token is not None:
        link = open_link(number, token)
        if not link.is_buyer:
            raise Http404
        return link.order
    if not request.user.is_authenticated:
        raise Http404
    order = Order.objects.filter(number=number, buyer=request.user).first()
    if order is None:
        raise Http404
    return order


def refund_terms(order) -> dict:
    """What the order page and this page say about refunding `order`."""
    valid = order.tickets.filter(status=TicketStatus.VALID).count()
    return {
        "refundable": order.status in REFUNDABLE_STATUSES and valid > 0,
        "within_policy": policies.refund_allowed_now(order),
        "deadline": policies.refund_deadline(order),
        "valid_tickets": valid,
    }


@require_http_methods(["GET", "POST"])
def refund_request(request, number, token=None):
    order = _buyers_order(request, number, token)
    context = {"order": order, "token": token, **refund_terms(order)}
    if not context["refundable"]:
        return render(request, "crm/support/refund_request.html", context, status=409)
    if request.method == "GET":
        return render(
            request, "crm/support/refund_request.html", {**context, "form": RefundRequestForm()}
        )
    form = RefundRequestForm(request.POST)
    if not within_limit("refund_request", client_address(request)):
        form.add_error(None, _("Too many requests. Please try again later."))
    if not form.is_valid():
        return render(
            request,
            "crm/support/refund_request.html",
            {**context, "form": form},
            status=429 if form.has_error("__all__") else 200,
        )
    requester = request.user if request.user.is_authenticated else None
    try:
        outcome = request_refund(
            order=order,
            requester=requester,
            reason=form.cleaned_data["reason"],
            ip=client_address(request),
        )
    except CommerceError as refused:
        form.add_error(None, refused.message)
        return render(request, "crm/support/refund_request.html", {**context, "form": form})
    order.refresh_from_db()
    return render(
        request,
        "crm/support/refund_request_done.html",
        {"order": order, "token": token, "outcome": outcome},
    )
