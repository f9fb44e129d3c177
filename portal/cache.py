"""A Redis cache that degrades to "no cache" when Redis is unreachable, so that pages keep working (issue 10).

A hung Redis costs one socket timeout, after which :data:`portal.redisguard.redis_breaker` skips it (issue 22).
"""

import logging

from django.core.cache.backends.redis import RedisCache
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
