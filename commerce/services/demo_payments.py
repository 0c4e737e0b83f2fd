"""Paying with the demo gateway's test card, through the real webhook path."""

from django.utils import timezone

from commerce.exceptions import HoldError
from commerce.models import Payment, PaymentStatus
from commerce.payments.demo import DemoGateway, charge_card
from commerce.services.orders import handle_webhook


def confirm_demo_payment(*, payment: Payment, card_number: str) -> str:
    """Charge the demo card and settle it like a Stripe webhook: "succeeded" or "declined".

    Refuses HoldError("hold_not_active") once the hold expired (unless already
    paid), CommerceError("invalid_card") and PaymentError("payment_cancelled").
    """
    if payment.status != PaymentStatus.SUCCEEDED and not payment.hold.is_active_at(timezone.now()):
        raise HoldError("hold_not_active")
    gateway = DemoGateway()
    payload, signature = charge_card(reference=payment.reference, card_number=card_number)
    outcome = handle_webhook(payload=payload, signature=signature, gateway=gateway)
    return "declined" if outcome == "payment_failed" else "succeeded"
