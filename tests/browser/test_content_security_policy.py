"""The content security policy blocks nothing the site or the Wagtail admin needs."""

import pytest

from accounts import roles
from tests.factories import PASSWORD, make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_errors(errors):
    return [e for e in errors if "Content Security Policy" in e or "Permissions-Policy" in e]


@pytest.fixture
def organizer(home_page):
    organization = make_organization(home_page, "Harbour Events")
    user = make_user("organizer@example.com", name="Olga Organizer")
    roles.make_organizer(user, organization)
    return user, organization


def test_the_page_editor_loads_and_previews_without_policy_errors(
    page, live_server, organizer, login_admin, console_errors
):
    user, organization = organizer
    login_admin(user.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/pages/add/event_pages/eventpage/{organization.pk}/")
    page.fill("#id_title", "Lantern Night Market")
    page.get_by_role("button", name="Add ticket tier").click()
    page.fill("#id_tiers-0-name", "General")
    page.get_by_role("button", name="Toggle preview").click()
    page.wait_for_timeout(1500)
    assert page.locator("#id_tiers-0-name").is_visible()
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_load_state("networkidle")
    assert csp_errors(console_errors) == []


def test_the_public_event_page_runs_its_scripts_without_policy_errors(
    page, live_server, organizer, console_errors
):
    _, organization = organizer
    event = make_event(organization, "Open Air")
    page.goto(f"{live_server.url}{event.url}")
    page.wait_for_load_state("networkidle")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    page.set_viewport_size({"width": 400, "height": 800})
    page.click("[data-nav-toggle]")  # static/js/site.js ran
    assert page.locator("[data-nav-toggle]").get_attribute("aria-expanded") == "true"
    assert csp_errors(console_errors) == []
