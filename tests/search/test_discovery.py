"""Discovery: similar events under an event, "selling fast" and "this weekend" on the home page,
and the organization page's upcoming events; each list costs the same queries however long."""

import datetime as dt
import re
import zoneinfo
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commerce.models import EventInventory, Order, OrderStatus
from search import discovery
from search.dates import preset_range, today_in
from tests.commerce.refund_data import paid_order
from tests.factories import make_event, make_image
from tests.search.conftest import lineup

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def titles(events) -> list[str]:
    return [event.title for event in events]


def section(html: str, heading: str) -> str:
    """The discovery row titled `heading` (empty when the page has none)."""
    match = re.search(
        rf"<section class=\"discovery[^\"]*\"[^>]*>\s*<div class=\"section-head\">\s*"
        rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)</section>",
        html,
        re.S,
    )
    return match.group(1) if match else ""


def card_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)]


def sell_out(event):
    inventory = EventInventory.objects.get(event_key=event.translation_key)
    inventory.sold = inventory.capacity
    inventory.save()


def weekend_start(hour=20) -> dt.datetime:
    """This weekend's last day (Sunday, Berlin time) at `hour`: on the weekend whatever the
    day the test runs (an event running until after midnight still counts)."""
    _friday, sunday = preset_range("weekend", today_in("Europe/Berlin"))
    return dt.datetime.combine(sunday, dt.time(hour, 0), BERLIN)


# --- Similar events -----------------------------------------------------------------


@pytest.fixture
def festival_season(organization, places, categories):
    jazz = make_event(
        organization,
        "Jazz Night",
        category=categories["music"],
        venue=places["berlin"],
        body=lineup("Nina Sommer", "Max Kruger"),
        starts_in_days=10,
    )
    return {
        "jazz": jazz,
        "same artist": make_event(
            organization,
            "Late Session",
            category=categories["talks"],
            venue=places["zuerich"],
            body=lineup("Nina Sommer"),
            starts_in_days=40,
        ),
        "same category": make_event(
            organization,
            "Köln Concert",
            category=categories["music"],
            venue=places["koeln"],
            starts_in_days=20,
        ),
        "same city": make_event(
            organization,
            "Berlin Conference",
            category=categories["talks"],
            venue=places["berlin"],
            starts_in_days=15,
        ),
        "unrelated": make_event(
            organization, "Zürich Summit", category=categories["talks"], venue=places["zuerich"]
        ),
        "past": make_event(
            organization,
            "Last Year's Jazz",
            category=categories["music"],
            venue=places["berlin"],
            starts_in_days=-30,
        ),
        "sold out": make_event(
            organization,
            "Sold Out Concert",
            category=categories["music"],
            venue=places["berlin"],
            starts_in_days=12,
        ),
    }


def test_similar_events_share_the_line_up_category_or_city_closest_first(festival_season):
    sell_out(festival_season["sold out"])
    similar = discovery.similar_events(festival_season["jazz"])
    assert titles(similar) == ["Late Session", "Köln Concert", "Berlin Conference"]


def test_similar_events_leave_out_the_event_itself_past_and_sold_out_ones(festival_season):
    sell_out(festival_season["sold out"])
    found = set(titles(discovery.similar_events(festival_season["jazz"], limit=10)))
    assert not found & {"Jazz Night", "Last Year's Jazz", "Sold Out Concert", "Zürich Summit"}


def test_an_event_with_nothing_in_common_has_no_similar_events(organization):
    lonely = make_event(organization, "Lonely Talk")
    make_event(organization, "Another Talk")
    assert discovery.similar_events(lonely) == []


def test_the_event_page_shows_similar_events_as_cards(client, festival_season):
    sell_out(festival_season["sold out"])
    html = client.get(festival_season["jazz"].url).content.decode()
    row = section(html, "You might also like")
    assert card_titles(row)[:3] == ["Late Session", "Köln Concert", "Berlin Conference"]
    german = client.get("/de" + festival_season["jazz"].url).content.decode()
    assert section(german, "Das könnte Sie auch interessieren")


# --- Selling fast ---------------------------------------------------------------------


def test_selling_fast_ranks_upcoming_events_by_tickets_sold_in_the_last_seven_days(organization):
    slow = make_event(organization, "Slow Seller")
    fast = make_event(organization, "Fast Seller")
    earlier = make_event(organization, "Sold Last Month")
    nothing = make_event(organization, "No Sales Yet")
    paid_order(slow, ("General", 1), session_key="a")
    paid_order(fast, ("General", 2), session_key="b")
    paid_order(fast, ("General", 3), session_key="c")
    old = paid_order(earlier, ("General", 9), session_key="d")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))

    assert titles(discovery.selling_fast()) == ["Fast Seller", "Slow Seller"]
    assert nothing.title not in titles(discovery.selling_fast(limit=10))


def test_cancelled_orders_and_sold_out_events_are_not_selling_fast(organization):
    cancelled = make_event(organization, "Cancelled Sales")
    gone = make_event(organization, "Gone", capacity=2)
    order = paid_order(cancelled, ("General", 4), session_key="a")
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    paid_order(gone, ("General", 2), session_key="b")
    assert discovery.selling_fast() == []


def test_the_home_page_shows_what_is_selling_fast(client, organization):
    hot = make_event(organization, "Hot Ticket")
    paid_order(hot, ("General", 2))
    html = client.get("/").content.decode()
    assert card_titles(section(html, "Selling fast")) == ["Hot Ticket"]
    assert section(client.get("/fr/").content.decode(), "Se vend vite")


# --- This weekend ------------------------------------------------------------------


def weekend_event(organization, title, when: dt.datetime, **fields):
    event = make_event(organization, title, **fields)
    event.starts_at = when
    event.ends_at = when + dt.timedelta(hours=6)
    event.save_revision().publish()
    return event


def test_this_weekend_lists_the_events_on_friday_to_sunday(organization):
    sunday_night = weekend_start(20)
    weekend_event(organization, "Sunday Show", sunday_night)
    weekend_event(organization, "Next Week's Show", sunday_night + dt.timedelta(days=2))
    weekend_event(organization, "Next Weekend", sunday_night + dt.timedelta(days=7))
    assert titles(discovery.this_weekend()) == ["Sunday Show"]


def test_the_home_page_links_this_weekend_to_the_filtered_list(client, organization):
    weekend_event(organization, "Sunday Show", weekend_start(20))
    html = client.get("/").content.decode()
    row = section(html, "This weekend")
    assert card_titles(row) == ["Sunday Show"]
    assert 'href="/events/?date=weekend"' in row
    german = section(client.get("/de/").content.decode(), "Dieses Wochenende")
    assert 'href="/de/events/?date=weekend"' in german
    listed = client.get("/events/?date=weekend").content.decode()
    assert "Sunday Show" in listed


def test_an_empty_row_is_left_out(client, organization):
    make_event(organization, "Far Away", starts_in_days=60)
    html = client.get("/").content.decode()
    assert "Selling fast" not in html and 'id="discovery-weekend-heading"' not in html


# --- The organization page ------------------------------------------------------------


def test_the_organization_page_lists_its_upcoming_events_soonest_first(
    client, organization, other_organization
):
    make_event(organization, "Later Show", starts_in_days=20)
    make_event(organization, "Sooner Show", starts_in_days=5)
    make_event(organization, "Past Show", starts_in_days=-5)
    make_event(other_organization, "Someone Else's Show")
    html = client.get(organization.url).content.decode()
    assert card_titles(html) == ["Sooner Show", "Later Show"]
    assert '<span class="chip">2 events</span>' in html


def test_an_organization_without_upcoming_events_points_to_all_events(client, organization):
    make_event(organization, "Past Show", starts_in_days=-5)
    html = client.get("/de" + organization.url).content.decode()
    assert "Zurzeit keine kommenden Veranstaltungen von Aurora Live." in html
    assert 'href="/de/events/"' in html


# --- No per-event queries -------------------------------------------------------------


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_home_page_rows_cost_the_same_queries_for_two_events_or_six(client, organization):
    image = make_image()

    def add(count, start=0):
        for number in range(start, start + count):
            event = weekend_event(
                organization, f"Weekend {number}", weekend_start(12), hero_image=image
            )
            paid_order(event, ("General", 1), session_key=f"s{number}")

    add(2)
    few = queries(client, "/")
    add(6, start=2)
    html = client.get("/").content.decode()
    assert len(card_titles(section(html, "This weekend"))) == discovery.WEEKEND_LIMIT
    assert len(card_titles(section(html, "Selling fast"))) == discovery.SELLING_FAST_LIMIT
    assert queries(client, "/") <= few


def test_similar_events_cost_the_same_queries_for_one_or_three(client, organization, categories):
    event = make_event(organization, "Main Event", category=categories["music"])
    make_event(organization, "Similar 0", category=categories["music"])
    few = queries(client, event.url)
    for number in range(1, 6):
        make_event(organization, f"Similar {number}", category=categories["music"])
    html = client.get(event.url).content.decode()
    assert len(card_titles(section(html, "You might also like"))) == discovery.SIMILAR_LIMIT
    assert queries(client, event.url) <= few
