"""Fixed-window rate limits in the cache (Redis when REDIS_URL is set, so limits hold across nodes)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from tongban.core.errors import RateLimited


def rate_limit_hit(*, bucket: str, key: str, limit: int | None = None, window: int | None = None) -> int:
    """Count one request for `key` in `bucket`; raise RateLimited past the bucket's limit."""
    default_limit, default_window = settings.RATE_LIMITS.get(bucket, (60, 60))
    limit = limit or default_limit
    window = window or default_window
    slot = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{bucket}:{digest}:{slot}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        raise RateLimited(retry_after=window - int(time.time()) % window)
    return count


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    return str(request.META.get("REMOTE_ADDR", ""))
