"""An event with sales is never deleted: it can be unpublished or cancelled instead.

Deleting it would orphan its orders (they would vanish from every list that
finds orders through their event) and its buyers' tickets. The Wagtail admin
refuses before anything happens (commerce.wagtail_hooks); the `pre_delete`
receiver below refuses for any other way of deleting, the organization's
index page with its events included.
"""

from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from commerce.models import Order
from event_pages.models import EventPage


class EventHasSales(ProtectedError):
    """Refusal to delete events that have orders."""

    def __init__(self, events):
        names = ", ".join(f"“{event.title}”" for event in events)
        message = _(
            "%(events)s cannot be deleted: it has sold tickets. Unpublish or cancel it instead."
        ) % {"events": names}
        super().__init__(message, set(events))
        self.message = message


def sold_events(pages) -> list[EventPage]:
    """The events among `pages` and their descendants (any locale's copy) that have orders."""
    under = Q(pk__in=[])
    for page in pages:
        under |= Q(path__startswith=page.path)
    sold_keys = Order.objects.values("event_key")
    return list(EventPage.objects.filter(under, translation_key__in=sold_keys).order_by("path"))


def refuse_deleting_sold_event(sender, instance, **kwargs):
    """pre_delete receiver for EventPage: raises EventHasSales when the event has orders."""
    if Order.objects.filter(event_key=instance.translation_key).exists():
        raise EventHasSales([instance])
