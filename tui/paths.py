"""Where coinsole keeps its state.

Everything (config, vault, journal, caches) lives in the platformdirs directories for
``coinsole``, or all under ``$COINSOLE_HOME`` when that is set, so a test or a second
installation can keep its state apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["AppPaths", "app_paths"]

APP_NAME = "coinsole"


@dataclass(frozen=True)
class AppPaths:
    """The directories coinsole writes to; created on demand with owner-only access."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def profiles_file(self) -> Path:
        """The TOML file holding every profile's non-secret settings."""
        return self.config_dir / "profiles.toml"

    def ensure(self, directory: Path) -> Path:
        """Create ``directory`` (mode 0700) if needed and return it."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return directory


def app_paths() -> AppPaths:
    """The paths in force now: under ``$COINSOLE_HOME`` if set, else platformdirs'."""
    home = os.environ.get("COINSOLE_HOME")
    if home:
        root = Path(home).expanduser()
        return AppPaths(root / "config", root / "data", root / "cache", root / "log")
    return AppPaths(
        Path(platformdirs.user_config_dir(APP_NAME)),
        Path(platformdirs.user_data_dir(APP_NAME)),
        Path(platformdirs.user_cache_dir(APP_NAME)),
        Path(platformdirs.user_log_dir(APP_NAME)),
    )
