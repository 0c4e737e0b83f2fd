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
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from commerce.models import EventInventory, HoldLine, HoldStatus, TierInventory
from event_pages.rules import tier_on_sale


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
    page_id: int
    event: EventRef

    def on_sale_at(self, moment) -> bool:
        return tier_on_sale(
            enabled=self.enabled,
            sales_start=self.sales_start,
            sales_end=self.sales_end,
            moment=moment,
        )


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(value)  # SQLite hands back text
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


TIERS_FOR_SALE_SQL = """
    SELECT t.id, t.translation_key, t.name, t.price_minor, t.currency, t.enabled,
           t.sales_start, t.sales_end, t.page_id, p.translation_key, p.live
      FROM event_pages_tickettier t
      JOIN wagtailcore_page p ON p.id = t.page_id
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
    for pk, key, name, price, currency, enabled, start, end, page_id, page_key, live in rows:
        event = events.setdefault(page_id, EventRef(page_id, _as_uuid(page_key), bool(live)))
        tiers[pk] = TierForSale(
            pk=pk,
            translation_key=_as_uuid(key),
            name=name,
            price_minor=price,
            currency=currency,
            enabled=bool(enabled),
            sales_start=_as_datetime(start),
            sales_end=_as_datetime(end),
            page_id=page_id,
            event=event,
        )
    return tiers
