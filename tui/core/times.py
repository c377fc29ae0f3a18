"""Times as coinsole writes them: exports and the CLI in ISO 8601 UTC; the TUI's screens
in the display zone the user chose (UTC by default, or local time: ``--time local`` or
``time_zone = "local"`` in settings.toml)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["iso_time_ms", "set_display_zone", "display_zone", "display_time",
           "zone_label", "utc_clock"]

ZONES = ("utc", "local")
_zone = "utc"


def iso_time_ms(value: int | None) -> str:
    """ISO 8601 in UTC with milliseconds (``2026-12-05T23:44:08.123Z``) for a millisecond
    epoch time, as CSV exports and the CLI write times ("" for None)."""
    if value is None:
        return ""
    ms = int(value)
    return utc_clock(ms // 1000, "T") + f".{ms % 1000:03d}Z"


def utc_clock(seconds: int, between: str = " ") -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC for ``seconds`` (epoch), ``between`` the date and
    the time; strftime once a day, so 100,000 times format fast."""
    day, second = divmod(seconds, 86_400)
    date = _DATES.get(day)
    if date is None:
        date = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")
        if len(_DATES) < 10_000:
            _DATES[day] = date
    hour, second = divmod(second, 3600)
    return f"{date}{between}{hour:02d}:{second // 60:02d}:{second % 60:02d}"


_DATES: dict[int, str] = {}
"""``YYYY-MM-DD`` by day number (UTC), for :func:`utc_clock`."""


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
