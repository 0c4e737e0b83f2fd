"""A guest buys in one browser and opens the order and the ticket QR in another,
through the link in their confirmation email; then has the link emailed again."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from commerce.models import Order
from tests.browser.test_purchase import pay_by_card
from tests.factories import make_event, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def concert(home_page):
    organization = make_organization(home_page, "Aurora Live")
    return make_event(organization, "Harbour Lights", capacity=50, tiers=[("General", 2900, None)])


def link_in(message) -> str:
    return re.search(r"http://\S+/orders/\S+/", message.body).group(0)


def test_a_guest_opens_their_order_and_ticket_from_the_email_on_another_device(
    page, browser, live_server, concert, settings, console_errors
):
    settings.SITE_URL = live_server.url  # the emails link to where the site answers
    mail.outbox = []
    page.goto(concert.full_url.replace("http://localhost", live_server.url))
    page.get_by_label("Number of General tickets").fill("2")
    page.get_by_role("button", name="Get tickets").click()
    page.get_by_label("Email for your tickets").fill("guest@example.com")
    page.get_by_label("Your name").fill("Gus Guest")
    page.get_by_role("button", name="Continue to payment").click()
    pay_by_card(page, "4242 4242 4242 4242")
    expect(page.get_by_role("heading", name="You're going!")).to_be_visible()
    order = Order.objects.get()
    expect(page.get_by_role("link", name="find your order", exact=True)).to_be_visible()

    [confirmation] = [m for m in mail.outbox if m.to == ["guest@example.com"]]
    link = link_in(confirmation)
    assert link.startswith(f"{live_server.url}/orders/{order.number}/")

    phone = browser.new_context()  # another device: no cookies, no session
    other = phone.new_page()
    assert other.goto(f"{live_server.url}/orders/{order.number}/").status == 404
    other.goto(link)
    expect(other.get_by_role("heading", name="You're going!")).to_be_visible()
    expect(other.get_by_text(order.number).first).to_be_visible()
    assert other.locator(".ticket-card").count() == 2
    qr = other.locator(".ticket-card img").first
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    other.screenshot(path="var/browser-artifacts/guest-order-by-link.png", full_page=True)

    other.get_by_role("link", name="Show large for scanning").first.click()
    expect(other.get_by_role("img", name=re.compile("QR code of ticket"))).to_be_visible()
    big = other.get_by_role("img", name=re.compile("QR code of ticket"))
    assert big.evaluate("img => img.naturalWidth") > 0
    other.get_by_role("link", name=re.compile("Back to the order")).click()
    expect(other.get_by_role("heading", name="You're going!")).to_be_visible()

    tampered = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"
    assert other.goto(tampered).status == 404
    phone.close()
    assert console_errors == []


def test_a_guest_has_the_link_emailed_from_find_your_order(
    page, live_server, concert, settings, console_errors
):
    from commerce.services.checkout import start_checkout
    from commerce.services.demo_payments import confirm_demo_payment
    from tests.commerce.payments import hold_for

    settings.SITE_URL = live_server.url
    payment = start_checkout(
        hold=hold_for(concert, 1, session_key="a-browser-long-gone"),
        buyer_email="guest@example.com",
        buyer_name="Gus Guest",
        attendee_names=[],
    )
    confirm_demo_payment(payment=payment, card_number="4242424242424242")
    order = Order.objects.get()
    mail.outbox = []

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Find your order").click()
    expect(page.get_by_role("heading", name="Find your order")).to_be_visible()
    page.get_by_role("button", name="Email me the link").click()
    expect(page.locator("#id_email_error")).to_contain_text("Enter the email address")
    page.get_by_label("Email used for the order").fill("guest@example.com")
    page.get_by_label("Order number").fill(order.number.lower())
    page.screenshot(path="var/browser-artifacts/find-your-order.png", full_page=True)
    page.get_by_role("button", name="Email me the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("If that order number and email address")

    [message] = mail.outbox
    assert message.to == ["guest@example.com"]
    page.goto(link_in(message))
    expect(page.get_by_text(order.number).first).to_be_visible()
    assert page.locator(".ticket-card").count() == 1
    assert console_errors == []
