"""GET /healthz: each component's state; 503 only when the database is down.

The database is the source of truth: without it nothing can be sold, so the
load balancer should take the process out (503). Redis (cache, sessions, task
broker) is not: pages, the API, holds and checkout keep working from the
database while it is down (core/redis_cache.py, core/sessions.py,
core/queue.py, and the confirmation email sweep), so the answer stays 200
with "status": "degraded" and the component named "unreachable" — taking
every web process out because Redis restarted would turn a slower site into
no site.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
    try:
        cache.set("healthz", "ok", 5)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


def _queue_ok(database: bool) -> bool:
    """The task broker: Redis when REDIS_URL is set, else the database (ORM broker)."""
    if "redis" not in settings.Q_CLUSTER:
        return database
    try:
        from django_q.brokers import get_broker

        client = get_broker().connection
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception as error:  # any failure to reach it is "unreachable"
        logger.warning("health check: task broker unreachable: %s", error)
        return False


def _word(ok: bool) -> str:
    return "ok" if ok else "unreachable"


@never_cache
def healthz(request):
    database = _database_ok()
    cache_status, queue = _cache_ok(), _queue_ok(database)
    if not database:
        status = "unavailable"
    elif cache_status and queue:
        status = "ok"
    else:
        status = "degraded"
    body = {
        "status": status,
        "database": _word(database),
        "cache": _word(cache_status),
        "queue": _word(queue),
    }
    return JsonResponse(body, status=503 if not database else 200)
