"""GET /metrics: Prometheus text for the Platform admin's session or an allowed network.

METRICS_ALLOWED_NETWORKS (CIDRs, comma-separated; default 127.0.0.1/32) is matched
against the client address as core.client_address sees it (X-Forwarded-For only from
TRUSTED_PROXIES). Everyone else gets 403.
"""

import ipaddress

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import PLATFORM_ADMIN, roles_of
from core.client_address import client_address
from fulfilment.metrics import exposition


def _from_allowed_network(request) -> bool:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    for cidr in settings.METRICS_ALLOWED_NETWORKS:
        network = ipaddress.ip_network(cidr, strict=False)
        if address.version == network.version and address in network:
            return True
    return False


def may_scrape(request) -> bool:
    return PLATFORM_ADMIN in roles_of(request.user) or _from_allowed_network(request)


@never_cache
@require_GET
def metrics(request):
    if not may_scrape(request):
        return HttpResponseForbidden(
            "Metrics are for the Platform admin or METRICS_ALLOWED_NETWORKS.",
            content_type="text/plain",
        )
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
