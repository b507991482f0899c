import pytest

from tongban.core.errors import RateLimited
from tongban.core.ratelimit import rate_limit_hit


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


@pytest.mark.django_db
def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok"}
