"""A past event keeps its page but cannot be bought: not from the page, not by posting
the form anyway, not through the API."""

import pytest
from playwright.sync_api import expect

from commerce.models import EventInventory, Hold
from tests.factories import make_event, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_past_event_cannot_be_bought_by_page_form_post_or_api(page, live_server, home_page):
    organization = make_organization(home_page, "Aurora Live")
    past = make_event(organization, "Aurora Season Opening", starts_in_days=-3)
    upcoming = make_event(organization, "Next Week", starts_in_days=7)
    tier = past.tiers.get()

    page.goto(f"{live_server.url}{past.url}")
    expect(page.get_by_role("heading", name="Aurora Season Opening")).to_be_visible()
    expect(
        page.get_by_text("This event has already taken place; tickets are no longer sold.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Get tickets")).to_have_count(0)
    page.goto(f"{live_server.url}/events/")
    expect(page.get_by_role("link", name="Next Week").first).to_be_visible()
    expect(page.get_by_role("link", name="Aurora Season Opening")).to_have_count(0)

    # Someone posts the old form anyway, with a valid CSRF token from another page.
    page.goto(f"{live_server.url}{upcoming.url}")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    posted = page.request.post(
        f"{live_server.url}/tickets/{past.pk}/hold/",
        form={"csrfmiddlewaretoken": token, f"tier_{tier.pk}": "1"},
        headers={"Referer": f"{live_server.url}{upcoming.url}"},
    )
    assert "already taken place" in posted.text()

    api = page.request.post(
        f"{live_server.url}/api/v1/holds/",
        data={"lines": [{"tier_id": tier.pk, "quantity": 1}]},
    )
    assert api.status == 400 and api.json()["error"] == "event_over"
    assert not Hold.objects.filter(event_id=past.pk).exists()
    assert EventInventory.objects.get(event_key=past.translation_key).held == 0
