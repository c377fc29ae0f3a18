"""The BHEX accounts a user had last time, kept in the cache directory.

BHEX's Org API lists a user's sub-accounts with one call and reports each account's
balances with another, so a cold start needs two round trips in a row. Remembering the
list lets the next start ask for every known account at once, alongside the list itself;
only an account that appeared since costs a second round. The file holds account types,
indexes and names under a hash of the base URL and user id: nothing secret.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from tui.paths import app_paths

__all__ = ["AccountKey", "KnownAccounts"]

AccountKey = tuple[int, int]
"""(account_type, account_index)."""

FILE_NAME = "bhex-accounts.json"


class KnownAccounts:
    """Read and write the remembered account list of one BHEX user at one base URL."""

    def __init__(self, base_url: str, user_id: str, directory: Path | None = None) -> None:
        self._key = hashlib.sha256(f"{base_url}\n{user_id}".encode()).hexdigest()
        self._directory = directory

    @property
    def path(self) -> Path:
        """The cache file (shared by every BHEX profile; one entry each)."""
        return (self._directory or app_paths().cache_dir) / FILE_NAME

    def load(self) -> dict[AccountKey, str]:
        """The accounts remembered for this user (empty when none or unreadable; a
        damaged file is moved aside as ``bhex-accounts.json.damaged``)."""
        entries = self._read().get(self._key, [])
        try:
            return {(int(kind), int(index)): str(name) for kind, index, name in entries}
        except (ValueError, TypeError, OverflowError):
            self._move_aside()
            return {}

    def save(self, accounts: dict[AccountKey, str]) -> None:
        """Remember ``accounts`` for this user; a failure to write only costs speed."""
        try:
            directory = self.path.parent
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            data = self._read()
            data[self._key] = [[kind, index, name] for (kind, index), name in accounts.items()]
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".bhex-accounts-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, ensure_ascii=False)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except (OSError, ValueError, RecursionError):
            return

    def _read(self) -> dict:
        """The whole file as a dict; empty when missing, and when damaged (not JSON,
        nested too deep, not an object) after moving it aside."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except OSError:
            return {}
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            return data
        self._move_aside()
        return {}

    def _move_aside(self) -> None:
        try:
            self.path.replace(self.path.with_name(FILE_NAME + ".damaged"))
        except OSError:
            pass
