"""Bounded waits on Redis (issue 22): one slow answer per process, then none for a while.

A Redis that is down refuses connections at once, but a hung one (overloaded, swapped out, stopped) accepts them and
never answers, so every cache read and every task sent waits for its socket timeout. The cache and the broker client
share this breaker: the first call that times out trips it, and for ``COOL_DOWN`` seconds every further call in
this process skips Redis at once (a cache miss, a task left for its sweeper). The first call after the pause tries
again. A request therefore waits at most one socket timeout (about a second) for a hung Redis.
"""

import logging
import time

logger = logging.getLogger(__name__)

COOL_DOWN = 10.0


class Breaker:
    def __init__(self, name: str, cool_down: float = COOL_DOWN):
        self.name = name
        self.cool_down = cool_down
        self.open_until = 0.0

    def allows(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self, exc: BaseException | None = None) -> None:
        if self.allows():
            logger.warning("%s unreachable (%s): skipped for %.0f s", self.name, type(exc).__name__, self.cool_down)
        self.open_until = time.monotonic() + self.cool_down

    def close(self) -> None:
        self.open_until = 0.0


redis_breaker = Breaker("redis")
