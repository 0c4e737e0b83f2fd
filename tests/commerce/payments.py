"""Helpers to pay for holds the way the gateways do."""

import json
import secrets

from django.conf import settings

from commerce.payments import signing
from commerce.services.checkout import start_checkout
from commerce.services.holds import LineRequest, place_hold


def hold_for(event, quantity=2, tier_name=None, session_key="buyer-1", now=None):
    tier = event.tiers.get(name=tier_name) if tier_name else event.tiers.first()
    return place_hold(
        event=event, lines=[LineRequest(tier.pk, quantity)], session_key=session_key, now=now
    )


def checkout(hold, names=()):
    return start_checkout(
        hold=hold,
        buyer_email="Buyer@Example.com",
        buyer_name="Bea Buyer",
        attendee_names=list(names),
    )


def signed_event(
    payment, event_type="payment_intent.succeeded", event_id=None, secret=None
) -> tuple[bytes, str]:
    payload = json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(8)}",
            "type": event_type,
            "data": {"object": {"id": payment.reference, "object": "payment_intent"}},
        }
    ).encode()
    return payload, signing.sign(payload, secret or settings.DEMO_WEBHOOK_SECRET)


def mark_charge(payment, status):
    from commerce.models import DemoCharge

    DemoCharge.objects.filter(reference=payment.reference).update(status=status)


def post_webhook(client, payload, signature):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(
        "/payments/stripe/webhook/", payload, content_type="application/json", **headers
    )
