"""The attendee's details: errors beside the field, reloads, expired holds, phones, 404."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commerce.models import Hold
from tests.browser.conftest import ARTIFACTS
from tests.factories import make_event, make_image, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def concert(home_page):
    organization = make_organization(home_page, "Aurora Live")
    return make_event(
        organization,
        "Harbour Lights",
        summary="Two nights of music, food and lanterns by the water.",
        hero_image=make_image("Harbour stage"),
        capacity=50,
        tiers=[("Early Bird", 1900, 20), ("General", 2900, None)],
    )


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_a_quantity_error_is_shown_beside_its_field(page, live_server, concert):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}{concert.url}")
    quantity = page.get_by_label("Number of General tickets")
    quantity.fill("99")
    page.get_by_role("button", name="Get tickets").click()

    quantity = page.get_by_label("Number of General tickets")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{quantity.get_attribute('aria-describedby')}")
    expect(error).to_be_visible()
    expect(error).to_contain_text("less than or equal to 10")
    expect(quantity).to_have_accessible_description(re.compile("less than or equal to 10"))
    expect(quantity).to_be_focused()
    # In the error colour, not the grey of help text.
    assert error.evaluate("e => getComputedStyle(e).color") == "rgb(255, 138, 138)"
    assert quantity.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(255, 138, 138)"
    shot(page, "quantity-error-1366px")


def test_reloading_after_a_refused_selection_goes_back_to_the_event(page, live_server, concert):
    page.goto(f"{live_server.url}{concert.url}")
    page.get_by_role("button", name="Get tickets").click()  # nothing chosen
    expect(page.get_by_text("Choose at least one ticket.")).to_be_visible()
    refused_at = page.url
    assert refused_at.endswith(f"/tickets/{concert.pk}/hold/")

    response = page.goto(refused_at)  # F5 after the POST, or the address opened again

    assert response.status == 200
    assert page.url == f"{live_server.url}{concert.url}#tickets"
    expect(page.get_by_role("heading", name="Harbour Lights")).to_be_visible()
    expect(page.get_by_label("Number of General tickets")).to_be_visible()


def test_an_expired_hold_says_so_and_holds_the_same_tickets_again(page, live_server, concert):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}{concert.url}")
    page.get_by_label("Number of Early Bird tickets").fill("1")
    page.get_by_label("Number of General tickets").fill("2")
    page.get_by_role("button", name="Get tickets").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    first = Hold.objects.get()
    Hold.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    page.reload()

    expect(
        page.get_by_role("heading", name="Your hold expired, the tickets went back on sale.")
    ).to_be_visible()
    expect(page.get_by_label("Number of Early Bird tickets")).to_have_value("1")
    expect(page.get_by_label("Number of General tickets")).to_have_value("2")
    shot(page, "hold-expired-1366px")
    page.get_by_role("button", name="Hold these tickets again").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.locator("tfoot").get_by_text("€77.00")).to_be_visible()
    again = Hold.objects.exclude(pk=first.pk).get()
    assert {line.tier_name: line.quantity for line in again.lines.all()} == {
        "Early Bird": 1,
        "General": 2,
    }


def test_a_phone_shows_the_price_and_get_tickets_in_the_first_screen(page, live_server, concert):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{concert.url}")
    page.wait_for_load_state("load")
    bar = page.locator("[data-ticket-bar]")
    get_tickets = bar.get_by_role("link", name="Get tickets")

    expect(bar).to_contain_text("from €19.00")
    expect(get_tickets).to_be_visible()
    assert in_first_screen(page, get_tickets)
    assert in_first_screen(page, bar.get_by_text("from €19.00"))
    page.screenshot(path=str(ARTIFACTS / "390px-event-first-screen.png"))

    get_tickets.click()

    expect(page.get_by_label("Number of Early Bird tickets")).to_be_in_viewport()
    page.get_by_label("Number of General tickets").fill("2")
    page.get_by_role("button", name="Get tickets").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    countdown = page.get_by_role("timer")
    total = page.locator("tfoot").get_by_text("€58.00")
    assert in_first_screen(page, countdown)
    assert in_first_screen(page, total)
    name_field = page.get_by_label("Your name").bounding_box()
    assert total.bounding_box()["y"] < name_field["y"]
    page.screenshot(path=str(ARTIFACTS / "390px-checkout-first-screen.png"))


def test_a_wide_screen_has_no_bottom_bar_and_shows_the_summary_beside_the_form(
    page, live_server, concert
):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}{concert.url}")
    expect(page.locator("[data-ticket-bar]")).to_be_hidden()
    shot(page, "1366px-event")
    page.get_by_label("Number of General tickets").fill("1")
    page.get_by_role("button", name="Get tickets").click()
    summary = page.get_by_role("region", name="Your order").bounding_box()
    form = page.get_by_label("Your name").bounding_box()
    assert summary["x"] > form["x"] + form["width"], "the summary sits beside the form"
    assert in_first_screen(page, page.get_by_role("timer"))
    shot(page, "1366px-checkout")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_a_missing_page_is_the_site_s_own_404(page, live_server, home_page, viewport):
    page.set_viewport_size(viewport)
    response = page.goto(f"{live_server.url}/de/no-such-event/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Diese Seite haben wir nicht gefunden")).to_be_visible()
    expect(page.get_by_role("link", name="Veranstaltungen entdecken")).to_have_attribute(
        "href", "/de/events/"
    )
    expect(page.locator(".site-header")).to_be_visible()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert font.startswith('"Poppins"') or font.startswith("Poppins")
    assert background == "rgb(11, 13, 23)"
    shot(page, f"{viewport['width']}px-404")
