"""Stripe through its official SDK: PaymentIntents with automatic payment methods."""

import stripe
from django.conf import settings

from commerce.exceptions import PaymentError
from commerce.payments.base import GatewayPayment, InvalidSignature, PaymentGateway

STATUS = {
    "succeeded": "succeeded",
    "canceled": "failed",
    "requires_payment_method": "pending",
    "requires_confirmation": "pending",
    "requires_action": "pending",
    "processing": "pending",
    "requires_capture": "pending",
}


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
                    "metadata": {"payment_id": str(payment.pk), "hold_id": str(payment.hold_id)},
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

    def refund(self, *, reference, amount_minor):
        try:
            self.client.v1.refunds.create(
                {"payment_intent": reference, "amount": amount_minor},
                {"idempotency_key": f"refund-{reference}-{amount_minor}"},
            )
        except stripe.StripeError as exc:
            raise PaymentError("payment_unavailable") from exc

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
