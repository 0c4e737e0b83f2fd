"""An organizer creates an event at 20:00 Europe/Berlin: the public page, the API and
the confirmation email all say 20:00 (the editor used to read the time as UTC)."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts import roles
from commerce.models import Order
from event_pages.models import EventPage
from tests.browser.test_organizer_publishes_event import add_tier, publish
from tests.browser.test_purchase import pay_by_card
from tests.factories import PASSWORD, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_event_typed_at_20_00_in_berlin_is_20_00_everywhere(page, live_server, home_page):
    organization = make_organization(home_page, "Harbour Events")
    user = make_user("organizer@example.com", name="Olga Organizer")
    roles.make_organizer(user, organization)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/pages/add/event_pages/eventpage/{organization.pk}/")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")
    expect(page.get_by_text("In the event's time zone (Europe/Berlin).").first).to_be_visible()
    page.fill("#id_title", "Winter Lights")
    page.fill("#id_starts_at", "2031-12-05 20:00")
    page.fill("#id_ends_at", "2031-12-05 23:00")
    page.keyboard.press("Escape")
    page.fill("#id_total_capacity", "100")
    add_tier(page, 0, "General", "20.00")
    page.check("#id_tiers-0-enabled")
    page.wait_for_timeout(1500)
    assert not EventPage.objects.exists(), "nothing is saved behind the organizer's back"
    publish(page)
    expect(page.get_by_text(re.compile("published")).first).to_be_visible()

    event = EventPage.objects.get(title="Winter Lights")
    assert event.starts_at == dt.datetime(2031, 12, 5, 19, 0, tzinfo=dt.UTC)
    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    expect(page.locator("#id_starts_at")).to_have_value("2031-12-05 20:00")

    visitor = page.context.browser.new_context().new_page()
    visitor.goto(f"{live_server.url}{event.url}")
    expect(visitor.locator(".event-meta, main").first).to_contain_text("20:00")
    expect(visitor.locator("main").first).to_contain_text("CET")

    api = visitor.request.get(f"{live_server.url}/api/v1/events/{event.pk}/").json()
    assert api["starts_at"] == "2031-12-05T20:00:00+01:00"

    visitor.get_by_label("Number of General tickets").fill("1")
    visitor.get_by_role("button", name="Get tickets").click()
    visitor.get_by_label(re.compile("Email for your tickets")).fill("guest@example.com")
    visitor.get_by_label(re.compile("Your name|Name")).first.fill("Gus Guest")
    visitor.get_by_role("button", name="Continue to payment").click()
    pay_by_card(visitor, "4242 4242 4242 4242")
    expect(visitor.get_by_role("heading", name="You're going!")).to_be_visible()
    assert Order.objects.count() == 1
    confirmation = next(m for m in mail.outbox if "guest@example.com" in m.to)
    assert "20:00" in confirmation.body and "CET" in confirmation.body
