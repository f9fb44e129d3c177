"""The portal's settings plus one trivial view to compare against (benchmarks only)."""

import os

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"

# The public figures run against Redis (benchmarks/run.py sets REDIS_URL); a run's keys carry its own prefix.
if "KEY_PREFIX" not in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "")  # noqa: F405
