"""An organizer's admin at desktop and phone widths: the dashboard, the page list, the
sales screen and an order, with screenshots kept for a person to look at."""

import pytest
from playwright.sync_api import expect

from accounts import roles
from tests.browser.conftest import ARTIFACTS
from tests.commerce.test_admin_sales import sell
from tests.factories import PASSWORD, make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = ARTIFACTS / "organizer-admin"
WIDTHS = [1366, 390]
SENSIBLE_HEIGHT = 40  # px: a row's icon, not a poster
MENU_ITEM_HEIGHT = 48  # px: one line of Wagtail's own "More options" menu


@pytest.fixture
def organizer_with_sales(home_page):
    organization = make_organization(home_page, "Aurora Live")
    user = make_user("organizer@example.com", name="Olga Organizer")
    roles.make_organizer(user, organization)
    event = make_event(
        organization,
        "Harbour Lights",
        capacity=120,
        tiers=[("Early Bird", 1900, 20), ("General", 2900, None)],
        starts_in_days=12,
    )
    make_event(organization, "Quiet Morning", capacity=40, starts_in_days=30)
    order = sell(event, "Early Bird", 2, "a")
    sell(event, "General", 3, "b")
    theirs = make_event(make_organization(home_page, "Northwind"), "Their Summit")
    return user, organization, event, order, theirs


def shoot(page, name, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def assert_sensible_size(locator, most=SENSIBLE_HEIGHT):
    box = locator.bounding_box()
    assert box is not None, "not displayed"
    assert box["height"] < most, f"{box['height']} px high"


@pytest.mark.parametrize("width", WIDTHS)
def test_organizer_reads_dashboard_page_list_and_sales_screen(
    page, live_server, organizer_with_sales, login_admin, console_errors, width
):
    user, organization, event, order, theirs = organizer_with_sales
    page.set_viewport_size({"width": width, "height": 900})
    login_admin(user.email, PASSWORD)

    # The dashboard: their upcoming events, sold of capacity, today's sales; nobody else's.
    expect(page.get_by_role("heading", name="Your upcoming events")).to_be_visible()
    expect(page.get_by_text("5 of 120 sold (4 %)")).to_be_visible()
    expect(page.get_by_text("0 of 40 sold (0 %)")).to_be_visible()
    expect(page.get_by_text("5 tickets, 2 orders", exact=False)).to_be_visible()
    expect(page.get_by_text(theirs.title)).to_have_count(0)
    shoot(page, "dashboard", width)

    # The page list: rows look like Wagtail's own, "Sales" sits in the row's menu.
    page.goto(f"{live_server.url}/admin/pages/{organization.pk}/")
    row = page.locator("tr", has_text=event.title)
    expect(row).to_be_visible()
    for icon in page.locator("table.listing tbody svg.icon").all():
        if icon.is_visible():
            assert_sensible_size(icon)
    assert row.bounding_box()["height"] < 120
    shoot(page, "page-list", width)
    row.get_by_role("button", name=f"More options for '{event.title}'").click()
    sales = row.get_by_role("link", name="Sales")
    expect(sales).to_be_visible()
    assert_sensible_size(sales, most=MENU_ITEM_HEIGHT)
    assert_sensible_size(sales.locator("svg"))
    page.wait_for_timeout(400)  # the menu has faded in
    shoot(page, "page-list-menu", width)

    # The sales screen in plain words, with revenue and the orders that open.
    sales.click()
    expect(page.get_by_text("5 of 120 sold (4 %)").first).to_be_visible()
    expect(page.get_by_text("2 of 20 sold (10 %)")).to_be_visible()
    expect(page.get_by_text("€125.00").first).to_be_visible()
    expect(page.get_by_text("Capacity (X)")).to_have_count(0)
    shoot(page, "sales-screen", width)
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_text(order.buyer_email).first).to_be_visible()
    shoot(page, "order", width)

    page.wait_for_load_state("load")
    assert console_errors == [], "console or page errors in the admin"
