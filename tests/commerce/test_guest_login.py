"""A guest who signs in keeps their hold and their order (commerce/signals.py)."""

import pytest

from commerce.models import Hold, Order
from tests.factories import PASSWORD, make_event, make_user

pytestmark = pytest.mark.django_db

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=5, tiers=[("General", 2500, None)])


@pytest.fixture
def member():
    return make_user("gus@example.com", name="Gus Guest")


def hold_as_guest(client, event, quantity=1):
    tier = event.tiers.get()
    response = client.post(f"/tickets/{event.pk}/hold/", {f"tier_{tier.pk}": quantity})
    assert response.status_code == 302
    return response["Location"]


def log_in(client, user):
    response = client.post("/account/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_guest_who_logs_in_keeps_their_hold_and_can_pay(client, event, member):
    checkout_url = hold_as_guest(client, event)
    guest_key = client.session.session_key
    log_in(client, member)
    assert client.session.session_key != guest_key  # login() gave the session a new key

    assert client.get(checkout_url).status_code == 200
    details = {"buyer_name": "Gus Guest", "buyer_email": member.email, "pay": "1"}
    assert client.post(checkout_url, details).status_code == 302
    done = client.post(checkout_url + "pay/", CARD, follow=True)
    order = Order.objects.get()
    assert done.redirect_chain[-1][0] == f"/orders/{order.number}/"
    assert order.buyer == member and Hold.objects.get().buyer == member


def test_a_guest_who_bought_and_then_logs_in_sees_the_order_in_their_account(client, event, member):
    checkout_url = hold_as_guest(client, event, quantity=2)
    details = {"buyer_name": "Gus", "buyer_email": "gus.other@example.com", "pay": "1"}
    client.post(checkout_url, details)
    client.post(checkout_url + "pay/", CARD)
    order = Order.objects.get()
    assert order.buyer is None

    log_in(client, member)
    assert order.number in client.get("/account/orders/").content.decode()
    assert client.get(f"/orders/{order.number}/").status_code == 200
    order.refresh_from_db()
    assert order.buyer == member


def test_logging_in_claims_nothing_from_another_visitors_session(client, event, member):
    from django.test import Client

    stranger = Client()
    hold_as_guest(stranger, event)
    log_in(client, member)
    assert Hold.objects.get().buyer is None


def test_a_stale_session_cookie_claims_nothing_when_signing_in(client, event, member):
    from django.conf import settings

    guest = type(client)()
    hold_as_guest(guest, event)
    stale_key = guest.cookies[settings.SESSION_COOKIE_NAME].value
    guest.session.flush()  # the guest's session ends (expired, logged out elsewhere)
    client.cookies[settings.SESSION_COOKIE_NAME] = stale_key  # someone kept the old cookie
    log_in(client, member)
    assert Hold.objects.get().buyer is None
