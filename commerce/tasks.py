"""Background work (django-q2): tiny, idempotent, safe to retry."""

import logging

from django.utils import timezone

logger = logging.getLogger(__name__)


def send_order_confirmation(order_id: int) -> str:
    """Send the order's emails, each recipient once; a mail error raises so the queue retries."""
    from commerce.emails import send_order_emails
    from commerce.models import Order

    order = Order.objects.select_related("event", "buyer").get(pk=order_id)
    if order.confirmation_sent_at:
        return "already sent"
    sent = send_order_emails(order=order)
    Order.objects.filter(pk=order.pk, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    return f"sent {sent}"


def expire_holds() -> int:
    """Every minute: mark expired holds EXPIRED (cleanup only)."""
    from commerce.services.holds import release_expired_holds

    total = 0
    while released := release_expired_holds():
        total += released
    return total
