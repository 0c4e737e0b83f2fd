"""The search service: what matches, in what order, with which filters and facet counts."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from commerce.models import EventInventory
from search.services import SearchParams
from tests.commerce.payments import hold_for
from tests.search.conftest import facet, lineup, paragraph, run, titles

pytestmark = pytest.mark.django_db


def test_a_title_match_ranks_above_a_body_match(event_maker):
    event_maker(
        "Quiet Evening", body=paragraph("A saxophone solo closes the night."), starts_in_days=5
    )
    event_maker("Saxophone Summit", starts_in_days=20)
    event_maker("Piano Morning", starts_in_days=1)
    assert titles(run(q="saxophone")) == ["Saxophone Summit", "Quiet Evening"]
    assert titles(run(q="saxophone", sort="date")) == ["Quiet Evening", "Saxophone Summit"]


def test_words_in_summary_lineup_venue_category_and_organization_are_found(
    event_maker, places, categories
):
    event_maker("Evening A", summary="An acoustic evening", starts_in_days=1)
    event_maker("Evening B", body=lineup("Nils Frahm"), starts_in_days=2)
    event_maker("Evening C", venue=places["berlin"], starts_in_days=3)
    event_maker("Evening D", category=categories["talks"], starts_in_days=4)
    assert titles(run(q="acoustic")) == ["Evening A"]
    assert titles(run(q="frahm")) == ["Evening B"]
    assert titles(run(q="tempodrom")) == ["Evening C"]
    assert titles(run(q="berlin")) == ["Evening C"]
    assert titles(run(q="conferences")) == ["Evening D"]
    assert run(q="aurora").count == 4  # the organization's name


def test_accented_and_unaccented_spellings_find_each_other(event_maker, places):
    event_maker("Jazz im Café", venue=places["koeln"], starts_in_days=1)
    event_maker("Sommerfest", venue=places["zuerich"], starts_in_days=2)
    assert titles(run(q="Köln")) == ["Jazz im Café"]
    assert titles(run(q="koln")) == ["Jazz im Café"]
    assert titles(run(q="café")) == ["Jazz im Café"]
    assert titles(run(q="cafe")) == ["Jazz im Café"]
    assert titles(run(q="Zürich")) == ["Sommerfest"]
    assert titles(run(q="Zurich")) == ["Sommerfest"]
    assert titles(run(q="Zuerich")) == ["Sommerfest"]


def test_drafts_past_private_and_unpublished_events_never_appear(event_maker):
    event_maker("Festival Live", starts_in_days=3)
    event_maker("Festival Draft", publish=False)
    event_maker("Festival Past", starts_in_days=-5)
    private = event_maker("Festival Private")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    gone = event_maker("Festival Gone")
    gone.unpublish()
    assert titles(run(q="festival")) == ["Festival Live"]
    assert titles(run()) == ["Festival Live"]


def test_city_and_category_filters_and_their_facet_counts(event_maker, places, categories):
    music, talks = categories["music"], categories["talks"]
    event_maker("One", venue=places["koeln"], category=music, starts_in_days=1)
    event_maker("Two", venue=places["koeln"], category=talks, starts_in_days=2)
    event_maker("Three", venue=places["zuerich"], category=music, starts_in_days=3)
    event_maker("Four", venue=places["berlin"], category=music, starts_in_days=4)

    everything = run()
    assert facet(everything, "city") == {"Köln": 2, "Zürich": 1, "Berlin": 1}
    assert facet(everything, "category") == {"concerts": 3, "conferences": 1}
    labels = {row["value"]: row["label"] for row in everything.facets["category"]}
    assert labels == {"concerts": "Concerts", "conferences": "Conferences"}

    in_cologne = run(city="Köln")
    assert titles(in_cologne) == ["One", "Two"]
    # Each facet counts with the other filters only: other cities stay choosable.
    assert facet(in_cologne, "city") == {"Köln": 2, "Zürich": 1, "Berlin": 1}
    assert facet(in_cologne, "category") == {"concerts": 1, "conferences": 1}

    assert titles(run(city="zurich")) == ["Three"]  # without accents, any case
    assert titles(run(category="concerts")) == ["One", "Three", "Four"]
    combined = run(city="Köln", category="concerts")
    assert titles(combined) == ["One"]
    assert facet(combined, "city") == {"Köln": 1, "Zürich": 1, "Berlin": 1}
    assert facet(combined, "category") == {"concerts": 1, "conferences": 1}
    assert run(city="Nowhere").count == 0


def test_price_filter_keeps_events_with_a_tier_at_or_under_the_price(event_maker):
    event_maker("Cheap", tiers=[("General", 1500, None)], starts_in_days=1)
    event_maker("Mixed", tiers=[("VIP", 9000, None), ("Standing", 2000, None)], starts_in_days=2)
    event_maker("Dear", tiers=[("General", 8000, None)], starts_in_days=3)
    assert titles(run(price_max=2000)) == ["Cheap", "Mixed"]
    assert titles(run(price_max=1499)) == []
    assert titles(run(sort="price")) == ["Cheap", "Mixed", "Dear"]
    prices = [event.price_from for event in run(sort="price").results]
    assert prices == [(1500, "EUR"), (2000, "EUR"), (8000, "EUR")]


def test_each_price_ceiling_shows_how_many_events_it_keeps_whatever_the_chosen_one(
    event_maker,
):
    event_maker("Cheap", tiers=[("General", 900, None)], starts_in_days=1)
    event_maker("Mixed", tiers=[("VIP", 9000, None), ("Standing", 2000, None)], starts_in_days=2)
    event_maker("Dear", tiers=[("General", 8000, None)], starts_in_days=3)
    counts = facet(run(), "price")
    assert counts == {1000: 1, 2500: 2, 5000: 2, 10000: 3}
    # The price facet counts without the price filter, with the others (and a custom one).
    assert facet(run(price_max=1000), "price")[10000] == 3
    assert facet(run(price_max=3000), "price")[3000] == 2
    assert facet(run(q="mixed"), "price") == {1000: 0, 2500: 1, 5000: 1, 10000: 1}


def _local_midday(days: int, zone="Europe/Berlin") -> dt.datetime:
    import zoneinfo

    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(zone)).date()
    day = today + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=zoneinfo.ZoneInfo(zone))


def _dated(event_maker, title, days, zone="Europe/Berlin"):
    starts = _local_midday(days, zone)
    event = event_maker(title, time_zone=zone, starts_in_days=days + 1)
    type(event).objects.filter(pk=event.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(days=400)
    )
    return event


def test_date_presets_and_ranges_use_the_events_own_day(event_maker):
    today = _local_midday(0).date()
    _dated(event_maker, "Today", 0)
    _dated(event_maker, "In five days", 5)
    _dated(event_maker, "In twenty days", 20)
    _dated(event_maker, "In sixty days", 60)

    assert titles(run(date="today")) == ["Today"]
    assert titles(run(date="week")) == ["Today", "In five days"]
    assert titles(run(date="month")) == ["Today", "In five days", "In twenty days"]
    weekend = run(date="weekend")
    # This week's Friday to Sunday, from today once the weekend has begun (on a Sunday
    # that is only today: next Friday belongs to next weekend).
    sunday = today + dt.timedelta(days=6 - today.weekday())
    friday_to_sunday = {
        sunday - dt.timedelta(days=n) for n in range(3) if sunday - dt.timedelta(days=n) >= today
    }
    expected = [
        t
        for t, n in (("Today", 0), ("In five days", 5))
        if today + dt.timedelta(days=n) in friday_to_sunday
    ]
    assert titles(weekend) == expected

    start = (today + dt.timedelta(days=5)).isoformat()
    end = (today + dt.timedelta(days=20)).isoformat()
    assert titles(run(date_from=start, date_to=end)) == ["In five days", "In twenty days"]
    assert titles(run(date_from=end)) == ["In twenty days", "In sixty days"]
    counts = facet(run(), "date")
    assert counts["today"] == 1 and counts["week"] == 2 and counts["month"] == 3
    # The date facet counts without the date filter, with the others.
    assert facet(run(date="today", q="days"), "date")["month"] == 2


def test_an_evening_in_another_time_zone_is_on_its_own_local_date(event_maker):
    import zoneinfo

    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    local_today = timezone.localtime(timezone.now(), zone).date()
    starts = dt.datetime.combine(local_today + dt.timedelta(days=2), dt.time(23, 30), tzinfo=zone)
    event = event_maker("Late Show", time_zone="America/Los_Angeles", starts_in_days=3)
    type(event).objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts)
    day = (local_today + dt.timedelta(days=2)).isoformat()
    assert titles(run(date_from=day, date_to=day)) == ["Late Show"]  # UTC says the next day
    next_day = (local_today + dt.timedelta(days=3)).isoformat()
    assert titles(run(date_from=next_day, date_to=next_day)) == []


def test_available_keeps_only_events_on_sale_and_reads_sell_outs_fresh(event_maker):
    open_event = event_maker("Open Air", capacity=10, starts_in_days=1)
    small = event_maker("Small Room", capacity=2, starts_in_days=2)
    later = event_maker("Later Sale", starts_in_days=3)
    later.tiers.update(sales_start=timezone.now() + dt.timedelta(days=1))
    assert titles(run()) == ["Open Air", "Small Room", "Later Sale"]
    assert titles(run(available=1)) == ["Open Air", "Small Room"]
    assert [e.sold_out for e in run().results] == [False, False, False]
    assert facet(run(), "available") == {"1": 2}

    hold_for(small, quantity=2)  # the last two places: sold out now (cached answer or not)
    assert titles(run(available=1)) == ["Open Air"]
    assert facet(run(), "available") == {"1": 1}  # the count is current too
    assert [e.sold_out for e in run().results] == [False, True, False]
    assert open_event.translation_key not in set()

    # A hold past its expiry never counts: the places are back.
    EventInventory.objects.filter(event_key=small.translation_key).update(held=2)
    from commerce.models import Hold

    Hold.objects.filter(event_key=small.translation_key).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert titles(run(available=1)) == ["Open Air", "Small Room"]


def test_pages_of_results(event_maker):
    for day in range(1, 6):
        event_maker(f"Gig {day}", starts_in_days=day)
    first = run(per_page=2)
    assert (first.count, first.page, first.pages, titles(first)) == (5, 1, 3, ["Gig 1", "Gig 2"])
    assert titles(run(per_page=2, page=3)) == ["Gig 5"]
    assert run(per_page=2, page=99).page == 3  # past the end: the last page


def test_results_carry_venue_category_and_organization(
    event_maker, places, categories, organization
):
    event_maker("Full Card", venue=places["koeln"], category=categories["music"])
    (event,) = run().results
    assert event.venue.city == "Köln"
    assert event.category.slug == "concerts"
    assert event.organization.pk == organization.pk


def test_bad_parameters_are_dropped_and_named():
    params, errors = SearchParams.from_query(
        {
            "q": "x" * 5000,
            "date": "tomorrow",
            "date_from": "2026-13-45",
            "price_max": "-5",
            "available": "maybe",
            "sort": "random",
            "page": "0",
        }
    )
    assert set(errors) == {"q", "date", "date_from", "price_max", "available", "sort", "page"}
    assert "200" in errors["q"]
    assert params == SearchParams()
    params, errors = SearchParams.from_query({"date_from": "2027-05-02", "date_to": "2027-05-01"})
    assert set(errors) == {"date_to"} and params.date_to is None


def test_a_search_result_is_cached_and_forgotten_when_an_event_is_published(
    event_maker, django_assert_max_num_queries
):
    event_maker("Cached Night", starts_in_days=1)
    assert titles(run(q="night", sort="date")) == ["Cached Night"]
    event_maker("Second Night", starts_in_days=2)  # publishing bumps the generation
    assert titles(run(q="night", sort="date")) == ["Cached Night", "Second Night"]


def test_the_same_search_again_is_served_from_the_cache(event_maker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event_maker("Cache Me", starts_in_days=1)
    with CaptureQueriesContext(connection) as first:
        run(q="cache", city="Köln")
    with CaptureQueriesContext(connection) as second:
        run(q="cache", city="Köln")
    assert len(second) < len(first)
    assert not any("wagtailsearch" in q["sql"].lower() for q in second.captured_queries)
