"""Ticket credentials encrypted at rest: AES-256-GCM (cryptography), with rotation.

FULFILMENT_ENCRYPTION_KEYS is a list of (key id, 32-byte key). The first key
encrypts; every key decrypts what it encrypted. A stored value is
"<key id>:<base64 of nonce + ciphertext + tag>", so the key that made it is known
and `manage.py reencrypt_ticket_credentials` can move everything to the first key.
The event and the ticket's login are bound to the ciphertext as associated data, so
a password copied onto another row does not decrypt there.
"""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12


class CredentialError(ValueError):
    """A stored credential that no configured key opens (wrong key, or tampered)."""


def _keys() -> list[tuple[str, bytes]]:
    keys = settings.FULFILMENT_ENCRYPTION_KEYS
    if not keys:
        raise CredentialError("FULFILMENT_ENCRYPTION_KEYS is empty")
    return keys


def current_key_id() -> str:
    return _keys()[0][0]


def encrypt(plaintext: str, *, context: str) -> str:
    key_id, key = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, *, context: str) -> str:
    key_id, _, blob = stored.partition(":")
    key = dict(_keys()).get(key_id)
    if key is None:
        raise CredentialError(f"no key with id {key_id!r}")
    raw = base64.b64decode(blob)
    try:
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except Exception as error:  # InvalidTag: tampered, or another row's value
        raise CredentialError("the credential does not open with its key") from error
    return plain.decode()


def key_id_of(stored: str) -> str:
    return stored.partition(":")[0]


def fingerprint(*parts: str) -> str:
    """A keyed hash to find duplicates without storing or comparing plaintext."""
    secret = hashlib.sha256(f"bilten-fingerprint:{settings.TICKET_SECRET_KEY}".encode()).digest()
    message = "\x1f".join(parts).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
