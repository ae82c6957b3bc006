"""Django's Redis cache, keeping its redis.Redis clients.

Django's RedisCacheClient builds a new redis.Redis object for every cache operation, and building
one (its table of response callbacks) took longer here than the Redis round trip itself, which
every request makes at least once (the session). The client is only a front for the connection
pool, so one per pool is kept; Django already gives each thread its own cache object."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ClientKeepingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ClientKeepingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientKeepingRedisCacheClient
