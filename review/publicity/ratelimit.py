"""A per-address limit on the public forms, in the Django cache (no third-party service)."""

import hashlib

from django.core.cache import cache

from portal.http import client_ip


def client_address(request) -> str:
    # Behind the reverse proxies named in PORTAL_TRUSTED_PROXIES, the visitor's address (docs/operations.md).
    return client_ip(request) or "unknown"


def over_limit(request, *, scope: str, limit: int, period: int) -> bool:
    """Count one attempt from this address in ``scope``; True once there were more than ``limit`` in ``period`` s."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{address}"
    cache.add(key, 0, period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, period)
        count = 1
    return count > limit
