"""How many tickets one client may hold of one event: counted at the door, not in SQL.

The hold service limits a buyer (an account, or a guest's session); a guest who
starts a fresh session for every hold is still one client address. So before
place_hold runs, the tickets asked for are counted in the cache per client (the
account when signed in, else the client address) and event, and refused beyond
MAX_TICKETS_HELD_PER_ADDRESS. Counts go in one bucket per minute, and the
buckets of the last HOLD_MINUTES (plus the current minute) are summed: tickets
count for as long as their hold can be active. A hold that is then refused
gives its tickets back. RATE_LIMITS=off switches this off too (load tests).
"""

import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

from commerce.exceptions import HoldLimitReached
from core.client_address import client_address


def client_of(request) -> str:
    """Whom the allowance belongs to: the signed-in account, else the client address."""
    user = request.user
    if user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{client_address(request)}"


@contextmanager
def hold_allowance(request, *, event, tickets: int):
    """Count `tickets` of `event` for this client, or refuse with HoldLimitReached.

    Wrap the place_hold call: if it raises, the tickets are given back.
    """
    if not settings.RATE_LIMITS_ENABLED:
        yield
        return
    bucket = _take(client_of(request), event.translation_key, tickets)
    try:
        yield
    except BaseException:
        _give_back(bucket, tickets)
        raise


def _take(client: str, event_key, tickets: int) -> str:
    minutes = settings.HOLD_MINUTES
    now = int(time.time() // 60)
    prefix = f"held_{event_key}_{client}_"
    bucket = f"{prefix}{now}"
    cache.add(bucket, 0, (minutes + 2) * 60)
    cache.incr(bucket, tickets)
    window = [f"{prefix}{minute}" for minute in range(now - minutes, now + 1)]
    held = sum(cache.get_many(window).values())
    limit = settings.MAX_TICKETS_HELD_PER_ADDRESS
    if held > limit:
        _give_back(bucket, tickets)
        raise HoldLimitReached(limit=limit)
    return bucket


def _give_back(bucket: str, tickets: int) -> None:
    try:
        cache.decr(bucket, tickets)
    except ValueError:  # already expired: nothing left to give back
        pass
