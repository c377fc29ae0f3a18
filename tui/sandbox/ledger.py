"""The one SQLite ledger behind every simulated venue.

Accounts are keyed by venue, user, account type, sub-account index and coin; each holds
``available``, ``frozen`` and ``lockup`` amounts stored as exact decimal TEXT (never REAL),
and the millisecond time it last changed. API keys and named sub-accounts live here too, so
a sandbox started on a file keeps its state between runs.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from tui.core.money import exact_sum, plain

__all__ = ["ApiKey", "AccountRow", "SubAccount", "Ledger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    venue   TEXT NOT NULL,
    api_key TEXT NOT NULL,
    secret  TEXT NOT NULL,
    owner   TEXT NOT NULL,
    PRIMARY KEY (venue, api_key)
);
CREATE TABLE IF NOT EXISTS accounts (
    id            INTEGER PRIMARY KEY,
    venue         TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    account_type  TEXT NOT NULL,
    account_index INTEGER NOT NULL DEFAULT 0,
    coin          TEXT NOT NULL,
    available     TEXT NOT NULL DEFAULT '0',
    frozen        TEXT NOT NULL DEFAULT '0',
    lockup        TEXT NOT NULL DEFAULT '0',
    updated_ms    INTEGER NOT NULL,
    UNIQUE (venue, user_id, account_type, account_index, coin)
);
CREATE INDEX IF NOT EXISTS accounts_by_update ON accounts (venue, updated_ms, id);
CREATE TABLE IF NOT EXISTS sub_accounts (
    venue         TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    account_type  TEXT NOT NULL,
    account_index INTEGER NOT NULL,
    account_id    TEXT NOT NULL,
    name          TEXT NOT NULL,
    PRIMARY KEY (venue, user_id, account_type, account_index)
);
"""

_ACCOUNT_COLUMNS = ("id, venue, user_id, account_type, account_index, coin, "
                    "available, frozen, lockup, updated_ms")


@dataclass(frozen=True)
class ApiKey:
    """A venue credential the sandbox accepts; ``owner`` is the user or org it acts for."""

    venue: str
    api_key: str
    secret: str
    owner: str


@dataclass(frozen=True)
class AccountRow:
    """One coin in one account: the ledger's unit of money.

    ``account_type`` is the venue's own word for the account (``"assets"``, ``"spot"``,
    a ChainUp type string such as ``"201106"``, a BHEX account type ``"1"``); ``lockup``
    is money locked up (BHEX's ``position``), distinct from order/withdrawal ``frozen``.
    ``id`` is ``None`` until the row is stored.
    """

    venue: str
    user_id: str
    account_type: str
    coin: str
    available: Decimal
    updated_ms: int
    frozen: Decimal = Decimal(0)
    lockup: Decimal = Decimal(0)
    account_index: int = 0
    id: int | None = None

    @property
    def total(self) -> Decimal:
        """Available + frozen + locked up, exactly."""
        return exact_sum((self.available, self.frozen, self.lockup))


@dataclass(frozen=True)
class SubAccount:
    """A named account of a user (BHEX's account list): type, index, id and name."""

    venue: str
    user_id: str
    account_type: str
    account_index: int
    account_id: str
    name: str


class Ledger:
    """SQLite storage for keys, accounts and sub-accounts, safe to share between threads.

    ``path`` ``None`` keeps everything in a private in-memory database.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:" if path is None else os.fspath(path),
                                   check_same_thread=False, isolation_level=None)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def add_schema(self, script: str) -> None:
        """Create further tables (``CREATE ... IF NOT EXISTS`` statements)."""
        with self._lock:
            self._db.executescript(script)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the ledger for one ``BEGIN IMMEDIATE`` transaction: committed when the
        block ends, rolled back when it raises. Ledger methods must not be called inside
        (the lock is not re-entrant); use the connection given."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def is_empty(self) -> bool:
        """Whether no key has been stored yet (a fresh database)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM api_keys LIMIT 1").fetchone() is None

    # -- keys ---------------------------------------------------------------------

    def add_key(self, key: ApiKey) -> None:
        """Store (or replace) a credential."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO api_keys (venue, api_key, secret, owner) "
                "VALUES (?, ?, ?, ?)", (key.venue, key.api_key, key.secret, key.owner))

    def find_key(self, venue: str, api_key: str) -> ApiKey | None:
        """The credential ``api_key`` at ``venue``, or None when the venue does not know it."""
        with self._lock:
            row = self._db.execute(
                "SELECT venue, api_key, secret, owner FROM api_keys WHERE venue = ? AND api_key = ?",
                (venue, api_key)).fetchone()
        return ApiKey(*row) if row else None

    # -- accounts -----------------------------------------------------------------

    def insert_accounts(self, rows: Iterable[AccountRow]) -> None:
        """Store new account rows in one transaction (a row's ``id`` is kept when given)."""
        values = [(r.id, r.venue, r.user_id, r.account_type, r.account_index, r.coin,
                   plain(r.available), plain(r.frozen), plain(r.lockup), r.updated_ms)
                  for r in rows]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    f"INSERT INTO accounts ({_ACCOUNT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    values)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def accounts(self, venue: str, user_id: str, *, account_type: str | None = None,
                 account_index: int | None = None,
                 coins: Sequence[str] | None = None) -> list[AccountRow]:
        """A user's account rows at ``venue``, optionally narrowed, in id order."""
        sql = f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE venue = ? AND user_id = ?"
        args: list[object] = [venue, user_id]
        if account_type is not None:
            sql += " AND account_type = ?"
            args.append(account_type)
        if account_index is not None:
            sql += " AND account_index = ?"
            args.append(account_index)
        if coins is not None:
            sql += f" AND coin IN ({','.join('?' * len(coins))})"
            args.extend(coins)
        return self._select(sql + " ORDER BY id", args)

    def accounts_after_id(self, venue: str, start_id: int, limit: int) -> list[AccountRow]:
        """Up to ``limit`` rows at ``venue`` with ``id > start_id``, in id order."""
        return self._select(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE venue = ? AND id > ? "
            "ORDER BY id LIMIT ?", (venue, start_id, limit))

    def holdings_page(self, venue: str, coin: str, *, below_id: int | None,
                      above_id: int | None, limit: int) -> list[AccountRow]:
        """Up to ``limit`` rows of ``coin`` at ``venue`` with ``above_id < id < below_id``
        (either bound optional), newest id first: one indexed page, not a scan."""
        sql = f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE venue = ? AND coin = ?"
        args: list[object] = [venue, coin]
        if below_id is not None:
            sql += " AND id < ?"
            args.append(below_id)
        if above_id is not None:
            sql += " AND id > ?"
            args.append(above_id)
        return self._select(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))

    def accounts_updated_after(self, venue: str, after_ms: int) -> list[AccountRow]:
        """Every row at ``venue`` changed strictly after ``after_ms``, by time then id."""
        return self._select(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE venue = ? AND updated_ms > ? "
            "ORDER BY updated_ms, id", (venue, after_ms))

    def _select(self, sql: str, args: Sequence[object]) -> list[AccountRow]:
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [AccountRow(id=i, venue=v, user_id=u, account_type=t, account_index=x, coin=c,
                           available=Decimal(a), frozen=Decimal(f), lockup=Decimal(lk),
                           updated_ms=ms)
                for i, v, u, t, x, c, a, f, lk, ms in rows]

    # -- sub-accounts -------------------------------------------------------------

    def add_sub_accounts(self, subs: Iterable[SubAccount]) -> None:
        """Store named accounts."""
        with self._lock:
            self._db.executemany(
                "INSERT INTO sub_accounts (venue, user_id, account_type, account_index, "
                "account_id, name) VALUES (?, ?, ?, ?, ?, ?)",
                [(s.venue, s.user_id, s.account_type, s.account_index, s.account_id, s.name)
                 for s in subs])

    def sub_accounts(self, venue: str, user_id: str) -> list[SubAccount]:
        """A user's named accounts at ``venue``, by type then index."""
        with self._lock:
            rows = self._db.execute(
                "SELECT venue, user_id, account_type, account_index, account_id, name "
                "FROM sub_accounts WHERE venue = ? AND user_id = ? "
                "ORDER BY CAST(account_type AS INTEGER), account_index",
                (venue, user_id)).fetchall()
        return [SubAccount(*row) for row in rows]
