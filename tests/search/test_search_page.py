"""The search page at /events/: a plain GET form whose address is the whole search."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from event_pages import sales
from event_pages.models import EVENTS_PER_PAGE
from tests.factories import make_event, make_image
from tests.search.conftest import lineup

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(organization, places, categories, django_capture_on_commit_callbacks):
    """Six events: concerts and conferences in Berlin, Köln and Zürich."""
    rows = [
        ("Berlin Jazz Night", "music", "berlin", 3, 2900),
        ("Berlin Piano Evening", "music", "berlin", 16, 1900),
        ("Berlin Product Summit", "talks", "berlin", 12, 19900),
        ("Köln Harbour Jazz", "music", "koeln", 5, 3500),
        ("Köln Data Day", "talks", "koeln", 20, 9900),
        ("Zürich Lake Concert", "music", "zuerich", 8, 4500),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        return {
            title: make_event(
                organization,
                title,
                category=categories[category],
                venue=places[venue],
                starts_in_days=days,
                tiers=[("General", price, None)],
            )
            for title, category, venue, days, price in rows
        }


def page_html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def card_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)]


def links(html: str) -> dict[str, str]:
    """Visible link text (tags and counts stripped) -> its address."""
    found = {}
    for href, inner in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S):
        text = " ".join(unescape(re.sub(r"<[^>]+>", "", inner)).split())
        found.setdefault(text, unescape(href))
    return found


def query_of(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_the_list_page_has_a_search_form_that_works_without_javascript(client, listing):
    html = page_html(client, "/events/")
    form = re.search(r'<form id="search-form"[^>]*>', html).group(0)
    assert 'method="get"' in form and 'action="/events/"' in form and 'role="search"' in form
    assert re.search(r'<label[^>]*for="search-q"', html)
    assert 'name="q"' in html
    assert len(card_titles(html)) == 6

    found = card_titles(page_html(client, "/events/?q=jazz"))
    assert sorted(found) == ["Berlin Jazz Night", "Köln Harbour Jazz"]


def test_filters_combine_and_each_option_shows_its_count(client, listing):
    html = page_html(client, "/events/?city=Berlin&category=concerts")
    assert sorted(card_titles(html)) == ["Berlin Jazz Night", "Berlin Piano Evening"]
    assert "2 events" in html
    to = links(html)
    # Counts: the other cities' concerts, Berlin's conferences.
    assert "Köln (1)" in to and "Zürich (1)" in to
    assert "Conferences (1)" in to
    # Each option keeps the other filters and replaces its own.
    assert query_of(to["Köln (1)"]) == {"city": "Köln", "category": "concerts"}
    assert query_of(to["Conferences (1)"]) == {"city": "Berlin", "category": "conferences"}


def test_a_chosen_filter_links_to_the_list_without_it(client, listing):
    html = page_html(client, "/events/?q=jazz&city=Berlin&price_max=5000&available=1")
    to = links(html)
    chosen_city = next(href for text, href in to.items() if text.startswith("Berlin 1"))
    assert query_of(chosen_city) == {"q": "jazz", "price_max": "5000", "available": "1"}
    remove_chips = re.findall(r'<a class="chip chip-remove" href="([^"]+)">', html)
    assert len(remove_chips) == 4  # the query, the city, the price, available
    remaining = [set(query_of(unescape(href))) for href in remove_chips]
    assert {"city", "price_max", "available"} in remaining  # removing the query keeps the rest
    assert to["Clear all"] == "/events/"


def test_the_date_presets_and_a_range_show_counts_and_filter(client, listing):
    html = page_html(client, "/events/?date=week")
    assert sorted(card_titles(html)) == ["Berlin Jazz Night", "Köln Harbour Jazz"]
    assert "This month (6)" in links(html)
    assert 'aria-current="true"' in html

    from django.utils import timezone

    start = (timezone.now() + timezone.timedelta(days=7)).date().isoformat()
    end = (timezone.now() + timezone.timedelta(days=13)).date().isoformat()
    html = page_html(client, f"/events/?date_from={start}&date_to={end}")
    assert sorted(card_titles(html)) == ["Berlin Product Summit", "Zürich Lake Concert"]
    assert f'value="{start}"' in html and f'value="{end}"' in html


def test_price_available_and_sort_are_form_fields_that_keep_their_values(client, listing):
    html = page_html(client, "/events/?price_max=3000&sort=price&available=1")
    assert card_titles(html) == ["Berlin Piano Evening", "Berlin Jazz Night"]
    assert re.search(r'<option value="2500"[^>]*>Up to €25.00', html)
    assert re.search(r'<option value="3000" selected>Up to €30.00', html)  # a shared value
    assert re.search(r'<option value="price" selected>', html)
    assert re.search(r'id="search-available"[^>]* checked', html)
    # Controls outside the form element belong to it.
    for name in ("price_max", "sort", "available", "date_from", "date_to"):
        assert re.search(rf'name="{name}"[^>]* form="search-form"', html), name


def test_pagination_links_keep_the_search(client, organization, places):
    for number in range(EVENTS_PER_PAGE + 3):
        make_event(
            organization, f"Show {number:02d}", venue=places["berlin"], starts_in_days=5 + number
        )
    html = page_html(client, "/events/?city=Berlin&sort=date")
    assert len(card_titles(html)) == EVENTS_PER_PAGE
    next_url = re.search(r'<a rel="next" href="([^"]+)"', html).group(1)
    assert query_of(unescape(next_url)) == {"city": "Berlin", "sort": "date", "page": "2"}
    second = page_html(client, unescape(next_url))
    assert card_titles(second) == ["Show 12", "Show 13", "Show 14"]
    assert re.search(r'<a rel="prev" href="/events/\?city=Berlin&amp;sort=date"', second)


def test_did_you_mean_is_a_link_to_the_corrected_search(
    client, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_event(organization, "Symphony Under the Stars", body=lineup("Marta Argerich"))
    html = page_html(client, "/events/?q=symphny")
    match = re.search(r"Did you mean <a href=\"([^\"]+)\">([^<]+)</a>\?", html)
    assert match, "no did-you-mean link"
    assert match.group(2).casefold() == "symphony"
    assert query_of(unescape(match.group(1))) == {"q": match.group(2)}
    assert card_titles(page_html(client, unescape(match.group(1)))) == ["Symphony Under the Stars"]


def test_an_empty_result_offers_next_steps(client, listing):
    html = page_html(client, "/events/?q=nothinglikethis&city=Berlin")
    assert "No events match “nothinglikethis” with these filters" in html
    to = links(html)
    assert query_of(to["Keep the search, remove the filters"]) == {"q": "nothinglikethis"}
    assert to["Browse all upcoming events"] == "/events/"
    assert to["See what's on this weekend"] == "/events/?date=weekend"


@pytest.mark.parametrize(
    "query",
    [
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
        "q=' OR 1=1 --",
        "q=%00%01nul",
        "q=" + "x" * 5000,
        "city=%3Cb%3EBerlin&category=%22%3E",
        "date=yesterday&date_from=31-12-2030&date_to=nope",
        "price_max=-5&available=maybe&sort=random&page=0",
        "page=999999999999999999999",
        "q=jazz&q=rock&city=Berlin&city=Köln",
    ],
)
def test_any_input_gets_a_calm_page_with_nothing_injected(client, listing, query):
    html = page_html(client, f"/events/?{query}")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Berlin" not in html
    assert "Traceback" not in html


def test_unreadable_values_are_named_beside_their_field(client, listing):
    html = page_html(client, "/events/?date_from=31-12-2030&price_max=cheap&sort=random")
    assert re.search(r'id="search-date-from"[^>]*aria-invalid="true"', html)
    assert 'id="search-date-from-error"' in html and "YYYY-MM-DD" in html
    assert 'id="search-price-error"' in html
    assert "could not be read and was left out" in html  # sort is not a field beside an error
    assert re.search(r"<li>Sort by: Choose one of: date, relevance, price.</li>", html)
    assert len(card_titles(html)) == 6  # the rest of the search still runs


def test_the_search_page_speaks_german_and_french(client, listing):
    german = page_html(client, "/de/events/?city=Berlin")
    assert 'action="/de/events/"' in german
    assert "Veranstaltungen suchen" in german or "Suchen" in german
    assert "Filter" in german and "Kategorie" in german
    french = page_html(client, "/fr/events/?city=Berlin")
    assert 'action="/fr/events/"' in french
    assert "Filtres" in french and "Catégorie" in french
    to = links(french)
    assert query_of(to["Concerts (2)"]).get("city") == "Berlin"
    assert to["Concerts (2)"].startswith("/fr/events/?")


def test_without_the_search_app_the_list_is_a_plain_list(client, listing, monkeypatch):
    monkeypatch.setattr(sales.slot, "search_page", None)
    html = page_html(client, "/events/")
    assert 'id="search-form"' not in html
    assert len(card_titles(html)) == 6


# --- No per-event queries -----------------------------------------------------


def queries(client, url, *, cached: bool) -> int:
    """Queries for one request: with the search's answer cached, or computed afresh."""
    client.get(url)  # warm what is cached per process (site root paths, locales, renditions)
    if not cached:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(card_titles(response.content.decode())) in (3, 12)
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/events/",
        "/events/?q=show",
        "/events/?city=Berlin&category=concerts&available=1&sort=price",
        "/de/events/?date=month&price_max=9000",
    ],
)
def test_a_page_of_twelve_results_costs_what_a_page_of_three_does(
    client, organization, places, categories, django_capture_on_commit_callbacks, url
):
    image = make_image()

    def add(count, start=0):
        with django_capture_on_commit_callbacks(execute=True):
            for number in range(start, start + count):
                make_event(
                    organization,
                    f"Show {number}",
                    tiers=[("General", 2500, None), ("VIP", 9000, 5)],
                    hero_image=image,
                    category=categories["music"],
                    venue=places["berlin"],
                    starts_in_days=3 + number,
                )

    add(3)
    few = {cached: queries(client, url, cached=cached) for cached in (True, False)}
    add(9, start=3)
    many = {cached: queries(client, url, cached=cached) for cached in (True, False)}
    assert many[True] <= few[True]
    assert many[False] <= few[False]


def test_the_price_ceilings_and_the_on_sale_filter_show_their_counts(client, listing):
    html = unescape(page_html(client, "/events/?city=Berlin"))

    # Berlin: 19.00, 29.00 and 199.00 — with the city filter, whatever the price chosen.
    assert re.search(r"Up to €25\.00 \(1\)</option>", html)
    assert re.search(r"Up to €50\.00 \(2\)</option>", html)
    assert re.search(r"Up to €100\.00 \(2\)</option>", html)
    on_sale = re.search(
        r'for="search-available">[^<]*<span class="count">(.*?)</span></label>', html
    )
    assert on_sale and "3" in on_sale.group(1)
