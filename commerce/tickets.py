"""Signed ticket payloads for QR codes, verifiable offline with the public key.

Payload: "BT1.<base64url JSON {c: code, e: event key, t: tier key}>.<base64url Ed25519 signature>".
The key pair is derived from TICKET_SECRET_KEY, so every web and worker
process signs alike and scanners only need `public_key_pem()`.
"""

import base64
import functools
import io
import json

import qrcode
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "BT1"


class InvalidTicket(Exception):
    """A payload that is malformed or whose signature does not verify ("forged"), or, from
    commerce.services.ticket_checks, a ticket that admits nobody: `reason` is "void",
    "refunded", "transferred", "used" or "unknown"; `ticket` is the ticket when known."""

    def __init__(self, message="this ticket code is not valid", *, reason="forged", ticket=None):
        super().__init__(message)
        self.reason = reason
        self.ticket = ticket


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def _private_key(secret: str) -> Ed25519PrivateKey:
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"bilten-tickets", info=b"ed25519-v1"
    ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key() -> Ed25519PrivateKey:
    return _private_key(settings.TICKET_SECRET_KEY)


def public_key_pem() -> str:
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def ticket_payload(ticket) -> str:
    body = json.dumps(
        {"c": ticket.code, "e": str(ticket.held_event_key), "t": str(ticket.tier_key)},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    message = f"{PREFIX}.{_b64(body)}"
    return f"{message}.{_b64(private_key().sign(message.encode()))}"


def verify_ticket_payload(payload: str) -> dict:
    try:
        prefix, body, signature = payload.split(".")
        if prefix != PREFIX:
            raise ValueError("unknown version")
        private_key().public_key().verify(_unb64(signature), f"{prefix}.{body}".encode())
        return json.loads(_unb64(body))
    except (ValueError, CryptoInvalidSignature) as exc:
        raise InvalidTicket("this ticket code is not valid") from exc


def qr_png(ticket, *, box_size: int = 10) -> bytes:
    image = qrcode.make(ticket_payload(ticket), box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
