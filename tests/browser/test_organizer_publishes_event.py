"""An organizer builds an event in the admin; a visitor then finds it on the site."""

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from tests.browser.console import collect_errors
from tests.factories import PASSWORD, make_organization, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def organizer(home_page):
    organization = make_organization(home_page, "Harbour Events")
    user = make_user("organizer@example.com", name="Olga Organizer")
    roles.make_organizer(user, organization)
    return user, organization


def add_tier(page, index, name, price, allocation=""):
    page.get_by_role("button", name="Add ticket tier").click()
    page.fill(f"#id_tiers-{index}-name", name)
    page.fill(f"#id_tiers-{index}-price_minor", price)
    if allocation:
        page.fill(f"#id_tiers-{index}-allocation", allocation)
    page.uncheck(f"#id_tiers-{index}-enabled")


def publish(page):
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Publish").click()


def test_organizer_is_refused_publishing_without_an_enabled_tier_then_publishes(
    page, live_server, organizer, login_admin, console_errors
):
    user, organization = organizer
    login_admin(user.email, PASSWORD)

    page.goto(f"{live_server.url}/admin/pages/add/event_pages/eventpage/{organization.pk}/")
    page.fill("#id_title", "Lantern Night Market")
    page.fill("#id_summary", "Food, music and lanterns on the pier.")
    page.fill("#id_starts_at", "2031-07-04 18:00")
    page.fill("#id_ends_at", "2031-07-04 23:30")
    page.keyboard.press("Escape")
    page.fill("#id_total_capacity", "250")
    add_tier(page, 0, "Early Bird", "15.00", "50")
    add_tier(page, 1, "General", "22.50")

    publish(page)
    expect(
        page.get_by_text("Add at least one ticket tier that is on sale before publishing.")
    ).to_be_visible()

    page.check("#id_tiers-1-enabled")
    publish(page)
    expect(page.get_by_text(re.compile("published")).first).to_be_visible()

    # A visitor finds the event in the public list and opens it.
    visitor = page.context.browser.new_context().new_page()
    visitor_errors = collect_errors(visitor)
    visitor.goto(f"{live_server.url}/events/")
    visitor.get_by_role("link", name="Lantern Night Market").first.click()
    expect(visitor.get_by_role("heading", name="Lantern Night Market")).to_be_visible()
    expect(visitor.get_by_text("€22.50").first).to_be_visible()
    visitor.wait_for_load_state("load")  # deferred scripts have run
    assert visitor_errors == [], "console or page errors on the visitor's page"
