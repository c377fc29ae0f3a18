"""Request limits as the venues enforce them: one token bucket per key (or per client IP)."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """At most ``capacity`` requests per ``period`` seconds for each key, refilled smoothly.

    Time comes from ``clock`` (the sandbox's clock), so a test with a fixed clock sees an
    exact, repeatable limit.
    """

    def __init__(self, capacity: int, period: int,
                 clock: Callable[[], float]) -> None:  # float-ok: clock
        self.capacity = capacity
        self.period = period
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # float-ok: tokens, seconds

    def allow(self, key: str) -> bool:
        """Take one token from ``key``'s bucket; False when the bucket is empty."""
        now = self._clock()  # float-ok: clock seconds
        with self._lock:
            tokens, updated = self._buckets.get(key, (self.capacity, now))
            refill = max(0.0, now - updated) * self.capacity / self.period  # float-ok: tokens
            tokens = min(self.capacity, tokens + refill)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        return allowed
