"""Fixed-window rate limits in the cache (Redis when REDIS_URL is set, so limits hold across nodes)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

from tongban.core.errors import RateLimited


@dataclass(frozen=True)
class Hit:
    """One request counted against one bucket's limit for one key."""

    bucket: str
    key: str
    limit: int | None = None  # None: settings.RATE_LIMITS[bucket] (or 60 a minute)
    window: int | None = None

    def resolved(self) -> tuple[int, int]:
        default_limit, default_window = settings.RATE_LIMITS.get(self.bucket, (60, 60))
        return self.limit or default_limit, self.window or default_window


def _cache_key(hit: Hit, window: int, now: float) -> str:
    digest = hashlib.sha256(hit.key.encode()).hexdigest()[:32]
    return f"rl:{hit.bucket}:{digest}:{int(now // window)}"


def _count_generic(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        return 1


_scripts: dict[int, tuple[Any, Any]] = {}  # id(Django's backend client) → (it, _COUNT_SCRIPT on a redis-py client)

# Every counter of a request in one command: for each key (ARGV: its expiry), start the window's counter at 0
# unless it exists, then count one; the counts come back in KEYS order.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'EX', ARGV[i], 'NX')
  counts[i] = redis.call('INCR', key)
end
return counts
"""


def _count_script(backend: RedisCache) -> Any:
    """_COUNT_SCRIPT on one redis-py client per cache backend and process (thread-safe, over the backend's pool):
    Django's get_client() builds a new client per call, and a client's construction copies ~170 reply callbacks.
    The script runs by EVALSHA and is loaded again if Redis lost it."""
    inner = backend._cache  # type: ignore[attr-defined]  # Django's RedisCacheClient (not in the stubs)
    owner, script = _scripts.get(id(inner), (None, None))
    if owner is not inner:  # keep the owner too: an id is only unique while its object lives
        script = inner.get_client(None, write=True).register_script(_COUNT_SCRIPT)  # the script keeps its client
        _scripts[id(inner)] = (inner, script)
    return script


def _counts(hits: tuple[Hit, ...]) -> list[tuple[int, int, int]]:
    """(count, limit, window) for each hit. On Redis every counter in one command (_COUNT_SCRIPT): SET NX with
    the window's expiry, then INCR (Django's Redis cache stores integers as plain integers, so these are the
    same counters cache.add and cache.incr see); any other cache counts with add/incr per hit."""
    now = time.time()
    resolved = [(hit, *hit.resolved()) for hit in hits]
    backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy to it, never a RedisCache itself
    if isinstance(backend, RedisCache):
        # make_key, not make_and_validate_key: ours are short ASCII keys, and validating walks every character
        keys = [backend.make_key(_cache_key(hit, window, now)) for hit, _, window in resolved]
        counts = [int(c) for c in _count_script(backend)(keys=keys, args=[window + 1 for _, _, window in resolved])]
    else:
        counts = [_count_generic(_cache_key(hit, window, now), window) for hit, _, window in resolved]
    return [(count, limit, window) for count, (_, limit, window) in zip(counts, resolved, strict=True)]


def rate_limit_hits(*hits: Hit) -> None:
    """Count one request against every hit's bucket; RateLimited if any is past its limit (all are counted,
    so a caller cannot probe one bucket while another is exhausted)."""
    for count, limit, window in _counts(hits):
        if count > limit:
            raise RateLimited(retry_after=window - int(time.time()) % window)


def rate_limit_hit(*, bucket: str, key: str, limit: int | None = None, window: int | None = None) -> int:
    """Count one request for `key` in `bucket`; raise RateLimited past the bucket's limit."""
    count, limit, window = _counts((Hit(bucket, key, limit, window),))[0]
    if count > limit:
        raise RateLimited(retry_after=window - int(time.time()) % window)
    return count


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    return str(request.META.get("REMOTE_ADDR", ""))
