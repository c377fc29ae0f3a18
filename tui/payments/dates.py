"""The payments list's date range: ISO dates (or dates and times) typed by a person, as
the venue's ``start_time``/``end_time`` epoch milliseconds, both ends included (pure)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

__all__ = ["RangeError", "instant_ms", "date_range"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


class RangeError(ValueError):
    """A date or range that cannot be used; the text is one line fit to show."""


def instant_ms(text: str, name: str, *, end: bool) -> int:
    """``2026-01-31`` (the day's first millisecond, or with ``end`` its last, UTC) or
    ``2026-01-31T09:30`` (no zone: UTC) as epoch milliseconds; RangeError naming ``name``
    when it is neither."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            at = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
            if end:
                return (at + timedelta(days=1) - _EPOCH) // _MS - 1
            return (at - _EPOCH) // _MS
        at = datetime.fromisoformat(text)
    except ValueError:
        raise RangeError(f"{name} must be an ISO date like 2026-01-31 (or 2026-01-31T09:30), "
                         f"not {text!r}") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return (at - _EPOCH) // _MS


def date_range(since: str | None, until: str | None,
               names: tuple[str, str] = ("--since", "--until")) -> tuple[int | None, int | None]:
    """(start_time, end_time) in milliseconds, both included (None where not given);
    RangeError when one is not a date or the range ends before it starts."""
    start = instant_ms(since, names[0], end=False) if since and since.strip() else None
    stop = instant_ms(until, names[1], end=True) if until and until.strip() else None
    if start is not None and stop is not None and stop < start:
        raise RangeError(f"{names[1]} is before {names[0]}; choose the range again")
    return start, stop
