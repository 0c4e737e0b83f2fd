"""An agent exchanges a ticket for a dearer tier and charges the difference; the customer
opens the emailed link, pays with the demo card and gets the new ticket (issue 10)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts import roles
from commerce.models import ExchangeCharge, Order, Ticket, TicketStatus
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS / "exchange-payment"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def scene(home_page):
    organization = make_organization(home_page, "Aurora Live")
    event = make_event(
        organization,
        "Harbour Night",
        capacity=50,
        tiers=[("General", 2500, None), ("VIP", 6000, 5)],
    )
    customer = make_user("lena@example.com", name="Lena Fischer")
    hold = place_hold(
        event=event, lines=[LineRequest(event.tiers.get(name="General").pk, 1)], buyer=customer
    )
    payment = start_checkout(
        hold=hold,
        buyer_email=customer.email,
        buyer_name=customer.name,
        attendee_names=["Lena Fischer"],
    )
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    agent = make_user("agent@example.com", name="Sam Support")
    agent.groups.add(Group.objects.get(name=roles.SUPPORT))
    return Order.objects.get(payment=payment), agent


def test_the_customer_pays_the_difference_and_gets_the_new_ticket(
    page, live_server, login_admin, scene, console_errors
):
    order, agent = scene
    old = order.tickets.get()
    page.set_viewport_size({"width": 1280, "height": 1100})
    login_admin(agent.email, PASSWORD)

    # The agent: exchange to VIP, charging the €35.00 difference (the default).
    page.goto(f"{live_server.url}{reverse('crm_ticket_exchange', args=[old.code])}")
    page.get_by_label(re.compile("Harbour Night — VIP — €60.00")).check()
    expect(page.get_by_label("Charge the difference (email a payment link)")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-confirm]")).to_contain_text("is emailed a link to pay")
    mail.outbox.clear()
    page.get_by_role("button", name="Yes, exchange the ticket").click()
    expect(page.get_by_text("emailed a link to pay €35.00")).to_be_visible()

    # The customer: the emailed link opens the pay page.
    charge = ExchangeCharge.objects.get()
    [email] = [m for m in mail.outbox if m.to == ["lena@example.com"]]
    link = re.search(r"https?://\S+/exchanges/\d+/\S+/", email.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert path.endswith(f"/exchanges/{charge.pk}/{charge.token}/")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="Exchange your ticket")).to_be_visible()
    expect(page.locator("main")).to_contain_text("General")
    expect(page.locator("main")).to_contain_text("VIP")
    expect(page.locator("main")).to_contain_text("€35.00")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/30")
    page.get_by_label("CVC").fill("123")
    shot(page, "pay-page")
    page.get_by_role("button", name="Pay €35.00").click()

    expect(page.get_by_role("heading", name="Your ticket has been exchanged")).to_be_visible()
    new = Ticket.objects.get(replaces=old)
    expect(page.locator("main")).to_contain_text(new.code)
    shot(page, "paid")
    page.get_by_role("link", name="See your new ticket").click()
    expect(page.locator("main")).to_contain_text("VIP")
    old.refresh_from_db()
    assert old.status == TicketStatus.VOID and new.admits
    assert console_errors == []
