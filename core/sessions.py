"""Sessions in Redis, created with one round trip; in the database while Redis is down.

Django's cache session store checks that a new random key is unused (GET),
writes it with SET NX, and then writes the same session again at the end of
the request because `create()` marks it modified (which is also what makes the
middleware send the cookie). A guest's first hold paid all three. Here the key
(32 characters from 36: 165 random bits) is written once with SET NX, which
already refuses a collision, and the end-of-request save writes only if the
data changed since.

When the cache is unreachable (core.redis_cache.ResilientRedisCache answers
a miss and says `available` is False) the session lives in the database
table of Django's db engine instead, and stays there for its life:

- a session created or saved during the outage is written to the database;
- a key the cache does not know is looked up in the database (one query,
  only on a miss: a session made during an outage is found after it);
- a session that was in Redis before the outage cannot be read during it, but
  its key is kept, so a guest still owns their holds and orders (they are
  keyed by session key); a signed-in visitor may have to sign in again.
  When Redis is back its copy is read again.

`manage.py clearsessions` removes expired database copies.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string


class RemembersPreviousKey:
    """`previous_key`: the key this session had before login() gave it a new one.

    Only a key the store accepted (a live session): an unknown or expired key
    the browser sent was already dropped by load(), so it is None then. Whoever
    signs in with a stale cookie inherits nothing (commerce.signals).
    """

    previous_key = None

    def cycle_key(self):
        self._get_session()  # load: drops a key the store does not know
        self.previous_key = self.session_key
        super().cycle_key()


class SessionStore(RemembersPreviousKey, CacheSessionStore):
    _written = None  # the data as last written by create()
    _in_database = False  # this session is kept in the database (made or read during an outage)

    def _cache_available(self) -> bool:
        return getattr(self._cache, "available", True)

    def _get_new_session_key(self):
        # SET NX in save(must_create=True) is the uniqueness check.
        return get_random_string(32, VALID_KEY_CHARS)

    def load(self):
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        cache_down = not self._cache_available()
        stored = Session.objects.filter(
            session_key=self.session_key, expire_date__gt=timezone.now()
        ).first()
        if stored is not None:
            self._in_database = True
            return self.decode(stored.session_data)
        if cache_down:
            self._in_database = True  # keep the key: what it owns stays reachable
        else:
            self._session_key = None
        return {}

    def create(self):
        self._in_database = False
        for _attempt in range(100):
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self._written = dict(self._session)
            self.modified = True  # the middleware sends the cookie
            return
        raise RuntimeError("Unable to create a new session key.")

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        if not must_create and self._written is not None and self._written == self._session:
            return  # what create() wrote is still what the session holds
        self._written = None
        if not self._in_database:
            try:
                super().save(must_create=must_create)
            except (CreateError, UpdateError):
                if self._cache_available():
                    raise  # a real collision, or a session deleted meanwhile
            if self._cache_available():
                return
            self._in_database = True
        self._save_in_database(must_create)

    def _save_in_database(self, must_create: bool) -> None:
        fields = {
            "session_data": self.encode(self._get_session(no_load=must_create)),
            "expire_date": self.get_expiry_date(),
        }
        if not must_create:
            Session.objects.update_or_create(session_key=self.session_key, defaults=fields)
            return
        try:
            with transaction.atomic():
                Session.objects.create(session_key=self.session_key, **fields)
        except IntegrityError:
            raise CreateError from None

    def exists(self, session_key):
        return super().exists(session_key) or (
            bool(session_key) and Session.objects.filter(session_key=session_key).exists()
        )

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        super().delete(session_key)
        # Only logins and logouts delete: one query there keeps no copy behind.
        Session.objects.filter(session_key=session_key).delete()

    @classmethod
    def clear_expired(cls):
        DatabaseSessionStore.clear_expired()
