"""One public-page cache hit on Redis, old way against new way (issue 21), without a web server.

    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python benchmarks/cache_hit.py

Old: Django's ``RedisCache`` — ``get`` of the version and ``get`` of the page as a pickled ``(bytes, content type)``
tuple, a new ``redis.Redis`` client for each. New: ``ResilientRedisCache.get_value_and_bytes`` — one ``MGET`` of the
version and the page's raw bytes on a client built once. Page of 367 KB (the issue's publicity page at 1,000).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def measure(fn, n: int = 2000) -> tuple[float, float]:
    for _ in range(200):
        fn()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(n * 0.95)]


def main() -> None:
    import django

    django.setup()
    from django.core.cache.backends.redis import RedisCache

    from portal.cache import ResilientRedisCache

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"
    page = os.urandom(183_500).hex().encode()
    old = RedisCache(url, {"KEY_PREFIX": "bench-cache-hit-old"})
    new = ResilientRedisCache(url, {"KEY_PREFIX": "bench-cache-hit-new"})
    for cache in (old, new):
        cache.set("v", "abcdef0123456789", 60)
    old.set("p", (page, "text/html; charset=utf-8"), 60)
    new.set_bytes("p", b"tag\ntext/html; charset=utf-8\n" + page, 60)
    try:
        median, p95 = measure(lambda: (old.get("v"), old.get("p")))
        print(f"old: two GETs, pickled page, new client per call: median {median:.0f} µs, p95 {p95:.0f} µs")
        median, p95 = measure(lambda: new.get_value_and_bytes("v", "p"))
        print(f"new: one MGET, raw bytes, one client:              median {median:.0f} µs, p95 {p95:.0f} µs")
    finally:
        for cache in (old, new):
            cache.delete_many(["v", "p"])


if __name__ == "__main__":
    main()
