"""One error shape for the whole API: {"error": code, "detail": ...} with a 4xx status."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from core.api.parsers import PayloadTooLarge, payload_too_large
from core.database import is_database_busy
from core.exceptions import UserFacingError
from core.middleware import busy_response

logger = logging.getLogger(__name__)

CODES = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    PayloadTooLarge: "payload_too_large",
}


def api_exception_handler(exc, context):
    if isinstance(exc, UserFacingError):
        return Response(exc.api_body(), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):  # a form or multipart body over the limit
        exc = payload_too_large()
    if isinstance(exc, exceptions.APIException):
        code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), None)
        code = code or getattr(exc, "default_code", "error")
        if isinstance(exc.detail, dict) and "error" in exc.detail:
            body = {k: v for k, v in exc.detail.items()}
            body["error"] = str(body["error"])
        else:
            body = {"error": code, "detail": exc.detail}
        response = Response(body, status=exc.status_code)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait) + 1
            response["Retry-After"] = str(int(exc.wait) + 1)
        if getattr(exc, "auth_header", None):
            response["WWW-Authenticate"] = exc.auth_header
        return response
    if is_database_busy(exc):
        logger.warning("database busy in %s: %s", context.get("view"), exc)
        return busy_response(context["request"])
    logger.exception("unexpected API error in %s", context.get("view"))
    return Response(
        {"error": "server_error", "detail": "Something went wrong on our side. Please retry."},
        status=500,
    )
