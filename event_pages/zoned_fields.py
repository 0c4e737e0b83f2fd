"""Dates typed in the event's own time zone.

The admin renders in the editor's time zone (UTC unless they chose one), but an
organizer who types 20:00 for a Berlin event means 20:00 in Berlin. The event
form switches its date fields (and its tiers' sales windows) to the event's zone:
values are shown as that zone's wall time and typed values are read in it, then
stored in UTC. A time that does not exist or is ambiguous there (the hour skipped
or repeated by a daylight-saving change) is refused next to the field.
"""

import zoneinfo

from django import forms
from django.utils import timezone


class ZonedDateTimeField(forms.DateTimeField):
    """A DateTimeField read and shown in `zone` instead of the current time zone."""

    zone: zoneinfo.ZoneInfo | None = None

    def prepare_value(self, value):
        if self.zone is None:
            return super().prepare_value(value)
        with timezone.override(self.zone):
            return super().prepare_value(value)

    def to_python(self, value):
        if self.zone is None:
            return super().to_python(value)
        with timezone.override(self.zone):
            return super().to_python(value)


def zone_named(name) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None


def use_zone(form: forms.BaseForm, zone: zoneinfo.ZoneInfo, help_text: str) -> None:
    """Read and show every date-and-time field of `form` in `zone`."""
    for field in form.fields.values():
        if isinstance(field, forms.DateTimeField) and not isinstance(field, ZonedDateTimeField):
            field.__class__ = ZonedDateTimeField
        if isinstance(field, ZonedDateTimeField):
            field.zone = zone
            field.help_text = help_text
