"""A stalled database answers "busy, try again", not a worker timeout.

On PostgreSQL every connection runs with a `statement_timeout` and a
`lock_timeout` (settings DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS): a
statement that waits on a lock or runs too long is cancelled and its
transaction rolled back whole, long before gunicorn would kill the worker
mid-request. `is_database_busy` recognises those errors (and a deadlock, or
SQLite's "database is locked") so the page and the API can answer 503 with
Retry-After, like pretix does.
"""

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

QUERY_CANCELED = "57014"  # statement_timeout
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout, NOWAIT
DEADLOCK_DETECTED = "40P01"
BUSY_SQLSTATES = {QUERY_CANCELED, LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED}
RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = _("We are very busy right now. Please try again in a few seconds.")


def is_database_busy(error: BaseException) -> bool:
    if not isinstance(error, DatabaseError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return "database is locked" in str(error)


def session_timeouts(*, statement_ms: int, lock_ms: int) -> str:
    """libpq `options` that set both timeouts for every connection (0 = no limit)."""
    return f"-c statement_timeout={int(statement_ms)} -c lock_timeout={int(lock_ms)}"
