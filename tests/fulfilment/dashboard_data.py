"""Pre-orders, tickets and assignments made directly with the models, for the dashboard tests."""

import datetime as dt
import itertools

from django.utils import timezone

from fulfilment import crypto
from fulfilment.models import (
    Assignment,
    PreOrder,
    PreOrderOffer,
    PreOrderStatus,
    TicketCredential,
    TicketStatus,
    Variant,
)
from tests.factories import make_user

_numbers = itertools.count(1)


def make_offer(event, variants=("Early entry", "Late entry"), **fields) -> PreOrderOffer:
    offer = PreOrderOffer.objects.create(event=event, price_minor=2500, currency="EUR", **fields)
    for order, name in enumerate(variants):
        Variant.objects.create(offer=offer, name=name, sort_order=order)
    return offer


def make_pre_order(offer, *, member=None, variant=None, status=PreOrderStatus.CONFIRMED, **fields):
    member = member or make_user(f"member{next(_numbers)}@example.com")
    paid = status in (
        PreOrderStatus.CONFIRMED,
        PreOrderStatus.WAITING_FOR_STOCK,
        PreOrderStatus.FULFILLED,
    )
    return PreOrder.objects.create(
        offer=offer,
        event_key=offer.event_key,
        member=member,
        variant=variant,
        status=status,
        amount_minor=offer.price_minor,
        currency=offer.currency,
        gateway="demo",
        confirmed_at=timezone.now() - dt.timedelta(minutes=next(_numbers)) if paid else None,
        **fields,
    )


def make_ticket(offer, *, variant=None, status=TicketStatus.UNASSIGNED, password=None, email=None):
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
        status=status,
    )


def fulfil(pre_order, ticket) -> Assignment:
    """Assign `ticket` to `pre_order`, as the assignment engine would."""
    pre_order.status = PreOrderStatus.FULFILLED
    pre_order.save(update_fields=["status"])
    ticket.status = TicketStatus.ASSIGNED
    ticket.save(update_fields=["status"])
    return Assignment.objects.create(ticket=ticket, pre_order=pre_order)
