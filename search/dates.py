"""Dates in the event's own time zone: "today", "this weekend" ... and a local-date SQL function.

An event's date is the calendar date of its start where it happens (its
`time_zone`), so a concert at 23:30 in Zürich is on that day there whatever the
server's clock says. PostgreSQL computes it with `timezone(zone, starts_at)`;
SQLite gets the same function from Python (registered in SearchConfig.ready).
"""

import datetime as dt
import zoneinfo

from django.db import models
from django.db.models import Func, Q
from django.utils import timezone

SQLITE_FUNCTION = "bilten_local_date"
DATE_PRESETS_ORDER = ("today", "weekend", "week", "month")


class LocalDate(Func):
    """The calendar date of a UTC datetime column in a time zone column."""

    output_field = models.DateField()

    def __init__(self, moment="starts_at", zone="time_zone", **extra):
        super().__init__(moment, zone, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        moment, zone = self.source_expressions
        moment_sql, moment_params = compiler.compile(moment)
        zone_sql, zone_params = compiler.compile(zone)
        return f"(timezone({zone_sql}, {moment_sql}))::date", [*zone_params, *moment_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def sqlite_local_date(moment: str | None, zone: str | None) -> str | None:
    """SQLite's version of LocalDate: Django stores datetimes there as UTC text."""
    if not moment:
        return None
    try:
        value = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
        return value.astimezone(zoneinfo.ZoneInfo(zone or "UTC")).date().isoformat()
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return moment[:10]


def register_sqlite_function(connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 2, sqlite_local_date, deterministic=True
        )


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a preset covers, counted from `today` (both ends included).

    today; weekend: Friday to Sunday of this week (from today when it has begun);
    week: the next seven days; month: the next 30 days.
    """
    if preset == "today":
        return today, today
    if preset == "weekend":
        sunday = today + dt.timedelta(days=6 - today.weekday())
        friday = sunday - dt.timedelta(days=2)
        return max(friday, today), sunday
    if preset == "week":
        return today, today + dt.timedelta(days=6)
    if preset == "month":
        return today, today + dt.timedelta(days=29)
    raise ValueError(preset)


def today_in(zone: str, now: dt.datetime | None = None) -> dt.date:
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        tz = dt.UTC
    return timezone.localtime(now or timezone.now(), tz).date()


def preset_q(preset: str, zones: list[str], *, field: str = "local_date", now=None) -> Q:
    """Events whose local date falls in `preset`, each counted from today where it happens."""
    condition = Q(pk__in=[])
    by_today: dict[dt.date, list[str]] = {}
    for zone in zones:
        by_today.setdefault(today_in(zone, now), []).append(zone)
    for today, zone_group in by_today.items():
        start, end = preset_range(preset, today)
        condition |= Q(time_zone__in=zone_group, **{f"{field}__range": (start, end)})
    return condition
