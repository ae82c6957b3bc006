"""Django's Redis cache, keeping its redis.Redis clients, and working on without Redis.

Django's RedisCacheClient builds a new redis.Redis object for every cache operation, and building
one (its table of response callbacks) took longer here than the Redis round trip itself, which
every request makes at least once (the session). The client is only a front for the connection
pool, so one per pool is kept; Django already gives each thread its own cache object.

Everything this cache holds is also in the database (sessions, reference ids, the holiday
calendar, rendered forms): when Redis cannot be reached it is an empty cache, never an error.
Django's RedisCache lets the connection error through, and a Redis outage made every page of a
signed-in user a server error (the session's cached_db store writes to the cache unguarded) and
gave forwardings up (the holiday calendar read inside them). After a failure this cache does not
try Redis again for a few seconds, so that a Redis that hangs costs one timeout, not one per
operation."""

import functools
import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_AFTER_SECONDS = 5


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


def _without_redis(fallback):
    """The operation, or `fallback(*arguments)` while Redis cannot be reached."""

    def decorate(operation):
        @functools.wraps(operation)
        def guarded(self, *args, **kwargs):
            if time.monotonic() < self._unreachable_until:
                return fallback(*args, **kwargs)
            try:
                return operation(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning(
                    "Redis unreachable (%s): the cache is empty for the next %d s", error, RETRY_AFTER_SECONDS
                )
                return fallback(*args, **kwargs)

        return guarded

    return decorate


def _missing(key, *args, **kwargs):
    # As Django's RedisCache.incr says of a key it does not hold; django-ratelimit counts from 1.
    raise ValueError(f"Key '{key}' not found.")


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class ClientKeepingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientKeepingRedisCacheClient
        self._unreachable_until = 0.0

    @_without_redis(lambda key, default=None, version=None: default)
    def get(self, *args, **kwargs):
        return super().get(*args, **kwargs)

    @_without_redis(lambda keys, version=None: {})
    def get_many(self, *args, **kwargs):
        return super().get_many(*args, **kwargs)

    @_without_redis(_false)
    def has_key(self, *args, **kwargs):
        return super().has_key(*args, **kwargs)

    @_without_redis(_false)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @_without_redis(_none)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @_without_redis(lambda data, *args, **kwargs: list(data))
    def set_many(self, *args, **kwargs):
        return super().set_many(*args, **kwargs)

    @_without_redis(_false)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    # A deletion that does not reach a Redis still holding the key leaves it until it expires:
    # for the small tables, CACHE_SECONDS (petition_desk.table_cache).
    @_without_redis(_false)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @_without_redis(_none)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @_without_redis(_missing)
    def incr(self, *args, **kwargs):
        return super().incr(*args, **kwargs)
