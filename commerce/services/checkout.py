"""Checkout: turn an active hold into one payment at the gateway (idempotently)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from commerce.exceptions import CommerceError, HoldError, PaymentError
from commerce.models import Hold, Payment, PaymentStatus
from commerce.payments import get_gateway
from commerce.selectors import event_is_over
from commerce.services.holds import lock_basket


def _clean_buyer(buyer_email: str, buyer_name: str) -> tuple[str, str]:
    email, name = (buyer_email or "").strip().lower(), (buyer_name or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise CommerceError("invalid_email") from exc
    if not name or len(name) > 150:
        raise CommerceError("invalid_name")
    return email, name


def start_checkout(
    *,
    hold: Hold,
    buyer_email: str,
    buyer_name: str,
    attendee_names=None,
    attendee_emails=None,
    now=None,
) -> Payment:
    """The hold's one Payment, created at the gateway or reused (a double click pays once).

    Refuses HoldError("hold_not_active") once the hold expired; invalid buyer
    details are refused with a code naming the field.
    """
    now = now or timezone.now()
    email, name = _clean_buyer(buyer_email, buyer_name)
    names = [str(n).strip()[:150] for n in (attendee_names or [])]
    emails = []
    for value in attendee_emails or []:
        value = (value or "").strip().lower()
        if value:
            try:
                validate_email(value)
            except ValidationError as exc:
                raise CommerceError("invalid_attendee_email") from exc
        emails.append(value)
    with transaction.atomic():
        locked, payment = lock_basket(hold.pk)
        if not locked.is_active_at(now):
            raise HoldError("hold_not_active")
        if payment is not None and payment.status == PaymentStatus.SUCCEEDED:
            return payment
        if event_is_over(locked.event_id, now=now):
            raise HoldError("event_over")
        payment = payment or Payment(
            hold=locked,
            gateway=get_gateway().name,
            amount_minor=locked.amount_minor,
            currency=locked.currency,
        )
        payment.buyer_email, payment.buyer_name = email, name
        payment.attendee_names, payment.attendee_emails = names, emails
        if not payment.reference:
            payment.amount_minor = locked.amount_minor
            reference, secret = get_gateway(payment.gateway).create_payment(
                payment=payment, idempotency_key=f"hold-{locked.pk}-{payment.amount_minor}"
            )
            payment.reference, payment.client_secret = reference, secret
        else:
            sync_payment_amount(payment=payment, amount_minor=locked.amount_minor)
        payment.save()
    return payment


def sync_payment_amount(*, payment: Payment, amount_minor: int) -> None:
    """Make the gateway charge `amount_minor` for a payment not yet made (saved by the caller).

    Asked of the gateway first: if it refuses (the buyer is paying right now)
    nothing changes here and PaymentError("payment_in_progress") says why.
    """
    if payment.amount_minor == amount_minor:
        return
    if payment.status == PaymentStatus.SUCCEEDED:
        raise PaymentError("payment_in_progress")
    if payment.reference:
        get_gateway(payment.gateway).update_amount(
            reference=payment.reference, amount_minor=amount_minor
        )
    payment.amount_minor = amount_minor


def checkout_details(payment: Payment) -> dict:
    """What a client needs to take the payment: Stripe's client secret or the demo form."""
    from django.conf import settings

    details = {
        "payment_id": str(payment.pk),
        "gateway": payment.gateway,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "expires_at": payment.hold.expires_at.isoformat(),
    }
    if payment.gateway == "stripe":
        details["client_secret"] = payment.client_secret
        details["publishable_key"] = settings.STRIPE_PUBLISHABLE_KEY
    else:
        details["confirm_url"] = f"/api/v1/demo-payments/{payment.pk}/confirm/"
    return details
