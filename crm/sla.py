"""SLA due times in business hours (pure functions, no database).

Business hours are the configured weekdays between `day_starts` and
`day_ends` in the configured time zone (crm.models.SupportSettings). Hours
are counted on the wall clock of that zone, so a business day of 09:00–17:00
is 8 hours on the days the clocks change too; the result is returned in UTC.
"""

import datetime as dt
import zoneinfo

MAX_DAYS = 3660  # ten years of calendar days: a guard, never reached with a business day set


def _local_naive(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("add_business_hours needs an aware datetime")
    return moment.astimezone(zone).replace(tzinfo=None)


def _to_utc(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return wall.replace(tzinfo=zone).astimezone(dt.UTC)


def add_business_hours(start: dt.datetime, hours: int, settings) -> dt.datetime:
    """The moment `hours` business hours after `start` (UTC).

    Time outside business hours does not count: a case opened at night or on
    a weekend starts counting at the next opening. Zero hours gives the next
    business moment (`start` itself during business hours).
    """
    zone = zoneinfo.ZoneInfo(settings.time_zone)
    weekdays = settings.business_weekdays()
    if not weekdays:
        raise ValueError("no business weekday is configured")
    opens, closes = settings.day_starts, settings.day_ends
    if isinstance(opens, str):
        opens = dt.time.fromisoformat(opens)
    if isinstance(closes, str):
        closes = dt.time.fromisoformat(closes)
    cursor = _local_naive(start, zone)
    remaining = dt.timedelta(hours=hours)
    day = cursor.date()
    for _day in range(MAX_DAYS):
        if day.weekday() in weekdays:
            begin = max(cursor, dt.datetime.combine(day, opens))
            day_close = dt.datetime.combine(day, closes)
            if begin < day_close:
                available = day_close - begin
                if remaining <= available:
                    return _to_utc(begin + remaining, zone)
                remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError("business hours could not be counted")


def due_times(case, settings) -> tuple[dt.datetime, dt.datetime]:
    """(first response due, resolution due) of a case, counted from its opening."""
    first_hours, resolution_hours = settings.targets(case.priority)
    return (
        add_business_hours(case.created_at, first_hours, settings),
        add_business_hours(case.created_at, resolution_hours, settings),
    )
