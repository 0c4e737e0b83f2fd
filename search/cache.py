"""The search cache: results keyed by the normalised query and a generation counter.

Publishing, unpublishing or changing an event (or a venue or category) bumps
the generation (search.indexing), so every cached answer is dropped at once.
Answers that depend on what is sold out carry the current sold-out set in
their key (search.availability), so a sell-out is seen at once too. The
configured Django cache is used: Redis in production, local memory otherwise.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "search:generation"


def cache_seconds() -> int:
    """How long an answer is kept. Changes bump the generation and sold-out state is
    read fresh, so this only bounds what time alone changes: an event that has just
    ended, a sales window that has just opened (the key also carries the hour)."""
    return getattr(settings, "SEARCH_CACHE_SECONDS", 300)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY) or 1
    return value


def bump_generation(**kwargs) -> None:
    """Forget every cached search answer (a signal receiver, hence **kwargs)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def key_for(kind: str, *parts) -> str:
    body = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha1(body.encode()).hexdigest()
    return f"search:{kind}:{generation()}:{digest}"


def get(key: str):
    return cache.get(key)


def put(key: str, value) -> None:
    cache.set(key, value, cache_seconds())
