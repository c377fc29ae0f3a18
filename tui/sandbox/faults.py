"""Fault injection: added latency, error replies, 429s, venues down, clock skew, and
"commit, then drop the reply" for writes.

Every simulated venue asks its :class:`FaultPlan` before answering. The two ways a write
can fail differ on purpose:

- ``error_rate`` (HTTP 500), ``rate_429`` and ``down`` are decided *before* the handler
  runs: the request is refused before acting, so nothing is committed.
- ``drop_rate`` is decided *after* a write endpoint has run: its effect (if any) is
  committed to the ledger, then the client gets HTTP 502 with an empty body instead of
  the reply. Read endpoints never drop. For the client a 5xx on a write therefore means
  "outcome unknown", never "failed".
 The plan's randomness
comes from a seeded generator, so a run with the same seed and the same requests injects
the same faults.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass
from enum import Enum

from tui.core.models import VENUE_IDS

__all__ = ["Fault", "FaultSettings", "FaultPlan"]


class Fault(str, Enum):
    """What the plan decided a request gets instead of a normal answer."""

    DOWN = "down"  # HTTP 503: the venue is unavailable
    ERROR = "error"  # HTTP 500: an internal error
    TOO_MANY = "too_many"  # HTTP 429 with Retry-After


@dataclass(frozen=True)
class FaultSettings:
    """One venue's fault settings; the defaults inject nothing."""

    latency_ms: int = 0
    error_rate: float = 0.0  # float-ok: probability
    rate_429: float = 0.0  # float-ok: probability
    clock_skew_ms: int = 0
    drop_rate: float = 0.0  # float-ok: probability


class FaultPlan:
    """Per-venue fault settings plus a seeded random source deciding each request's fate."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._settings = {venue: FaultSettings() for venue in VENUE_IDS}
        self._down: set[str] = set()

    def configure(self, venue: str | None = None, *, latency_ms: int = 0,
                  error_rate: float = 0.0, rate_429: float = 0.0,  # float-ok: probabilities
                  clock_skew_ms: int = 0,
                  drop_rate: float = 0.0) -> None:  # float-ok: probability
        """Replace the fault settings of ``venue`` (every venue when None).

        ``latency_ms`` is added before each answer; ``error_rate`` and ``rate_429`` are the
        probabilities (0 to 1) of an HTTP 500 or 429 reply; ``clock_skew_ms`` moves the
        venue's clock (its time endpoint and its timestamp checks) by that much;
        ``drop_rate`` is the probability that a write endpoint commits, then answers
        HTTP 502 with an empty body (see the module's docstring).
        """
        for name, value in (("error_rate", error_rate), ("rate_429", rate_429),
                            ("drop_rate", drop_rate)):
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if latency_ms < 0:
            raise ValueError(f"latency_ms must not be negative, not {latency_ms}")
        settings = FaultSettings(latency_ms, error_rate, rate_429, clock_skew_ms, drop_rate)
        for name in self._venues(venue):
            self._settings[name] = settings

    def down(self, venue: str | None = None) -> None:
        """Make every request to ``venue`` (every venue when None) answer HTTP 503."""
        self._down.update(self._venues(venue))

    def up(self, venue: str | None = None) -> None:
        """Undo :meth:`down` for ``venue`` (every venue when None)."""
        self._down.difference_update(self._venues(venue))

    def settings(self, venue: str) -> FaultSettings:
        """The current fault settings of ``venue``."""
        return self._settings[venue]

    async def apply(self, venue: str) -> Fault | None:
        """Wait the venue's latency, then say which fault (if any) this request gets."""
        if venue in self._down:
            return Fault.DOWN
        settings = self._settings[venue]
        if settings.latency_ms:
            await asyncio.sleep(settings.latency_ms / 1000)  # float-ok: seconds
        with self._lock:
            if settings.error_rate and self._random.random() < settings.error_rate:  # float-ok
                return Fault.ERROR
            if settings.rate_429 and self._random.random() < settings.rate_429:  # float-ok
                return Fault.TOO_MANY
        return None

    def drop(self, venue: str) -> bool:
        """Whether this write's reply (already committed) is dropped for a 502."""
        rate = self._settings[venue].drop_rate
        if not rate:
            return False
        with self._lock:
            return self._random.random() < rate  # float-ok: probability

    @staticmethod
    def _venues(venue: str | None) -> tuple[str, ...]:
        if venue is None:
            return VENUE_IDS
        if venue not in VENUE_IDS:
            raise ValueError(f"unknown venue {venue!r}; choose one of {', '.join(VENUE_IDS)}")
        return (venue,)
