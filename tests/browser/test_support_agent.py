"""A support agent finds a customer by a ticket code, opens a case about their order,
refunds one ticket, transfers another and answers the case; the customer reads the answer
in their account, and the site history shows the refund and the transfer (issue 10)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from accounts import roles
from commerce.models import Order, Ticket, TicketStatus
from commerce.services.checkout import start_checkout
from commerce.services.demo_payments import confirm_demo_payment
from commerce.services.holds import LineRequest, place_hold
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS / "support-agent"


def buy(event, buyer, quantity) -> Order:
    tier = event.tiers.get()
    hold = place_hold(event=event, lines=[LineRequest(tier.pk, quantity)], buyer=buyer)
    payment = start_checkout(
        hold=hold,
        buyer_email=buyer.email,
        buyer_name=buyer.name,
        attendee_names=["Lena Fischer", "Jonas Fischer", "Mia Fischer"][:quantity],
    )
    assert confirm_demo_payment(payment=payment, card_number="4242424242424242") == "succeeded"
    return Order.objects.get(payment=payment)


@pytest.fixture
def scene(home_page):
    organization = make_organization(home_page, "Aurora Live")
    event = make_event(organization, "Harbour Night", capacity=50, tiers=[("General", 2500, None)])
    customer = make_user("lena@example.com", name="Lena Fischer")
    order = buy(event, customer, 3)
    agent = make_user("agent@example.com", name="Sam Support")
    agent.groups.add(Group.objects.get(name=roles.SUPPORT))
    return order, agent, customer


def customers_installed() -> bool:
    """Support → Customers (crm/customer_admin.py) is there to start from."""
    try:
        reverse("bilten_customers:search")
    except NoReverseMatch:
        return False
    return True


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_an_agent_refunds_transfers_and_answers_and_the_customer_reads_it(
    page, live_server, login_admin, scene, console_errors
):
    order, agent, customer = scene
    first, second, third = order.tickets.order_by("pk").values_list("code", flat=True)
    page.set_viewport_size({"width": 1366, "height": 1500})
    login_admin(agent.email, PASSWORD)

    if customers_installed():
        # Support → Customers: a ticket code opens its customer at once.
        page.goto(f"{live_server.url}/admin/crm/customers/")
        page.get_by_label("Find a customer").fill(second)
        page.get_by_role("button", name="Search").click()
        expect(page.locator('[data-customer="lena@example.com"]')).to_be_visible()
        back_url = page.url.split("#")[0]
        orders = page.locator(f'[data-order="{order.number}"]')
        orders.locator('[data-action="case"]').click()
    else:  # without the customer screens: each screen by its address
        back_url = f"{live_server.url}{reverse('bilten_orders:inspect', args=[order.pk])}"
        page.goto(f"{live_server.url}{reverse('crm_cases:add')}?order={order.number}")

    # A case about the order.
    page.get_by_label("Subject").fill("Two of us cannot come")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_text("opened.")).to_be_visible()
    case_url = page.url

    # Refund one ticket: the form, then what will happen, then done.
    if customers_installed():
        page.goto(back_url)
        orders.locator('[data-action="refund"]').click()
    else:
        page.goto(f"{live_server.url}{reverse('crm_order_refund', args=[order.number])}")
    expect(page.locator("[data-order-summary]")).to_contain_text(order.number)
    page.locator(f'input[name="tickets"][value="{first}"]').check()
    page.get_by_label("Reason").fill("Lena cannot come")
    shot(page, "refund-form")
    page.get_by_role("button", name="Continue").click()
    confirmation = page.locator("[data-confirm]")
    expect(confirmation).to_contain_text("€25.00 goes back to the card, for this ticket:")
    expect(confirmation).to_contain_text("1 place goes back on sale for Harbour Night.")
    shot(page, "refund-confirm")
    page.get_by_role("button", name="Yes, refund").click()
    page.wait_for_url(back_url)
    expect(page.get_by_text("Refunded €25.00 on order")).to_be_visible()

    # Transfer another ticket to a friend.
    if customers_installed():
        expect(page.locator(f'[data-ticket="{first}"]')).to_contain_text("Refunded")
        page.locator(f'[data-ticket="{third}"] [data-action="transfer"]').click()
    else:
        page.goto(f"{live_server.url}{reverse('crm_ticket_transfer', args=[third])}")
    page.get_by_label("New holder's name").fill("Max Muster")
    page.get_by_label("New holder's email").fill("max@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-confirm]")).to_contain_text("goes to Max Muster")
    shot(page, "transfer-confirm")
    page.get_by_role("button", name="Yes, transfer the ticket").click()
    page.wait_for_url(back_url)
    expect(page.get_by_text("now belongs to Max Muster")).to_be_visible()
    shot(page, "after-the-actions")
    assert Ticket.objects.get(code=first).status == TicketStatus.REFUNDED
    assert Ticket.objects.get(code=third).status == TicketStatus.TRANSFERRED

    # Answer the case.
    page.goto(case_url)
    page.locator("#id_reply-body").fill("We refunded Lena's ticket and gave Mia's to Max.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("We refunded Lena's ticket").first).to_be_visible()

    # The site history names both actions.
    page.goto(f"{live_server.url}/admin/reports/site-history/")
    expect(page.get_by_text("Order refunded").first).to_be_visible()
    expect(page.get_by_text("Ticket transferred").first).to_be_visible()
    shot(page, "site-history")
    assert console_errors == []

    # The customer reads the answer in their account.
    visitor = page.context.browser.new_context()
    own = visitor.new_page()
    own.goto(f"{live_server.url}/account/login/?next=/account/support/")
    own.fill("#id_username", customer.email)
    own.fill("#id_password", PASSWORD)
    own.get_by_role("button", name="Log in").click()
    own.wait_for_url(f"{live_server.url}/account/support/")
    own.get_by_role("link", name="Two of us cannot come").click()
    expect(own.get_by_text("We refunded Lena's ticket and gave Mia's to Max.")).to_be_visible()
    own.screenshot(path=str(SCREENSHOTS / "customer-case.png"), full_page=True)
    visitor.close()
