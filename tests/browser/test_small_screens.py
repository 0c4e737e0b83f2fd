"""The public site on a 360 px phone: nothing scrolls sideways, tickets work by keyboard."""

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.console import collect_errors
from tests.event_pages.content import PLAYER, cache_youtube_embed, every_block
from tests.event_pages.translate import translate
from tests.factories import make_event, make_image, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def festival(home_page):
    organization = make_organization(home_page, "Aurora Live")
    photo = make_image("Harbour stage")
    cache_youtube_embed()
    for day in range(1, 4):
        make_event(organization, f"Warm-up Night {day}", starts_in_days=day)
    event = make_event(
        organization,
        "Harbour Lights Festival with an Unusually Long Name",
        summary="Two nights of music, food and lanterns by the water.",
        hero_image=photo,
        featured=True,
        tiers=[("Early Bird", 1900, 20), ("General Admission", 2900, None)],
        body=json.dumps(every_block(photo)),
    )
    translate(home_page, "de")
    german = translate(event, "de", {"Early Bird": "Frühbucher", "General Admission": "Normal"})
    return event, german


def phone_page(page):
    page.set_viewport_size(PHONE)
    return page


def horizontal_overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth") - PHONE["width"]


@pytest.mark.parametrize("where", ["home", "event list", "event", "German event"])
def test_pages_fit_a_360px_screen_without_sideways_scrolling(page, live_server, festival, where):
    event, german = festival
    path = {"home": "/", "event list": "/events/", "event": event.url, "German event": german.url}
    errors = collect_errors(page)
    phone_page(page).goto(f"{live_server.url}{path[where]}")
    page.wait_for_load_state("load")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"360px-{where.replace(' ', '-')}.png"), full_page=True)
    assert horizontal_overflow(page) <= 0, f"{where} scrolls sideways"
    assert errors == []


def test_the_menu_opens_on_a_phone_and_fits(page, live_server, festival):
    phone_page(page).goto(f"{live_server.url}/de/")
    menu = page.get_by_role("button", name="Menü")
    expect(page.get_by_role("link", name="Veranstaltungen", exact=True)).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")

    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Veranstaltungen", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Anmelden", exact=True)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "360px-menu-open.png"))
    assert horizontal_overflow(page) <= 0


def test_the_ticket_picker_works_by_keyboard_alone(page, live_server, festival):
    event, _german = festival
    phone_page(page).goto(f"{live_server.url}{event.url}")

    for _ in range(80):  # Tab from the top of the page to the first quantity field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_tier_" + str(
            event.tiers.get(name="Early Bird").pk
        ):
            break
    else:
        pytest.fail("Tab never reached the Early Bird quantity field")

    focused = page.locator(":focus")
    expect(focused).to_have_accessible_name("Number of Early Bird tickets")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    ring = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert ring != "none", "the focused field shows no focus ring"
    assert focused.is_visible() and focused.bounding_box()["x"] >= 0

    page.keyboard.type("2")
    expect(focused).to_have_value("2")
    for _ in range(5):  # on to "Get tickets", past the second tier's field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Get tickets":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_text("€38.00").first).to_be_visible()


def test_the_video_loads_from_its_provider_only_after_play_is_pressed(page, live_server, festival):
    event, _german = festival
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if urlsplit(request.url).hostname not in {"localhost", "127.0.0.1"}
            else None
        ),
    )
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(content_type="text/html", body="<p>player</p>"),
    )
    phone_page(page).goto(f"{live_server.url}{event.url}")
    page.wait_for_load_state("load")
    play = page.get_by_role("button", name="Play video — loads content from YouTube")
    play.scroll_into_view_if_needed()  # lazy images near the video load too
    page.wait_for_timeout(500)
    assert outside == []
    expect(page.locator("iframe")).to_have_count(0)

    with page.expect_request(lambda request: request.url.startswith(PLAYER)):
        play.click()

    expect(page.locator(".video iframe")).to_have_attribute("src", f"{PLAYER}?autoplay=1")
