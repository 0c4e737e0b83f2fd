"""Stripe through its official SDK: PaymentIntents with automatic payment methods."""

import stripe
from django.conf import settings

from commerce.exceptions import PaymentError
from commerce.payments.base import (
    GatewayPayment,
    GatewayRefund,
    InvalidSignature,
    PaymentGateway,
    SavedCard,
)

STATUS = {
    "succeeded": "succeeded",
    "canceled": "failed",
    "requires_payment_method": "pending",
    "requires_confirmation": "pending",
    "requires_action": "pending",
    "processing": "pending",
    "requires_capture": "pending",
}


REFUND_STATUS = {
    "succeeded": "succeeded",
    "pending": "pending",
    "requires_action": "pending",
    "failed": "failed",
    "canceled": "failed",
}


def _metadata(payment) -> dict:
    """What the PaymentIntent says it pays for: a checkout's hold, or what the payment
    names itself (an exchange's difference: `gateway_metadata`)."""
    own = getattr(payment, "gateway_metadata", None)
    if own is not None:
        return dict(own)
    return {"payment_id": str(payment.pk), "hold_id": str(payment.hold_id)}


class StripeGateway(PaymentGateway):
    name = "stripe"

    def __init__(self):
        options = {}
        if settings.STRIPE_API_BASE:
            options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
        self.client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)

    def create_payment(self, *, payment, idempotency_key):
        try:
            if payment.reference:
                intent = self.client.v1.payment_intents.update(
                    payment.reference,
                    {"amount": payment.amount_minor},
                )
            else:
                params = {
                    "amount": payment.amount_minor,
                    "currency": payment.currency.lower(),
                    "automatic_payment_methods": {"enabled": True},
                    "metadata": _metadata(payment),
                }
                if payment.buyer_email:
                    params["receipt_email"] = payment.buyer_email
                intent = self.client.v1.payment_intents.create(
                    params, {"idempotency_key": idempotency_key}
                )
        except stripe.StripeError as exc:
            raise PaymentError("payment_unavailable") from exc
        return intent.id, intent.client_secret

    def update_amount(self, *, reference, amount_minor):
        try:
            self.client.v1.payment_intents.update(reference, {"amount": amount_minor})
        except stripe.StripeError as exc:
            raise PaymentError("payment_in_progress") from exc

    def cancel(self, *, reference):
        try:
            self.client.v1.payment_intents.cancel(reference)
        except stripe.StripeError as exc:
            raise PaymentError("payment_in_progress") from exc

    def retrieve(self, reference):
        try:
            intent = self.client.v1.payment_intents.retrieve(reference)
        except stripe.StripeError as exc:
            raise PaymentError("payment_unavailable") from exc
        error = getattr(intent, "last_payment_error", None)
        status = STATUS.get(intent.status, "pending")
        if error and status == "pending":
            status = "failed"
        return GatewayPayment(
            reference=intent.id,
            status=status,
            amount_minor=intent.amount,
            currency=intent.currency.upper(),
            failure_message=(getattr(error, "message", "") or "") if error else "",
        )

    def refund(self, *, reference, amount_minor, idempotency_key=""):
        try:
            made = self.client.v1.refunds.create(
                {"payment_intent": reference, "amount": amount_minor},
                {"idempotency_key": idempotency_key or f"refund-{reference}-{amount_minor}"},
            )
        except stripe.InvalidRequestError as exc:
            raise PaymentError("refund_refused") from exc
        except stripe.StripeError as exc:
            raise PaymentError("payment_unavailable") from exc
        return GatewayRefund(made.id, made.amount, REFUND_STATUS.get(made.status, "pending"))

    def refunds(self, reference):
        try:
            listed = self.client.v1.refunds.list({"payment_intent": reference, "limit": 100})
        except stripe.StripeError as exc:
            raise PaymentError("payment_unavailable") from exc
        return [
            GatewayRefund(made.id, made.amount, REFUND_STATUS.get(made.status, "pending"))
            for made in listed.data
        ]

    def parse_webhook(self, *, payload, signature):
        if not signature:
            raise InvalidSignature("missing Stripe-Signature header")
        try:
            event = stripe.Webhook.construct_event(
                payload, signature, settings.STRIPE_WEBHOOK_SECRET
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidSignature(str(exc)) from exc
        return event.to_dict() if hasattr(event, "to_dict") else dict(event)

    def save_card(self, *, card, email, customer_reference=""):
        """A Customer (made once) and a SetupIntent confirmed with the PaymentMethod `card`
        (from Stripe.js) for off-session use: Stripe attaches it to the customer."""
        try:
            if not customer_reference:
                customer = self.client.v1.customers.create({"email": email})
                customer_reference = customer.id
            setup = self.client.v1.setup_intents.create(
                {
                    "customer": customer_reference,
                    "payment_method": card,
                    "payment_method_types": ["card"],
                    "usage": "off_session",
                    "confirm": True,
                }
            )
        except stripe.StripeError as exc:
            raise PaymentError("card_not_saved") from exc
        if setup.status != "succeeded":
            raise PaymentError("card_not_saved")
        return SavedCard(customer_reference, setup.payment_method)

    def charge_saved_card(self, *, card, amount_minor, currency, idempotency_key, metadata=None):
        """A PaymentIntent confirmed off-session; a refused card (CardError) carries the
        failed intent, whose id is the reference the webhook will name."""
        params = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "customer": card.customer_reference,
            "payment_method": card.payment_method_reference,
            "off_session": True,
            "confirm": True,
            "metadata": metadata or {},
        }
        try:
            intent = self.client.v1.payment_intents.create(
                params, {"idempotency_key": idempotency_key}
            )
        except stripe.CardError as exc:
            failed = (exc.error and exc.error.payment_intent) or None
            return GatewayPayment(
                reference=getattr(failed, "id", "") or "",
                status="failed",
                amount_minor=amount_minor,
                currency=currency,
                failure_message=(exc.user_message or str(exc))[:255],
            )
        except stripe.StripeError as exc:
            raise PaymentError("payment_unavailable") from exc
        status = STATUS.get(intent.status, "pending")
        return GatewayPayment(
            reference=intent.id,
            status=status,
            amount_minor=intent.amount,
            currency=intent.currency.upper(),
        )
