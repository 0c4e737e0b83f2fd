"""Fields other apps add to the events API (a slot, like event_pages.sales).

The events API lives here, below the apps that build on events (fulfilment adds an
event's pre-order offer). Such an app registers a field at start-up; the organizer's
`POST /api/v1/organizer/events/` then accepts it and `GET /api/v1/events/{id}/`
shows it, without event_pages importing that app.

    api_extensions.register(
        "pre_order",
        input_field=lambda: SomeSerializer(required=False),  # accepted on create
        clean=lambda value, attrs: value,  # after the event's own fields are valid
        save=lambda *, event, value, user: ...,  # after the draft event is created
        represent=lambda event: {...} or None,  # in the event's detail
    )
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ExtraField:
    name: str
    represent: Callable
    input_field: Callable | None = None
    clean: Callable | None = None
    save: Callable | None = None


_fields: dict[str, ExtraField] = {}


def register(name: str, *, represent, input_field=None, clean=None, save=None) -> None:
    _fields[name] = ExtraField(name, represent, input_field, clean, save)


def fields() -> list[ExtraField]:
    return list(_fields.values())
