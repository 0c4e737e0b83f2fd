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

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend

from commerce.models import EventInventory
from event_pages.bulk_selectors import organizations_by_event
from event_pages.models import EventPage, TicketTier
from search import availability, cache
from search.dates import DATE_PRESETS_ORDER, LocalDate, preset_range, today_in
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


# The price ceilings (minor units) offered as filters, each counted as a facet.
PRICE_STEPS = (1000, 2500, 5000, 10000)


@dataclass(frozen=True)
class _Row:
    """What filtering, faceting and ordering need of one candidate event."""

    pk: int
    starts_at: object
    time_zone: str
    city: str | None
    category_slug: str | None
    category_name: str | None
    local_date: object
    min_price: int | None
    translation_key: object
    on_sale: bool


def _candidates(params: SearchParams, language: str, *, matches, now) -> list[_Row]:
    """The visible events matching the words, in one query, with what every filter
    needs: the filters are applied in Python so that each facet can be counted
    without its own filter (how many events a price ceiling or "on sale" would show)."""
    queryset = visible_events(language, now=now)
    if matches is not None:
        queryset = queryset.filter(pk__in=list(matches))
    min_price = Subquery(
        TicketTier.objects.filter(page=OuterRef("pk"), enabled=True)
        .order_by("price_minor")
        .values("price_minor")[:1]
    )
    on_sale = _on_sale_tier(now) & Exists(
        EventInventory.objects.filter(event_key=OuterRef("translation_key"))
    )
    rows = queryset.annotate(
        local_date=LocalDate(), min_price=min_price, on_sale=on_sale
    ).values_list(
        "pk",
        "starts_at",
        "time_zone",
        "venue__city",
        "category__slug",
        "category__name",
        "local_date",
        "min_price",
        "translation_key",
        "on_sale",
    )
    return [_Row(*row) for row in rows.order_by()]


class _Filters:
    """The visitor's city, category and date filters, each droppable for its own facet."""

    def __init__(self, params: SearchParams, *, now, sold_out=frozenset()):
        self.params = params
        self.now = now
        self.sold_out = sold_out
        self.city = fold(params.city) if params.city else ""
        self._folded: dict[str, str] = {}
        self._ranges: dict[str, dict] = {}

    def folded_city(self, row: _Row) -> str:
        if row.city not in self._folded:
            self._folded[row.city] = fold(row.city or "")
        return self._folded[row.city]

    def presets(self, zone: str) -> dict:
        """{preset: (first day, last day)} counted from today in `zone`."""
        if zone not in self._ranges:
            today = today_in(zone, self.now)
            self._ranges[zone] = {p: preset_range(p, today) for p in DATE_PRESETS_ORDER}
        return self._ranges[zone]

    def in_preset(self, row: _Row, preset: str) -> bool:
        first, last = self.presets(row.time_zone)[preset]
        return row.local_date is not None and first <= row.local_date <= last

    def can_buy(self, row: _Row) -> bool:
        return bool(row.on_sale) and row.translation_key not in self.sold_out

    def keep(self, row: _Row, *, skip: str = "") -> bool:
        p = self.params
        if p.price_max is not None and skip != "price":
            if row.min_price is None or row.min_price > p.price_max:
                return False
        if p.available and skip != "available" and not self.can_buy(row):
            return False
        if self.city and skip != "city" and self.folded_city(row) != self.city:
            return False
        if p.category and skip != "category" and row.category_slug != p.category:
            return False
        if skip != "date":
            if p.date and not self.in_preset(row, p.date):
                return False
            if p.date_from and (row.local_date is None or row.local_date < p.date_from):
                return False
            if p.date_to and (row.local_date is None or row.local_date > p.date_to):
                return False
        return True


def _facets(rows: list[_Row], filters: _Filters) -> dict:
    cities: Counter = Counter()
    categories: Counter = Counter()
    dates: Counter = Counter()
    ceilings = sorted({*PRICE_STEPS, *_custom_ceiling(filters.params)})
    prices: Counter = Counter()
    on_sale = 0
    for row in rows:
        if row.min_price is not None and filters.keep(row, skip="price"):
            for ceiling in ceilings:
                prices[ceiling] += row.min_price <= ceiling
        if filters.keep(row, skip="available"):
            on_sale += filters.can_buy(row)
        if row.city and filters.keep(row, skip="city"):
            cities[row.city] += 1
        if row.category_slug and filters.keep(row, skip="category"):
            categories[(row.category_slug, row.category_name)] += 1
        if filters.keep(row, skip="date"):
            for preset in DATE_PRESETS_ORDER:
                dates[preset] += filters.in_preset(row, preset)
    return {
        "city": [
            {"value": city, "count": count}
            for city, count in sorted(cities.items(), key=lambda item: (-item[1], item[0]))
        ],
        "category": [
            {"value": slug, "label": name, "count": count}
            for (slug, name), count in sorted(
                categories.items(), key=lambda item: (-item[1], item[0][1] or "")
            )
        ],
        "date": [{"value": preset, "count": dates[preset]} for preset in DATE_PRESETS_ORDER],
        "price": [{"value": ceiling, "count": prices[ceiling]} for ceiling in ceilings],
        "available": [{"value": "1", "count": on_sale}],
    }


def _custom_ceiling(params: SearchParams) -> tuple:
    return () if params.price_max is None else (params.price_max,)


def _ordered_ids(rows: list[_Row], params: SearchParams, matches) -> list[int]:
    sort = params.effective_sort
    if sort == "price":
        rows = sorted(
            rows, key=lambda r: (r.min_price is None, r.min_price or 0, r.starts_at, r.pk)
        )
    else:
        rows = sorted(rows, key=lambda r: (r.starts_at, r.pk))
    ids = [row.pk for row in rows]
    if sort == "relevance" and matches:
        ids.sort(key=lambda pk: matches.get(pk, MAX_TEXT_MATCHES))
    return ids


def _compute(params: SearchParams, language: str, *, sold_out: set, now) -> dict:
    from search.suggestions import did_you_mean

    matches = text_matches(params.q, language) if params.q else None
    suggestion = None
    if params.q and len(matches) < FEW_RESULTS:  # few events have these words: a typo?
        suggestion = did_you_mean(params.q, language=language)
    if matches == {}:
        return {"ids": [], "facets": _empty_facets(params), "suggestion": suggestion}
    rows = _candidates(params, language, matches=matches, now=now)
    filters = _Filters(params, now=now, sold_out=sold_out)
    kept = [row for row in rows if filters.keep(row)]
    return {
        "ids": _ordered_ids(kept, params, matches),
        "facets": _facets(rows, filters),
        "suggestion": suggestion,
    }


def _empty_facets(params: SearchParams) -> dict:
    ceilings = sorted({*PRICE_STEPS, *_custom_ceiling(params)})
    return {
        "city": [],
        "category": [],
        "date": [{"value": preset, "count": 0} for preset in DATE_PRESETS_ORDER],
        "price": [{"value": ceiling, "count": 0} for ceiling in ceilings],
        "available": [{"value": "1", "count": 0}],
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
    # Which events are sold out is read now, every time: it is part of the key, so a
    # sell-out (or places given back) shows at once in the "on sale" filter and count.
    sold_out = availability.sold_out_keys()
    parts = [language, params.cache_key_parts(), now.date().isoformat(), now.hour]
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
