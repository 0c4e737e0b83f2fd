"""The fulfilment dashboard (Wagtail admin): figures, variant matrix, filters, bulk actions."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from fulfilment.permissions import may_use_fulfilment


def dashboard(request):
    if not may_use_fulfilment(request.user):
        raise PermissionDenied
    return TemplateResponse(request, "fulfilment/dashboard/index.html", {})
