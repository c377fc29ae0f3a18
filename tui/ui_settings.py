"""The TUI's own preferences, kept between runs in ``settings.toml`` beside profiles.toml.

Only display choices live here (never a secret): the balances columns the user hid with
the column chooser, and whether times show in local time or UTC. A missing or unreadable
file means the defaults; a write that fails leaves the old file and is reported by the
caller as one line (the choice still holds for the session).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from tui.paths import AppPaths, app_paths, describe_os_error

__all__ = ["UiSettings", "settings_file", "load_ui_settings", "save_ui_settings",
           "update_ui_settings"]

TIME_ZONES = ("utc", "local")
"""How the TUI shows a time: in UTC or in the machine's local time zone."""


@dataclass(frozen=True)
class UiSettings:
    """Display preferences: hidden balances columns (by column name) and the time zone
    times are shown in (``utc`` or ``local``; exports always write UTC)."""

    hidden_balance_columns: frozenset[str] = field(default_factory=frozenset)
    time_zone: str = "utc"


def settings_file(paths: AppPaths | None = None) -> Path:
    """Where the preferences live."""
    return (paths or app_paths()).config_dir / "settings.toml"


def load_ui_settings(paths: AppPaths | None = None) -> UiSettings:
    """The saved preferences; the defaults where the file is missing or unreadable, and
    for any value that is not one coinsole knows."""
    try:
        data = tomllib.loads(settings_file(paths).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return UiSettings()
    tui = data.get("tui") if isinstance(data.get("tui"), dict) else {}
    hidden = tui.get("hidden_balance_columns", [])
    zone = tui.get("time_zone", "utc")
    return UiSettings(
        hidden_balance_columns=frozenset(h for h in hidden if isinstance(h, str))
        if isinstance(hidden, list) else frozenset(),
        time_zone=zone if zone in TIME_ZONES else "utc",
    )


def save_ui_settings(settings: UiSettings, paths: AppPaths | None = None) -> None:
    """Write the preferences atomically; raises OSError with a one-line message (the
    old file is kept) when it cannot."""
    import tempfile

    import tomli_w

    paths = paths or app_paths()
    target = settings_file(paths)
    text = tomli_w.dumps({"tui": {
        "hidden_balance_columns": sorted(settings.hidden_balance_columns),
        "time_zone": settings.time_zone,
    }})
    try:
        directory = paths.ensure(paths.config_dir)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".settings-", suffix=".tmp")
    except OSError as exc:
        raise OSError(describe_os_error(exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None:
            exc.filename = str(target)
        raise OSError(describe_os_error(exc)) from None


def update_ui_settings(paths: AppPaths | None = None, **changes: object) -> UiSettings:
    """Load, change the named fields, save; returns the new preferences."""
    settings = replace(load_ui_settings(paths), **changes)  # type: ignore[arg-type]
    save_ui_settings(settings, paths)
    return settings
