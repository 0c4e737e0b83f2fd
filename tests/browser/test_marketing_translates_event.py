"""Marketing translates an event into French in wagtail-localize's editor and publishes it."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.models import Locale

from accounts import roles
from tests.factories import PASSWORD, make_event, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = "var/browser-artifacts"


def translate_next_segment(page, text):
    """Open the first untranslated segment of the current tab, type `text` and save it."""
    page.get_by_role("button", name="Translate", exact=True).first.click()
    page.locator("textarea").fill(text)
    with page.expect_response(lambda r: r.request.method in ("PUT", "POST") and r.ok):
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(text, exact=True)).to_be_visible()


@pytest.fixture
def event(home_page):
    return make_event(make_organization(home_page, "Aurora Live"), "Summer Night Concert")


@pytest.fixture
def marketing(home_page):
    user = make_user("marketing@example.com", name="Clara Meyer")
    user.groups.add(Group.objects.get(name=roles.MARKETING))
    return user


def test_marketing_translates_an_event_into_french_and_publishes_it(
    page, live_server, event, marketing, login_admin
):
    login_admin(marketing.email, PASSWORD)
    visitor = page.context.browser.new_context().new_page()

    page.goto(f"{live_server.url}/admin/localize/submit/page/{event.pk}/")
    page.get_by_label("Français").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("successfully submitted for translation into Français")).to_be_visible()
    page.screenshot(path=f"{ARTIFACTS}/translate-editor.png", full_page=True)

    french = event.get_translation(Locale.objects.get(language_code="fr"))
    assert not french.live
    assert visitor.goto(f"{live_server.url}{french.url}").status == 404

    translate_next_segment(page, "Concert d’une nuit d’été")
    translate_next_segment(page, "Entrée générale")
    page.get_by_role("tab", name="Promote").click()
    translate_next_segment(page, "concert-nuit-d-ete")
    page.screenshot(path=f"{ARTIFACTS}/translate-editor-done.png", full_page=True)
    page.get_by_role("button", name="Publish in Français").click()
    expect(page.get_by_text("Published").first).to_be_visible()

    french.refresh_from_db()
    assert french.live
    assert french.url.endswith("/concert-nuit-d-ete/")
    visitor.goto(f"{live_server.url}{french.url}")
    expect(visitor.get_by_role("heading", name="Concert d’une nuit d’été")).to_be_visible()
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    expect(visitor.get_by_text("Entrée générale").first).to_be_visible()
    visitor.screenshot(path=f"{ARTIFACTS}/translated-event-public.png", full_page=True)
