"""The purchase flow on the public site, page by page, and who may see what."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from commerce.models import DemoCharge, Hold, Order, Payment
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import release_expired_holds
from tests.commerce.payments import hold_for, mark_charge, post_webhook, signed_event
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


# --- The waiting confirmation page: /checkout/payments/<id>/ --------------------


def start_paying(client, event, **quantities):
    """Hold and give buyer details on the site; returns the payment waiting to be paid."""
    checkout_url = buy(client, event, **quantities)["Location"]
    client.post(
        checkout_url,
        {"buyer_name": "Pia Payer", "buyer_email": "pia@example.com", "pay": "1"},
    )
    return Payment.objects.get(hold__session_key=client.session.session_key)


def status_url(payment):
    return f"/checkout/payments/{payment.pk}/"


def test_while_the_payment_is_unconfirmed_the_page_waits_and_polls(client, event):
    payment = start_paying(client, event, General=1)
    page = client.get(status_url(payment))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Confirming your payment" in body
    assert f'data-payment-status="{status_url(payment)}?format=json"' in body
    polled = client.get(status_url(payment), {"format": "json"})
    assert polled.json() == {"state": "pending", "order_number": None, "message": ""}


def test_once_paid_the_poll_answers_the_order_and_the_page_shows_it(client, event):
    payment = start_paying(client, event, General=2)
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    number = Order.objects.get().number
    polled = client.get(status_url(payment), HTTP_ACCEPT="application/json")
    assert polled.json() == {"state": "completed", "order_number": number, "message": ""}
    page = client.get(status_url(payment))
    assert page.status_code == 302 and page["Location"] == f"/orders/{number}/"


def test_a_declined_payment_says_so_and_offers_another_try(client, event):
    payment = start_paying(client, event, General=1)
    confirm_demo_payment(payment=payment, card_number="4000000000000002")
    body = client.get(status_url(payment)).content.decode()
    assert "The payment did not go through" in body
    assert f'href="/checkout/{payment.hold_id}/pay/"' in body
    polled = client.get(status_url(payment), {"format": "json"}).json()
    assert polled["state"] == "failed" and polled["message"]
    assert not Order.objects.exists()


def test_a_payment_after_the_tickets_were_gone_is_refunded_at_once_and_the_buyer_told(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    payment = start_paying(client, event, VIP=1)
    Hold.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    release_expired_holds()
    hold_for(event, 1, tier_name="VIP", session_key="someone-else")  # the last VIP went
    mark_charge(payment, "succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, *signed_event(payment)).json() == {"status": "refunding"}

    assert not Order.objects.exists()
    assert DemoCharge.objects.get(reference=payment.reference).status == "refunded"
    assert Payment.objects.get().status == "refunded"
    body = client.get(status_url(payment)).content.decode()
    assert "Your payment has been refunded" in body
    polled = client.get(status_url(payment), {"format": "json"}).json()
    assert (polled["state"], polled["order_number"]) == ("refunded", None)
    [notice] = mailoutbox
    assert notice.to == [payment.buyer_email]
    assert "refunded" in notice.subject and "€90.00" in notice.body


def test_only_the_payer_sees_the_confirmation_page(client, event):
    payment = start_paying(client, event, General=1)
    stranger = type(client)()
    assert stranger.get(status_url(payment)).status_code == 404
    assert stranger.get(status_url(payment), {"format": "json"}).status_code == 404
    stranger.force_login(make_user("other@example.com"))
    assert stranger.get(status_url(payment), {"format": "json"}).status_code == 404
    assert client.get(status_url(payment)).status_code == 200


def test_the_owner_opens_a_ticket_with_its_qr_code_large_for_scanning(client, event):
    payment = start_paying(client, event, VIP=1)
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    ticket = Order.objects.get().tickets.get()
    page = client.get(f"/account/tickets/{ticket.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "qr-large" in body and "VIP" in body and ticket.code in body
    qr_url = f"/account/tickets/{ticket.code}/qr.png"
    assert f'<img src="{qr_url}" alt="QR code of ticket {ticket.code}">' in body
    image = Image.open(io.BytesIO(client.get(qr_url).content))
    assert image.format == "PNG" and min(image.size) >= 300


def test_my_orders_lists_each_ticket_with_tier_attendee_and_a_link_to_it(client, event):
    member = make_user("member@example.com", name="Mem Ber")
    client.force_login(member)
    checkout_url = buy(client, event, General=1, VIP=1)["Location"]
    details = {"buyer_name": "Mem Ber", "buyer_email": "member@example.com", "pay": "1"}
    client.post(checkout_url, {**details, "attendee_0": "", "attendee_1": "Vic"})
    confirm_demo_payment(payment=Payment.objects.get(), card_number="4242424242424242")
    neighbour = make_user("neighbour@example.com")
    theirs = start_paying(type(client)(), event, General=1)
    confirm_demo_payment(payment=theirs, card_number="4242424242424242")
    Order.objects.filter(payment=theirs).update(buyer=neighbour)

    body = client.get("/account/orders/").content.decode()
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        if code := re.search(r'href="/account/tickets/([^/"]+)/"', row):
            rows[code.group(1)] = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    mine = Order.objects.get(buyer=member).tickets.select_related("item").order_by("pk")
    assert list(rows) == [ticket.code for ticket in mine]
    named = {ticket.code: ticket.attendee_name or "Mem Ber" for ticket in mine}
    assert sorted(named.values()) == ["Mem Ber", "Vic"]  # an unnamed ticket is the buyer's
    for ticket in mine:
        assert rows[ticket.code] == f"{ticket.item.tier_name} {ticket.code} {named[ticket.code]}"


def test_the_event_page_says_how_long_tickets_are_held(client, event, settings):
    settings.HOLD_MINUTES = 20
    body = client.get(event.url).content.decode()
    assert "We hold your tickets for 20 minutes while you check out." in body
    assert "15 minutes" not in body


def test_a_one_minute_hold_reads_in_the_singular(client, event, settings):
    settings.HOLD_MINUTES = 1
    body = client.get(event.url).content.decode()
    assert "We hold your tickets for 1 minute while you check out." in body


def test_the_checkout_countdown_starts_from_the_hold_length(client, event, settings):
    settings.HOLD_MINUTES = 20
    checkout_url = buy(client, event, General=1)["Location"]
    body = client.get(checkout_url).content.decode()
    shown = re.search(r"<span data-countdown-value>(\d+:\d\d)</span>", body).group(1)
    assert shown in {"20:00", "19:59", "19:58"}
