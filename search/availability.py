"""Which events are sold out right now, read fresh from commerce's inventory counters.

Search caches which events match and in what order, never whether they can still
be bought: the results page and the `available=1` filter read this on every
request (a few indexed queries, whatever the catalogue size). The rule is
commerce's (commerce.selectors.availability): sold out when the event has no
place left or no tier has one; holds past `expires_at` never count.
"""

import hashlib
from types import SimpleNamespace

from django.db.models import Count, F, Q
from django.utils import timezone

from commerce.models import EventInventory, HoldLine, HoldStatus, TierInventory
from commerce.selectors import availability


def sold_out_keys(event_keys=None) -> set:
    """translation_keys of sold-out events, among `event_keys` (None: all events)."""
    now = timezone.now()
    inventories = EventInventory.objects.all()
    tiers = TierInventory.objects.all()
    if event_keys is not None:
        event_keys = list(event_keys)
        if not event_keys:
            return set()
        inventories = inventories.filter(event_key__in=event_keys)
        tiers = tiers.filter(event_key__in=event_keys)
    full = set(
        inventories.filter(capacity__lte=F("sold") + F("held")).values_list("event_key", flat=True)
    )
    open_tier = Q(allocation__isnull=True) | Q(allocation__gt=F("sold") + F("held"))
    tiers_full = set(
        tiers.values("event_key")
        .annotate(open=Count("pk", filter=open_tier))
        .filter(open=0)
        .values_list("event_key", flat=True)
    )
    candidates = full | tiers_full
    if event_keys is not None:
        # No inventory yet (never published): nothing can be bought.
        known = set(inventories.values_list("event_key", flat=True))
        candidates |= {key for key in event_keys if key not in known}
    if not candidates:
        return set()
    # Expired holds still marked active give their places back (invariant 3).
    with_stale_holds = set(
        HoldLine.objects.filter(
            hold__event_key__in=candidates,
            hold__status=HoldStatus.ACTIVE,
            hold__expires_at__lte=now,
        ).values_list("hold__event_key", flat=True)
    )
    for key in with_stale_holds:
        if not availability(SimpleNamespace(translation_key=key), now=now).sold_out:
            candidates.discard(key)
    return candidates


def fingerprint(keys: set) -> str:
    """A short stable name for a set of sold-out events (part of a cache key)."""
    digest = hashlib.sha1()
    for key in sorted(str(k) for k in keys):
        digest.update(key.encode())
    return digest.hexdigest()[:16]
