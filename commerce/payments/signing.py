"""Stripe's webhook signature scheme (t=<ts>,v1=<hmac>), used by the demo gateway.

The Stripe gateway verifies with the Stripe SDK itself; this module lets the
demo gateway sign and verify its events in exactly the same shape.
"""

import hashlib
import hmac
import json
import time

from commerce.payments.base import InvalidSignature

TOLERANCE_SECONDS = 300


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(payload: bytes, header: str, secret: str) -> dict:
    if not header:
        raise InvalidSignature("missing Stripe-Signature header")
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError as exc:
        raise InvalidSignature("malformed signature header") from exc
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("signature timestamp outside the tolerance")
    expected = sign(payload, secret, timestamp).split("v1=", 1)[1]
    candidates = [
        v for k, v in (i.split("=", 1) for i in header.split(",") if "=" in i) if k == "v1"
    ]
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("signature does not match")
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise InvalidSignature("payload is not JSON") from exc
