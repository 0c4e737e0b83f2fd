"""First start with pre-orders: after seed_demo, the demo attendee reads their fulfilled
pre-order's ticket login, the Fulfilment admin uploads docs/samples/tickets.csv and sees
its duplicate and malformed rows, confirms, and a member who was waiting gets a ticket.
Screenshots are kept for a person to look at."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from fulfilment.demo import plan
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS / "demo-pre-orders"
PASSWORD = "bilten-demo"
SAMPLE = Path(settings.BASE_DIR) / "docs" / "samples" / "tickets.csv"


@pytest.fixture
def demo_site(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/account/login/?next=/account/pre-orders/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/account/pre-orders/")


def pre_order_card(page):
    return page.locator("li[data-pre-order]", has_text=plan.EVENT.title)


def test_the_demo_pre_orders_from_the_portal_to_the_sample_upload(
    page, live_server, demo_site, login_admin, console_errors
):
    log_in(page, live_server, "attendee@example.com")
    card = pre_order_card(page)
    expect(card.locator("[data-status]")).to_have_attribute("data-status", "fulfilled")
    expect(card).to_contain_text(plan.ticket_login(0, 1))
    expect(card).to_contain_text(plan.ticket_password(0, 1))
    shoot(page, "attendee-fulfilled")

    log_in(page, live_server, "lena.fischer@example.com")
    expect(pre_order_card(page).locator("[data-status]")).to_have_attribute(
        "data-status", "waiting_for_ticket"
    )
    shoot(page, "lena-waiting")

    page.context.clear_cookies()
    login_admin("fulfilment@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/fulfilment/tickets/upload/")
    page.set_input_files("input[name=file]", str(SAMPLE))
    page.locator("[data-upload-button]").click()
    expect(page.locator("[data-total=valid]")).to_have_text("6")
    expect(page.locator("[data-total=duplicates]")).to_have_text("1")
    expect(page.locator("[data-total=malformed]")).to_have_text("1")
    expect(page.locator("main")).to_contain_text("Password is empty")
    shoot(page, "sample-report")
    page.get_by_role("button", name="Confirm and store 6 tickets").click()
    page.wait_for_load_state()
    shoot(page, "sample-stored")

    log_in(page, live_server, "lena.fischer@example.com")
    card = pre_order_card(page)
    expect(card.locator("[data-status]")).to_have_attribute("data-status", "fulfilled")
    expect(card).to_contain_text(f"@{plan.TICKET_DOMAIN}")
    shoot(page, "lena-fulfilled")
    assert console_errors == []
