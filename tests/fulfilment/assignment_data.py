"""Offers, paid pre-orders and uploaded tickets made directly with the models (part B's tests)."""

import datetime as dt
import itertools

from django.utils import timezone

from fulfilment import crypto
from fulfilment.models import (
    PreOrder,
    PreOrderOffer,
    PreOrderStatus,
    TicketCredential,
    Variant,
)
from tests.factories import make_user

_numbers = itertools.count(1)
BASE = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)


def make_offer(event, variants=(), *, fallback="none") -> PreOrderOffer:
    """`variants`: names, or (name, starts "HH:MM", ends "HH:MM") on the event's day."""
    offer = PreOrderOffer.objects.create(
        event=event, price_minor=2500, currency="EUR", fallback=fallback
    )
    day = event.starts_at.replace(hour=0, minute=0, second=0, microsecond=0)
    for order, spec in enumerate(variants):
        name, starts, ends = (spec, None, None) if isinstance(spec, str) else spec
        Variant.objects.create(
            offer=offer,
            name=name,
            sort_order=order,
            starts_at=starts and day + _clock(starts),
            ends_at=ends and day + _clock(ends),
        )
    return offer


def _clock(text: str) -> dt.timedelta:
    hours, minutes = text.split(":")
    return dt.timedelta(hours=int(hours), minutes=int(minutes))


def variant(offer, name) -> Variant:
    return offer.variants.get(name=name)


def pre_order(
    offer, *, paid_minute=None, variant=None, status=PreOrderStatus.CONFIRMED, member=None, **kw
) -> PreOrder:
    """A pre-order; paid ones get confirmed_at = BASE + paid_minute minutes."""
    number = next(_numbers)
    member = member or make_user(f"member{number}@example.com", **kw.pop("user", {}))
    paid = status in (PreOrderStatus.CONFIRMED, PreOrderStatus.WAITING_FOR_STOCK)
    minute = number if paid_minute is None else paid_minute
    return PreOrder.objects.create(
        offer=offer,
        event_key=offer.event_key,
        member=member,
        variant=variant,
        status=status,
        amount_minor=offer.price_minor,
        currency=offer.currency,
        gateway="demo",
        confirmed_at=BASE + dt.timedelta(minutes=minute) if paid else None,
        **kw,
    )


def ticket(offer, *, variant=None, email=None, password=None) -> TicketCredential:
    number = next(_numbers)
    email = email or f"login{number}@promoter.example"
    password = password or f"secret-{number}"
    key = str(offer.event_key)
    return TicketCredential.objects.create(
        event=offer.event,
        event_key=offer.event_key,
        variant=variant,
        variant_label=variant.name if variant else "",
        login_email=email,
        password_encrypted=crypto.encrypt(password, context=f"{key}:{email}"),
        fingerprint=TicketCredential.fingerprint_of(key, email, password),
    )


def holder(ticket_obj):
    """The pre-order a ticket went to, or None."""
    from fulfilment.models import Assignment

    assignment = Assignment.objects.filter(ticket=ticket_obj).select_related("pre_order").first()
    return assignment.pre_order if assignment else None
