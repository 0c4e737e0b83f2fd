"""Read-side queries for the public site: which events to show, in which language.

A visitor sees each event in their language when a live translation exists,
and in the source language otherwise (one query, no per-event lookups).
"""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.models import Locale

from event_pages.models import EventIndexPage, EventPage, TicketTier


def _in_active_locale(queryset: QuerySet) -> QuerySet:
    active, default = Locale.get_active(), Locale.get_default()
    if active.pk == default.pk:
        return queryset.filter(locale=default)
    translated = EventPage.objects.live().filter(locale=active).values("translation_key")
    return queryset.filter(
        Q(locale=active) | (Q(locale=default) & ~Q(translation_key__in=translated))
    )


def public_events() -> QuerySet:
    """Live, public events in the visitor's language, with what the cards need."""
    queryset = EventPage.objects.live().public()
    return (
        _in_active_locale(queryset)
        .select_related("hero_image", "venue", "category")
        .prefetch_related(
            Prefetch(
                "tiers", queryset=TicketTier.objects.filter(enabled=True).order_by("sort_order")
            )
        )
    )


def upcoming_events(*, organization: EventIndexPage | None = None) -> QuerySet:
    """Events that have not ended yet, soonest first."""
    now = timezone.now()
    queryset = public_events().filter(
        Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)
    )
    if organization is not None:
        organizations = EventIndexPage.objects.filter(translation_key=organization.translation_key)
        subtree = Q()
        for index_page in organizations:
            subtree |= Q(path__startswith=index_page.path, depth=index_page.depth + 1)
        queryset = queryset.filter(subtree)
    return queryset.order_by("starts_at", "pk")


def featured_events(*, limit: int = 3) -> list[EventPage]:
    return list(upcoming_events().filter(featured=True)[:limit])
