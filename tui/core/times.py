"""Times as coinsole writes them: exports and the CLI in ISO 8601 UTC."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["iso_time_ms"]


def iso_time_ms(value: int | None) -> str:
    """ISO 8601 in UTC with milliseconds (``2026-12-05T23:44:08.123Z``) for a millisecond
    epoch time, as CSV exports and the CLI write times ("" for None)."""
    if value is None:
        return ""
    ms = int(value)
    day, second = divmod(ms // 1000, 86_400)
    date = _DATES.get(day)
    if date is None:  # strftime once a day: a long export formats fast
        date = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")
        if len(_DATES) < 10_000:
            _DATES[day] = date
    hour, second = divmod(second, 3600)
    return f"{date}T{hour:02d}:{second // 60:02d}:{second % 60:02d}.{ms % 1000:03d}Z"


_DATES: dict[int, str] = {}
"""``YYYY-MM-DD`` by day number (UTC), for :func:`iso_time_ms`."""
