"""Clock correction for venues without a time endpoint (FCoin, Bitunix, Bit-Z).

Every reply's HTTP ``Date`` header (RFC 9110: the venue's clock, to the second) gives the
offset between the venue's clock and ours. When the venue refuses a request for a stale
timestamp, :class:`DateClockMixin` adopts that offset and:

- for a read, signs again with the corrected clock and sends once more;
- for a write, sends nothing more: it raises the venue's refusal (an explicit reply from
  its authentication check, so the write was not applied) with a message saying by how
  much our clock is off and that it is now corrected, so the next attempt is signed right.
  A write is never resent here: the documents say the timestamp check refuses, but not
  that it runs before every effect, so only the caller (the journal, with its key) may
  decide to send again.

With no ``Date`` header the refusal says only that the clock may be wrong.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

import httpx

from tui.core.errors import AuthError

__all__ = ["DateClockMixin", "date_offset_ms", "describe_skew"]

SKEW_WORTH_FIXING_MS = 2_000
"""An offset below this is within the ``Date`` header's resolution plus latency: ignored."""


def date_offset_ms(date_header: str | None, local_ms: int) -> int | None:
    """The venue's clock minus ours, in ms, from a ``Date`` header read at ``local_ms``
    (the header is truncated to the second, so its middle, +500 ms, is taken); None when
    there is no usable header."""
    if not date_header:
        return None
    try:
        when = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return int(when.timestamp()) * 1000 + 500 - local_ms


def describe_skew(offset_ms: int) -> str:
    """``offset_ms`` (venue minus local) in words: "your clock is 90 s behind the venue's"."""
    seconds = abs(offset_ms) / 1000  # float-ok: seconds for display
    side = "behind" if offset_ms > 0 else "ahead of"
    return f"your system clock is {seconds:.0f} s {side} the venue's"


class DateClockMixin:
    """For an :class:`~tui.venues.base.HttpVenue` whose venue has no time endpoint:
    measure the clock from every reply's ``Date`` and recover from a stale-timestamp
    refusal as the module says. ``stale_timestamp_codes`` are the venue's codes for it."""

    stale_timestamp_codes: ClassVar[frozenset[str]] = frozenset()
    clock_offset_ms: int
    venue_id: ClassVar[str]

    def _interpret(self, response: httpx.Response, body: bytes, *, read: bool) -> Any:
        measured = date_offset_ms(response.headers.get("date"), int(time.time() * 1000))
        if measured is not None:
            self._date_offset_ms = measured
        return super()._interpret(response, body, read=read)  # type: ignore[misc]

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """As ``HttpVenue.request``; a stale-timestamp refusal corrects the clock from
        the reply's ``Date``, then resends a read once, or explains a write's refusal."""
        try:
            return await super().request(method, path, **kwargs)  # type: ignore[misc]
        except AuthError as exc:
            if str(exc.code) not in self.stale_timestamp_codes:
                raise
            measured = getattr(self, "_date_offset_ms", None)
            if measured is None or abs(measured - self.clock_offset_ms) < SKEW_WORTH_FIXING_MS:
                _reword(exc, "the venue refused the request's timestamp; check the system "
                             "clock (nothing was applied)")
                raise
            self.clock_offset_ms = measured
            if not kwargs.get("read", True):
                _reword(exc, f"the venue refused the request's timestamp: "
                             f"{describe_skew(measured)}; nothing was applied. coinsole now "
                             f"corrects for it: send again (and fix the system clock)")
                raise
        return await super().request(method, path, **kwargs)  # type: ignore[misc]


def _reword(error: AuthError, message: str) -> None:
    error.message = message
    error.rewrite(lambda text, limit: text[:limit])
