"""Background work (django-q2): tiny, idempotent, safe to retry."""

import logging

logger = logging.getLogger(__name__)


def send_order_confirmation(order_id: int) -> str:
    """Send the order's emails, a transient error raises: the queue retries."""
    from commerce.emails import send_order_emails
    from commerce.models import Order

    order = Order.objects.select_related("event", "buyer").get(pk=order_id)
    if order.confirmation_sent_at:
        return "already sent"
    return f"sent {send_order_emails(order=order)}"


def send_missing_confirmations() -> str:
    """Every minute: send the confirmations a lost or failed task left unsent (commerce.emails)."""
    from commerce.emails import send_missing_confirmations as sweep

    return f"sent {sweep()}"


def expire_holds() -> int:
    """Every minute: mark expired holds EXPIRED (cleanup only)."""
    from commerce.services.holds import release_expired_holds

    total = 0
    while released := release_expired_holds():
        total += released
    return total


def expire_exchange_charges() -> int:
    """Every five minutes: exchanges not paid by their deadline end, their places go back."""
    from commerce.services.exchange_charges import expire_due

    total = 0
    while expired := expire_due():
        total += expired
    return total


def refund_unfulfilled_payment(follow_up_id: int) -> str:
    """Refund a payment that could not become an order and email the buyer (idempotent;
    a gateway error raises so the queue retries, and the reconciliation sweep after it)."""
    from commerce.models import PaymentFollowUp
    from commerce.services.orders import refund_follow_up

    follow_up = refund_follow_up(follow_up=PaymentFollowUp.objects.get(pk=follow_up_id))
    return follow_up.status


def reconcile_payments() -> str:
    """Every two minutes: settle payments left pending, finish lost refunds."""
    from commerce.services.reconciliation import reconcile_payments as reconcile

    return str(reconcile())


def send_order_link(order_id: int, email: str, language: str) -> str:
    """Email the signed link to an order to its buyer or attendee ("Find your order")."""
    from commerce.models import Order
    from commerce.order_link_emails import send_order_link_email

    order = Order.objects.select_related("event").get(pk=order_id)
    send_order_link_email(order, email=email, language=language)
    return "sent"
