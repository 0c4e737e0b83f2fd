"""Inventory, keyed to the locale-independent identity of events and tiers.

A translated event page and its source share one `translation_key`, so they
share one EventInventory row and one TierInventory row per tier: one
capacity, one order book (DESIGN.md, "Localization and inventory").

The counters are the hot rows of an on-sale: a hold is a conditional UPDATE
on them. The check constraints make overselling impossible at the database
level (invariants 1 and 2), whatever the code above does.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class EventInventory(models.Model):
    event_key = models.UUIDField(unique=True, help_text="EventPage.translation_key")
    capacity = models.PositiveIntegerField(default=0)
    sold = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event inventory")
        verbose_name_plural = _("event inventories")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=F("sold") + F("held")),
                name="event_inventory_never_oversold",
            )
        ]

    def __str__(self):
        return f"{self.event_key}: {self.sold} sold, {self.held} held of {self.capacity}"


class TierInventory(models.Model):
    tier_key = models.UUIDField(unique=True, help_text="TicketTier.translation_key")
    event_key = models.UUIDField(db_index=True)
    allocation = models.PositiveIntegerField(null=True, blank=True)
    sold = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tier inventory")
        verbose_name_plural = _("tier inventories")
        constraints = [
            models.CheckConstraint(
                condition=Q(allocation__isnull=True) | Q(allocation__gte=F("sold") + F("held")),
                name="tier_inventory_within_allocation",
            )
        ]

    def __str__(self):
        return f"{self.tier_key}: {self.sold} sold, {self.held} held"
