"""Offers and members for the pre-order tests (part C), placed through the real services."""

import datetime as dt

from fulfilment.models import PreOrderOffer, Variant
from fulfilment.services.placement import place_pre_order
from tests.factories import make_user

GOOD_CARD = "4242 4242 4242 4242"
FAILING_CARD = "4000 0000 0000 0341"


def make_offer(event, variants=("Entry 21:00", "Entry 22:00"), *, price=3000, currency="EUR"):
    offer = PreOrderOffer.objects.create(event=event, price_minor=price, currency=currency)
    for order, name in enumerate(variants):
        starts = event.starts_at + dt.timedelta(hours=order)
        Variant.objects.create(
            offer=offer,
            name=name,
            sort_order=order,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=30),
        )
    return offer


def place(offer, member=None, *, card=GOOD_CARD, variant=None, email="member@example.com"):
    member = member or make_user(email)
    variant = variant or offer.variants.first()
    return place_pre_order(
        member=member,
        event=offer.event,
        variant_id=variant.pk if variant else None,
        card=card,
        language="en",
    )


def make_ticket(offer, variant=None, *, email="ticket1@promoter.example", password="S3cret-1"):
    from fulfilment import crypto
    from fulfilment.models import TicketCredential

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


def fulfil(pre_order, ticket):
    """Give `ticket` to a paid pre-order, as the assignment engine does."""
    from fulfilment.models import Assignment, PreOrderStatus, TicketStatus

    Assignment.objects.create(ticket=ticket, pre_order=pre_order)
    ticket.status = TicketStatus.ASSIGNED
    ticket.save(update_fields=["status"])
    pre_order.status = PreOrderStatus.FULFILLED
    pre_order.save(update_fields=["status"])
    return pre_order
