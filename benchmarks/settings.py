"""The portal's settings plus one trivial view to compare against (benchmarks only)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
