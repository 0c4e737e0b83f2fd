"""Times are typed, shown and sold in the event's own time zone (issue: an organizer
who typed 20:00 for a Berlin event got an event at 21:00, 22:00 in summer)."""

import datetime as dt

import pytest

from event_pages.models import EventPage
from tests.event_pages.editor import ADD_URL, EDIT_URL, event_form, form_errors, tier
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def add_event(editor, organization, **fields):
    return editor.post(ADD_URL.format(parent=organization.pk), event_form(**fields))


def test_a_winter_evening_typed_in_berlin_is_stored_as_that_moment(editor, organization):
    add_event(
        editor,
        organization,
        starts_at="2030-12-05 20:00",
        ends_at="2030-12-05 23:00",
        tiers=[tier()],
    )
    event = EventPage.objects.get(slug="harbour-lights")
    assert event.starts_at == dt.datetime(2030, 12, 5, 19, 0, tzinfo=UTC)  # CET = UTC+1
    assert event.local_starts_at.strftime("%H:%M %Z") == "20:00 CET"


def test_a_summer_evening_typed_in_berlin_keeps_its_hour_across_daylight_saving(
    editor, organization
):
    add_event(
        editor,
        organization,
        starts_at="2030-07-10 20:00",
        ends_at="2030-07-10 23:00",
        tiers=[tier()],
    )
    event = EventPage.objects.get(slug="harbour-lights")
    assert event.starts_at == dt.datetime(2030, 7, 10, 18, 0, tzinfo=UTC)  # CEST = UTC+2
    assert event.local_starts_at.strftime("%H:%M %Z") == "20:00 CEST"


def test_the_editor_shows_the_times_it_was_given(editor, organization):
    add_event(editor, organization, starts_at="2030-03-30 20:00", ends_at="2030-03-31 01:30")
    event = EventPage.objects.get(slug="harbour-lights")
    page = editor.get(EDIT_URL.format(page=event.pk))
    form = page.context["form"]
    assert form["starts_at"].value().strftime("%Y-%m-%d %H:%M") == "2030-03-30 20:00"
    # The night of the clock change: 01:30 is already summer time in Berlin.
    assert form["ends_at"].value().strftime("%Y-%m-%d %H:%M") == "2030-03-31 01:30"
    assert b"In the event&#x27;s time zone (Europe/Berlin)." in page.content


def test_another_time_zone_reads_the_same_wall_time_there(editor, organization):
    add_event(
        editor,
        organization,
        time_zone="America/New_York",
        starts_at="2030-12-05 20:00",
        ends_at="",
        tiers=[tier()],
    )
    event = EventPage.objects.get(slug="harbour-lights")
    assert event.starts_at == dt.datetime(2030, 12, 6, 1, 0, tzinfo=UTC)


def test_a_time_skipped_by_the_clock_change_is_refused_beside_the_field(editor, organization):
    response = add_event(
        editor, organization, starts_at="2030-03-31 02:30", ends_at="", tiers=[tier()]
    )
    assert "starts_at" in form_errors(response)
    assert not EventPage.objects.exists()


def test_tier_sales_windows_are_typed_in_the_event_time_zone(editor, organization):
    add_event(
        editor,
        organization,
        tiers=[tier(sales_start="2030-05-01 10:00", sales_end="2030-05-31 18:00")],
    )
    sold = EventPage.objects.get(slug="harbour-lights").tiers.get()
    assert sold.sales_start == dt.datetime(2030, 5, 1, 8, 0, tzinfo=UTC)
    assert sold.sales_end == dt.datetime(2030, 5, 31, 16, 0, tzinfo=UTC)


def test_the_api_gives_the_time_with_the_event_offset(client, organization):
    event = make_event(organization, time_zone="Europe/Berlin")
    EventPage.objects.filter(pk=event.pk).update(
        starts_at=dt.datetime(2030, 12, 5, 19, 0, tzinfo=UTC),
        ends_at=dt.datetime(2030, 7, 10, 21, 0, tzinfo=UTC) + dt.timedelta(days=200),
    )
    body = client.get(f"/api/v1/events/{event.pk}/").json()
    assert body["starts_at"] == "2030-12-05T20:00:00+01:00"
    assert body["timezone"] == "Europe/Berlin"


def test_an_api_time_without_offset_is_read_in_the_event_time_zone(organization):
    from accounts.roles import make_organizer
    from tests.api.test_api import authed

    user = make_user("api-org@example.com")
    make_organizer(user, organization)
    api = authed(user)
    body = {
        "title": "Late Set",
        "start": "2030-07-10T20:00",
        "timezone": "Europe/Berlin",
        "organization": organization.pk,
    }
    response = api.post("/api/v1/organizer/events/", body, format="json")
    assert response.status_code == 201, response.content
    event = EventPage.objects.get(title="Late Set")
    assert event.starts_at == dt.datetime(2030, 7, 10, 18, 0, tzinfo=UTC)
    with_offset = api.post(
        "/api/v1/organizer/events/",
        {**body, "title": "Exact", "start": "2030-07-10T20:00:00+00:00"},
        format="json",
    )
    assert with_offset.status_code == 201
    assert EventPage.objects.get(title="Exact").starts_at == dt.datetime(
        2030, 7, 10, 20, 0, tzinfo=UTC
    )
    skipped = api.post(
        "/api/v1/organizer/events/",
        {**body, "title": "Ghost", "start": "2030-03-31T02:30"},
        format="json",
    )
    assert skipped.status_code == 400
    assert "daylight-saving" in str(skipped.json())
