"""petition_desk.cache: the production cache (Redis) keeps one client per connection pool."""

import pytest
from django.conf import settings

from petition_desk.cache import ClientKeepingRedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    cache = ClientKeepingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache"})
    yield cache
    # Not clear(): that would empty the Redis database the tests' Celery broker uses too.
    cache.delete("reference-ids")


def test_values_round_trip_through_redis(redis_cache):
    redis_cache.set("reference-ids", frozenset({1, 2, 3}), 60)

    assert redis_cache.get("reference-ids") == frozenset({1, 2, 3})
    redis_cache.delete_many(["reference-ids"])
    assert redis_cache.get("reference-ids") is None


def test_every_operation_uses_the_same_client(redis_cache):
    first = redis_cache._cache.get_client(write=True)

    redis_cache.get("anything")

    assert redis_cache._cache.get_client() is first
    assert redis_cache._cache.get_client(write=True) is first


# --- without Redis: an empty cache, never an error ----------------------------------------------


@pytest.fixture
def spare_redis():
    from tests.cases.worker_support import RedisServer

    server = RedisServer()
    server.start()
    yield server
    server.stop()


def test_with_redis_gone_the_cache_misses_and_forgets_instead_of_failing(spare_redis, monkeypatch):
    cache = ClientKeepingRedisCache(spare_redis.url(), {"OPTIONS": {"socket_connect_timeout": 1}})
    cache.set("calendar", "kept", 60)
    spare_redis.stop()

    assert cache.get("calendar") is None
    assert cache.get("calendar", "default") == "default"
    assert cache.get_many(["calendar"]) == {}
    assert cache.get_or_set("calendar", lambda: "from the database", 60) == "from the database"
    assert cache.add("lock", 1) is False
    assert cache.set_many({"a": 1}) == ["a"]
    cache.set("calendar", "new", 60)
    cache.delete_many(["calendar"])
    with pytest.raises(ValueError):  # as for a key not held: django-ratelimit counts from 1
        cache.incr("ratelimit")


def test_after_an_outage_the_cache_uses_redis_again(spare_redis, monkeypatch):
    monkeypatch.setattr("petition_desk.cache.RETRY_AFTER_SECONDS", 0)
    cache = ClientKeepingRedisCache(spare_redis.url(), {"OPTIONS": {"socket_connect_timeout": 1}})
    spare_redis.stop()
    assert cache.get("calendar") is None

    spare_redis.start()
    cache.set("calendar", "kept", 60)

    assert cache.get("calendar") == "kept"


def test_a_redis_that_failed_is_not_asked_again_for_a_few_seconds(spare_redis):
    cache = ClientKeepingRedisCache(spare_redis.url(), {"OPTIONS": {"socket_connect_timeout": 1}})
    spare_redis.stop()
    assert cache.get("calendar") is None

    spare_redis.start()
    cache.set("calendar", "kept", 60)

    # A Redis that hangs would cost every operation its timeout: the next ones do without it.
    assert cache.get("calendar") is None
