"""Django's database sessions (the embedded default), remembering the key before login."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from core.sessions import RemembersPreviousKey


class SessionStore(RemembersPreviousKey, DatabaseSessionStore):
    pass
