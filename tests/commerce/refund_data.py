"""Paid orders to refund: bought through the real hold, checkout and demo payment path."""

from commerce.models import EventInventory, Order, TierInventory
from commerce.selectors import availability
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from commerce.services.promos import apply_promo_code
from tests.commerce.payments import checkout

CARD = "4242424242424242"


def paid_order(event, *lines, session_key="buyer-1", promo="", names=()) -> Order:
    """An order for `lines` ((tier name, quantity) pairs), paid with the demo card."""
    hold = place_hold(
        event=event,
        lines=[LineRequest(event.tiers.get(name=name).pk, quantity) for name, quantity in lines],
        session_key=session_key,
    )
    if promo:
        hold = apply_promo_code(hold=hold, code=promo)
    payment = checkout(hold, names=names)
    assert confirm_demo_payment(payment=payment, card_number=CARD) == "succeeded"
    return Order.objects.get(payment=payment)


def sold(event, tier_name=None) -> int:
    if tier_name is None:
        return EventInventory.objects.get(event_key=event.translation_key).sold
    tier = event.tiers.get(name=tier_name)
    return TierInventory.objects.get(tier_key=tier.translation_key).sold


def on_sale(event, tier_name) -> int:
    """What a buyer is offered for the tier (the public availability)."""
    return availability(event).for_tier(event.tiers.get(name=tier_name))


def codes(order, status) -> list[str]:
    return sorted(order.tickets.filter(status=status).values_list("code", flat=True))
