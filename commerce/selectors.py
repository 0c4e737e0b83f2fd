"""Read-side queries about sales, used by the pages, the admin and the API.

`availability` is the one place that computes what a customer may still buy
(spec 003 AC T6). It reads the inventory counters and adds back holds that
are past `expires_at` but not yet swept by the cleanup job, so an expired
hold never counts (invariant 3).
"""

from dataclasses import dataclass, field

from django.db.models import F, Sum
from django.utils import timezone

from commerce.models import EventInventory, HoldLine, HoldStatus, TierInventory


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
