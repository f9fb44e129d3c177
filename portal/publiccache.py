"""One version key for everything the public pages show; any app whose writes change a public page bumps it."""

from django.core.cache import cache
from django.db import transaction

PUBLIC_VERSION_KEY = "publicity:public-version"


def bump_public_version() -> None:
    """Forget the version now and again after the writer's commit, so that no stale page outlives the change."""
    cache.delete(PUBLIC_VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(PUBLIC_VERSION_KEY))
