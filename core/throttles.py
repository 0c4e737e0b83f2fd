"""Rate limits per client (user id, else client address) for holds, registration and login.

Rates come from settings.RATE_LIMITS; RATE_LIMITS=off switches them all off
(load tests only). Both are read per request, so tests can change them. The
client address is core.client_address's: X-Forwarded-For counts only when a
trusted proxy wrote it. The API throttles are DRF's; web forms, which have no
DRF view, count with `within_limit`.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from core.client_address import client_address

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    """ "20/min" -> (20, 60)."""
    if rate is None:
        return None, None
    count, period = rate.split("/")
    return int(count), PERIODS[period]


def within_limit(scope: str, ident: str) -> bool:
    """Count one attempt at `scope` by `ident`; False once RATE_LIMITS[scope] is used up.

    An atomic counter per window (the window opens with the first attempt), so
    parallel requests cannot slip past it. `ident` may be personal (an email
    address): only its hash is kept.
    """
    if not settings.RATE_LIMITS_ENABLED:
        return True
    count, seconds = parse_rate(settings.RATE_LIMITS.get(scope))
    if count is None:
        return True
    key = f"limit_{scope}_{hashlib.sha256(str(ident).encode()).hexdigest()[:32]}"
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.add(key, 1, seconds)
        used = 1
    return used <= count


class ScopedLimit(SimpleRateThrottle):
    scope = ""

    def get_rate(self):
        return settings.RATE_LIMITS.get(self.scope)

    def allow_request(self, request, view):
        if not settings.RATE_LIMITS_ENABLED:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else None
        return f"throttle_{self.scope}_{ident or self.get_ident(request)}"

    def parse_rate(self, rate):
        return parse_rate(rate)


class HoldLimit(ScopedLimit):
    scope = "holds"


class RegisterLimit(ScopedLimit):
    scope = "register"


class LoginLimit(ScopedLimit):
    scope = "login"
