"""The pre-order box on an event page (event pages know nothing of fulfilment; their
template asks this tag, which renders nothing when the event takes no pre-orders):

    {% load pre_order_tags %}
    {% pre_order_box page %}
"""

from django import template

from fulfilment.preorder_forms import PreOrderForm
from fulfilment.services.placement import existing_pre_order, open_offer

register = template.Library()


@register.inclusion_tag("fulfilment/preorder/box.html", takes_context=True)
def pre_order_box(context, page):
    offer = open_offer(page)
    request = context.get("request")
    user = getattr(request, "user", None)
    if offer is None:
        return {"offer": None}
    signed_in = bool(user and user.is_authenticated)
    return {
        "offer": offer,
        "page": page,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "existing": signed_in and existing_pre_order(user, page),
        "form": PreOrderForm(variants=list(offer.variants.all())) if signed_in else None,
    }
