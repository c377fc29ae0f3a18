"""Rate-limit buckets shared by every profile that counts against one venue limit.

Bitunix documents its limit per IP ("限速规则: 10次/1s(IP)"), so two Bitunix profiles in
one process share one bucket per (venue, host); every other venue's limit is per key and
keeps a bucket per profile. A shared bucket is kept per event loop (an asyncio lock
belongs to one loop), so separate loops (tests, the CLI's short runs) never wait on each
other's lock.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, Callable, Protocol
from urllib.parse import urlsplit

__all__ = ["PER_IP_VENUES", "Bucket", "SharedBucket", "limiter_for"]

PER_IP_VENUES = frozenset({"bitunix"})
"""Venues whose documented request limit counts per client IP, not per key."""


class Bucket(Protocol):
    """What a request limiter offers: wait for, then take, one request's turn."""

    async def acquire(self) -> None:
        """Wait until a request may be sent, then count it."""


BucketKey = tuple[str, str, int, float]  # float-ok: seconds
_SHARED: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[BucketKey, Any]]" = \
    weakref.WeakKeyDictionary()


class SharedBucket:
    """The one bucket of ``key`` (venue, host, capacity, period) in the running loop,
    made by ``make(capacity, period)`` on first use."""

    def __init__(self, key: BucketKey, make: Callable[[int, float], Bucket]) -> None:
        self.key = key
        self._make = make

    def bucket(self) -> Bucket:
        """This key's bucket in the running event loop."""
        buckets = _SHARED.setdefault(asyncio.get_running_loop(), {})
        if self.key not in buckets:
            buckets[self.key] = self._make(self.key[2], self.key[3])
        return buckets[self.key]  # type: ignore[no-any-return]

    async def acquire(self) -> None:
        """Wait for and take a turn from the shared bucket."""
        await self.bucket().acquire()


def limiter_for(venue_id: str, base_url: str, capacity: int,
                period: float,  # float-ok: seconds
                make: Callable[[int, float], Bucket]) -> Bucket:
    """The limiter a profile of ``venue_id`` at ``base_url`` uses: shared per
    (venue, host:port) for :data:`PER_IP_VENUES`, else a fresh ``make(capacity, period)``."""
    if venue_id not in PER_IP_VENUES:
        return make(capacity, period)
    parts = urlsplit(base_url)
    host = f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    return SharedBucket((venue_id, host, capacity, period), make)
