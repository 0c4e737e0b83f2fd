"""A member places a pre-order: at most one per event, the card saved for the capture.

The one-per-member-and-event rule is the database's (a unique constraint): two
submissions at once both get past the friendly check below, and the second insert
is refused and answered `already_pre_ordered`.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.exceptions import CommerceError
from commerce.payments import get_gateway
from fulfilment.models import PreOrder, PreOrderOffer, PreOrderStatus, Variant
from fulfilment.services.capture import log, next_capture_slot


@dataclass
class PreOrderError(Exception):
    code: str  # already_pre_ordered | pre_orders_closed | variant_required | ...
    field: str = ""

    def __str__(self):
        return self.code


def open_offer(event):
    """The event's enabled pre-order offer (any language's page), or None."""
    offer = (
        PreOrderOffer.objects.filter(event_key=event.translation_key, enabled=True)
        .prefetch_related("variants")
        .first()
    )
    if offer is None or _event_over(event):
        return None
    return offer


def _event_over(event) -> bool:
    now = timezone.now()
    return (event.ends_at or event.starts_at) < now if event.starts_at else False


def existing_pre_order(member, event):
    return (
        PreOrder.objects.filter(member=member, event_key=event.translation_key)
        .exclude(status=PreOrderStatus.CANCELLED)
        .first()
    )


def place_pre_order(*, member, event, variant_id, card: str, language: str, ip=None) -> PreOrder:
    """Save the card and create the pre-order (status processing, captured on the next
    weekly run). Raises PreOrderError with a code naming what is wrong."""
    offer = open_offer(event)
    if offer is None:
        raise PreOrderError("pre_orders_closed")
    variants = list(offer.variants.all())
    variant = None
    if variants:
        if variant_id in (None, ""):
            raise PreOrderError("variant_required", "variant_id")
        variant = next((v for v in variants if str(v.pk) == str(variant_id)), None)
        if variant is None:
            raise PreOrderError("unknown_variant", "variant_id")
    elif variant_id not in (None, ""):
        raise PreOrderError("unknown_variant", "variant_id")
    if existing_pre_order(member, event):
        raise PreOrderError("already_pre_ordered")
    gateway = get_gateway()
    try:
        saved = gateway.save_card(card=card, email=member.email)
    except CommerceError as error:  # invalid_card, or PaymentError("card_not_saved")
        code = "invalid_card" if error.code == "invalid_card" else "card_not_saved"
        raise PreOrderError(code, "card") from error
    try:
        with transaction.atomic():
            pre_order = PreOrder.objects.create(
                offer=offer,
                event_key=offer.event_key,
                member=member,
                variant=variant,
                amount_minor=offer.price_minor,
                currency=offer.currency,
                language=language,
                gateway=gateway.name,
                customer_reference=saved.customer_reference,
                payment_method_reference=saved.payment_method_reference,
                next_capture_at=next_capture_slot(),
            )
            log("pre_order_placed", pre_order, actor=member, ip=ip, variant=_name(variant))
    except IntegrityError as error:
        raise PreOrderError("already_pre_ordered") from error
    return pre_order


def _name(variant: Variant | None) -> str:
    return variant.name if variant else ""
