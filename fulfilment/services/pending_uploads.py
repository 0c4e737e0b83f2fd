"""An uploaded ticket CSV kept between its preview and "Confirm and store".

The file goes to Django's default storage (local media or S3) under a random name in
a folder of its uploader, encrypted like the ticket passwords (fulfilment.crypto), so
a stored copy is useless without the key and another user cannot open it. It is
deleted after it is stored or cancelled; copies nobody confirmed are deleted after
PENDING_HOURS, the next time their uploader uploads. Never kept in the session.
"""

import base64
import datetime as dt
import logging
import os
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import get_valid_filename

from fulfilment import crypto

logger = logging.getLogger(__name__)

FOLDER = "fulfilment-uploads"
PENDING_HOURS = 24


class PendingUploadMissing(LookupError):
    """No such pending upload for this user (stored, cancelled, expired or someone else's)."""


def _folder(user, token: str) -> str:
    return f"{FOLDER}/{user.pk}/{token}"


def _context(user, token: str) -> str:
    return f"ticket-upload:{user.pk}:{token}"


def _valid_token(token: str) -> bool:
    return 20 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def save(user, *, data: bytes, filename: str) -> str:
    """Keep `data` for `user`; returns the token naming it."""
    _remove_stale(user)
    token = secrets.token_urlsafe(24)
    name = get_valid_filename(os.path.basename(filename or ""))[:100] or "tickets.csv"
    sealed = crypto.encrypt(base64.b64encode(data).decode(), context=_context(user, token))
    default_storage.save(f"{_folder(user, token)}/{name}", ContentFile(sealed.encode()))
    return token


def _path(user, token: str) -> str:
    if not _valid_token(token):
        raise PendingUploadMissing(token)
    try:
        _dirs, files = default_storage.listdir(_folder(user, token))
    except (FileNotFoundError, NotADirectoryError):
        raise PendingUploadMissing(token) from None
    if not files:
        raise PendingUploadMissing(token)
    return f"{_folder(user, token)}/{files[0]}"


def load(user, token: str) -> tuple[bytes, str]:
    """(the file's bytes, its original name)."""
    path = _path(user, token)
    with default_storage.open(path, "rb") as stored:
        sealed = stored.read().decode()
    try:
        data = base64.b64decode(crypto.decrypt(sealed, context=_context(user, token)))
    except crypto.CredentialError:
        raise PendingUploadMissing(token) from None
    return data, path.rsplit("/", 1)[-1]


def delete(user, token: str) -> None:
    try:
        default_storage.delete(_path(user, token))
    except PendingUploadMissing:
        pass


def _remove_stale(user) -> None:
    folder = f"{FOLDER}/{user.pk}"
    try:
        tokens, _files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    limit = timezone.now() - dt.timedelta(hours=PENDING_HOURS)
    for token in tokens:
        try:
            path = _path(user, token)
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        # A storage without modification times (Django's Storage raises
        # NotImplementedError) keeps its files until confirmed or cancelled.
        except (PendingUploadMissing, OSError, NotImplementedError):
            logger.debug("pending upload %s of user %s not cleaned", token, user.pk)
