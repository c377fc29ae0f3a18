"""Where coinsole keeps its state.

Everything (config, vault, journal, caches) lives in the platformdirs directories for
``coinsole``, or all under ``$COINSOLE_HOME`` when that is set, so a test or a second
installation can keep its state apart.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["AppPaths", "app_paths", "describe_os_error", "not_a_directory"]

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

    def blocked(self) -> Path | None:
        """The file standing where one of coinsole's directories (or a parent of one)
        belongs, e.g. ``$COINSOLE_HOME`` set to a file; None when there is none."""
        for directory in (self.config_dir, self.data_dir, self.cache_dir):
            found = not_a_directory(directory)
            if found is not None:
                return found
        return None


def not_a_directory(directory: Path) -> Path | None:
    """The nearest existing path at or above ``directory`` when it is not a directory
    (so ``directory`` can never be created); None otherwise."""
    for candidate in (directory, *directory.parents):
        try:
            if candidate.exists():
                return None if candidate.is_dir() else candidate
        except OSError:
            return None
    return None


_OS_HINTS = {
    errno.ENOSPC: "free some disk space and try again",
    errno.EDQUOT: "free some disk space and try again",
    errno.EACCES: "check that you own it and may read and write it",
    errno.EPERM: "check that you own it and may read and write it",
    errno.EROFS: "the disk is read-only; point COINSOLE_HOME at a writable directory",
    errno.ENOTDIR: "a file stands where a directory belongs; move it away or point "
                   "COINSOLE_HOME at a directory",
    errno.EISDIR: "a directory stands where a file belongs; move it away",
}


def describe_os_error(exc: OSError) -> str:
    """One line for a failed file operation: the file, what went wrong, and what to do."""
    where = exc.filename if exc.filename is not None else "a local file"
    what = exc.strerror or exc.__class__.__name__
    hint = _OS_HINTS.get(exc.errno or 0, "check the file and its directory, then try again")
    return f"cannot use {where}: {what}; {hint}"


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
