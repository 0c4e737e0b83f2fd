"""Customers for the customer search and 360 tests: orders bought the real way, roles."""

import itertools

import pytest
from django.contrib.auth.models import Group

from accounts.roles import FULFILMENT, MARKETING, SUPPORT, make_organizer
from commerce.models import Hold, Order, Ticket, TicketStatus
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from tests.commerce.payments import hold_for
from tests.factories import make_event, make_user

_sessions = itertools.count(1)


def buy(event, *, email, name="Bea Buyer", quantity=1, buyer=None, attendees=()) -> Order:
    """A completed order, through the real hold, checkout and demo payment."""
    hold = hold_for(event, quantity, session_key=f"customer-{next(_sessions)}")
    if buyer is not None:
        Hold.objects.filter(pk=hold.pk).update(buyer=buyer)
    payment = start_checkout(
        hold=hold, buyer_email=email, buyer_name=name, attendee_names=list(attendees)
    )
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    return Order.objects.get(payment=payment)


def transfer(ticket: Ticket, *, name="Tom Taker", email="tom@example.com") -> Ticket:
    """The state a transfer leaves: a new ticket on the same order, the old one ended."""
    new = Ticket.objects.create(
        order=ticket.order,
        item=ticket.item,
        tier_key=ticket.tier_key,
        code=f"{ticket.code[:20]}-new",
        attendee_name=name,
        attendee_email=email,
    )
    ticket.status, ticket.replaced_by = TicketStatus.TRANSFERRED, new
    ticket.save(update_fields=["status", "replaced_by"])
    return new


def in_role(email: str, role: str):
    user = make_user(email)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture(name="event")
def event_fixture(organization):
    return make_event(organization, "Aurora Night", capacity=200)


@pytest.fixture(name="other_event")
def other_event_fixture(other_organization):
    return make_event(other_organization, "Northwind Summit", capacity=200)


@pytest.fixture(name="other_organizer")
def other_organizer_fixture(other_organization):
    user = make_user("northwind@example.com")
    make_organizer(user, other_organization)
    return user


@pytest.fixture(name="support")
def support_fixture(home_page):
    return in_role("agent@example.com", SUPPORT)


@pytest.fixture(name="fulfilment_user")
def fulfilment_user_fixture(home_page):
    return in_role("fulfil@example.com", FULFILMENT)


@pytest.fixture(name="marketing")
def marketing_fixture(home_page):
    return in_role("marketing@example.com", MARKETING)


@pytest.fixture(name="attendee")
def attendee_fixture(home_page):
    return make_user("attendee@example.com")
