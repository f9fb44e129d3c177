"""A Redis cache that degrades to "no cache" when Redis is unreachable, so that pages keep working (issue 10).

A hung Redis costs one socket timeout, after which :data:`portal.redisguard.redis_breaker` skips it (issue 22).
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from portal.redisguard import redis_breaker

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    """Every read is a miss and every write is dropped while Redis is down; nothing raises to the page."""

    def _safe(self, method: str, default, *args, **kwargs):
        if not redis_breaker.allows():
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except UNAVAILABLE as exc:
            redis_breaker.trip(exc)
            logger.warning("cache unavailable (%s): %s skipped", type(exc).__name__, method)
            return default

    def get(self, key, default=None, version=None):
        return self._safe("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._safe("get_many", {}, keys, version)

    def set(self, key, value, timeout=None, version=None):
        return self._safe("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._safe("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._safe("set_many", list(data), data, timeout, version)

    def delete(self, key, version=None):
        return self._safe("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._safe("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        if not redis_breaker.allows():
            raise ValueError("cache unavailable")
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as exc:
            redis_breaker.trip(exc)
            logger.warning("cache unavailable: incr skipped")
            raise ValueError("cache unavailable") from None

    def touch(self, key, timeout=None, version=None):
        return self._safe("touch", False, key, timeout, version)

    def has_key(self, key, version=None):
        return self._safe("has_key", False, key, version)

    def clear(self):
        return self._safe("clear", None)

    # Issue 21: one reused client per pool, and raw bytes for the stored public pages; a hung Redis is skipped by the
    # same breaker as every other call (issue 22).
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientRedisCacheClient

    def get_bytes(self, key):
        """The bytes stored under ``key`` by :meth:`set_bytes`, read with one GET and no unpickling (None: a miss)."""
        key = self.make_and_validate_key(key)
        if not redis_breaker.allows():
            return None
        try:
            return self._cache.get_client(key).get(key)
        except UNAVAILABLE as exc:
            redis_breaker.trip(exc)
            logger.warning("cache unavailable (%s): get_bytes skipped", type(exc).__name__)
            return None

    def get_value_and_bytes(self, value_key, bytes_key):
        """``get(value_key)`` and ``get_bytes(bytes_key)`` in one MGET (a public page hit)."""
        value_key, bytes_key = self.make_and_validate_key(value_key), self.make_and_validate_key(bytes_key)
        if not redis_breaker.allows():
            return None, None
        try:
            value, data = self._cache.get_client(value_key).mget([value_key, bytes_key])
        except UNAVAILABLE as exc:
            redis_breaker.trip(exc)
            logger.warning("cache unavailable (%s): get_value_and_bytes skipped", type(exc).__name__)
            return None, None
        return (None if value is None else self._cache._serializer.loads(value)), data

    def set_bytes(self, key, data: bytes, timeout) -> None:
        key = self.make_and_validate_key(key)
        if not redis_breaker.allows():
            return
        try:
            self._cache.get_client(key, write=True).set(key, data, ex=int(timeout))
        except UNAVAILABLE as exc:
            redis_breaker.trip(exc)
            logger.warning("cache unavailable (%s): set_bytes skipped", type(exc).__name__)


class OneClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every operation (its pool is reused, the client is not);
    this one builds it once per pool and keeps it, so a cache hit costs one round trip and nothing more."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client
