"""The purchase flow on the public site, page by page, and who may see what."""

import pytest

from commerce.models import Hold, Order
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=5, tiers=[("General", 2500, None), ("VIP", 9000, 1)])


def tier(event, name):
    return event.tiers.get(name=name)


def buy(client, event, **quantities):
    data = {f"tier_{tier(event, name).pk}": qty for name, qty in quantities.items()}
    return client.post(f"/tickets/{event.pk}/hold/", data)


def test_a_guest_buys_tickets_from_the_event_page_to_the_order(client, event):
    response = buy(client, event, General=2, VIP=1)
    assert response.status_code == 302
    checkout_url = response["Location"]
    page = client.get(checkout_url).content.decode()
    assert "€140.00" in page and "data-countdown" in page

    response = client.post(
        checkout_url,
        {
            "buyer_name": "Gia Guest",
            "buyer_email": "gia@example.com",
            "attendee_0": "Gia",
            "attendee_1": "Hal",
            "pay": "1",
        },
    )
    assert response.status_code == 302
    pay_url = response["Location"]
    declined = client.post(
        pay_url, {"card_number": "4000 0000 0000 0002", "expiry": "12/30", "cvc": "123"}
    )
    assert "Your card was declined" in declined.content.decode()
    done = client.post(
        pay_url,
        {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"},
        follow=True,
    )
    order = Order.objects.get()
    assert done.redirect_chain[-1][0] == f"/orders/{order.number}/"
    body = done.content.decode()
    assert order.number in body and "Gia" in body
    qr = client.get(f"/account/tickets/{order.tickets.first().code}/qr.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"


def test_asking_for_more_than_is_left_says_so_beside_the_tier(client, event):
    response = buy(client, event, VIP=2)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Only 1 left." in body
    assert not Hold.objects.exists()


def test_a_sold_out_tier_shows_as_sold_out(client, event):
    buy(client, event, VIP=1)
    body = client.get(event.url).content.decode()
    assert "Sold out" in body


def test_choosing_nothing_is_refused_with_a_message(client, event):
    response = buy(client, event, General=0)
    assert "Choose at least one ticket." in response.content.decode()


def test_another_visitor_cannot_open_my_checkout_order_or_ticket(client, event):
    checkout_url = buy(client, event, General=1)["Location"]
    hold = Hold.objects.get()
    from commerce.payments.demo import confirm_demo_payment
    from tests.commerce.payments import checkout

    confirm_demo_payment(payment=checkout(hold), card_number="4242424242424242")
    order = Order.objects.get()
    stranger = type(client)()
    assert stranger.get(checkout_url).status_code == 404
    assert stranger.get(f"/orders/{order.number}/").status_code == 404
    assert stranger.get(f"/account/tickets/{order.tickets.first().code}/").status_code == 404
    assert stranger.get(f"/account/tickets/{order.tickets.first().code}/qr.png").status_code == 404
    other = make_user("other@example.com")
    stranger.force_login(other)
    assert stranger.get(f"/orders/{order.number}/").status_code == 404
    assert order.number not in stranger.get("/account/orders/").content.decode()


def test_a_member_sees_their_orders_in_their_account(client, event):
    member = make_user("member@example.com", name="Mem Ber")
    client.force_login(member)
    checkout_url = buy(client, event, General=1)["Location"]
    page = client.get(checkout_url).content.decode()
    assert 'value="member@example.com"' in page
    client.post(
        checkout_url,
        {
            "buyer_name": "Mem Ber",
            "buyer_email": "member@example.com",
            "attendee_0": "",
            "pay": "1",
        },
    )
    client.post(
        checkout_url + "pay/", {"card_number": "4242424242424242", "expiry": "12/30", "cvc": "123"}
    )
    order = Order.objects.get()
    assert order.buyer == member
    assert order.number in client.get("/account/orders/").content.decode()


def test_a_promo_code_with_a_bad_reason_is_shown_beside_the_field(client, event):
    checkout_url = buy(client, event, General=1)["Location"]
    response = client.post(checkout_url, {"promo_code": "NOPE", "apply_promo": "1"})
    assert "This promo code does not exist." in response.content.decode()
