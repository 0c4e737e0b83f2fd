"""Guests reach their order from any device: the signed link, and "Find your order".

A guest's order otherwise opens only in the browser session that bought it
(commerce.access). The link in the confirmation email carries a signature of the
order number and the recipient's address (commerce.order_links); the lookup page
emails that link to the address given, never shows it (commerce.services.order_lookup).
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from commerce.guest_forms import OrderLookupForm
from commerce.order_links import open_link
from core.client_address import client_address
from core.throttles import within_limit


def _private(response):
    """A page reached by a secret address: not cached by others, not indexed, no referrer."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def order_by_link(request, number, token):
    link = open_link(number, token)
    order = link.order
    return _private(
        render(
            request,
            "commerce/order_detail.html",
            {
                "order": order,
                "link": link,
                "items": order.items.all() if link.is_buyer else [],
                "tickets": link.tickets(),
            },
        )
    )


@require_GET
def ticket_by_link(request, number, token, code):
    link = open_link(number, token)
    ticket = link.ticket(code)
    return _private(
        render(
            request,
            "commerce/ticket_detail.html",
            {"ticket": ticket, "order": link.order, "link": link},
        )
    )


@require_GET
def ticket_qr_by_link(request, number, token, code):
    from commerce.tickets import qr_png

    ticket = open_link(number, token).ticket(code)
    if not ticket.admits:  # refunded, cancelled or transferred: its QR code admits nobody
        raise Http404
    response = HttpResponse(qr_png(ticket), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def find_order(request):
    """Email + order number; the same answer whether or not they belong together.

    Counted per client address (a refusal says so, 429) and per email address asked
    for (beyond it nothing is sent, silently), like the password reset.
    """
    from commerce.services.order_lookup import request_order_link

    if request.method == "GET":
        return render(request, "commerce/find_order.html", {"form": OrderLookupForm()})
    over_limit = not within_limit("order_lookup", client_address(request))
    form = OrderLookupForm(request.POST, over_limit=over_limit)
    if not form.is_valid():
        status = 429 if form.has_error("__all__", code="rate_limited") else 200
        return render(request, "commerce/find_order.html", {"form": form}, status=status)
    email = form.cleaned_data["email"].strip().lower()
    if within_limit("order_lookup_email", email):
        request_order_link(email=email, number=form.cleaned_data["number"], language=get_language())
    return redirect("commerce:find_order_sent")


@require_GET
def find_order_sent(request):
    return render(request, "commerce/find_order_sent.html")
