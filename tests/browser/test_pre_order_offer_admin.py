"""An organizer sets up an event's pre-orders in the admin, with a variant typed in the
event's time zone, and the event page then offers the pre-order."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts import roles
from fulfilment.models import PreOrderOffer
from tests.factories import PASSWORD, make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_adds_a_pre_order_offer_with_a_variant(
    page, live_server, home_page, login_admin
):
    organization = make_organization(home_page, "Aurora Live")
    event = make_event(organization, "Harbour Lights", time_zone="Europe/Berlin")
    user = make_user("organizer@example.com")
    roles.make_organizer(user, organization)
    login_admin(user.email, PASSWORD)

    page.goto(f"{live_server.url}/admin/fulfilment/offers/new/")
    page.locator("#id_event").select_option(label="Harbour Lights")
    page.locator("#id_price_minor").fill("35.00")
    page.get_by_role("button", name="Add variant").click()
    page.locator("input[name='variants-0-name']").fill("Entry 21:00")
    page.locator("input[name='variants-0-starts_at']").fill("2031-05-02 21:00")
    page.locator("input[name='variants-0-ends_at']").fill("2031-05-02 21:30")
    page.keyboard.press("Escape")
    page.locator("input[name='variants-0-name']").click()  # the date picker closes on blur
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    page.screenshot(path="var/browser-artifacts/offer_admin.png", full_page=True)
    page.get_by_role("button", name="Create").click()

    expect(page.get_by_role("link", name="Harbour Lights")).to_be_visible()
    variant = PreOrderOffer.objects.get(event=event).variants.get()
    assert variant.starts_at == dt.datetime(2031, 5, 2, 19, 0, tzinfo=dt.UTC)  # 21:00 CEST
    page.goto(f"{live_server.url}{event.url}")
    expect(page.locator("#pre-order")).to_contain_text("€35.00")
