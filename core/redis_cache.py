"""Django's Redis cache: one client object per pool, and pages that outlive Redis.

`ReusingRedisCache`: Django's `RedisCacheClient.get_client` builds a new
`redis.Redis` for every cache call; its constructor alone costs about 0.3 ms
of Python (it rebuilds the response-callback table), which made every session
read and write, rate limit check and task enqueue pay it again. A
`redis.Redis` over a pool is thread-safe, so one per pool is enough.

`ResilientRedisCache` (the one settings use): the cache is an optimisation,
never a reason to answer 500. When Redis cannot be reached (connection
refused, timeout, still loading after a restart) a read answers a miss and a
write is dropped; the error is logged at most once a minute per process. After
a failure the cache is skipped for `RETRY_AFTER` seconds, so a Redis that hangs
instead of refusing costs one short socket timeout, not one per call.
`available` tells callers that must know (the session store) whether the last
answer was a real miss or an outage. A counter (`incr`) answers as if it had
just started: rate limits and hold caps let requests through while Redis is
down (axes' login lockouts are in the database and still apply).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import InvalidResponse, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# No Redis answering there (BusyLoadingError, still loading after a restart, is a
# ConnectionError; InvalidResponse is something else listening on the port).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, InvalidResponse)
LOG_EVERY = 60.0  # seconds between two "Redis unreachable" log lines per process


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


class RateLimitedLog:
    """Logs a recurring error once per `every` seconds, with how many were not logged."""

    def __init__(self, message: str, *, log: logging.Logger = logger, every: float = LOG_EVERY):
        self.message, self.log, self.every = message, log, every
        self._lock = threading.Lock()
        self._last, self._skipped = float("-inf"), 0

    def __call__(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self.every:
                self._skipped += 1
                return
            skipped, self._last, self._skipped = self._skipped, now, 0
        self.log.warning("%s (%s; %d more since the last report)", self.message, error, skipped)


log_cache_error = RateLimitedLog("cache unreachable, serving without it")


class ResilientRedisCache(ReusingRedisCache):
    RETRY_AFTER = 5.0  # seconds the cache is skipped after it failed

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while the cache is being skipped after an outage."""
        return time.monotonic() >= self._down_until

    def _try(self, fallback, call, *args):
        if not self.available:
            return fallback
        try:
            return call(*args)
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + self.RETRY_AFTER
            log_cache_error(error)
            return fallback
        except RedisError as error:  # Redis answered, but refused (out of memory, read-only)
            log_cache_error(error)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._try(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._try(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._try({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._try(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Unreachable: as if the counter had just started, so rate limits and
        # hold caps let requests through rather than refuse every one.
        return self._try(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = list(data)
        return self._try(failed, super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._try(None, super().delete_many, keys, version)

    def clear(self):
        return self._try(False, super().clear)
