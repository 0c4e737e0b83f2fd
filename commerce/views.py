"""The public purchase flow: pick tickets, hold them, check out, pay, get tickets.

Thin views: each parses a form, calls one service and renders. Business
refusals (CommerceError) are shown beside what they concern; anything else is
logged and the buyer sees a calm message.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commerce.access import (
    owned_hold,
    owned_order,
    owned_orders,
    owned_ticket,
    owner_filter,
    session_key_of,
)
from commerce.exceptions import CommerceError, InsufficientInventory
from commerce.forms import (
    CheckoutForm,
    DemoCardForm,
    PromoForm,
    TicketSelectionForm,
    hold_again_form,
)
from commerce.hold_limits import hold_allowance
from commerce.models import Hold, HoldStatus, Payment, Ticket
from event_pages.models import EventPage

logger = logging.getLogger(__name__)


def _buyer(request):
    return request.user if request.user.is_authenticated else None


@require_http_methods(["GET", "POST"])
def hold_tickets(request, event_id):
    """The event page's "Get tickets" form: hold the chosen quantities, then check out.

    A refused form is shown again at this address; reloading it (a GET) goes back to
    the event's tickets rather than to a bare "method not allowed".
    """
    from commerce.services.holds import place_hold

    event = get_object_or_404(EventPage.objects.live().public(), pk=event_id)
    if request.method == "GET":
        return redirect(f"{event.url}#tickets")
    tiers = [tier for tier in event.tiers.all() if tier.on_sale_at(timezone.now())]
    form = TicketSelectionForm(request.POST, tiers=tiers)
    if form.is_valid():
        lines = form.lines()
        try:
            with hold_allowance(request, event=event, tickets=sum(x.quantity for x in lines)):
                hold = place_hold(
                    event=event,
                    lines=lines,
                    buyer=_buyer(request),
                    session_key=session_key_of(request),
                )
            return redirect("commerce:checkout", hold_id=hold.pk)
        except InsufficientInventory as refusal:
            for tier in tiers:
                left = refusal.detail.get(str(tier.pk))
                if left is not None and form.cleaned_data.get(f"tier_{tier.pk}", 0) > left:
                    form.add_error(
                        f"tier_{tier.pk}",
                        _("Only %(n)d left.") % {"n": left} if left else _("Sold out."),
                    )
            form.add_error(None, refusal.message)
        except CommerceError as refusal:
            form.add_error(None, refusal.message)
    context = event.get_context(request, ticket_form=form)
    return TemplateResponse(request, event.get_template(request), context, status=409)


def _checkout_context(request, hold, **extra):
    payment = Payment.objects.filter(hold=hold).first()
    initial = {
        "buyer_name": getattr(request.user, "name", "") or (payment.buyer_name if payment else ""),
        "buyer_email": getattr(request.user, "email", "")
        or (payment.buyer_email if payment else ""),
    }
    lines = list(hold.lines.all())
    context = {
        "hold": hold,
        "event": hold.event,
        "lines": lines,
        "payment": payment,
        "form": CheckoutForm(initial=initial, ticket_count=sum(line.quantity for line in lines)),
        "promo_form": PromoForm(
            initial={"promo_code": hold.promo_code.code if hold.promo_code else ""}
        ),
        "card_form": DemoCardForm(),
        "active": True,
        **extra,
    }
    if not hold.is_active_at(timezone.now()):
        _show_hold_ended(context, hold)
    return context


def _show_hold_ended(context, hold):
    """Say the hold ended and offer to hold the same tickets again (not a generic error)."""
    context["active"] = False
    context["hold_again_form"] = hold_again_form(hold, now=timezone.now())


@require_http_methods(["GET", "POST"])
def checkout(request, hold_id):
    """Review the hold, give buyer details (and a promo code), then pay."""
    from commerce.services.checkout import start_checkout
    from commerce.services.promos import apply_promo_code

    hold = owned_hold(request, hold_id)
    if hasattr(hold, "order"):
        return redirect("commerce:order", number=hold.order.number)
    if request.method == "GET":
        return render(request, "commerce/checkout.html", _checkout_context(request, hold))

    context = _checkout_context(request, hold)
    if "apply_promo" in request.POST:
        promo_form = PromoForm(request.POST)
        context["promo_form"] = promo_form
        if promo_form.is_valid():
            try:
                hold = apply_promo_code(
                    hold=hold,
                    code=promo_form.cleaned_data["promo_code"],
                    buyer_email=getattr(request.user, "email", ""),
                )
                messages.success(
                    request,
                    _("Promo code applied.") if hold.promo_code else _("Promo code removed."),
                )
                return redirect("commerce:checkout", hold_id=hold.pk)
            except CommerceError as refusal:
                if refusal.code == "hold_not_active":
                    _show_hold_ended(context, hold)
                promo_form.add_error("promo_code", refusal.message)
        return render(request, "commerce/checkout.html", context)

    form = CheckoutForm(request.POST, ticket_count=sum(line.quantity for line in context["lines"]))
    context["form"] = form
    if form.is_valid():
        try:
            start_checkout(
                hold=hold,
                buyer_email=form.cleaned_data["buyer_email"],
                buyer_name=form.cleaned_data["buyer_name"],
                attendee_names=form.attendee_names(),
                attendee_emails=form.attendee_emails(),
            )
            return redirect("commerce:pay", hold_id=hold.pk)
        except CommerceError as refusal:
            if refusal.code == "hold_not_active":
                _show_hold_ended(context, hold)
            form.add_error(None, refusal.message)
    return render(request, "commerce/checkout.html", context)


@require_http_methods(["GET", "POST"])
def pay(request, hold_id):
    """Step two: the card form (demo gateway) or Stripe's Payment Element."""
    from commerce.services.checkout import checkout_details
    from commerce.services.demo_payments import confirm_demo_payment

    hold = owned_hold(request, hold_id)
    payment = Payment.objects.filter(hold=hold).first()
    if payment is None:
        return redirect("commerce:checkout", hold_id=hold.pk)
    if hasattr(hold, "order"):
        return redirect("commerce:order", number=hold.order.number)
    context = _checkout_context(request, hold, details=checkout_details(payment))
    if request.method == "POST":
        if payment.gateway != "demo":
            raise Http404
        card_form = DemoCardForm(request.POST)
        context["card_form"] = card_form
        if card_form.is_valid():
            try:
                outcome = confirm_demo_payment(
                    payment=payment, card_number=card_form.cleaned_data["card_number"]
                )
            except CommerceError as refusal:
                if refusal.code == "hold_not_active":
                    _show_hold_ended(context, hold)
                card_form.add_error("card_number", refusal.message)
            else:
                if outcome == "succeeded":
                    return redirect("commerce:payment_status", payment_id=payment.pk)
                card_form.add_error(
                    "card_number", _("Your card was declined. Please try another card.")
                )
        return render(request, "commerce/pay.html", context)
    return render(request, "commerce/pay.html", context)


def _owned_payment(request, payment_id) -> Payment:
    holds = Hold.objects.filter(owner_filter(request))
    payment = Payment.objects.filter(pk=payment_id, hold__in=holds).first()
    if payment is None:
        raise Http404
    return payment


@require_GET
def payment_status(request, payment_id):
    """The confirmation page: waits (polling) until the payment has become an order."""
    from commerce.services.orders import order_state_for_payment

    payment = _owned_payment(request, payment_id)
    state = order_state_for_payment(payment)
    if request.headers.get("Accept") == "application/json" or request.GET.get("format") == "json":
        return JsonResponse(state)
    if state["state"] == "completed":
        return redirect("commerce:order", number=state["order_number"])
    return render(request, "commerce/payment_status.html", {"payment": payment, "state": state})


@require_GET
def order_detail(request, number):
    order = owned_order(request, number)
    return render(
        request,
        "commerce/order_detail.html",
        {
            "order": order,
            "items": order.items.all(),
            "tickets": order.tickets.select_related("item"),
        },
    )


@login_required
@require_GET
def my_orders(request):
    """The member's orders, each with its tickets (tier, attendee, link to the QR)."""
    tickets = Ticket.objects.select_related("item").order_by("pk")
    orders = (
        owned_orders(request)
        .select_related("event")
        .prefetch_related("items", Prefetch("tickets", queryset=tickets))
    )
    return render(request, "commerce/my_orders.html", {"orders": orders})


@require_GET
def ticket_detail(request, code):
    ticket = owned_ticket(request, code)
    return render(request, "commerce/ticket_detail.html", {"ticket": ticket, "order": ticket.order})


@require_GET
def ticket_qr(request, code):
    from commerce.tickets import qr_png

    ticket = owned_ticket(request, code)
    if not ticket.admits:  # refunded, cancelled or transferred: its QR code admits nobody
        raise Http404
    response = HttpResponse(qr_png(ticket), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def release_hold(request, hold_id):
    from commerce.services.holds import cancel_hold

    hold = owned_hold(request, hold_id)
    if hold.status == HoldStatus.ACTIVE:
        try:
            cancel_hold(hold=hold)
        except CommerceError as refusal:
            messages.error(request, refusal.message)
            return redirect("commerce:checkout", hold_id=hold.pk)
        messages.info(request, _("Your tickets have been released."))
    return redirect(hold.event.url if hold.event else "/")
