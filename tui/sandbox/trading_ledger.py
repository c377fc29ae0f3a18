"""Orders, fills and contract positions of the simulated BHEX, in the shared ledger DB.

Tables live in the same SQLite connection as the accounts (created here with
:meth:`Ledger.add_schema`), so an order, its fills and the balance moves they cause commit
in one transaction. Amounts are exact decimal TEXT; ids are integers that grow strictly
with insertion, so "newest first" is "highest id first" and records sharing a timestamp
still have one order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from tui.core.money import EXACT, plain
from tui.sandbox.ledger import Ledger

__all__ = ["OrderRow", "FillRow", "PositionRow", "TradingStore", "TradingTxn", "Page",
           "ORDER_ID_BASE", "TRADE_ID_BASE", "POSITION_ID_BASE", "Overdrawn"]

ORDER_ID_BASE = 394003445757047808
TRADE_ID_BASE = 394017412755799296
POSITION_ID_BASE = 477214207287244800

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bhex_orders (
    order_id        INTEGER PRIMARY KEY,
    user_id         TEXT NOT NULL,
    account_type    TEXT NOT NULL,
    account_index   INTEGER NOT NULL,
    account_id      TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol_id       TEXT NOT NULL,
    side            TEXT NOT NULL,
    type            TEXT NOT NULL,
    price           TEXT NOT NULL,
    orig_qty        TEXT NOT NULL,
    executed_qty    TEXT NOT NULL,
    executed_amount TEXT NOT NULL,
    status          TEXT NOT NULL,
    time_ms         INTEGER NOT NULL,
    fill_start_ms   INTEGER,
    fills_done      INTEGER NOT NULL,
    frozen_coin     TEXT NOT NULL,
    frozen_left     TEXT NOT NULL,
    fee_coin        TEXT NOT NULL,
    fee_total       TEXT NOT NULL,
    extra           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bhex_orders_open ON bhex_orders (status, fill_start_ms);
CREATE TABLE IF NOT EXISTS bhex_fills (
    trade_id      INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL,
    user_id       TEXT NOT NULL,
    account_type  TEXT NOT NULL,
    account_index INTEGER NOT NULL,
    account_id    TEXT NOT NULL,
    symbol_id     TEXT NOT NULL,
    side          TEXT NOT NULL,
    type          TEXT NOT NULL,
    price         TEXT NOT NULL,
    quantity      TEXT NOT NULL,
    fee           TEXT NOT NULL,
    fee_coin      TEXT NOT NULL,
    time_ms       INTEGER NOT NULL,
    extra         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bhex_fills_by_order ON bhex_fills (order_id);
CREATE TABLE IF NOT EXISTS bhex_positions (
    position_id   INTEGER PRIMARY KEY,
    user_id       TEXT NOT NULL,
    account_index INTEGER NOT NULL,
    account_id    TEXT NOT NULL,
    symbol_id     TEXT NOT NULL,
    is_long       INTEGER NOT NULL,
    total         TEXT NOT NULL,
    avg_price     TEXT NOT NULL,
    leverage      TEXT NOT NULL,
    realised_pnl  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bhex_trading_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Overdrawn(Exception):
    """A balance move would leave an account's available or frozen amount below zero."""


@dataclass(frozen=True)
class OrderRow:
    """One stored order. ``frozen_left`` is what it still holds frozen in ``frozen_coin``;
    ``fill_start_ms`` None means it rests without a fill schedule. ``extra`` carries the
    contract fields as text (leverage, margin, isClose, ...)."""

    order_id: int
    user_id: str
    account_type: str
    account_index: int
    account_id: str
    client_order_id: str
    symbol_id: str
    side: str
    type: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    executed_amount: Decimal
    status: str
    time_ms: int
    fill_start_ms: int | None
    fills_done: int
    frozen_coin: str
    frozen_left: Decimal
    fee_coin: str
    fee_total: Decimal
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FillRow:
    """One stored trade of an order."""

    trade_id: int
    order_id: int
    user_id: str
    account_type: str
    account_index: int
    account_id: str
    symbol_id: str
    side: str
    type: str
    price: Decimal
    quantity: Decimal
    fee: Decimal
    fee_coin: str
    time_ms: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PositionRow:
    """One stored contract position (``total`` in contracts)."""

    position_id: int
    user_id: str
    account_index: int
    account_id: str
    symbol_id: str
    is_long: bool
    total: Decimal
    avg_price: Decimal
    leverage: Decimal
    realised_pnl: Decimal


@dataclass(frozen=True)
class Page:
    """Which records of a list endpoint: the document's paging and filters.

    ``from_id``: only ids below it; ``to_id``: only ids above it (both exclusive). With
    only ``to_id`` the ``limit`` records just above it are returned; otherwise the
    ``limit`` newest that qualify. Always newest (highest id) first. ``start_ms`` /
    ``end_ms`` are open bounds on the record's time.
    """

    limit: int = 20
    from_id: int | None = None
    to_id: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None


_ROW_TYPES: dict[str, tuple[type, str]] = {
    "bhex_orders": (OrderRow, "order_id"),
    "bhex_fills": (FillRow, "trade_id"),
    "bhex_positions": (PositionRow, "position_id"),
}


def _to_db(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bool):
        return int(value)
    return value


def _from_db(cls: type, row: Sequence[Any]) -> Any:
    values = {}
    for f, value in zip(fields(cls), row):
        if f.type == "Decimal":
            value = Decimal(value)
        elif f.name == "extra":
            value = json.loads(value)
        elif f.type == "bool":
            value = bool(value)
        values[f.name] = value
    return cls(**values)


class TradingTxn:
    """Reads and writes inside one ledger transaction (see :meth:`TradingStore.txn`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- ids and rows ---------------------------------------------------------------

    def next_id(self, table: str) -> int:
        """The next id of ``table``: one above the highest stored, or the table's base."""
        cls, key = _ROW_TYPES[table]
        base = {"bhex_orders": ORDER_ID_BASE, "bhex_fills": TRADE_ID_BASE,
                "bhex_positions": POSITION_ID_BASE}[table]
        (top,) = self.conn.execute(f"SELECT MAX({key}) FROM {table}").fetchone()
        return base if top is None else top + 1

    def insert(self, table: str, row: Any) -> None:
        """Store a new row of ``table`` (an OrderRow, FillRow or PositionRow)."""
        names = [f.name for f in fields(row)]
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [_to_db(getattr(row, n)) for n in names])

    def update_order(self, row: OrderRow) -> None:
        """Write back every field of a stored order."""
        names = [f.name for f in fields(row) if f.name != "order_id"]
        self.conn.execute(
            f"UPDATE bhex_orders SET {', '.join(f'{n} = ?' for n in names)} WHERE order_id = ?",
            [_to_db(getattr(row, n)) for n in names] + [row.order_id])

    def select(self, table: str, where: str = "1", args: Sequence[Any] = (),
               order: str = "") -> list[Any]:
        """Rows of ``table`` matching ``where``, ordered by ``order`` (id when empty)."""
        cls, key = _ROW_TYPES[table]
        names = ", ".join(f.name for f in fields(cls))
        rows = self.conn.execute(
            f"SELECT {names} FROM {table} WHERE {where} ORDER BY {order or key}",
            list(args)).fetchall()
        return [_from_db(cls, r) for r in rows]

    def page(self, table: str, where: str, args: Sequence[Any], page: Page) -> list[Any]:
        """One page of ``table`` as the document pages (see :class:`Page`), newest first."""
        cls, key = _ROW_TYPES[table]
        clauses, values = [where], list(args)
        if page.from_id is not None:
            clauses.append(f"{key} < ?")
            values.append(page.from_id)
        if page.to_id is not None:
            clauses.append(f"{key} > ?")
            values.append(page.to_id)
        if page.start_ms is not None and "time_ms" in (f.name for f in fields(cls)):
            clauses.append("time_ms > ?")
            values.append(page.start_ms)
        if page.end_ms is not None and "time_ms" in (f.name for f in fields(cls)):
            clauses.append("time_ms < ?")
            values.append(page.end_ms)
        upward = page.to_id is not None and page.from_id is None
        names = ", ".join(f.name for f in fields(cls))
        rows = self.conn.execute(
            f"SELECT {names} FROM {table} WHERE {' AND '.join(clauses)} "
            f"ORDER BY {key} {'ASC' if upward else 'DESC'} LIMIT ?",
            values + [page.limit]).fetchall()
        found = [_from_db(cls, r) for r in rows]
        return found[::-1] if upward else found

    # -- balances -------------------------------------------------------------------

    def balance(self, user_id: str, account_type: str, account_index: int,
                coin: str) -> tuple[Decimal, Decimal]:
        """(available, frozen) of one coin in one account (zeros when it has no row)."""
        row = self.conn.execute(
            "SELECT available, frozen FROM accounts WHERE venue = 'bhex' AND user_id = ? AND "
            "account_type = ? AND account_index = ? AND coin = ?",
            (user_id, account_type, account_index, coin)).fetchone()
        return (Decimal(row[0]), Decimal(row[1])) if row else (Decimal(0), Decimal(0))

    def move(self, user_id: str, account_type: str, account_index: int, coin: str, *,
             available: Decimal = Decimal(0), frozen: Decimal = Decimal(0),
             now_ms: int) -> None:
        """Add ``available`` and ``frozen`` (either may be negative) to one coin's row,
        exactly; raises :class:`Overdrawn` rather than go below zero."""
        have_available, have_frozen = self.balance(user_id, account_type, account_index, coin)
        new_available = EXACT.add(have_available, available)
        new_frozen = EXACT.add(have_frozen, frozen)
        if new_available < 0 or new_frozen < 0:
            raise Overdrawn(f"{coin}: available {plain(have_available)}, frozen "
                            f"{plain(have_frozen)}")
        updated = self.conn.execute(
            "UPDATE accounts SET available = ?, frozen = ?, updated_ms = ? WHERE venue = 'bhex' "
            "AND user_id = ? AND account_type = ? AND account_index = ? AND coin = ?",
            (plain(new_available), plain(new_frozen), now_ms, user_id, account_type,
             account_index, coin))
        if updated.rowcount == 0:
            self.conn.execute(
                "INSERT INTO accounts (venue, user_id, account_type, account_index, coin, "
                "available, frozen, lockup, updated_ms) VALUES ('bhex', ?, ?, ?, ?, ?, ?, '0', ?)",
                (user_id, account_type, account_index, coin, plain(new_available),
                 plain(new_frozen), now_ms))

    # -- meta -----------------------------------------------------------------------

    def meta(self, name: str) -> str | None:
        """A stored setting of the trading tables (None when unset)."""
        row = self.conn.execute("SELECT value FROM bhex_trading_meta WHERE name = ?",
                                (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        """Store a setting of the trading tables."""
        self.conn.execute("INSERT OR REPLACE INTO bhex_trading_meta (name, value) VALUES (?, ?)",
                          (name, value))


class TradingStore:
    """The trading tables over a :class:`Ledger`: creates them, hands out transactions."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        ledger.add_schema(_SCHEMA)

    @contextmanager
    def txn(self) -> Iterator[TradingTxn]:
        """One ledger transaction: committed when the block ends, rolled back on error."""
        with self.ledger.transaction() as conn:
            yield TradingTxn(conn)


def with_changes(row: Any, **changes: Any) -> Any:
    """A copy of a frozen row with ``changes`` applied."""
    return replace(row, **changes)
