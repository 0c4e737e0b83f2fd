"""Rate limits per client (user id, else IP) for holds, registration and login.

Rates come from settings.RATE_LIMITS; RATE_LIMITS=off switches them all off
(load tests only). Both are read per request, so tests can change them.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


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

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else None
        return f"throttle_{self.scope}_{ident or self.get_ident(request)}"

    def parse_rate(self, rate):
        if rate is None:
            return None, None
        count, period = rate.split("/")
        seconds = {
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
        }[period]
        return int(count), seconds


class HoldLimit(ScopedLimit):
    scope = "holds"


class RegisterLimit(ScopedLimit):
    scope = "register"


class LoginLimit(ScopedLimit):
    scope = "login"
