"""Read-side queries about sales, used by the pages, the admin and the API.

`availability` is the one place that computes what a customer may still buy
(spec 003 AC T6). It reads the inventory counters and adds back holds that
are past `expires_at` but not yet swept by the cleanup job, so an expired
hold never counts (invariant 3).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Min, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from commerce.models import (
    EventInventory,
    FollowUpStatus,
    HoldLine,
    HoldStatus,
    Order,
    OrderItem,
    Payment,
    PaymentFollowUp,
    PaymentStatus,
    TierInventory,
)
from event_pages.models import EventPage
from event_pages.rules import sales_close_at, tier_on_sale


@dataclass(frozen=True)
class Availability:
    event_remaining: int
    by_tier_key: dict = field(default_factory=dict)  # tier translation_key -> available

    def for_tier(self, tier) -> int:
        return self.by_tier_key.get(tier.translation_key, 0)

    @property
    def sold_out(self) -> bool:
        return self.event_remaining <= 0 or not any(self.by_tier_key.values())


def _stale_held(event_key, now) -> dict:
    """Quantities per tier in holds that have expired but are still marked ACTIVE."""
    rows = (
        HoldLine.objects.filter(
            hold__event_key=event_key, hold__status=HoldStatus.ACTIVE, hold__expires_at__lte=now
        )
        .values("tier_key")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["tier_key"]: row["quantity"] for row in rows}


def availability(event, *, now=None) -> Availability:
    """What each tier of `event` (any locale) can still sell.

    available = min(tier remaining, event remaining), spec 003 AC T6.
    """
    now = now or timezone.now()
    inventory = EventInventory.objects.filter(event_key=event.translation_key).first()
    if inventory is None:
        return Availability(event_remaining=0)
    stale = _stale_held(event.translation_key, now)
    event_remaining = max(
        inventory.capacity - inventory.sold - inventory.held + sum(stale.values()), 0
    )
    by_tier = {}
    for row in TierInventory.objects.filter(event_key=event.translation_key):
        if row.allocation is None:
            by_tier[row.tier_key] = event_remaining
        else:
            tier_remaining = row.allocation - row.sold - row.held + stale.get(row.tier_key, 0)
            by_tier[row.tier_key] = max(min(tier_remaining, event_remaining), 0)
    return Availability(event_remaining=event_remaining, by_tier_key=by_tier)


def tier_keys_with_sales(tier_keys) -> set:
    """The tiers among these that have sold tickets or holds."""
    rows = TierInventory.objects.filter(tier_key__in=list(tier_keys)).values_list(
        "tier_key", "sold", "held"
    )
    return {key for key, sold, held in rows if sold or held}


def sales_summary(event) -> list[dict]:
    """Per tier: sold, held (active only), allocation, available — for organizers."""
    now = timezone.now()
    stale = _stale_held(event.translation_key, now)
    current = availability(event, now=now)
    rows = TierInventory.objects.filter(event_key=event.translation_key).values(
        "tier_key", "allocation", "sold", held_now=F("held")
    )
    by_key = {row["tier_key"]: row for row in rows}
    summary = []
    for tier in event.tiers.all():
        row = by_key.get(
            tier.translation_key, {"allocation": tier.allocation, "sold": 0, "held_now": 0}
        )
        summary.append(
            {
                "tier": tier,
                "allocation": row["allocation"],
                "sold": row["sold"],
                "held": row["held_now"] - stale.get(tier.translation_key, 0),
                "available": current.for_tier(tier),
            }
        )
    return summary


# --- the on-sale hot path -----------------------------------------------------------


@dataclass(frozen=True)
class EventRef:
    """What placing a hold needs to know about an event (no page model loaded)."""

    pk: int
    translation_key: uuid.UUID
    live: bool
    sales_close_at: dt.datetime

    def is_over(self, moment) -> bool:
        return moment >= self.sales_close_at


@dataclass(frozen=True)
class TierForSale:
    """A ticket tier as the hold service sees it, read in one plain query."""

    pk: int
    translation_key: uuid.UUID
    name: str
    price_minor: int
    currency: str
    enabled: bool
    sales_start: dt.datetime | None
    sales_end: dt.datetime | None
    requires_tier_key: uuid.UUID | None
    page_id: int
    event: EventRef

    def on_sale_at(self, moment) -> bool:
        return tier_on_sale(
            enabled=self.enabled,
            sales_start=self.sales_start,
            sales_end=self.sales_end,
            event_closes_at=self.event.sales_close_at,
            moment=moment,
        )


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _as_datetime(value) -> dt.datetime | None:
    """An aware datetime from a raw column: SQLite hands back text, or a naive datetime
    (its converter for declared datetime columns), both in UTC."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


TIERS_FOR_SALE_SQL = """
    SELECT t.id, t.translation_key, t.name, t.price_minor, t.currency, t.enabled,
           t.sales_start, t.sales_end, t.requires_tier_key, t.page_id, p.translation_key,
           p.live, coalesce(e.ends_at, e.starts_at)
      FROM event_pages_tickettier t
      JOIN wagtailcore_page p ON p.id = t.page_id
      JOIN event_pages_eventpage e ON e.page_ptr_id = t.page_id
     WHERE t.id IN ({placeholders})
"""


def tiers_for_sale(tier_ids) -> dict[int, TierForSale]:
    """{tier id: TierForSale} for the ids that exist, with their event.

    One hand-written query instead of loading tier and page models: on the
    on-sale path this read costs a tenth of the ORM version (docs/performance.md).
    """
    ids = sorted({int(pk) for pk in tier_ids})
    if not ids:
        return {}
    sql = TIERS_FOR_SALE_SQL.format(placeholders=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    events = {}
    tiers = {}
    for row in rows:
        pk, key, name, price, currency, enabled, start, end, requires = row[:9]
        page_id, page_key, live, closes = row[9:]
        event = events.setdefault(
            page_id, EventRef(page_id, _as_uuid(page_key), bool(live), _as_datetime(closes))
        )
        tiers[pk] = TierForSale(
            pk=pk,
            translation_key=_as_uuid(key),
            name=name,
            price_minor=price,
            currency=currency,
            enabled=bool(enabled),
            sales_start=_as_datetime(start),
            sales_end=_as_datetime(end),
            requires_tier_key=_as_uuid(requires) if requires else None,
            page_id=page_id,
            event=event,
        )
    return tiers


# --- figures for the admin: the dashboard and an event's sales screen ---------------


def start_of_today(now=None) -> dt.datetime:
    """Midnight today in the active time zone (the admin user's own, when they chose one)."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class SalesTotals:
    """Orders, tickets and revenue (per currency, minor units) of a set of orders.

    Revenue is what the buyers paid: each order's total plus the exchange differences
    paid on it since (refunds are not taken off: gross sales)."""

    orders: int = 0
    tickets: int = 0
    revenue: dict = field(default_factory=dict)  # currency -> total_minor
    discounts: dict = field(default_factory=dict)  # currency -> discount_minor


def sales_totals(orders) -> SalesTotals:
    """Totals of an order queryset (already narrowed to what the user may see), in one query."""
    rows = (
        orders.order_by()
        .values("currency")
        .annotate(
            orders=Count("pk"),
            tickets=Sum("total_quantity"),
            revenue=Sum(F("total_minor") + F("charged_minor")),
            discounts=Sum("discount_minor"),
        )
        .order_by("currency")
    )
    totals = {"orders": 0, "tickets": 0, "revenue": {}, "discounts": {}}
    for row in rows:
        totals["orders"] += row["orders"]
        totals["tickets"] += row["tickets"] or 0
        totals["revenue"][row["currency"]] = row["revenue"] or 0
        totals["discounts"][row["currency"]] = row["discounts"] or 0
    return SalesTotals(**totals)


@dataclass(frozen=True)
class EventSales:
    """One event's tickets sold against its capacity, and what it sold today."""

    event: object  # EventPage
    sold: int
    capacity: int
    sold_today: int
    revenue_today: dict  # currency -> minor

    @property
    def sold_percent(self) -> int:
        return sell_through_percent(self.sold, self.capacity)


def sell_through_percent(sold: int, capacity: int) -> int:
    """Whole per cent of the capacity sold (0 without a capacity)."""
    return round(100 * sold / capacity) if capacity else 0


def upcoming_event_sales(events, *, now=None, limit: int = 8) -> list[EventSales]:
    """The next `limit` live events among `events`, one copy per event (its first language).

    `events` is an EventPage queryset the caller has already narrowed to the
    user's organizations. Three queries, however many events and orders.
    """
    now = now or timezone.now()
    first_copies = (
        events.order_by().values("translation_key").annotate(first=Min("pk")).values("first")
    )
    upcoming = list(
        events.filter(pk__in=first_copies, live=True, starts_at__gte=now).order_by(
            "starts_at", "pk"
        )[:limit]
    )
    keys = [event.translation_key for event in upcoming]
    inventories = {
        row["event_key"]: row
        for row in EventInventory.objects.filter(event_key__in=keys).values(
            "event_key", "capacity", "sold"
        )
    }
    today = {}
    for row in (
        Order.objects.filter(event_key__in=keys, created_at__gte=start_of_today(now))
        .order_by()
        .values("event_key", "currency")
        .annotate(tickets=Sum("total_quantity"), revenue=Sum("total_minor"))
    ):
        sold, revenue = today.get(row["event_key"], (0, {}))
        revenue[row["currency"]] = row["revenue"]
        today[row["event_key"]] = (sold + row["tickets"], revenue)
    result = []
    for event in upcoming:
        inventory = inventories.get(event.translation_key, {})
        sold_today, revenue_today = today.get(event.translation_key, (0, {}))
        result.append(
            EventSales(
                event=event,
                sold=inventory.get("sold", 0),
                capacity=inventory.get("capacity", event.total_capacity or 0),
                sold_today=sold_today,
                revenue_today=revenue_today,
            )
        )
    return result


def open_follow_ups(*, limit: int = 8) -> tuple[int, list]:
    """(how many, the oldest `limit`) payment follow-ups still waiting for a refund."""
    waiting = PaymentFollowUp.objects.filter(status=FollowUpStatus.OPEN)
    rows = list(waiting.select_related("payment__hold__event").order_by("created_at", "pk")[:limit])
    count = len(rows) if len(rows) < limit else waiting.count()
    return count, rows


def failed_payments_since(since, *, limit: int = 8) -> tuple[int, list]:
    """(how many, the latest `limit`) payments declined or failed since `since`."""
    failed = Payment.objects.filter(status=PaymentStatus.FAILED, updated_at__gte=since)
    rows = list(failed.select_related("hold__event").order_by("-updated_at", "-pk")[:limit])
    count = len(rows) if len(rows) < limit else failed.count()
    return count, rows


def tier_revenue(event) -> dict:
    """{tier translation_key: {currency: line totals in minor units}} of an event's orders.

    Line totals are before an order's promo discount (discounts are per order,
    see `sales_totals`).
    """
    revenue = {}
    rows = (
        OrderItem.objects.filter(order__event_key=event.translation_key)
        .order_by()
        .values("tier_key", "order__currency")
        .annotate(revenue=Sum("line_total_minor"))
    )
    for row in rows:
        revenue.setdefault(row["tier_key"], {})[row["order__currency"]] = row["revenue"]
    return revenue


def event_is_over(event_id: int | None, *, now) -> bool:
    """Whether the event has ended (sales stop then), in one small query."""
    row = (
        EventPage.objects.filter(pk=event_id).values_list("starts_at", "ends_at").first()
        if event_id
        else None
    )
    if row is None:
        return False
    return now >= sales_close_at(starts_at=row[0], ends_at=row[1])


@dataclass(frozen=True)
class EventSalesOverview:
    """An event's sales screen: per tier and in total, sold against capacity, and revenue."""

    tiers: list  # sales_summary rows + "capacity", "sold_percent", "held_percent", "revenue"
    capacity: int
    sold: int
    held: int
    remaining: int
    totals: SalesTotals

    @property
    def sold_percent(self) -> int:
        return sell_through_percent(self.sold, self.capacity)

    @property
    def held_percent(self) -> int:
        return min(sell_through_percent(self.held, self.capacity), 100 - self.sold_percent)


def event_sales_overview(event) -> EventSalesOverview:
    """What an organizer reads on an event's sales screen (a tier without an allocation
    shares the event's capacity, so its figures are against that)."""
    rows = sales_summary(event)
    capacity = event.total_capacity or 0
    revenue = tier_revenue(event)
    for row in rows:
        tier_capacity = row["allocation"] if row["allocation"] is not None else capacity
        row["capacity"] = tier_capacity
        row["sold_percent"] = sell_through_percent(row["sold"], tier_capacity)
        row["held_percent"] = min(
            sell_through_percent(row["held"], tier_capacity), 100 - row["sold_percent"]
        )
        row["revenue"] = revenue.get(row["tier"].translation_key, {})
    return EventSalesOverview(
        tiers=rows,
        capacity=capacity,
        sold=sum(row["sold"] for row in rows),
        held=sum(row["held"] for row in rows),
        remaining=availability(event).event_remaining,
        totals=sales_totals(Order.objects.filter(event_key=event.translation_key)),
    )
