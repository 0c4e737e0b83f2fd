"""The event search: full-text matches from Wagtail's search backend, filters, facets, order.

1. Text: EventPage's Wagtail index (database backend: PostgreSQL full-text search
   or SQLite FTS; OpenSearch when SEARCH_BACKEND is a URL) gives the matching
   pages and their relevance. A query without results is tried once more
   without accents ("Zurich" finds "Zürich": the index holds folded spellings).
2. Filters, facets and order are plain ORM queries over the visible events
   (live, public, upcoming, in the visitor's language or its source), limited to
   the text matches.
3. The ordered ids, count, facets and suggestion are cached (search.cache);
   the page of events and whether each is sold out are read fresh.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend

from commerce.models import EventInventory
from event_pages.bulk_selectors import organizations_by_event
from event_pages.models import EventPage, TicketTier, Venue
from search import availability, cache
from search.dates import DATE_PRESETS_ORDER, LocalDate, preset_q
from search.params import SearchParams
from search.text import fold, search_terms

MAX_TEXT_MATCHES = 5000
FEW_RESULTS = 3  # fewer than this and a "did you mean" is looked for


@dataclass
class SearchResult:
    results: list  # EventPage, with venue, category, organization and enabled tiers
    count: int
    page: int
    pages: int
    facets: dict = field(default_factory=dict)
    suggestion: str | None = None


def locales_for(language: str) -> tuple[int, int]:
    """(the visitor's locale id, the default locale id)."""
    default = Locale.get_default()
    locale = Locale.objects.filter(language_code=language).first() or default
    return locale.pk, default.pk


def visible_events(language: str, *, now=None) -> QuerySet:
    """Live, public, upcoming events in `language`, or in the source language where
    an event has no live translation (each event once)."""
    now = now or timezone.now()
    locale_id, default_id = locales_for(language)
    queryset = EventPage.objects.live().public()
    if locale_id == default_id:
        queryset = queryset.filter(locale_id=default_id)
    else:
        translated = EventPage.objects.live().filter(locale_id=locale_id).values("translation_key")
        queryset = queryset.filter(
            Q(locale_id=locale_id) | (Q(locale_id=default_id) & ~Q(translation_key__in=translated))
        )
    return queryset.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))


def text_matches(q: str, language: str) -> dict[int, int]:
    """{page id: rank} (0 the most relevant) for the events whose indexed text matches
    every word of `q`."""
    terms = search_terms(q)
    if not terms:
        return {}
    scores = _backend_matches(terms, language)
    folded = fold(terms)
    if not scores and folded != terms.casefold():
        scores = _backend_matches(folded, language)
    return scores


def _backend_matches(terms: str, language: str) -> dict[int, int]:
    locale_id, default_id = locales_for(language)
    candidates = EventPage.objects.live().filter(locale__in=[locale_id, default_id])
    results = get_search_backend().search(
        terms, candidates, operator="and", order_by_relevance=True
    )
    # Backends score differently (SQLite's bm25 is lower for better): keep their order.
    if hasattr(results, "get_queryset"):  # database backends: just the ids, in one query
        ids = results.get_queryset().values_list("pk", flat=True)[:MAX_TEXT_MATCHES]
    else:
        ids = [hit.pk for hit in results[:MAX_TEXT_MATCHES]]
    return {pk: rank for rank, pk in enumerate(ids)}


def _on_sale_tier(now) -> Exists:
    return Exists(
        TicketTier.objects.filter(page=OuterRef("pk"), enabled=True)
        .filter(Q(sales_start__isnull=True) | Q(sales_start__lte=now))
        .filter(Q(sales_end__isnull=True) | Q(sales_end__gt=now))
    )


class _Filters:
    """The visitor's filters as ORM conditions, each one droppable for its own facet."""

    def __init__(self, params: SearchParams, *, matches, zones, sold_out, now):
        self.params = params
        self.matches = matches
        self.zones = zones
        self.sold_out = sold_out
        self.now = now

    def apply(self, queryset: QuerySet, *, skip: str = "") -> QuerySet:
        p = self.params
        if self.matches is not None:
            queryset = queryset.filter(pk__in=list(self.matches))
        if p.city and skip != "city":
            queryset = queryset.filter(venue__city__in=self.cities_like(p.city))
        if p.category and skip != "category":
            queryset = queryset.filter(category__slug=p.category)
        if skip != "date":
            if p.date:
                queryset = queryset.filter(preset_q(p.date, self.zones, now=self.now))
            if p.date_from:
                queryset = queryset.filter(local_date__gte=p.date_from)
            if p.date_to:
                queryset = queryset.filter(local_date__lte=p.date_to)
        if p.price_max is not None:
            queryset = queryset.filter(
                Exists(
                    TicketTier.objects.filter(
                        page=OuterRef("pk"), enabled=True, price_minor__lte=p.price_max
                    )
                )
            )
        if p.available:
            queryset = queryset.filter(
                _on_sale_tier(self.now),
                Exists(EventInventory.objects.filter(event_key=OuterRef("translation_key"))),
            ).exclude(translation_key__in=list(self.sold_out))
        return queryset

    def cities_like(self, city: str) -> list[str]:
        """Every spelling of `city` in use: "Zurich" also means "Zürich"."""
        if getattr(self, "_cities", None) is None:
            wanted = fold(city)
            names = Venue.objects.values_list("city", flat=True).distinct()
            self._cities = [name for name in names if fold(name) == wanted] or [city]
        return self._cities


def _facets(base: QuerySet, filters: _Filters) -> dict:
    cities = (
        filters.apply(base, skip="city")
        .exclude(venue__isnull=True)
        .values("venue__city")
        .annotate(count=Count("pk"))
        .order_by("-count", "venue__city")
    )
    categories = (
        filters.apply(base, skip="category")
        .exclude(category__isnull=True)
        .values("category__slug", "category__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "category__name")
    )
    dated = filters.apply(base, skip="date")
    counts = dated.aggregate(
        **{
            preset: Count("pk", filter=preset_q(preset, filters.zones, now=filters.now))
            for preset in DATE_PRESETS_ORDER
        }
    )
    return {
        "city": [{"value": row["venue__city"], "count": row["count"]} for row in cities],
        "category": [
            {"value": row["category__slug"], "label": row["category__name"], "count": row["count"]}
            for row in categories
        ],
        "date": [{"value": preset, "count": counts[preset] or 0} for preset in DATE_PRESETS_ORDER],
    }


def _ordered_ids(queryset: QuerySet, params: SearchParams, matches) -> list[int]:
    sort = params.effective_sort
    if sort == "price":
        queryset = queryset.annotate(
            min_price=Min("tiers__price_minor", filter=Q(tiers__enabled=True))
        ).order_by(F("min_price").asc(nulls_last=True), "starts_at", "pk")
    else:
        queryset = queryset.order_by("starts_at", "pk")
    ids = list(queryset.values_list("pk", flat=True))
    if sort == "relevance" and matches:
        ids.sort(key=lambda pk: matches.get(pk, MAX_TEXT_MATCHES))
    return ids


def time_zones_in_use() -> list[str]:
    key = cache.key_for("zones")
    zones = cache.get(key)
    if zones is None:
        zones = sorted(EventPage.objects.values_list("time_zone", flat=True).distinct())
        cache.put(key, zones)
    return zones


def _compute(params: SearchParams, language: str, *, sold_out: set, now) -> dict:
    from search.suggestions import did_you_mean

    matches = text_matches(params.q, language) if params.q else None
    base = visible_events(language, now=now).annotate(local_date=LocalDate())
    filters = _Filters(
        params, matches=matches, zones=time_zones_in_use(), sold_out=sold_out, now=now
    )
    ids = [] if matches == {} else _ordered_ids(filters.apply(base), params, matches)
    facets = _facets(base, filters) if matches != {} else _empty_facets()
    suggestion = None
    if params.q and len(ids) < FEW_RESULTS:
        suggestion = did_you_mean(params.q, language=language)
    return {"ids": ids, "facets": facets, "suggestion": suggestion}


def _empty_facets() -> dict:
    return {
        "city": [],
        "category": [],
        "date": [{"value": preset, "count": 0} for preset in DATE_PRESETS_ORDER],
    }


def load_events(ids: list[int]) -> list[EventPage]:
    """The events with these ids, in this order, with what a card or the API shows."""
    events = {
        event.pk: event
        for event in EventPage.objects.filter(pk__in=ids)
        .select_related("venue", "category", "hero_image")
        .prefetch_related(
            Prefetch(
                "tiers", queryset=TicketTier.objects.filter(enabled=True).order_by("sort_order")
            )
        )
    }
    ordered = [events[pk] for pk in ids if pk in events]
    organizations = organizations_by_event(ordered)
    sold_out = availability.sold_out_keys(event.translation_key for event in ordered)
    for event in ordered:
        event.organization = organizations.get(event.pk)
        event.sold_out = event.translation_key in sold_out
        prices = [tier for tier in event.tiers.all()]
        cheapest = min(prices, key=lambda tier: tier.price_minor) if prices else None
        event.price_from = (cheapest.price_minor, cheapest.currency) if cheapest else None
    return ordered


def search_events(params: SearchParams, *, language: str, per_page: int = 12) -> SearchResult:
    """One page of events matching `params`, with facet counts and a "did you mean"."""
    now = timezone.now()
    sold_out: set = set()
    parts = [language, params.cache_key_parts(), now.date().isoformat(), now.hour]
    if params.available:
        sold_out = availability.sold_out_keys()
        parts.append(availability.fingerprint(sold_out))
    key = cache.key_for("events", *parts)
    answer = cache.get(key)
    if answer is None:
        answer = _compute(params, language, sold_out=sold_out, now=now)
        cache.put(key, answer)
    ids = answer["ids"]
    count = len(ids)
    pages = max((count + per_page - 1) // per_page, 1)
    page = min(params.page, pages)
    start = (page - 1) * per_page
    return SearchResult(
        results=load_events(ids[start : start + per_page]),
        count=count,
        page=page,
        pages=pages,
        facets=answer["facets"],
        suggestion=answer["suggestion"],
    )
