"""SLA due times count business hours only, on the wall clock of the support time zone."""

import datetime as dt
import zoneinfo

import pytest

from crm.models import CasePriority, SupportCase, SupportSettings
from crm.sla import add_business_hours, due_times

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def support(**overrides) -> SupportSettings:
    """Unsaved settings: Monday to Friday, 09:00–17:00 Berlin unless overridden."""
    values = {"time_zone": "Europe/Berlin", "day_starts": dt.time(9), "day_ends": dt.time(17)}
    values.update(overrides)
    return SupportSettings(**values)


def local(zone, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)


def test_friday_afternoon_with_four_hours_is_due_monday_noon():
    start = local(BERLIN, 2026, 11, 27, 16, 0)  # a Friday
    due = add_business_hours(start, 4, support())
    assert due == local(BERLIN, 2026, 11, 30, 12, 0)
    assert due.tzinfo == dt.UTC


def test_a_case_opened_at_night_counts_from_the_next_opening():
    start = local(BERLIN, 2026, 11, 24, 23, 30)  # Tuesday night
    assert add_business_hours(start, 2, support()) == local(BERLIN, 2026, 11, 25, 11, 0)
    early = local(BERLIN, 2026, 11, 25, 6, 0)  # Wednesday before opening
    assert add_business_hours(early, 2, support()) == local(BERLIN, 2026, 11, 25, 11, 0)


def test_a_weekend_does_not_count():
    saturday = local(BERLIN, 2026, 11, 28, 10, 0)
    assert add_business_hours(saturday, 1, support()) == local(BERLIN, 2026, 11, 30, 10, 0)
    # 40 hours from Monday 09:00 is the end of Friday, and one more hour is Monday 10:00.
    monday = local(BERLIN, 2026, 11, 30, 9, 0)
    assert add_business_hours(monday, 40, support()) == local(BERLIN, 2026, 12, 4, 17, 0)
    assert add_business_hours(monday, 41, support()) == local(BERLIN, 2026, 12, 7, 10, 0)


def test_the_last_hour_of_the_day_ends_at_closing_not_the_next_morning():
    start = local(BERLIN, 2026, 11, 26, 16, 0)
    assert add_business_hours(start, 1, support()) == local(BERLIN, 2026, 11, 26, 17, 0)


def test_zero_hours_outside_business_hours_is_the_next_opening():
    start = local(BERLIN, 2026, 11, 28, 12, 0)  # Saturday
    assert add_business_hours(start, 0, support()) == local(BERLIN, 2026, 11, 30, 9, 0)


def test_the_configured_weekdays_decide_which_days_count():
    settings = support(monday=False, saturday=True)
    friday = local(BERLIN, 2026, 11, 27, 16, 0)
    assert add_business_hours(friday, 4, settings) == local(BERLIN, 2026, 11, 28, 12, 0)
    saturday_evening = local(BERLIN, 2026, 11, 28, 16, 0)
    assert add_business_hours(saturday_evening, 2, settings) == local(
        BERLIN, 2026, 12, 1, 10, 0
    )  # Sunday and Monday off


def test_a_zone_far_from_utc_counts_its_own_business_day():
    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")  # UTC+13 in November
    settings = support(time_zone="Pacific/Auckland")
    # Thursday 22:00 UTC is already Friday 11:00 in Auckland: 6 hours left that day.
    start = dt.datetime(2026, 11, 26, 22, 0, tzinfo=dt.UTC)
    due = add_business_hours(start, 8, settings)
    assert due == local(auckland, 2026, 11, 30, 11, 0)
    assert due == dt.datetime(2026, 11, 29, 22, 0, tzinfo=dt.UTC)
    honolulu = support(time_zone="Pacific/Honolulu")  # UTC-10
    start = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)  # Friday 16:00 in Honolulu
    assert add_business_hours(start, 2, honolulu) == dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)


def test_a_business_day_stays_eight_hours_when_the_clocks_go_forward():
    # Berlin: Sunday 29 March 2026, 02:00 -> 03:00. Friday 13:00 + 8 h = Monday 13:00 local.
    start = local(BERLIN, 2026, 3, 27, 13, 0)
    due = add_business_hours(start, 8, support())
    assert due == local(BERLIN, 2026, 3, 30, 13, 0)
    assert due - start == dt.timedelta(days=3, hours=-1)  # one real hour fewer over the weekend


def test_a_business_day_stays_eight_hours_when_the_clocks_go_back():
    # Berlin: Sunday 25 October 2026, 03:00 -> 02:00.
    start = local(BERLIN, 2026, 10, 23, 13, 0)
    due = add_business_hours(start, 8, support())
    assert due == local(BERLIN, 2026, 10, 26, 13, 0)
    assert due - start == dt.timedelta(days=3, hours=1)


def test_business_hours_across_a_change_that_falls_inside_the_business_day():
    # Weekend support hours 00:00–08:00 on a Sunday that loses 02:00–03:00 still count 8 wall hours.
    settings = support(day_starts=dt.time(0), day_ends=dt.time(8), sunday=True)
    start = local(BERLIN, 2026, 3, 29, 0, 0)
    assert add_business_hours(start, 8, settings) == local(BERLIN, 2026, 3, 29, 8, 0)


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError):
        add_business_hours(dt.datetime(2026, 11, 27, 16, 0), 4, support())


def test_due_times_follow_the_case_priority():
    settings = support(first_response_hours_urgent=1, resolution_hours_urgent=8)
    case = SupportCase(priority=CasePriority.URGENT, created_at=local(BERLIN, 2026, 11, 27, 16, 30))
    first, resolution = due_times(case, settings)
    assert first == local(BERLIN, 2026, 11, 30, 9, 30)
    assert resolution == local(BERLIN, 2026, 11, 30, 16, 30)
