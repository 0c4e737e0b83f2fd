"""A customer writes to support, an agent answers in the admin, the customer reads it."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import SUPPORT
from crm.models import SupportCase
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = ARTIFACTS / "customer-support"


def shoot(page, name):
    """Kept for a person to look at (the admin list, the case screen, the customer's page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def people(home_page):
    customer = make_user("carla@example.com", name="Carla Customer")
    agent = make_user("agent@example.com", name="Ada Agent")
    agent.groups.add(Group.objects.get(name=SUPPORT))
    return customer, agent


def test_a_customer_s_message_is_answered_in_the_admin_and_read_in_their_account(
    page, browser, live_server, people, console_errors
):
    customer, agent = people

    # The customer, not signed in, uses the contact form.
    page.goto(f"{live_server.url}/support/")
    expect(page.get_by_role("heading", name="Contact support")).to_be_visible()
    page.get_by_label("Your name").fill("Carla Customer")
    page.get_by_label("Your email").fill("carla@example.com")
    page.get_by_label("Subject").fill("Wheelchair access")
    page.get_by_label("Your message").fill("Is the venue step-free?")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url(f"{live_server.url}/support/sent/")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    case = SupportCase.objects.get()

    # The agent finds it in Support → Cases and replies.
    agent_context = browser.new_context()
    agent_page = agent_context.new_page()
    agent_page.goto(f"{live_server.url}/admin/login/")
    agent_page.fill("input[name=username]", agent.email)
    agent_page.fill("input[name=password]", PASSWORD)
    agent_page.click("button[type=submit]")
    agent_page.wait_for_url(f"{live_server.url}/admin/")
    expect(agent_page.locator("#bilten-open-cases-heading, #bilten-open-cases")).not_to_have_count(
        0
    )
    agent_page.goto(f"{live_server.url}/admin/crm/cases/")
    shoot(agent_page, "admin-case-list")
    agent_page.get_by_role("link", name="Wheelchair access").click()
    agent_page.wait_for_url(f"{live_server.url}/admin/crm/cases/{case.pk}/")
    expect(agent_page.get_by_text("Is the venue step-free?")).to_be_visible()
    agent_page.locator("#id_reply-body").fill("Yes: there is a ramp at the side entrance.")
    agent_page.get_by_role("button", name="Send reply").click()
    agent_page.wait_for_url(f"{live_server.url}/admin/crm/cases/{case.pk}/")
    expect(agent_page.get_by_text("Reply sent to carla@example.com.")).to_be_visible()
    shoot(agent_page, "admin-case")
    agent_context.close()

    # The customer signs in and reads the answer under /account/support/.
    page.goto(f"{live_server.url}/account/login/?next=/account/support/")
    page.get_by_label("Email").fill(customer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/account/support/")
    page.get_by_role("link", name="Wheelchair access").click()
    page.wait_for_url(f"{live_server.url}/account/support/{case.pk}/")
    expect(page.get_by_text("Yes: there is a ramp at the side entrance.")).to_be_visible()
    expect(page.get_by_text("Waiting on customer")).to_be_visible()

    # And writes back.
    page.get_by_label("Your reply").fill("Thank you!")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(page.get_by_text("Thank you!", exact=True)).to_be_visible()
    shoot(page, "account-case")
    assert console_errors == []
