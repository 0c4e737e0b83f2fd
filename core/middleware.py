"""Turns a database that is too busy to answer into a calm 503 for pages and the API."""

import logging

from django.http import JsonResponse
from django.shortcuts import render

from core.database import BUSY_MESSAGE, RETRY_AFTER_SECONDS, is_database_busy
from core.errors import JSON_PATH_PREFIXES

logger = logging.getLogger(__name__)


def busy_response(request):
    message = str(BUSY_MESSAGE)
    if request.path_info.startswith(JSON_PATH_PREFIXES):
        response = JsonResponse({"error": "busy", "detail": message}, status=503)
    else:
        response = render(request, "errors/busy.html", {"message": message}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        logger.warning("database busy on %s: %s", request.path, exception)
        return busy_response(request)
