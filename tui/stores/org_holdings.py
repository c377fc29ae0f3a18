"""Org-wide holdings in SQLite: every user's account rows, indexed for the virtual table,
with exact per-coin totals kept up to date as rows merge.

One file per org, ``org-holdings-<org>.sqlite`` in the cache directory, beside
``chainup.sqlite`` (directory 0700, file 0600, WAL). A row is keyed ``(uid, coin, type)``
and keeps its balance as the exact decimal text the venue sent. Each amount column the
view sorts on (total, available, frozen) has a text key that sorts like the number
(:func:`tui.stores.exact.sort_key`) and an index: total's and (coin, total)'s always,
available's and frozen's built the first time the view sorts by them
(:meth:`HoldingsStore.ensure_index`: most desks never do, and a million-row pull then
builds two indexes, not four). Every index ends in the primary key, so rows with equal
amounts keep one order (keyset paging never skips or repeats one).

``coin_totals`` holds, per coin, the available and frozen sums as integers at a per-coin
decimal scale (Python ints of any size, stored as text), adjusted by each row's change in
the same transaction that writes the row: never recomputed, never a float.

``sync_state`` holds where a sync stands (a full pull's cursor, the times), written with
each page, so a restart continues where it stopped.

A file SQLite cannot read is moved aside as ``<name>.corrupt-<time>`` and made afresh (it
is a cache, pulled again).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from tui.paths import app_paths
from tui.stores.exact import ZERO_KEY, parse_keyed, parse_scaled, rescale, to_decimal_exact
from tui.stores.sqlite_file import (SqliteFileStore, StoreCorrupt, StoreError, move_aside,
                                    translate)

__all__ = ["HoldingsStore", "HoldingRow", "CoinTotal", "StoreError", "StoreCorrupt",
           "holdings_path", "AVAILABLE", "FROZEN", "COLUMNS"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
AVAILABLE, FROZEN = 0, 1
"""A row's side: its balance counts as available or as frozen."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS holdings (
    uid           TEXT NOT NULL,
    coin          TEXT NOT NULL,
    type          TEXT NOT NULL,
    id            TEXT NOT NULL,
    show_name     TEXT NOT NULL,
    side          INTEGER NOT NULL,
    balance       TEXT NOT NULL,
    total_key     TEXT NOT NULL,
    available_key TEXT NOT NULL,
    frozen_key    TEXT NOT NULL,
    update_time   INTEGER NOT NULL,
    PRIMARY KEY (uid, coin, type)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS holdings_by_total ON holdings (total_key);
CREATE INDEX IF NOT EXISTS holdings_by_coin ON holdings (coin, total_key);
CREATE TABLE IF NOT EXISTS coin_totals (
    coin      TEXT PRIMARY KEY,
    show_name TEXT NOT NULL,
    scale     INTEGER NOT NULL,
    available TEXT NOT NULL,
    frozen    TEXT NOT NULL,
    rows      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_state (
    name  TEXT PRIMARY KEY,
    value INTEGER
);
"""

COLUMNS = ("uid", "coin", "type", "id", "show_name", "side", "balance", "update_time")
"""The columns a row is read with (:class:`HoldingRow` in this order)."""
_SELECT = ", ".join(COLUMNS)
_UPSERT = (
    "INSERT INTO holdings (uid, coin, type, id, show_name, side, balance, total_key, "
    "available_key, frozen_key, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (uid, coin, type) DO UPDATE SET id = excluded.id, "
    "show_name = excluded.show_name, side = excluded.side, balance = excluded.balance, "
    "total_key = excluded.total_key, available_key = excluded.available_key, "
    "frozen_key = excluded.frozen_key, update_time = excluded.update_time")
_INSERT = _UPSERT.split(" ON CONFLICT")[0]
_SORT_INDEXES = ("holdings_by_total", "holdings_by_available", "holdings_by_frozen",
                 "holdings_by_coin")
ON_DEMAND_INDEXES = {"available_key": "holdings_by_available",
                     "frozen_key": "holdings_by_frozen"}
"""The amount keys indexed only once the view sorts by them (see the module)."""
_LOOKUP_BATCH = 500
"""Uids per ``uid IN (...)`` lookup of the rows a page replaces."""


class HoldingRow(NamedTuple):
    """One account row: ``balance`` is the venue's exact text; ``side`` says whether it
    counts as available (:data:`AVAILABLE`) or frozen (:data:`FROZEN`)."""

    uid: str
    coin: str
    type: str
    id: str
    show_name: str
    side: int
    balance: str
    update_time: int

    @property
    def total(self) -> Decimal:
        """The balance, exactly."""
        return to_decimal_exact(*parse_scaled(self.balance))

    @property
    def available(self) -> Decimal:
        """The balance when the row is on the available side, else 0."""
        return self.total if self.side == AVAILABLE else Decimal(0)

    @property
    def frozen(self) -> Decimal:
        """The balance when the row is on the frozen side, else 0."""
        return self.total if self.side == FROZEN else Decimal(0)


@dataclass(frozen=True)
class CoinTotal:
    """One coin's exact sums over every row of it."""

    coin: str
    show_name: str
    available: Decimal
    frozen: Decimal
    rows: int

    @property
    def total(self) -> Decimal:
        """Available plus frozen, exactly (no bounded context)."""
        return _add(self.available, self.frozen)


def _add(a: Decimal, b: Decimal) -> Decimal:
    """``a + b`` exactly, whatever their digits (through scaled integers)."""
    ta, tb = a.as_tuple(), b.as_tuple()
    scale = max(-ta.exponent, -tb.exponent, 0)  # type: ignore[operator]
    return to_decimal_exact(rescale(_scaled(a), scale) + rescale(_scaled(b), scale), scale)


def _scaled(number: Decimal) -> tuple[int, int]:
    sign, digits, exponent = number.as_tuple()
    value = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exponent >= 0:  # type: ignore[operator]
        return value * 10 ** exponent, 0  # type: ignore[operator]
    return value, -exponent  # type: ignore[operator]


@dataclass
class _Totals:
    """A coin's running sums at ``scale`` decimals (Python ints: no size limit)."""

    show_name: str
    scale: int = 0
    available: int = 0
    frozen: int = 0
    rows: int = 0
    touched: bool = field(default=False, compare=False)

    def add(self, side: int, amount: tuple[int, int], sign: int, *, rows: int = 1) -> None:
        """Add (``sign`` +1) or take away (-1) ``amount`` on ``side``, for ``rows`` rows."""
        value, scale = amount
        if scale > self.scale:
            factor = 10 ** (scale - self.scale)
            self.available *= factor
            self.frozen *= factor
            self.scale = scale
        value = sign * value * 10 ** (self.scale - scale)
        if side == FROZEN:
            self.frozen += value
        else:
            self.available += value
        self.rows += sign * rows
        self.touched = True


def holdings_path(org: str, source: str = "chainup") -> Path:
    """The store file of one org: named by a digest of its key (never the key itself)."""
    digest = hashlib.sha256(f"{source}\n{org}".encode()).hexdigest()[:24]
    return app_paths().cache_dir / f"org-holdings-{source}-{digest}.sqlite"


class HoldingsStore(SqliteFileStore):
    """One org's holdings (see the module text). Open with :meth:`open` or :meth:`memory`.

    Methods are safe from any thread, one at a time (a lock); the sync writes from a
    worker thread while the view reads through its own connection (:meth:`reader`).
    Raises :class:`StoreCorrupt` for an unreadable file, :class:`StoreError` otherwise.
    """

    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    WHAT = "the holdings store"

    # -- opening --------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, cache_mb: int = 16) -> HoldingsStore:
        """The store at ``path``, created if missing; an unreadable file is moved aside
        and a fresh one made. ``cache_mb`` is SQLite's page cache."""
        return cls.open_file(path, quarantine, cache_mb=cache_mb)

    @classmethod
    def prepare(cls, connection: sqlite3.Connection, options: dict[str, Any]) -> None:
        """The page cache (``cache_mb``), the schema, and a read of the totals table
        (a file whose tables are not this schema's is unreadable)."""
        connection.execute(f"PRAGMA cache_size=-{options.get('cache_mb', 16) * 1024}")
        super().prepare(connection, options)
        connection.execute("SELECT coin, scale, available FROM coin_totals LIMIT 1").fetchall()

    def reader(self) -> HoldingsStore:
        """A second, read-only connection to the same file (for the view, beside a sync
        writing through this one); the same store when it lives in memory."""
        if self.path is None:
            return self
        try:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                         check_same_thread=False, isolation_level=None,
                                         timeout=5.0)  # float-ok: seconds
            connection.execute("PRAGMA cache_size=-8192")
        except sqlite3.Error as exc:
            raise translate(exc, self.WHAT) from None
        return HoldingsStore(connection, self.path)

    # -- queries for the view -------------------------------------------------------

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """``sql``'s rows (for the view's data source, which builds keyset queries)."""
        return self.run(lambda db: db.execute(sql, args).fetchall())

    def count(self) -> int:
        """How many rows the store holds (from the per-coin counts: no scan)."""
        return sum(total.rows for total in self.totals())

    def row(self, uid: str, coin: str, type_: str) -> HoldingRow | None:
        """One row by its key."""
        found = self.query(f"SELECT {_SELECT} FROM holdings WHERE uid = ? AND coin = ? "
                           "AND type = ?", (uid, coin, type_))
        return HoldingRow(*found[0]) if found else None

    def user_rows(self, uid: str) -> list[HoldingRow]:
        """Every row of user ``uid`` (by the primary key)."""
        return [HoldingRow(*r) for r in self.query(
            f"SELECT {_SELECT} FROM holdings WHERE uid = ? ORDER BY coin, type", (uid,))]

    def totals(self) -> list[CoinTotal]:
        """Every coin's exact sums, by coin."""
        rows = self.query("SELECT coin, show_name, scale, available, frozen, rows "
                          "FROM coin_totals ORDER BY coin")
        result = []
        for coin, show_name, scale, available, frozen, count in rows:
            try:
                result.append(CoinTotal(coin, show_name, to_decimal_exact(int(available), scale),
                                        to_decimal_exact(int(frozen), scale), int(count)))
            except (TypeError, ValueError):
                raise StoreCorrupt("the holdings store holds a total that is not a number") \
                    from None
        return result

    def top_holders(self, coin: str, limit: int = 10) -> list[HoldingRow]:
        """The ``limit`` largest rows of ``coin`` (by the (coin, total) index)."""
        return [HoldingRow(*r) for r in self.query(
            f"SELECT {_SELECT} FROM holdings WHERE coin = ? "
            "ORDER BY total_key DESC, uid DESC, type DESC LIMIT ?", (coin, limit))]

    def sync_state(self) -> dict[str, int | None]:
        """Where the sync stands: name -> value (see :mod:`tui.venues.chainup_org_sync`)."""
        return dict(self.query("SELECT name, value FROM sync_state"))

    # -- writing --------------------------------------------------------------------

    def merge(self, rows: Iterable[HoldingRow], state: dict[str, int | None], *,
              fresh: bool = False) -> int:
        """Upsert ``rows`` (by ``(uid, coin, type)``), adjust every touched coin's totals
        by each row's change, and record ``state``, in one transaction. Returns how many
        rows were written. Raises ``AmountRefused`` (nothing written) for a bad balance.

        ``fresh`` (a first pull): the rows are most likely new, so they are inserted
        without first reading the rows they replace; if any key already exists the page
        is rolled back to a savepoint and merged the usual way, so totals stay exact."""
        batch = list(rows)
        amounts = []
        values = []
        for row in batch:
            amount, key = parse_keyed(row.balance)
            amounts.append(amount)
            side = row.side
            values.append((*row[:7], key, key if side == AVAILABLE else ZERO_KEY,
                           key if side == FROZEN else ZERO_KEY, row.update_time))

        def write(db: sqlite3.Connection) -> None:
            totals = self._load_totals(db)
            old = _insert_new(db, values) if fresh else None
            if old is not None:  # every row was new and came once: sum them by coin
                _add_new(totals, batch, amounts)
                old = {}
                batch_left: list[HoldingRow] = []
            else:
                old = _old_rows(db, batch)
                db.executemany(_UPSERT, values)
                batch_left = batch
            for row, amount in zip(batch_left, amounts):
                before = old.pop((row.uid, row.coin, row.type), None)
                if before is not None:
                    previous_coin = totals[row.coin]
                    previous_coin.add(before[0], parse_scaled(before[1]), -1)
                entry = totals.get(row.coin)
                if entry is None:
                    entry = totals[row.coin] = _Totals(row.show_name)
                entry.show_name = row.show_name
                entry.add(row.side, amount, +1)
                # a row repeated within the page replaces its own earlier copy
                old[(row.uid, row.coin, row.type)] = (row.side, row.balance)
            db.executemany(
                "INSERT INTO coin_totals (coin, show_name, scale, available, frozen, rows) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (coin) DO UPDATE SET "
                "show_name = excluded.show_name, scale = excluded.scale, "
                "available = excluded.available, frozen = excluded.frozen, rows = excluded.rows",
                [(coin, t.show_name, t.scale, str(t.available), str(t.frozen), t.rows)
                 for coin, t in totals.items() if t.touched])
            _write_state(db, state)

        self._transaction(write)
        return len(batch)

    def begin_bulk(self) -> None:
        """Before a first full pull into an empty store: drop the sort indexes (rows go
        in by key alone, several times faster) and checkpoint the journal less often;
        :meth:`end_bulk` builds them once at the end. Recorded as ``bulk`` in the sync
        state, so an interrupted pull still ends with the indexes built."""

        def write(db: sqlite3.Connection) -> None:
            for name in _SORT_INDEXES:
                db.execute(f"DROP INDEX IF EXISTS {name}")
            _write_state(db, {"bulk": 1})

        self._transaction(write)
        self.run(lambda db: db.execute("PRAGMA wal_autocheckpoint=20000"))

    def end_bulk(self) -> None:
        """Build the sort indexes (each one sort of the table) and leave bulk mode."""

        def write(db: sqlite3.Connection) -> None:
            for statement in _SCHEMA.split(";"):
                if "CREATE INDEX" in statement:
                    db.execute(statement)
            _write_state(db, {"bulk": 0})

        self._transaction(write)
        self.run(lambda db: db.execute("PRAGMA wal_autocheckpoint=1000"))

    def ensure_index(self, key: str) -> bool:
        """Build the index of amount key ``key`` (``available_key`` or ``frozen_key``)
        unless it is there (about a second a million rows). Returns whether it is there
        now: not during a first pull's bulk mode, when writes go in without indexes."""
        name = ON_DEMAND_INDEXES[key]

        def write(db: sqlite3.Connection) -> None:
            db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON holdings ({key})")

        if self.has_index(name):
            return True
        if self.sync_state().get("bulk"):
            return False
        self._transaction(write)
        return True

    def has_index(self, name: str) -> bool:
        """Whether index ``name`` exists."""
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                               (name,)))

    def set_state(self, state: dict[str, int | None]) -> None:
        """Record ``state`` alone."""
        self._transaction(lambda db: _write_state(db, state))

    def clear(self) -> None:
        """Forget every row, total and sync state."""

        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM holdings")
            db.execute("DELETE FROM coin_totals")
            db.execute("DELETE FROM sync_state")

        self._transaction(write)

    # -- plumbing -------------------------------------------------------------------

    def _load_totals(self, db: sqlite3.Connection) -> dict[str, _Totals]:
        """The running totals, read inside the write transaction (a few rows: one per
        coin), so another process's writes, or a :meth:`clear`, are always seen."""
        loaded = {}
        for coin, show_name, scale, available, frozen, rows in db.execute(
                "SELECT coin, show_name, scale, available, frozen, rows FROM coin_totals"):
            try:
                loaded[coin] = _Totals(show_name, int(scale), int(available), int(frozen),
                                       int(rows))
            except (TypeError, ValueError):
                raise StoreCorrupt("the holdings store holds a total that is not a number") \
                    from None
        return loaded

def _add_new(totals: dict[str, _Totals], batch: list[HoldingRow],
             amounts: list[tuple[int, int]]) -> None:
    """Add rows that are all new to ``totals``: summed per coin, side and scale first
    (one dict update a row), then once into each coin's totals."""
    sums: dict[tuple[str, int, int], list[int]] = {}
    names: dict[str, str] = {}
    for row, (value, scale) in zip(batch, amounts):
        group = sums.get((row.coin, row.side, scale))
        if group is None:
            sums[(row.coin, row.side, scale)] = [value, 1]
        else:
            group[0] += value
            group[1] += 1
        names[row.coin] = row.show_name
    for (coin, side, scale), (value, count) in sums.items():
        entry = totals.get(coin)
        if entry is None:
            entry = totals[coin] = _Totals(names[coin])
        entry.add(side, (value, scale), +1, rows=count)
    for coin, name in names.items():
        totals[coin].show_name = name


def _insert_new(db: sqlite3.Connection,
                values: list[tuple[Any, ...]]) -> dict[tuple[str, str, str], tuple[int, str]] | None:
    """Insert rows none of which may exist yet: ``{}`` (nothing replaced) when that held,
    None (nothing written) when a key was already there or came twice."""
    db.execute("SAVEPOINT fresh_rows")
    try:
        db.executemany(_INSERT, values)
    except sqlite3.IntegrityError:
        db.execute("ROLLBACK TO fresh_rows")
        db.execute("RELEASE fresh_rows")
        return None
    db.execute("RELEASE fresh_rows")
    return {}


def _old_rows(db: sqlite3.Connection,
              batch: list[HoldingRow]) -> dict[tuple[str, str, str], tuple[int, str]]:
    """The stored side and balance of every row ``batch`` replaces (read by uid, the
    primary key's prefix, then matched here)."""
    wanted = {(row.uid, row.coin, row.type) for row in batch}
    uids = sorted({row.uid for row in batch})
    found: dict[tuple[str, str, str], tuple[int, str]] = {}
    for start in range(0, len(uids), _LOOKUP_BATCH):
        part = uids[start:start + _LOOKUP_BATCH]
        marks = ", ".join("?" for _ in part)
        for uid, coin, type_, side, balance in db.execute(
                f"SELECT uid, coin, type, side, balance FROM holdings WHERE uid IN ({marks})",
                part):
            if (uid, coin, type_) in wanted:
                found[(uid, coin, type_)] = (side, balance)
    return found


def _write_state(db: sqlite3.Connection, state: dict[str, int | None]) -> None:
    db.executemany("INSERT INTO sync_state (name, value) VALUES (?, ?) ON CONFLICT (name) "
                   "DO UPDATE SET value = excluded.value", list(state.items()))


def quarantine(path: Path) -> Path:
    """Move an unreadable store (and its ``-wal``/``-shm``) aside as
    ``<name>.corrupt-<time>``; returns the new name of the main file."""
    target = move_aside(path)
    log.warning("holdings store %s was unreadable; moved aside to %s", path.name, target.name)
    return target
