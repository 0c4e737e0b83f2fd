"""Events with pre-order offers, uploaders and paid pre-orders for the ticket upload tests."""

import datetime as dt
import itertools
from pathlib import Path

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import FULFILMENT
from fulfilment.models import PreOrder, PreOrderOffer, PreOrderStatus, Variant
from tests.factories import make_event, make_user

CSV_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
HEADER = "Event,Variant,Email,Password\n"

_numbers = itertools.count(1)


def fixture_bytes(name: str) -> bytes:
    return (CSV_FIXTURES / name).read_bytes()


def make_offer(event, variants=()) -> PreOrderOffer:
    offer = PreOrderOffer.objects.create(event=event, price_minor=3000, currency="EUR")
    for order, name in enumerate(variants):
        Variant.objects.create(offer=offer, name=name, sort_order=order)
    return offer


def make_upload_events(organization, other_organization) -> dict:
    """summer-night (variants Entry 21:00 and Entry 22:00), quiet-morning (no variants),
    both Aurora Live's; northwind-summit (no variants), another organization's."""
    summer = make_event(organization, "Summer Night", slug="summer-night")
    quiet = make_event(organization, "Quiet Morning", slug="quiet-morning")
    northwind = make_event(other_organization, "Northwind Summit", slug="northwind-summit")
    return {
        "summer": make_offer(summer, ["Entry 21:00", "Entry 22:00"]),
        "quiet": make_offer(quiet),
        "northwind": make_offer(northwind),
    }


def make_fulfilment_staff(email="fulfil@example.com"):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=FULFILMENT))
    return user


def make_paid_pre_order(offer, variant=None, status=PreOrderStatus.CONFIRMED) -> PreOrder:
    return PreOrder.objects.create(
        offer=offer,
        event_key=offer.event_key,
        member=make_user(f"member{next(_numbers)}@example.com"),
        variant=variant,
        status=status,
        amount_minor=offer.price_minor,
        currency=offer.currency,
        gateway="demo",
        confirmed_at=timezone.now() - dt.timedelta(minutes=next(_numbers)),
    )


def many_rows(count: int, event="quiet-morning", variant="") -> bytes:
    lines = [f"{event},{variant},login{n}@tickets.example,secret-{n}\n" for n in range(count)]
    return (HEADER + "".join(lines)).encode()
