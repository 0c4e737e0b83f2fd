"""Calm error pages: a user never sees a traceback."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as django_bad_request

# Paths whose clients read JSON, not pages.
JSON_PATH_PREFIXES = ("/api/", "/payments/")


def bad_request(request, exception=None):
    """400; a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or too many fields) is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return payload_too_large(request)
    return django_bad_request(request, exception)


def payload_too_large(request):
    detail = _("The request is larger than this site accepts. Please send less at once.")
    if request.path_info.startswith(JSON_PATH_PREFIXES):
        return JsonResponse({"error": "payload_too_large", "detail": detail}, status=413)
    return render(request, "413.html", {"detail": detail}, status=413)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """500 without the database or the context processors: either may be what failed."""
    if request.path_info.startswith(JSON_PATH_PREFIXES):
        detail = _("Something went wrong on our side. Please try again in a moment.")
        return JsonResponse({"error": "server_error", "detail": detail}, status=500)
    page = loader.get_template("500.html").render({"STATIC_URL": settings.STATIC_URL})
    return HttpResponseServerError(page)
