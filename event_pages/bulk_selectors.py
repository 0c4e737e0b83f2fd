"""Lookups for lists of events, a fixed number of queries however long the list."""

from wagtail.models import Locale

from event_pages.models import EventIndexPage, EventPage


def organizations_by_event(events: list[EventPage]) -> dict[int, EventIndexPage]:
    """Each event's organization (its parent page), in one query."""
    steplen = EventPage.steplen
    parent_paths = {event.path[:-steplen] for event in events}
    parents = {p.path: p for p in EventIndexPage.objects.filter(path__in=parent_paths)}
    return {
        event.pk: parents[event.path[:-steplen]]
        for event in events
        if event.path[:-steplen] in parents
    }


def localized(instance, request):
    """`instance.localized`, with the active locale looked up once per request.

    Wagtail's `.localized` asks the database for the active locale on every call: a
    query per card. Translations looked up here are remembered for the request too.
    """
    cache = request.__dict__.setdefault("_bilten_localized", {})
    if "locale" not in cache:
        cache["locale"] = Locale.get_active()
    locale = cache["locale"]
    if instance.locale_id == locale.pk:
        return instance
    key = (type(instance), instance.translation_key, locale.pk)
    if key not in cache:
        cache[key] = instance.get_translation_or_none(locale) or instance
    return cache[key]
