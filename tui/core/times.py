"""Times as coinsole writes them: exports and the CLI in ISO 8601 UTC; the TUI's screens
in the display zone the user chose (UTC by default, or local time: ``--time local`` or
``time_zone = "local"`` in settings.toml)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["iso_time_ms", "set_display_zone", "display_zone", "display_time",
           "zone_label"]

ZONES = ("utc", "local")
_zone = "utc"


def iso_time_ms(value: int | None) -> str:
    """ISO 8601 in UTC with milliseconds (``2026-12-05T23:44:08.123Z``) for a millisecond
    epoch time, as CSV exports and the CLI write times ("" for None)."""
    if value is None:
        return ""
    ms = int(value)
    stamp = datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{ms % 1000:03d}Z"


def set_display_zone(zone: str) -> None:
    """Show the TUI's times in ``zone``: ``utc`` or ``local`` (ValueError otherwise)."""
    global _zone
    if zone not in ZONES:
        raise ValueError(f"time zone must be one of {', '.join(ZONES)}, not {zone!r}")
    _zone = zone


def display_zone() -> str:
    """The zone the TUI shows times in now: ``utc`` or ``local``."""
    return _zone


def display_time(seconds: int, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """``seconds`` (epoch) formatted with ``fmt`` in the display zone."""
    parts = time.localtime(seconds) if _zone == "local" else time.gmtime(seconds)
    return time.strftime(fmt, parts)


def zone_label() -> str:
    """How a column header names the display zone: ``UTC`` or ``local``."""
    return "local" if _zone == "local" else "UTC"
