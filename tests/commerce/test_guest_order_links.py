"""A guest opens their order from any device through the signed link in their email,
and can have that link emailed again by giving the order number and their address."""

import re

import pytest
from django.core import mail

from commerce.models import Order
from commerce.order_links import link_token
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from tests.commerce.payments import hold_for
from tests.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organization):
    return make_event(organization, capacity=20, tiers=[("General", 2500, None)])


def buy(event, *, session_key, buyer="lead@example.com", attendee_emails=("", "max@example.com")):
    payment = start_checkout(
        hold=hold_for(event, len(attendee_emails), session_key=session_key),
        buyer_email=buyer,
        buyer_name="Lea Lead",
        attendee_names=["Lea", "Max"][: len(attendee_emails)],
        attendee_emails=list(attendee_emails),
    )
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    return Order.objects.get(payment=payment)


@pytest.fixture
def order(event, django_capture_on_commit_callbacks):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        return buy(event, session_key="guest-browser")


def link_in(message) -> str:
    return re.search(r"http://\S+/orders/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_buyers_email_link_opens_the_order_and_its_tickets_in_another_browser(
    client, order, settings
):
    buyer_mail = next(m for m in mail.outbox if m.to == ["lead@example.com"])
    link = link_in(buyer_mail)
    assert link.startswith(f"{settings.SITE_URL}/orders/{order.number}/")

    page = client.get(path_of(link))  # a fresh client: no session of the purchase
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in html and "Max" in html and "Lea" in html
    assert page["Referrer-Policy"] == "no-referrer"
    for ticket in order.tickets.all():
        ticket_page = client.get(f"{path_of(link)}tickets/{ticket.code}/")
        assert ticket_page.status_code == 200
        qr = client.get(f"{path_of(link)}tickets/{ticket.code}/qr.png")
        assert qr.status_code == 200 and qr["Content-Type"] == "image/png"


def test_an_attendees_link_shows_only_their_own_ticket(client, order):
    max_mail = next(m for m in mail.outbox if m.to == ["max@example.com"])
    link = path_of(link_in(max_mail))
    html = client.get(link).content.decode()
    max_ticket = order.tickets.get(attendee_email="max@example.com")
    lea_ticket = order.tickets.exclude(pk=max_ticket.pk).get()
    assert max_ticket.code in html and lea_ticket.code not in html
    assert "lead@example.com" not in html  # not the buyer's address, not the total
    assert client.get(f"{link}tickets/{max_ticket.code}/").status_code == 200
    assert client.get(f"{link}tickets/{lea_ticket.code}/").status_code == 404
    assert client.get(f"{link}tickets/{lea_ticket.code}/qr.png").status_code == 404


def test_a_tampered_or_foreign_link_is_a_404(client, event, order):
    other = buy(event, session_key="someone-else", buyer="other@example.com", attendee_emails=("",))
    token = link_token(order, "lead@example.com")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    ticket = order.tickets.first()
    for path in [
        f"/orders/{order.number}/{flipped}/",  # one character changed
        f"/orders/{order.number}/{token[:-4]}/",  # cut short
        f"/orders/{other.number}/{token}/",  # my token on someone else's order
        f"/orders/{order.number}/{link_token(order, 'stranger@example.com')}/",  # not a recipient
        f"/orders/{order.number}/{flipped}/tickets/{ticket.code}/",
        f"/orders/{order.number}/{flipped}/tickets/{ticket.code}/qr.png",
        f"/orders/{order.number}/{token}/tickets/{other.tickets.first().code}/",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.get(f"/orders/{order.number}/{token}/").status_code == 200


def test_the_link_signs_with_its_own_salt_not_as_a_plain_signature(order, settings):
    from django.core import signing

    plain = signing.Signer().signature(f"{order.number}:lead@example.com")
    assert plain != link_token(order, "lead@example.com")


def test_rotating_the_secret_key_ends_links_unless_the_old_key_is_kept_as_fallback(
    client, order, settings
):
    token = link_token(order, "lead@example.com")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert client.get(f"/orders/{order.number}/{token}/").status_code == 404
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert client.get(f"/orders/{order.number}/{token}/").status_code == 200


# --- Find your order -----------------------------------------------------------------


def look_up(client, email, number):
    return client.post("/orders/find/", {"email": email, "number": number})


def test_the_right_email_and_number_email_the_link_and_the_page_says_only_check_your_inbox(
    client, order
):
    mail.outbox = []
    answer = look_up(client, "  Lead@Example.com ", order.number.lower())
    assert answer.status_code == 302 and answer["Location"] == "/orders/find/sent/"
    assert order.number not in client.get(answer["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["lead@example.com"] and order.number in message.subject
    link = path_of(link_in(message))
    assert client.get(link).status_code == 200


def test_an_attendee_can_have_their_own_link_sent(client, order):
    mail.outbox = []
    look_up(client, "max@example.com", order.number)
    [message] = mail.outbox
    html = client.get(path_of(link_in(message))).content.decode()
    assert order.tickets.get(attendee_email="max@example.com").code in html
    assert "lead@example.com" not in html


def test_a_wrong_email_or_a_wrong_number_gets_the_same_answer_and_sends_nothing(client, order):
    mail.outbox = []
    right = look_up(client, "lead@example.com", order.number)
    mail.outbox = []
    wrong_email = look_up(client, "someone@example.com", order.number)
    wrong_number = look_up(client, "lead@example.com", "ABCDEFGH23")
    neither = look_up(client, "someone@example.com", "ABCDEFGH23")
    assert mail.outbox == []
    answers = {(r.status_code, r["Location"]) for r in (right, wrong_email, wrong_number, neither)}
    assert answers == {(302, "/orders/find/sent/")}


def test_bad_input_is_named_beside_its_field(client):
    answer = look_up(client, "not-an-email", "12")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Enter a valid email address" in html
    assert "An order number has 10 letters and digits." in html
    assert 'id="id_email_error"' in html and 'id="id_number_error"' in html


def test_lookups_are_limited_per_client_address(client, order, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "order_lookup": "3/hour"}
    for _ in range(3):
        assert look_up(client, "someone@example.com", "ABCDEFGH23").status_code == 302
    mail.outbox = []
    refused = look_up(client, "lead@example.com", order.number)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert mail.outbox == []  # refused before anything is looked up


def test_links_emailed_to_one_address_are_limited_silently(client, order, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "order_lookup_email": "2/hour"}
    mail.outbox = []
    answers = [look_up(client, "lead@example.com", order.number) for _ in range(4)]
    assert [a.status_code for a in answers] == [302] * 4  # the page looks the same
    assert len(mail.outbox) == 2  # but the inbox is not flooded


def test_without_the_link_another_browser_gets_a_404_and_the_footer_offers_find_your_order(
    client, order
):
    assert client.get(f"/orders/{order.number}/").status_code == 404
    home = client.get("/")
    assert 'href="/orders/find/"' in home.content.decode()
    form = client.get("/orders/find/")
    assert form.status_code == 200
    assert "Order number" in form.content.decode()


def test_find_your_order_reads_in_german_and_its_email_links_to_the_german_pages(client, order):
    page = client.get("/de/orders/find/")
    assert "Bestellung finden" in page.content.decode()
    mail.outbox = []
    answer = client.post("/de/orders/find/", {"email": "lead@example.com", "number": order.number})
    assert answer["Location"] == "/de/orders/find/sent/"
    [message] = mail.outbox
    assert message.subject == f"Ihr Link zur Bestellung {order.number}"
    assert f"/de/orders/{order.number}/" in link_in(message)
    assert client.get(path_of(link_in(message))).status_code == 200
