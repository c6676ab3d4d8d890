"""A fixed-window rate limit on the shared cache (Redis in production, so every process counts together)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def _cache_key(key: str, bucket: int) -> str:
    """Keys carry what people typed (a code, an address): hashed, any of them is a safe cache key."""
    return f"ratelimit:{hashlib.sha256(key.encode(errors='replace')).hexdigest()[:32]}:{bucket}"


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; True while no more than ``limit`` happened in this window."""
    bucket = int(time.time() // window_seconds)
    cache_key = _cache_key(key, bucket)
    cache.add(cache_key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit


def reset(key: str, *, window_seconds: int) -> None:
    cache.delete(_cache_key(key, int(time.time() // window_seconds)))
