"""The customer's page to pay an exchange's price difference: /exchanges/<id>/<token>/.

The link comes by email (commerce.exchange_emails); its random token is the only key,
so anyone holding the link may pay (like a payment link), and a wrong token is a 404.
The payment UI is the checkout's (templates/commerce/components/payment_form.html).
"""

import secrets

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commerce.exceptions import CommerceError
from commerce.forms import DemoCardForm
from commerce.models import ExchangeCharge, ExchangeChargeStatus
from commerce.order_links import link_token
from commerce.services.exchange_charges import pay_with_demo_card, payable


def _charge(charge_id: int, token: str) -> ExchangeCharge:
    charge = (
        ExchangeCharge.objects.select_related("order__event", "ticket__item", "new_ticket")
        .filter(pk=charge_id)
        .first()
    )
    if charge is None or not secrets.compare_digest(charge.token, str(token)):
        raise Http404
    return charge


def _state(charge: ExchangeCharge) -> str:
    if charge.status == ExchangeChargeStatus.AWAITING_PAYMENT:
        return "payable" if payable(charge) else ExchangeChargeStatus.EXPIRED
    return charge.status


@require_http_methods(["GET", "POST"])
def exchange_pay(request, charge_id, token):
    charge = _charge(charge_id, token)
    order = charge.order
    state = _state(charge)
    card_form = DemoCardForm(request.POST or None)
    if request.method == "POST":
        if charge.gateway != "demo" or state != "payable":
            return redirect(request.path)
        if card_form.is_valid():
            try:
                outcome = pay_with_demo_card(
                    charge=charge, card_number=card_form.cleaned_data["card_number"]
                )
            except CommerceError as refusal:
                card_form.add_error("card_number", refusal.message)
            else:
                if outcome == "succeeded":
                    return redirect(request.path)
                card_form.add_error(
                    "card_number", _("Your card was declined. Please try another card.")
                )
    context = {
        "charge": charge,
        "order": order,
        "event": order.event,
        "state": state,
        "old_tier": charge.ticket.item.tier_name,
        "card_form": card_form,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "return_url": f"{settings.SITE_URL}{request.path}",
        "returning": bool(request.GET.get("payment_intent")),
    }
    if state == ExchangeChargeStatus.PAID:
        context["order_url"] = reverse(
            "commerce:order_link",
            kwargs={"number": order.number, "token": link_token(order, order.buyer_email)},
        )
    return render(request, "commerce/exchange_pay.html", context)
