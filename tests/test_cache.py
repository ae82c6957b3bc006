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
