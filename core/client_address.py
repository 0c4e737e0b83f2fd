"""The client's network address, as every rate limit and django-axes see it.

X-Forwarded-For is written by whoever sends the request, so it is believed only
when the request arrives from a proxy listed in TRUSTED_PROXIES (addresses or
networks; empty by default, then REMOTE_ADDR is the client). Behind trusted
proxies the client is the nearest hop, counting from the right, that is not a
trusted proxy itself: everything left of it could have been made up.
"""

import contextvars
import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _parse(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, networks: tuple) -> bool:
    return any(address in network for network in networks)


def client_address(request) -> str:
    """REMOTE_ADDR, or, from a trusted proxy, the nearest untrusted X-Forwarded-For hop."""
    remote = request.META.get("REMOTE_ADDR", "")
    address = _parse(remote)
    if address is None:
        return remote or "unknown"
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if networks and forwarded:
        for hop in reversed(forwarded.split(",")):
            if not _trusted(address, networks):
                break
            hop_address = _parse(hop)
            if hop_address is None:
                break  # garbage: stay with the last proxy that vouched for the request
            address = hop_address
    return str(address)


def client_ip_for_axes(request) -> str | None:
    """The same address for django-axes, or None when the request has none it can
    store (a test client's forced login, a unix socket): axes keeps it as an IP field."""
    address = client_address(request)
    return address if _parse(address) is not None else None


_current = contextvars.ContextVar("bilten_client_address", default="")


def current_client_address() -> str:
    """The address of the request being served in this thread ("" outside a request):
    for audit entries written by signal receivers, which are not given the request."""
    return _current.get()


class ClientAddressMiddleware:
    """Makes `current_client_address()` answer for the duration of each request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
