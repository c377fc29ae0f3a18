"""Idle tracking, so an unlocked vault can be locked after N minutes without use."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["IdleTimer", "DEFAULT_IDLE_TIMEOUT"]

#: Lock after ten idle minutes unless told otherwise.
DEFAULT_IDLE_TIMEOUT = 600.0


class IdleTimer:
    """Remembers the last activity; ``expired`` says whether ``timeout`` seconds passed.

    ``clock`` is monotonic seconds (injectable for tests). A ``timeout`` of ``None``
    disables expiry.
    """

    def __init__(self, timeout: float | None = DEFAULT_IDLE_TIMEOUT,  # float-ok: seconds, not money
                 clock: Callable[[], float] = time.monotonic) -> None:
        if timeout is not None and timeout <= 0:
            raise ValueError("idle timeout must be positive seconds, or None")
        self.timeout = timeout
        self._clock = clock
        self._last = clock()

    def touch(self, now: float | None = None) -> None:  # float-ok: seconds, not money
        """Record activity at ``now`` (default: the clock)."""
        self._last = self._clock() if now is None else now

    def idle_for(self, now: float | None = None) -> float:  # float-ok: seconds, not money
        """Seconds since the last activity."""
        return max(0.0, (self._clock() if now is None else now) - self._last)

    def expired(self, now: float | None = None) -> bool:  # float-ok: seconds, not money
        """Whether the timeout has passed since the last activity."""
        return self.timeout is not None and self.idle_for(now) >= self.timeout
