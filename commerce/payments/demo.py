"""The embedded demo gateway: a test-card form, no real money.

It reaches orders through the same path as Stripe: the card check produces a
Stripe-shaped `payment_intent.*` event, signed like Stripe signs, which the
caller (commerce.services.demo_payments) hands to the same webhook handler.
Like every adapter, it talks to its "provider" and returns data; it never
calls a service. Its truth (what `retrieve` answers) is the stored
DemoCharge, never the event payload.
"""

import json
import secrets
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from commerce.exceptions import CommerceError, PaymentError
from commerce.payments import signing
from commerce.payments.base import GatewayPayment, GatewayRefund, PaymentGateway, SavedCard

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
# Saved for later without trouble, then every off-session charge fails (Stripe's test card).
SAVES_THEN_FAILS = "4000000000000341"
CANCELED = "canceled"  # like a cancelled PaymentIntent: can never be paid


def _luhn_ok(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class DemoGateway(PaymentGateway):
    name = "demo"

    def create_payment(self, *, payment, idempotency_key):
        from commerce.models import DemoCharge

        # Like Stripe: the same idempotency key answers the charge made first.
        # One statement: insert, or on a repeated key hand back the existing row.
        table = DemoCharge._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (reference, idempotency_key, amount_minor, currency, "  # noqa: S608
                "status, failure_message, created_at) VALUES (%s, %s, %s, %s, 'pending', '', %s) "
                "ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = "
                "excluded.idempotency_key RETURNING reference",
                [
                    f"demo_pi_{secrets.token_hex(12)}",
                    idempotency_key,
                    payment.amount_minor,
                    payment.currency,
                    timezone.now(),
                ],
            )
            return cursor.fetchone()[0], ""

    def update_amount(self, *, reference, amount_minor):
        from commerce.models import DemoCharge

        # Like a PaymentIntent: changeable until it succeeds (a declined card can retry).
        if not DemoCharge.objects.filter(
            reference=reference, status__in=["pending", "failed"]
        ).update(amount_minor=amount_minor):
            raise PaymentError("payment_in_progress")

    def cancel(self, *, reference):
        from commerce.models import DemoCharge

        if DemoCharge.objects.filter(reference=reference, status="succeeded").exists():
            raise PaymentError("payment_in_progress")
        DemoCharge.objects.filter(reference=reference, status__in=["pending", "failed"]).update(
            status=CANCELED, failure_message="The payment was cancelled."
        )

    def retrieve(self, reference):
        from commerce.models import DemoCharge

        charge = DemoCharge.objects.get(reference=reference)
        return GatewayPayment(
            reference=charge.reference,
            status="failed" if charge.status == CANCELED else charge.status,
            amount_minor=charge.amount_minor,
            currency=charge.currency,
            failure_message=charge.failure_message,
        )

    def refund(self, *, reference, amount_minor, idempotency_key=""):
        from django.db.models import Sum

        from commerce.models import DemoCharge, DemoRefund

        key = idempotency_key or f"refund-{reference}-{amount_minor}"
        made = DemoRefund.objects.filter(idempotency_key=key).first()
        if made is not None:
            return GatewayRefund(made.reference, made.amount_minor, "succeeded")
        charge = DemoCharge.objects.filter(reference=reference).first()
        if charge is None or charge.status not in ("succeeded", "refunded"):
            raise PaymentError("refund_refused")
        refunded = (
            DemoRefund.objects.filter(charge_reference=reference).aggregate(
                total=Sum("amount_minor")
            )["total"]
            or 0
        )
        if amount_minor <= 0 or refunded + amount_minor > charge.amount_minor:
            raise PaymentError("refund_refused")
        made = DemoRefund.objects.create(
            reference=f"demo_re_{secrets.token_hex(12)}",
            charge_reference=reference,
            idempotency_key=key,
            amount_minor=amount_minor,
        )
        if refunded + amount_minor == charge.amount_minor:
            DemoCharge.objects.filter(pk=charge.pk).update(status="refunded")
        return GatewayRefund(made.reference, made.amount_minor, "succeeded")

    def refunds(self, reference):
        from commerce.models import DemoRefund

        return [
            GatewayRefund(made.reference, made.amount_minor, "succeeded")
            for made in DemoRefund.objects.filter(charge_reference=reference).order_by("pk")
        ]

    def parse_webhook(self, *, payload, signature):
        return signing.verify(payload, signature, settings.DEMO_WEBHOOK_SECRET)

    def save_card(self, *, card, email, customer_reference=""):
        from commerce.models import DemoSavedCard

        number = _card_number(card)
        if number == DECLINED:
            raise PaymentError("card_not_saved")
        saved = DemoSavedCard.objects.create(
            reference=f"demo_pm_{secrets.token_hex(12)}",
            customer_reference=customer_reference or f"demo_cus_{secrets.token_hex(8)}",
            last4=number[-4:],
            charges_fail=number == SAVES_THEN_FAILS,
        )
        return SavedCard(saved.customer_reference, saved.reference, saved.last4)

    def charge_saved_card(self, *, card, amount_minor, currency, idempotency_key, metadata=None):
        from commerce.models import DemoCharge, DemoSavedCard

        saved = DemoSavedCard.objects.filter(
            reference=card.payment_method_reference,
            customer_reference=card.customer_reference,
        ).first()
        fails = saved is None or saved.charges_fail
        charge, _ = DemoCharge.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "reference": f"demo_pi_{secrets.token_hex(12)}",
                "amount_minor": amount_minor,
                "currency": currency,
                "status": "failed" if fails else "succeeded",
                "failure_message": "Your card has insufficient funds." if fails else "",
            },
        )
        return self.retrieve(charge.reference)


def charge_card(*, reference: str, card_number: str) -> tuple[bytes, str]:
    """Charge the demo card for a payment, as Stripe would when the buyer confirms.

    4242… succeeds, 4000 0000 0000 0002 is declined. Returns the signed
    Stripe-shaped event that Stripe would then send to the webhook (payload,
    signature); raises CommerceError("invalid_card") for a number that is not
    a card, PaymentError("payment_cancelled") for a cancelled payment.
    """
    from commerce.models import DemoCharge

    number = _card_number(card_number)
    succeeded = number != DECLINED
    charged = DemoCharge.objects.filter(
        reference=reference, status__in=["pending", "failed"]
    ).update(
        status="succeeded" if succeeded else "failed",
        failure_message="" if succeeded else "Your card was declined.",
    )
    if not charged and DemoCharge.objects.filter(reference=reference, status=CANCELED).exists():
        raise PaymentError("payment_cancelled")
    return signed_event(reference=reference, succeeded=succeeded)


def _card_number(card_number: str) -> str:
    """The digits of a test card, or CommerceError("invalid_card")."""
    number = "".join(str(card_number).split())
    if not (number.isdigit() and len(number) == 16 and _luhn_ok(number)):
        raise CommerceError("invalid_card")
    return number


def signed_event(*, reference: str, succeeded: bool) -> tuple[bytes, str]:
    """The Stripe-shaped `payment_intent.*` event for a demo charge, signed like Stripe's."""
    event = {
        "id": f"evt_demo_{secrets.token_hex(12)}",
        "object": "event",
        "created": int(time.time()),
        "type": "payment_intent.succeeded" if succeeded else "payment_intent.payment_failed",
        "data": {"object": {"id": reference, "object": "payment_intent"}},
    }
    payload = json.dumps(event).encode()
    return payload, signing.sign(payload, settings.DEMO_WEBHOOK_SECRET)


def signed_refund_event(
    *, reference: str, event_type: str = "charge.refunded"
) -> tuple[bytes, str]:
    """The Stripe-shaped `charge.refunded` event after a refund of a demo payment (made
    in the "dashboard": DemoGateway().refund(...) called directly), signed like Stripe's.
    Its data.object is the charge, whose `payment_intent` is the payment's reference."""
    event = {
        "id": f"evt_demo_{secrets.token_hex(12)}",
        "object": "event",
        "created": int(time.time()),
        "type": event_type,
        "data": {
            "object": {
                "id": f"demo_ch_{reference}",
                "object": "charge",
                "payment_intent": reference,
                "refunded": True,
            }
        },
    }
    payload = json.dumps(event).encode()
    return payload, signing.sign(payload, settings.DEMO_WEBHOOK_SECRET)
