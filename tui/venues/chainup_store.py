"""The ChainUp org snapshot on disk, so a restart needs only the incremental call.

One SQLite file, ``chainup.sqlite`` in the cache directory (``app_paths().cache_dir``,
so under ``$COINSOLE_HOME`` when set): directory 0700, file 0600, WAL journal. It holds,
per org, the account rows exactly as the venue sent them (``balance`` as TEXT: the exact
decimal string) and three times that say how fresh they are.

An org is named by :func:`org_key`, a SHA-256 over the base URL and the ``appKey``: the
file never holds a key or a secret. Rows are indexed by (org, uid) and (org, coin), so one
user's rows or one coin's rows are read without loading the org; :meth:`ChainupStore.iter_rows`
streams the org from a cursor for totals.

The file is a cache: one that SQLite cannot read is moved aside as
``chainup.sqlite.corrupt-<time>`` and a fresh one takes its place.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.core.money import plain, to_decimal
from tui.paths import app_paths
from tui.stores.sqlite_file import SqliteFileStore, StoreCorrupt, StoreError, move_aside

__all__ = [
    "FILE_NAME",
    "ChainupStore",
    "OrgMeta",
    "Snapshot",
    "StoreCorrupt",
    "StoreError",
    "default_path",
    "org_key",
]

log = logging.getLogger(__name__)

FILE_NAME = "chainup.sqlite"
SCHEMA_VERSION = 1
"""The schema this code writes; stored in ``PRAGMA user_version``."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    org_key     TEXT NOT NULL,
    id          TEXT NOT NULL,
    uid         TEXT NOT NULL,
    coin        TEXT NOT NULL,
    show_name   TEXT NOT NULL,
    type        TEXT NOT NULL,
    balance     TEXT NOT NULL,
    update_time INTEGER NOT NULL,
    PRIMARY KEY (org_key, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS accounts_by_uid ON accounts (org_key, uid);
CREATE INDEX IF NOT EXISTS accounts_by_coin ON accounts (org_key, coin);
CREATE TABLE IF NOT EXISTS orgs (
    org_key          TEXT PRIMARY KEY,
    newest_update_ms INTEGER NOT NULL,
    full_pull_ms     INTEGER NOT NULL,
    synced_ms        INTEGER NOT NULL
);
"""

_COLUMNS = "id, uid, coin, show_name, type, balance, update_time"
_UPSERT = (
    f"INSERT INTO accounts (org_key, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (org_key, id) DO UPDATE SET uid = excluded.uid, coin = excluded.coin, "
    "show_name = excluded.show_name, type = excluded.type, balance = excluded.balance, "
    "update_time = excluded.update_time"
)
CHUNK = 5_000
"""Rows read per query when streaming an org."""
# Without statistics SQLite would search the primary key by org alone; name the index.
USER_ROWS_SQL = (f"SELECT {_COLUMNS} FROM accounts INDEXED BY accounts_by_uid "
                 "WHERE org_key = ? AND uid = ? ORDER BY id")
COIN_ROWS_SQL = (f"SELECT {_COLUMNS} FROM accounts INDEXED BY accounts_by_coin "
                 "WHERE org_key = ? AND coin = ? ORDER BY id")


@dataclass(frozen=True)
class OrgMeta:
    """How fresh one org's rows are; every time is the venue's clock in ms.

    ``newest_update_ms`` is the newest ``updateTime`` among the rows; ``full_pull_ms`` is
    when the last full pull began and ``synced_ms`` when the last sync (full or
    incremental) began: a sync is only as fresh as its start, so they are equal when the
    last sync was the full pull.
    """

    newest_update_ms: int
    full_pull_ms: int
    synced_ms: int


@dataclass(frozen=True)
class Snapshot:
    """One org's rows (as :meth:`ChainupStore.load` gives them) and its :class:`OrgMeta`."""

    meta: OrgMeta
    rows: list[dict[str, str]]


def org_key(base_url: str, app_key: str) -> str:
    """The name of an org in the store: hex SHA-256 of its base URL and ``appKey``.

    Only the digest is stored, never the key (and the secret plays no part)."""
    text = f"{base_url.rstrip('/')}\n{app_key}"
    return hashlib.sha256(text.encode()).hexdigest()


def default_path() -> Path:
    """``chainup.sqlite`` in the cache directory (under ``$COINSOLE_HOME`` when set)."""
    return app_paths().cache_dir / FILE_NAME


class ChainupStore(SqliteFileStore):
    """ChainUp account rows per org in SQLite, with the times that say how fresh they are.

    Open with :meth:`open` (a file; an unreadable one is moved aside) or :meth:`memory`
    (nothing on disk). Every method is safe to call from any thread, one at a time (a
    lock serialises them), so an adapter can run the heavy ones in a worker thread.
    Methods raise :class:`StoreCorrupt` when the file turns out unreadable and
    :class:`StoreError` for any other SQLite failure.
    """

    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    WHAT = "the ChainUp cache"

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> ChainupStore:
        """The store at ``path`` (default :func:`default_path`), created if missing.

        The directory is made 0700 and the file 0600; the journal is WAL. A file SQLite
        cannot read (or one written by another schema version) is moved aside as
        ``<name>.corrupt-<time>`` and a fresh file is created. Raises :class:`StoreError`
        (or ``OSError``) when even a fresh file cannot be made."""
        return cls.open_file(path or default_path(), quarantine)

    # -- reading --------------------------------------------------------------------

    def meta(self, org: str) -> OrgMeta | None:
        """``org``'s freshness, or None when the store has no snapshot of it."""
        row = self.run(lambda db: db.execute(
            "SELECT newest_update_ms, full_pull_ms, synced_ms FROM orgs WHERE org_key = ?",
            (org,)).fetchone())
        if row is None:
            return None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in row):
            raise StoreCorrupt("the ChainUp cache holds times that are not whole numbers")
        return OrgMeta(*row)

    def load(self, org: str) -> Snapshot | None:
        """Every row of ``org`` and its meta, or None without a snapshot.

        Loads the whole org into memory: for a large org read :meth:`user_rows` or
        stream :meth:`iter_rows` instead."""
        meta = self.meta(org)
        if meta is None:
            return None
        return Snapshot(meta, list(self.iter_rows(org)))

    def user_rows(self, org: str, uid: str) -> list[dict[str, str]]:
        """The rows of user ``uid`` in ``org`` (read through the (org, uid) index)."""
        return self.run(lambda db: [_row_dict(r) for r in db.execute(USER_ROWS_SQL,
                                                                      (org, uid))])

    def coin_rows(self, org: str, coin: str) -> list[dict[str, str]]:
        """The rows of ``coin`` (the venue's ``coin`` field) in ``org``, by the (org, coin)
        index, in id order."""
        return self.run(lambda db: [_row_dict(r) for r in db.execute(COIN_ROWS_SQL,
                                                                      (org, coin))])

    def iter_rows(self, org: str, *, by_uid: bool = False) -> Iterator[dict[str, str]]:
        """Stream ``org``'s rows (ordered by uid when ``by_uid``, else by id) in chunks of
        :data:`CHUNK` read by key, so the org is never held in memory at once and the
        store is free between chunks."""
        if by_uid:
            query = (f"SELECT {_COLUMNS} FROM accounts WHERE org_key = ? AND (uid, id) > (?, ?) "
                     "ORDER BY uid, id LIMIT ?")
        else:
            query = (f"SELECT {_COLUMNS} FROM accounts WHERE org_key = ? AND id > ? "
                     "ORDER BY id LIMIT ?")
        after: tuple[str, ...] = ("", "") if by_uid else ("",)
        while True:
            args = (org, *after, CHUNK)
            chunk = self.run(lambda db: db.execute(query, args).fetchall())
            for row in chunk:
                yield _row_dict(row)
            if len(chunk) < CHUNK:
                return
            last = chunk[-1]
            after = (last[1], last[0]) if by_uid else (last[0],)

    def count(self, org: str) -> int:
        """How many rows ``org`` has."""
        return self.run(lambda db: db.execute(
            "SELECT COUNT(*) FROM accounts WHERE org_key = ?", (org,)).fetchone()[0])

    # -- writing --------------------------------------------------------------------

    def replace_all(self, org: str, rows: Iterable[dict[str, Any]], meta: OrgMeta) -> None:
        """Make ``rows`` the whole of ``org`` (after a full pull), in one transaction."""
        values = [_row_values(org, row) for row in rows]

        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM accounts WHERE org_key = ?", (org,))
            db.executemany(_UPSERT, values)
            _write_meta(db, org, meta)

        self._transaction(write)

    def upsert(self, org: str, rows: Iterable[dict[str, Any]], meta: OrgMeta) -> None:
        """Merge ``rows`` into ``org`` by account id (after an incremental sync) and set
        its meta, in one transaction."""
        values = [_row_values(org, row) for row in rows]

        def write(db: sqlite3.Connection) -> None:
            db.executemany(_UPSERT, values)
            _write_meta(db, org, meta)

        self._transaction(write)

    def clear(self, org: str) -> None:
        """Forget ``org``: its rows and its meta."""

        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM accounts WHERE org_key = ?", (org,))
            db.execute("DELETE FROM orgs WHERE org_key = ?", (org,))

        self._transaction(write)


def quarantine(path: Path) -> Path:
    """Move an unreadable store (and its ``-wal``/``-shm`` files) aside as
    ``<name>.corrupt-<time>``; returns the new name of the main file."""
    target = move_aside(path)
    log.warning("chainup cache %s was unreadable; moved aside to %s", path, target.name)
    return target


def _write_meta(db: sqlite3.Connection, org: str, meta: OrgMeta) -> None:
    db.execute(
        "INSERT INTO orgs (org_key, newest_update_ms, full_pull_ms, synced_ms) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (org_key) DO UPDATE SET "
        "newest_update_ms = excluded.newest_update_ms, full_pull_ms = excluded.full_pull_ms, "
        "synced_ms = excluded.synced_ms",
        (org, meta.newest_update_ms, meta.full_pull_ms, meta.synced_ms))


def _row_values(org: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """A venue row as stored: every field as the text the venue sent, ``updateTime`` as
    an integer. The balance must be an exact decimal (checked, then kept as sent)."""
    balance = _text(row["balance"])
    to_decimal(balance)
    coin = _text(row.get("coin", row.get("showName", "")))
    show_name = _text(row.get("showName", coin))
    return (org, _text(row["id"]), _text(row["uid"]), coin, show_name, _text(row["type"]),
            balance, int(_text(row["updateTime"])))


_MAX_BALANCE_TEXT = 100
_MAX_BALANCE_DIGITS = 40
"""A stored balance is held to the bounds the venue layer puts on a wire amount: at most
100 characters, under 10**40, at most 40 decimals."""


def _row_dict(row: tuple[Any, ...]) -> dict[str, str]:
    """A stored row as the venue sent it; :class:`StoreCorrupt` when the file holds
    something coinsole never writes (a balance that is not a sane exact decimal, a
    field that is not text, an update time that is not a whole number), so the cache
    is moved aside and pulled again."""
    id_, uid, coin, show_name, type_, balance, update_time = row
    if not all(isinstance(v, str) for v in (id_, uid, coin, show_name, type_, balance)) \
            or isinstance(update_time, bool) or not isinstance(update_time, int):
        raise StoreCorrupt("the ChainUp cache holds a row of the wrong shape")
    try:
        if len(balance) > _MAX_BALANCE_TEXT:
            raise ValueError("too long")
        amount = to_decimal(balance)
    except ValueError:
        raise StoreCorrupt("the ChainUp cache holds a balance that is not a number") from None
    if (amount and amount.adjusted() >= _MAX_BALANCE_DIGITS) or \
            -amount.as_tuple().exponent > _MAX_BALANCE_DIGITS:  # type: ignore[operator]
        raise StoreCorrupt("the ChainUp cache holds an absurd balance")
    return {"id": id_, "uid": uid, "coin": coin, "showName": show_name, "type": type_,
            "balance": balance, "updateTime": str(update_time)}


def _text(value: Any) -> str:
    """A wire value as text: strings as sent, Decimals in plain digits, ints as digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or isinstance(value, float) or value is None:
        raise ValueError(f"unexpected ChainUp field value {value!r}")
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, int):
        return str(value)
    raise ValueError(f"unexpected ChainUp field value {type(value).__name__}")
