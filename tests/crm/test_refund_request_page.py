"""An attendee asks for a refund from their order page: within the organizer's policy
the money goes back at once; outside it, or with no refunds offered, support gets a case."""

import pytest
from django.test import Client

from commerce.models import EventInventory, Order, RefundSource, TicketStatus
from commerce.order_links import link_token
from crm.models import RefundPolicy, RefundPolicyKind, SupportCase
from tests.crm.test_refund_request_api import buy
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendee():
    return make_user("bea@example.com", name="Bea Buyer")


def browser(user=None) -> Client:
    client = Client(REMOTE_ADDR="198.51.100.9")
    if user is not None:
        client.force_login(user)
    return client


def test_the_order_page_offers_a_refund_with_the_policy_deadline(organization, attendee):
    order = buy(make_event(organization, capacity=10), buyer=attendee)

    page = browser(attendee).get(f"/orders/{order.number}/").content.decode()

    assert f"/orders/{order.number}/refund/" in page
    assert "refundable until" in page


def test_within_the_policy_the_buyer_is_refunded_and_the_places_return(organization, attendee):
    event = make_event(organization, capacity=10)
    order = buy(event, buyer=attendee)
    client = browser(attendee)

    confirm = client.get(f"/orders/{order.number}/refund/")
    assert confirm.status_code == 200
    assert "Refund my order" in confirm.content.decode()
    done = client.post(f"/orders/{order.number}/refund/", {"reason": "I am ill"})

    assert "Your order has been refunded" in done.content.decode()
    order.refresh_from_db()
    assert order.status == "refunded"
    assert order.refunds.get().source == RefundSource.POLICY
    assert not order.tickets.filter(status=TicketStatus.VALID).exists()
    assert EventInventory.objects.get(event_key=event.translation_key).sold == 0


def test_with_no_refunds_offered_the_request_becomes_a_case(organization, attendee):
    RefundPolicy.objects.create(organization=organization, kind=RefundPolicyKind.NO_REFUNDS)
    order = buy(make_event(organization, capacity=10), buyer=attendee)
    client = browser(attendee)

    assert (
        "does not offer refunds" in client.get(f"/orders/{order.number}/refund/").content.decode()
    )
    done = client.post(f"/orders/{order.number}/refund/", {"reason": "Wrong date"})

    assert "We have your request" in done.content.decode()
    case = SupportCase.objects.get(order=order)
    assert "Wrong date" in case.messages.first().body
    order.refresh_from_db()
    assert order.refunded_minor == 0 and order.status == "completed"


def test_the_buyers_signed_link_may_refund_but_nobody_else(organization, attendee):
    order = buy(make_event(organization, capacity=10), buyer=None, session_key="guest-1")
    stranger = make_user("mallory@example.com")

    assert browser().get(f"/orders/{order.number}/refund/").status_code == 404
    assert browser(stranger).get(f"/orders/{order.number}/refund/").status_code == 404
    assert browser(stranger).post(f"/orders/{order.number}/refund/").status_code == 404
    link = f"/orders/{order.number}/{link_token(order, order.buyer_email)}/"
    assert browser().get(f"{link}refund/").status_code == 200
    assert browser().post(f"{link}refund/", {"reason": ""}).status_code == 200
    assert Order.objects.get(pk=order.pk).status == "refunded"


def test_asking_again_after_a_full_refund_changes_nothing(organization, attendee):
    order = buy(make_event(organization, capacity=10), buyer=attendee)
    client = browser(attendee)
    client.post(f"/orders/{order.number}/refund/", {"reason": ""})

    again = client.post(f"/orders/{order.number}/refund/", {"reason": ""})

    assert again.status_code == 409
    assert "Nothing is left to refund" in again.content.decode()
    assert Order.objects.get(pk=order.pk).refunds.count() == 1
