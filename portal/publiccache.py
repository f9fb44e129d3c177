"""One version key for everything the public pages show; any app whose writes change a public page bumps it."""

from django.core.cache import cache
from django.db import transaction

PUBLIC_VERSION_KEY = "publicity:public-version"


# Moves on with every change this process makes to public data: a worker's own copies of public pages
# (review.publicity.fastpath) are never served after a change it made itself.
GENERATION = [0]


def _forget() -> None:
    GENERATION[0] += 1
    cache.delete(PUBLIC_VERSION_KEY)


def bump_public_version() -> None:
    """Forget the version now and again after the writer's commit, so that no stale page outlives the change."""
    _forget()
    transaction.on_commit(_forget)


def stored_bytes_get(key: str) -> bytes | None:
    """Bytes stored by :func:`stored_bytes_set`: one Redis GET of raw bytes (no unpickling) with production's cache,
    the cache's own get elsewhere (the per-process cache of development and tests)."""
    if hasattr(cache, "get_bytes"):
        return cache.get_bytes(key)
    value = cache.get(key)
    return value if isinstance(value, bytes) else None


def stored_bytes_set(key: str, data: bytes, timeout: int) -> None:
    if hasattr(cache, "set_bytes"):
        cache.set_bytes(key, data, timeout)
    else:
        cache.set(key, data, timeout)


def version_and_stored_bytes(value_key: str, bytes_key: str) -> tuple[object, bytes | None]:
    """The cached value under ``value_key`` and the bytes under ``bytes_key``, in one Redis round trip (MGET)."""
    if hasattr(cache, "get_value_and_bytes"):
        return cache.get_value_and_bytes(value_key, bytes_key)
    return cache.get(value_key), stored_bytes_get(bytes_key)
