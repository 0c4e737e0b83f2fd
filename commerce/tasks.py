"""Background work (django-q2): tiny, idempotent, safe to retry."""

import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def send_order_confirmation(order_id: int) -> str:
    """Send the order's emails once; an SMTP error raises so the queue retries."""
    from commerce.emails import build_order_emails
    from commerce.models import Order

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.confirmation_sent_at:
            return "already sent"
        for message in build_order_emails(order):
            message.send()
        order.confirmation_sent_at = timezone.now()
        order.save(update_fields=["confirmation_sent_at"])
    return "sent"


def expire_holds() -> int:
    """Every minute: mark expired holds EXPIRED (cleanup only)."""
    from commerce.services.holds import release_expired_holds

    total = 0
    while released := release_expired_holds():
        total += released
    return total
