"""Django's Redis cache, with one client object per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every
cache call; its constructor alone costs about 0.3 ms of Python (it rebuilds
the response-callback table), which made every session read and write, rate
limit check and task enqueue pay it again. A `redis.Redis` over a pool is
thread-safe, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
