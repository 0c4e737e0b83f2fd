"""Discovery: what to show a visitor besides what they searched for.

Each list is one query for the events (in the visitor's language, with venue,
category and image joined), the tiers' prefetch and, where only events with
tickets count, commerce's sold-out counters read once for all events: the same
queries whatever its length, none per event. The cards are the site's usual
event cards ({% similar_events %}, {% selling_fast %}, {% this_weekend %} in
search/templatetags/discovery_tags.py).
"""

import datetime as dt
import json

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from commerce.models import Order, OrderStatus
from event_pages.models import EventPage
from event_pages.selectors import upcoming_events
from search.availability import sold_out_keys
from search.dates import LocalDate, preset_q

SIMILAR_LIMIT = 3
SELLING_FAST_LIMIT = 3
WEEKEND_LIMIT = 6
SELLING_FAST_DAYS = 7
# Orders that still stand for tickets sold (a cancelled or fully refunded one does not).
SELLING_ORDER_STATUSES = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)
# How much each kind of likeness weighs when ranking similar events.
SAME_LINEUP, SAME_CATEGORY, SAME_CITY = 4, 2, 1


def with_tickets(queryset):
    """Only events that can still be bought: not sold out by commerce's rule, read fresh
    (search.availability: a few indexed queries for all events, none per event)."""
    return queryset.exclude(translation_key__in=list(sold_out_keys()))


def lineup_names(event: EventPage) -> list[str]:
    """The names in the event's line-up blocks, read from the stored content."""
    names = []
    for block in event.body.raw_data or []:
        if block.get("type") != "lineup":
            continue
        for person in (block.get("value") or {}).get("people") or []:
            # A ListBlock stores {"type": "item", "value": {...}}; older content the bare value.
            value = person.get("value", person) if isinstance(person, dict) else {}
            name = str(value.get("name") or "").strip()
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    return names


def _mentions_person(name: str) -> Q:
    """Content whose stored JSON holds `name` as a whole string value (any case)."""
    as_stored = {json.dumps(name), json.dumps(name, ensure_ascii=False)}
    query = Q()
    for text in as_stored:
        query |= Q(body__icontains=text)
    return query


def similar_events(event: EventPage, *, limit: int = SIMILAR_LIMIT) -> list[EventPage]:
    """Upcoming events with tickets left that share the event's line-up, category or city,
    the closest first (a shared artist weighs most), then the soonest."""
    lineup = Q()
    for name in lineup_names(event)[:10]:
        lineup |= _mentions_person(name)
    category = Q()
    if event.category_id is not None:
        category = Q(category__translation_key=event.category.translation_key)
    city = Q()
    if event.venue_id is not None:
        city = Q(venue__translation_key=event.venue.translation_key) | Q(
            venue__city__iexact=event.venue.city
        )
    likeness = [
        (q, weight)
        for q, weight in ((lineup, SAME_LINEUP), (category, SAME_CATEGORY), (city, SAME_CITY))
        if q
    ]
    if not likeness:
        return []
    any_match = Q()
    score = Value(0)
    for q, weight in likeness:
        any_match |= q
        score = score + Case(
            When(q, then=Value(weight)), default=Value(0), output_field=IntegerField()
        )
    queryset = (
        with_tickets(upcoming_events())
        .exclude(translation_key=event.translation_key)
        .filter(any_match)
        .annotate(likeness=score)
        .order_by("-likeness", "starts_at", "pk")
    )
    return list(queryset[:limit])


def selling_fast(
    *, limit: int = SELLING_FAST_LIMIT, days: int = SELLING_FAST_DAYS, now=None
) -> list[EventPage]:
    """Upcoming events with tickets left, by tickets sold in the last `days` days (most first)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    recent_sales = (
        Order.objects.filter(
            event_key=OuterRef("translation_key"),
            created_at__gte=since,
            status__in=SELLING_ORDER_STATUSES,
        )
        .order_by()
        .values("event_key")
        .annotate(tickets=Sum("total_quantity"))
        .values("tickets")
    )
    queryset = (
        with_tickets(upcoming_events())
        .annotate(recent_tickets=Subquery(recent_sales, output_field=IntegerField()))
        .filter(recent_tickets__gt=0)
        .order_by("-recent_tickets", "starts_at", "pk")
    )
    return list(queryset[:limit])


def this_weekend(*, limit: int = WEEKEND_LIMIT, now=None) -> list[EventPage]:
    """Events on this weekend, Friday to Sunday where each happens (the same days as the
    list's "This weekend" filter), soonest first."""
    zones = EventPage.objects.order_by().values_list("time_zone", flat=True).distinct()
    weekend = preset_q("weekend", list(zones), now=now)
    queryset = upcoming_events().annotate(local_date=LocalDate()).filter(weekend)
    return list(queryset[:limit])
