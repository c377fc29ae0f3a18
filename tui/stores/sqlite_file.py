"""What coinsole's SQLite cache files share (the ChainUp snapshot, the org holdings): a
file made 0600 in a 0700 directory, WAL, a schema version in ``PRAGMA user_version``,
SQLite errors as :class:`StoreError` / :class:`StoreCorrupt`, one lock around the
connection, ``BEGIN IMMEDIATE`` transactions, and an unreadable file moved aside as
``<name>.corrupt-<time>`` and made afresh (a cache is pulled again).

A store subclasses :class:`SqliteFileStore`, sets ``SCHEMA``, ``SCHEMA_VERSION`` and
``WHAT`` (how its errors name it), and may extend :meth:`SqliteFileStore.prepare`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

__all__ = ["StoreError", "StoreCorrupt", "SqliteFileStore", "move_aside", "translate"]

T = TypeVar("T")
S = TypeVar("S", bound="SqliteFileStore")

_CORRUPT_NAMES = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


class StoreError(Exception):
    """The store could not be read or written (locked, disk full, unreadable)."""


class StoreCorrupt(StoreError):
    """The store's file is not one SQLite (or this schema) can read: move it aside."""


def translate(exc: sqlite3.Error, what: str) -> StoreError:
    """``exc`` as :class:`StoreCorrupt` (an unreadable file) or :class:`StoreError`;
    ``what`` names the store in the message (``"the holdings store"``)."""
    name = getattr(exc, "sqlite_errorname", "")
    text = str(exc)
    if name in _CORRUPT_NAMES or "not a database" in text or "malformed" in text:
        return StoreCorrupt(f"{what} is unreadable ({text})")
    return StoreError(f"{what} failed ({text})")


def move_aside(path: Path) -> Path:
    """Move an unreadable store (and its ``-wal``/``-shm`` files) aside as
    ``<name>.corrupt-<time>``; returns the new name of the main file."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time_ns() % 10**9:09d}"
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(target.with_name(target.name + suffix))
    path.replace(target)
    return target


class SqliteFileStore:
    """A SQLite store on one file (or in memory), its methods serialised by a lock."""

    SCHEMA: ClassVar[str] = ""
    """The ``CREATE ... IF NOT EXISTS`` script."""
    SCHEMA_VERSION: ClassVar[int] = 1
    """The schema this code writes; a file with another (not 0) is unreadable."""
    WHAT: ClassVar[str] = "the store"
    """How error messages name the store."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path
        """The file, or None for a store in memory."""
        self.quarantined: Path | None = None
        """Where an unreadable file found at :meth:`open_file` was moved, if one was."""
        self._lock = threading.RLock()

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open_file(cls: type[S], path: Path, quarantine: Callable[[Path], Path],
                  **options: Any) -> S:
        """The store at ``path``, created if missing (directory 0700, file 0600, WAL);
        an unreadable file is moved aside by ``quarantine`` and a fresh one made.
        ``options`` go to :meth:`prepare`."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)
        try:
            return cls._connect(path, options)
        except StoreCorrupt:
            moved = quarantine(path)
            store = cls._connect(path, options)
            store.quarantined = moved
            return store

    @classmethod
    def memory(cls: type[S]) -> S:
        """A store that lives in memory only (nothing persists past the process)."""
        connection = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        connection.executescript(cls.SCHEMA)
        return cls(connection, None)

    @classmethod
    def prepare(cls, connection: sqlite3.Connection, options: dict[str, Any]) -> None:
        """Set up a file's connection: the schema and its version. Subclasses add pragmas
        and checks."""
        connection.executescript(cls.SCHEMA)
        connection.execute(f"PRAGMA user_version = {cls.SCHEMA_VERSION}")

    @classmethod
    def _connect(cls: type[S], path: Path, options: dict[str, Any]) -> S:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        connection = None
        try:
            connection = sqlite3.connect(path, check_same_thread=False, timeout=5.0,  # float-ok: s
                                         isolation_level=None)
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, cls.SCHEMA_VERSION):
                raise StoreCorrupt(f"{path.name} has schema version {version}")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            cls.prepare(connection, options)
        except sqlite3.Error as exc:
            if connection is not None:
                connection.close()
            raise translate(exc, cls.WHAT) from None
        except StoreCorrupt:
            if connection is not None:
                connection.close()
            raise
        return cls(connection, path)

    def close(self) -> None:
        """Close the connection (the file stays)."""
        with self._lock:
            self._db.close()

    # -- running --------------------------------------------------------------------

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` on the connection under the lock, translating SQLite errors."""
        with self._lock:
            try:
                return work(self._db)
            except sqlite3.Error as exc:
                raise translate(exc, self.WHAT) from None

    def _transaction(self, work: Callable[[sqlite3.Connection], None]) -> None:
        def run(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                work(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        self.run(run)
