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
    stamp = datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{ms % 1000:03d}Z"
