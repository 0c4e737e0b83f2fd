"""A visitor searches events in a real browser: suggestions by keyboard, two filters, a result
and back to the same filtered list; the same on a 360 px phone."""

import datetime as dt
import json
import re
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from commerce.models import EventInventory
from event_pages.models import Category, Venue
from search.dates import preset_range, today_in
from tests.browser.conftest import ARTIFACTS
from tests.browser.console import collect_errors
from tests.commerce.refund_data import paid_order
from tests.factories import make_event, make_image, make_organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def lineup(*names):
    people = [{"name": name, "role": "", "bio": ""} for name in names]
    return [{"type": "lineup", "value": {"title": "Line-up", "people": people}}]


@pytest.fixture
def catalogue(home_page):
    organization = make_organization(home_page, "Aurora Live")
    concerts = Category.objects.create(name="Concerts", slug="concerts")
    talks = Category.objects.create(name="Conferences", slug="conferences")
    berlin = Venue.objects.create(
        organization=organization,
        name="Tempodrom",
        address="Möckernstr. 10",
        city="Berlin",
        country="DE",
    )
    hamburg = Venue.objects.create(
        organization=organization,
        name="Elbphilharmonie",
        address="Platz 1",
        city="Hamburg",
        country="DE",
    )
    photos = [
        make_image(f"Stage {n}", colour=c)
        for n, c in enumerate([(90, 70, 200), (20, 120, 140), (160, 60, 110)])
    ]
    events = {}
    rows = [
        ("Berlin Jazz Night", concerts, berlin, 3, 2900, 80),
        ("Berlin Techno Marathon", concerts, berlin, 9, 4500, 0),  # sold out
        ("Berlin Piano Evening", concerts, berlin, 16, 1900, 50),
        ("Berlin Product Summit", talks, berlin, 12, 19900, 200),
        ("Hamburg Harbour Jazz", concerts, hamburg, 5, 3500, 60),
        ("Hamburg Data Day", talks, hamburg, 20, 9900, 100),
    ]
    for index, (title, category, venue, days, price, capacity) in enumerate(rows):
        events[title] = make_event(
            organization,
            title,
            category=category,
            venue=venue,
            starts_in_days=days,
            capacity=capacity or 1,
            tiers=[("General", price, None)],
            hero_image=photos[index % len(photos)],
            summary=f"{title}: an evening to remember.",
            body=json.dumps(lineup("Nina Sommer")) if "Jazz" in title else "[]",
        )
    sold_out = events["Berlin Techno Marathon"]
    EventInventory.objects.filter(event_key=sold_out.translation_key).update(sold=1)
    # Selling fast: tickets bought this week; this weekend: a show on Sunday evening.
    paid_order(events["Hamburg Harbour Jazz"], ("General", 3), session_key="fan-1")
    paid_order(events["Berlin Jazz Night"], ("General", 1), session_key="fan-2")
    _friday, sunday = preset_range("weekend", today_in("Europe/Berlin"))
    sunday_show = make_event(
        organization,
        "Sunday Jam Session",
        category=concerts,
        venue=hamburg,
        hero_image=photos[0],
        tiers=[("General", 1500, None)],
    )
    sunday_show.starts_at = dt.datetime.combine(
        sunday, dt.time(20, 0), zoneinfo.ZoneInfo("Europe/Berlin")
    )
    sunday_show.ends_at = sunday_show.starts_at + dt.timedelta(hours=6)
    sunday_show.save_revision().publish()
    return events


def query_of(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def shot(page, name, *, full_page=True):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{name}.png"), full_page=full_page)


def choose_suggestion_by_keyboard(page, typed: str, wanted: str):
    box = page.get_by_role("combobox", name=re.compile("Search events"))
    box.click()
    box.press_sequentially(typed, delay=60)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", "search-suggestions")
    options = listbox.get_by_role("option")
    labels = [text.strip() for text in options.all_inner_texts()]
    index = next(i for i, text in enumerate(labels) if text.startswith(wanted))
    for _step in range(index + 1):
        box.press("ArrowDown")
    active = options.nth(index)
    expect(active).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", active.get_attribute("id"))
    return box, index


def test_search_by_keyboard_two_filters_a_result_and_back(page, live_server, catalogue):
    errors = collect_errors(page)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/events/")
    expect(page.get_by_role("heading", name="7 events")).to_be_visible()

    box, index = choose_suggestion_by_keyboard(page, "Berl", "Berlin")
    count = page.get_by_role("listbox").get_by_role("option").count()
    expect(page.locator("[data-suggest-status]")).to_have_text(
        f"{count} suggestions. Use the up and down arrows to choose one."
    )
    shot(page, "autocomplete-open", full_page=False)
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")  # opens the list again, on the first suggestion
    expect(page.get_by_role("listbox")).to_be_visible()
    for _step in range(index):
        box.press("ArrowDown")
    expect(page.get_by_role("listbox").get_by_role("option").nth(index)).to_have_attribute(
        "aria-selected", "true"
    )
    box.press("Enter")
    page.wait_for_url(re.compile(r"/events/\?city=Berlin$"))
    expect(page.get_by_role("heading", name="4 events")).to_be_visible()

    # Filter one: a category link (with its count); filter two: only events with tickets.
    page.get_by_role("link", name=re.compile(r"^Concerts")).click()
    page.wait_for_url(re.compile("category=concerts"))
    expect(page.get_by_role("heading", name="3 events")).to_be_visible()
    page.get_by_label("Only events with tickets on sale").check()
    page.wait_for_url(re.compile("available=1"))
    expect(page.get_by_role("heading", name="2 events")).to_be_visible()
    filtered_url = page.url
    assert query_of(filtered_url) == {"city": "Berlin", "category": "concerts", "available": "1"}
    expect(page.get_by_text("Berlin Techno Marathon")).to_have_count(0)
    shot(page, "desktop-filtered")

    page.get_by_role("link", name="Berlin Jazz Night").click()
    expect(page.get_by_role("heading", name="Berlin Jazz Night", level=1)).to_be_visible()
    similar = page.get_by_role("region", name="You might also like")
    expect(similar.get_by_role("link", name="Hamburg Harbour Jazz")).to_be_visible()
    shot(page, "event-similar")

    page.go_back()
    page.wait_for_url(filtered_url)
    expect(page.get_by_role("heading", name="2 events")).to_be_visible()
    expect(page.get_by_label("Only events with tickets on sale")).to_be_checked()
    chips = page.locator(".active-filters")
    for label in ("Berlin", "Concerts", "Tickets available"):
        expect(chips.get_by_role("link", name=re.compile(label))).to_be_visible()
    assert errors == []


def test_the_same_search_on_a_360px_phone(page, live_server, catalogue):
    errors = collect_errors(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/events/")
    filters = page.locator("[data-filter-panel]")
    expect(filters).not_to_have_attribute("open", "")
    shot(page, "360px-list")

    choose_suggestion_by_keyboard(page, "Berl", "Berlin")
    shot(page, "360px-autocomplete-open", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"city=Berlin"))

    page.get_by_text("Filters", exact=True).click()
    expect(filters).to_have_attribute("open", "")
    shot(page, "360px-filters-open")
    page.get_by_role("link", name=re.compile(r"^Concerts")).click()
    page.wait_for_url(re.compile("category=concerts"))
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Only events with tickets on sale").check()
    page.wait_for_url(re.compile("available=1"))
    expect(page.get_by_role("heading", name="2 events")).to_be_visible()
    filtered_url = page.url
    shot(page, "360px-filtered")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Berlin Piano Evening").click()
    expect(page.get_by_role("heading", name="Berlin Piano Evening", level=1)).to_be_visible()
    page.go_back()
    page.wait_for_url(filtered_url)
    expect(page.get_by_role("heading", name="2 events")).to_be_visible()
    assert errors == []


def test_an_empty_search_offers_next_steps(page, live_server, catalogue):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/de/events/?city=Berlin&date=month&price_max=5000")
    expect(page.get_by_role("heading", name="3 Veranstaltungen")).to_be_visible()
    shot(page, "german-filtered")
    for size, name in ((DESKTOP, "empty"), (PHONE, "360px-empty")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/events/?q=zzzqqq&city=Hamburg")
        expect(page.get_by_role("heading", name="0 events")).to_be_visible()
        expect(page.get_by_text("No events match “zzzqqq” with these filters")).to_be_visible()
        expect(page.get_by_role("link", name="Browse all upcoming events")).to_be_visible()
        shot(page, name)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= size["width"]


def test_the_home_page_search_and_discovery_rows(page, live_server, catalogue):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/")
    shot(page, "home")
    page.get_by_role("combobox", name=re.compile("Search events")).fill("jazz")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/events/\?q=jazz"))
    expect(page.get_by_role("link", name="Berlin Jazz Night")).to_be_visible()
    page.goto(f"{live_server.url}/")
    weekend = page.get_by_role("region", name="This weekend")
    expect(weekend.get_by_role("link", name="Sunday Jam Session")).to_be_visible()
    selling = page.get_by_role("region", name="Selling fast")
    expect(selling.get_by_role("heading", level=3)).to_have_text(
        ["Hamburg Harbour Jazz", "Berlin Jazz Night"]
    )
    weekend.get_by_role("link", name="All events this weekend").click()
    page.wait_for_url(re.compile(r"/events/\?date=weekend$"))
    expect(page.get_by_role("link", name="Sunday Jam Session")).to_be_visible()

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    shot(page, "360px-home")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.goto(f"{live_server.url}/aurora-live/")
    shot(page, "360px-organization")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/aurora-live/")
    shot(page, "organization")
