"""Keep the inventory rows in step with the published event pages."""

from django.db import transaction
from django.db.models import F
from wagtail.models import Locale

from commerce.models import EventInventory, TierInventory


def sync_inventory(*, event) -> EventInventory:
    """Create or update the event's inventory from its live capacity and tiers.

    Called when an event page is published, in any locale: every locale's copy
    shares the same translation keys, so this always touches the same rows. The
    numbers come from the copy in the default language (the one organizers
    edit), so publishing a translation can never change the shared capacity.
    """
    source = event.get_translation_or_none(Locale.get_default())
    if source is not None and source.pk != event.pk:
        event = source.specific
    with transaction.atomic():
        inventory, _created = EventInventory.objects.get_or_create(event_key=event.translation_key)
        EventInventory.objects.filter(pk=inventory.pk).update(capacity=event.total_capacity or 0)
        for tier in event.tiers.all():
            row, created = TierInventory.objects.get_or_create(
                tier_key=tier.translation_key,
                defaults={"event_key": event.translation_key, "allocation": tier.allocation},
            )
            if not created and row.allocation != tier.allocation:
                TierInventory.objects.filter(pk=row.pk).update(allocation=tier.allocation)
        inventory.refresh_from_db()
        return inventory


def committed_counts(*, event_key, tier_keys) -> tuple[int, dict]:
    """Tickets sold or held for the event and per tier (what a config change must respect)."""
    event_row = EventInventory.objects.filter(event_key=event_key).values_list(
        F("sold") + F("held"), flat=True
    )
    per_tier = dict(
        TierInventory.objects.filter(tier_key__in=list(tier_keys)).values_list(
            "tier_key", F("sold") + F("held")
        )
    )
    return (event_row.first() or 0), per_tier


def sync_inventory_on_publish(sender, instance, **kwargs):
    """Wagtail's page_published for an EventPage: a published event (in any locale)
    updates the one shared inventory."""
    sync_inventory(event=instance)
