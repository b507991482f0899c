import time

import pytest

from tongban.core.errors import RateLimited
from tongban.core.ratelimit import Hit, _cache_key, rate_limit_hit, rate_limit_hits


def test_the_limit_plus_one_request_is_refused():
    for _ in range(3):
        rate_limit_hit(bucket="t", key="1.2.3.4", limit=3, window=60)
    with pytest.raises(RateLimited) as exc:
        rate_limit_hit(bucket="t", key="1.2.3.4", limit=3, window=60)
    assert exc.value.status == 429
    rate_limit_hit(bucket="t", key="5.6.7.8", limit=3, window=60)  # other keys unaffected


def test_redis_backed_limits_count_in_redis(settings):
    # Changing CACHES resets Django's cache handlers (test signal), so this talks to real Redis.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    }
    from django.core.cache import caches

    cache = caches["default"]
    cache.clear()
    assert rate_limit_hit(bucket="r", key="k", limit=5, window=60) == 1
    assert rate_limit_hit(bucket="r", key="k", limit=5, window=60) == 2
    assert "RedisCache" in type(cache).__name__


def test_several_buckets_count_together_and_all_count_even_when_one_is_full(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    }
    from django.core.cache import caches

    caches["default"].clear()
    wide, narrow = Hit("wide", "a", limit=10, window=60), Hit("narrow", "a:b", limit=2, window=60)
    rate_limit_hits(wide, narrow)
    rate_limit_hits(wide, narrow)
    with pytest.raises(RateLimited) as exc:
        rate_limit_hits(wide, narrow)
    assert 0 < exc.value.extra["retry_after"] <= 60
    # The pipeline's counters are the ones rate_limit_hit reads: the wide bucket counted all three calls.
    assert rate_limit_hit(bucket="wide", key="a", limit=10, window=60) == 4
    backend = caches["default"]
    key = backend.make_and_validate_key(_cache_key(Hit("wide", "a"), 60, time.time()))
    assert 0 < backend._cache.get_client(key).ttl(key) <= 61  # expires with its window, never lingers


def test_several_buckets_count_in_a_local_cache_too():
    hits = (Hit("one", "x", limit=1, window=60), Hit("two", "x", limit=5, window=60))
    rate_limit_hits(*hits)
    with pytest.raises(RateLimited):
        rate_limit_hits(*hits)
    assert rate_limit_hit(bucket="two", key="x", limit=5, window=60) == 3


@pytest.mark.django_db
def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok"}
