"""The member's side of pre-orders: placing one, /account/pre-orders/, replacing a card.

Every view needs a signed-in member and reads only that member's own pre-orders: any
other pre-order's address answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.client_address import client_ip_for_axes as client_ip
from event_pages.models import EventPage
from fulfilment.preorder_forms import PreOrderForm, ReplaceCardForm
from fulfilment.services.cards import replace_card
from fulfilment.services.placement import (
    PreOrderError,
    existing_pre_order,
    open_offer,
    place_pre_order,
)
from fulfilment.services.portal import STATUS_LABELS, credentials_for, member_status, pre_orders_of


@login_required
@require_GET
def my_pre_orders(request):
    rows = [
        {
            "pre_order": pre_order,
            "status": member_status(pre_order),
            "status_label": STATUS_LABELS[member_status(pre_order)],
            "credentials": credentials_for(pre_order, request.user),
        }
        for pre_order in pre_orders_of(request.user)
    ]
    return render(request, "fulfilment/preorder/my_pre_orders.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def place(request, event_id):
    event = get_object_or_404(EventPage.objects.live().public(), pk=event_id)
    offer = open_offer(event)
    if offer is None:
        return render(
            request, "fulfilment/preorder/place.html", {"page": event, "offer": None}, status=404
        )
    if existing_pre_order(request.user, event):
        messages.info(request, _("You have already pre-ordered this event."))
        return redirect("fulfilment_portal:list")
    variants = list(offer.variants.all())
    form = PreOrderForm(request.POST or None, variants=variants)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                place_pre_order(
                    member=request.user,
                    event=event,
                    variant_id=form.cleaned_data.get("variant"),
                    card=form.cleaned_data["card_number"],
                    language=get_language(),
                    ip=client_ip(request),
                )
            except PreOrderError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Your pre-order is placed."))
                return redirect("fulfilment_portal:list")
        status = 400
    context = {"page": event, "offer": offer, "form": form}
    return render(request, "fulfilment/preorder/place.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def replace(request, pk):
    pre_order = get_object_or_404(pre_orders_of(request.user), pk=pk)
    form = ReplaceCardForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = replace_card(
                    pre_order=pre_order,
                    card=form.cleaned_data["card_number"],
                    ip=client_ip(request),
                )
            except PreOrderError as error:
                form.add_service_error(error)
            else:
                if outcome == "captured":
                    messages.success(request, _("Thank you: your new card was charged."))
                else:
                    messages.error(request, _("Your new card was refused too. Try another card."))
                return redirect("fulfilment_portal:list")
        status = 400
    context = {"pre_order": pre_order, "form": form}
    return render(request, "fulfilment/preorder/replace_card.html", context, status=status)
