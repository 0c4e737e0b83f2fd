"""GET /healthz: 200 when the database answers, 503 when it does not."""

import logging

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


@never_cache
def healthz(request):
    database, cache_status = _database_ok(), _cache_ok()
    body = {
        "status": "ok" if database else "unavailable",
        "database": "ok" if database else "unreachable",
        "cache": "ok" if cache_status else "unreachable",
    }
    return JsonResponse(body, status=200 if database else 503)
