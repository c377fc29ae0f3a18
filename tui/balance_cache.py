"""The last balances each profile loaded, so the next start can show numbers at once.

When coinsole starts, every profile's balances from its last successful load are shown
straight away, marked as cached, while the live load runs; the live answer replaces them.
Files live in the cache directory (one per profile, mode 0600, written atomically) and
hold balances only: never a key or a secret. Amounts are stored as exact decimal text.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tui.config import Profile
from tui.core.models import Balance
from tui.paths import app_paths

__all__ = ["CachedBalances", "BalanceCache"]

FORMAT = 1


@dataclass(frozen=True)
class CachedBalances:
    """A profile's balances as last loaded, and when (ms since the epoch)."""

    balances: list[Balance]
    saved_at_ms: int

    def age_text(self, now_ms: int | None = None) -> str:
        """How old the balances are, in words: ``just now``, ``5 min ago``, ``2 h ago``."""
        now = int(time.time() * 1000) if now_ms is None else now_ms
        minutes = max(0, now - self.saved_at_ms) // 60_000
        if minutes < 1:
            return "just now"
        if minutes < 120:
            return f"{minutes} min ago"
        hours = minutes // 60
        return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"


class BalanceCache:
    """Reads and writes the cached balances of profiles (``directory``: the cache dir)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    @property
    def directory(self) -> Path:
        """Where the files are."""
        return self._directory or app_paths().cache_dir / "balances"

    def path(self, profile: Profile) -> Path:
        """The file of ``profile``: named by a hash of its settings, so a changed URL or
        user id never shows another account's numbers."""
        identity = "\n".join((profile.name, profile.venue, profile.base_url,
                              profile.user_id or ""))
        return self.directory / f"{hashlib.sha256(identity.encode()).hexdigest()[:32]}.json"

    def load(self, profile: Profile) -> CachedBalances | None:
        """The profile's cached balances, or None (none yet, or unreadable: only speed is
        lost). A damaged file (not JSON, nested too deep, the wrong shape) is moved aside
        as ``<name>.damaged`` and rebuilt by the next :meth:`save`."""
        path = self.path(profile)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError:
            return None
        except (ValueError, RecursionError):
            _move_aside(path)
            return None
        try:
            if not isinstance(data, dict):
                raise TypeError("not an object")
            if data.get("format") != FORMAT or data.get("profile") != profile.name:
                return None
            balances = [Balance.model_validate(record) for record in data["balances"]]
            return CachedBalances(balances, int(data["saved_at_ms"]))
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError,
                RecursionError, ValidationError):
            _move_aside(path)
            return None

    def save(self, profile: Profile, balances: list[Balance],
             saved_at_ms: int | None = None) -> None:
        """Remember ``balances`` as the profile's latest; a failure to write is ignored."""
        record = {
            "format": FORMAT,
            "profile": profile.name,
            "saved_at_ms": int(time.time() * 1000) if saved_at_ms is None else saved_at_ms,
            "balances": [b.model_dump(mode="json") for b in balances],
        }
        try:
            directory = self.directory
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            import tempfile  # only when writing: not on the way to the first frame

            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".balances-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(record, handle, ensure_ascii=False)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path(profile))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return


def _move_aside(path: Path) -> None:
    """Keep a damaged cache file as ``<name>.damaged`` (replacing an older one) so the
    next save starts afresh; a failure to move it only leaves it to be overwritten."""
    try:
        path.replace(path.with_name(path.name + ".damaged"))
    except OSError:
        pass
