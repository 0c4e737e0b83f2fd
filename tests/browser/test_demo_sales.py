"""First start: after seed_demo, support reads orders and the refunded late payment, an
organizer reads a sales screen with a tier sold out, and a demo buyer sees their tickets.
Screenshots are kept for a person to look at."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from event_pages.models import EventPage
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS / "demo-sales"
PASSWORD = "bilten-demo"


@pytest.fixture
def demo_site(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_support_finds_the_orders_and_the_refunded_late_payment(
    page, live_server, demo_site, login_admin, console_errors
):
    login_admin("support@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/sales/orders/")
    rows = page.locator("table.listing tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 10
    expect(page.locator("main")).to_contain_text(re.compile(r"\b\d{3} orders"))  # weeks of them
    shoot(page, "orders")

    page.goto(f"{live_server.url}/admin/sales/follow-ups/")
    row = page.locator("table.listing tbody tr", has_text="Nina Brandt").or_(
        page.locator("table.listing tbody tr", has_text="reservation expired")
    )
    expect(row.first).to_be_visible()
    expect(row.first).to_contain_text("Refunded")
    shoot(page, "follow-ups")
    assert console_errors == []


def test_an_organizer_reads_a_sales_screen_with_the_early_bird_sold_out(
    page, live_server, demo_site, login_admin, console_errors
):
    event = EventPage.objects.get(slug="neon-harbour-live", locale__language_code="en")
    login_admin("organizer@example.com", PASSWORD)
    page.goto(f"{live_server.url}/admin/sales/events/{event.pk}/")
    early_bird = page.locator("tr", has_text="Early Bird")
    expect(early_bird).to_contain_text("150")
    shoot(page, "sales-screen")
    assert console_errors == []


def test_a_demo_buyer_signs_in_and_sees_their_tickets(page, live_server, demo_site):
    page.goto(f"{live_server.url}/account/login/?next=/account/orders/")
    page.get_by_label("Email").fill("lena.fischer@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/account/orders/")
    expect(page.locator(".card-grid > li").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Lena Fischer")  # an attendee of her order
    shoot(page, "my-orders")
