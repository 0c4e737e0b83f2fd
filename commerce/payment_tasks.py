"""Background work on payments (django-q2): tiny, idempotent, safe to retry."""


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
