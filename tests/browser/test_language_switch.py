"""A visitor switches language from every kind of page and stays where they were."""

import re

import pytest
from playwright.sync_api import expect

from tests.event_pages.translate import translate
from tests.factories import PASSWORD, make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(home_page):
    """An organization and an event in English, German and French, each with its own slugs."""
    organization = make_organization(home_page, "Aurora Live")
    event = make_event(organization, "Summer Night Concert")
    for language in ("de", "fr"):
        translate(home_page, language)
    translate(organization, "de", {"aurora-live": "aurora-live-de"})
    translate(organization, "fr", {"aurora-live": "aurora-live-fr"})
    german = translate(
        event,
        "de",
        {"Summer Night Concert": "Sommernachtskonzert", "summer-night-concert": "sommernacht"},
    )
    french = translate(
        event,
        "fr",
        {"Summer Night Concert": "Concert d’une nuit d’été", "summer-night-concert": "nuit-d-ete"},
    )
    return event, german, french


def switch_to(page, live_server, language_name, code, path):
    """Choose a language in the header; the page reloads at `path` in that language."""
    with page.expect_navigation():
        page.locator("#language-select").select_option(label=language_name)
    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(page.locator("html")).to_have_attribute("lang", code)
    assert page.locator("#language-select").input_value() == code


def test_the_language_switch_keeps_the_visitor_on_the_same_page_everywhere(
    page, live_server, site, console_errors
):
    event, german, french = site
    user = make_user("fan@example.com", name="Fan Person")

    # The log-in page, before and after switching.
    page.goto(f"{live_server.url}/account/login/")
    switch_to(page, live_server, "Deutsch", "de", "/de/account/login/")
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    page.get_by_label("E-Mail").fill(user.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state("load")

    # Home and the event list.
    page.goto(f"{live_server.url}/")
    switch_to(page, live_server, "Deutsch", "de", "/de/")
    page.goto(f"{live_server.url}/de/events/")
    switch_to(page, live_server, "Français", "fr", "/fr/events/")

    # An organization and an event: the translation's own address.
    page.goto(f"{live_server.url}/fr/aurora-live-fr/")
    switch_to(page, live_server, "Deutsch", "de", "/de/aurora-live-de/")
    page.goto(f"{live_server.url}{german.url}")
    switch_to(page, live_server, "Français", "fr", french.url)
    expect(page.get_by_role("heading", name="Concert d’une nuit d’été")).to_be_visible()
    switch_to(page, live_server, "English", "en", event.url)
    expect(page.get_by_role("heading", name="Summer Night Concert")).to_be_visible()

    # Checkout keeps the hold.
    page.get_by_label("Number of General tickets").fill("2")
    page.get_by_role("button", name="Get tickets").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    checkout = re.sub(r"^https?://[^/]+", "", page.url)
    switch_to(page, live_server, "Deutsch", "de", f"/de{checkout}")
    expect(page.get_by_role("heading", name="Kasse")).to_be_visible()
    expect(page.get_by_text("50,00 €").first).to_be_attached()

    # My tickets and the profile.
    page.goto(f"{live_server.url}/de/account/orders/")
    switch_to(page, live_server, "Français", "fr", "/fr/account/orders/")
    page.goto(f"{live_server.url}/fr/account/profile/")
    switch_to(page, live_server, "English", "en", "/account/profile/")
    page.screenshot(path="var/browser-artifacts/language-switch-profile.png", full_page=True)

    assert console_errors == []
