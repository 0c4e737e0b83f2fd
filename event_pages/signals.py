from django.dispatch import receiver
from wagtail.signals import page_published

from event_pages.models import EventPage


@receiver(page_published, sender=EventPage)
def sync_inventory_on_publish(sender, instance, **kwargs):
    """A published event (in any locale) updates the one shared inventory."""
    from commerce.services.inventory import sync_inventory

    sync_inventory(event=instance)
