"""Money movements over the ledger: balance changes, movement records, idempotency keys
and the balance-flow journal, all written inside one ledger transaction.

A movement (``Move``) is one transfer, internal transfer, withdrawal or deposit with its
venue id, state and details. A keyed movement stores the venue's idempotency key under a
unique index ``(venue, user_id, idem_key)`` with the first reply's text, so a repeat (even
one racing the first) finds it and moves nothing. Every change to an account's total
appends a flow record (BHEX's ``balance_flow``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from tui.core.money import EXACT, MoneyError, dumps_exact, loads_exact, plain, to_decimal
from tui.sandbox.ledger import Ledger
from tui.sandbox.service import Refusal, Refused

__all__ = ["Move", "Flow", "MoveStore", "Txn", "add", "sub", "mul", "page_desc", "canonical",
           "places", "quantize"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS moves (
    seq         INTEGER PRIMARY KEY,
    venue       TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    idem_key    TEXT,
    fingerprint TEXT,
    reply       TEXT,
    state       TEXT NOT NULL,
    open        INTEGER NOT NULL,
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    coin        TEXT NOT NULL,
    amount      TEXT NOT NULL,
    data        TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS moves_by_key ON moves (venue, user_id, idem_key);
CREATE UNIQUE INDEX IF NOT EXISTS moves_by_ref ON moves (venue, ref);
CREATE INDEX IF NOT EXISTS moves_open ON moves (venue, open);
CREATE TABLE IF NOT EXISTS flows (
    id            INTEGER PRIMARY KEY,
    venue         TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    account_type  TEXT NOT NULL,
    account_index INTEGER NOT NULL,
    coin          TEXT NOT NULL,
    change        TEXT NOT NULL,
    total         TEXT NOT NULL,
    flow_type     TEXT NOT NULL,
    created_ms    INTEGER NOT NULL
);
"""

_MOVE_COLUMNS = ("seq, venue, user_id, kind, ref, idem_key, fingerprint, reply, state, "
                 "created_ms, updated_ms, coin, amount, data")

T = TypeVar("T")


def add(a: Decimal, b: Decimal) -> Decimal:
    """``a + b`` exactly (never rounded)."""
    return EXACT.add(a, b)


def sub(a: Decimal, b: Decimal) -> Decimal:
    """``a - b`` exactly (never rounded)."""
    return EXACT.subtract(a, b)


def mul(a: Decimal, b: Decimal) -> Decimal:
    """``a * b`` exactly (never rounded)."""
    return EXACT.multiply(a, b)


def canonical(a: Decimal) -> str:
    """``a`` as plain text without trailing zeros (``1.50`` and ``1.5`` are the same)."""
    text = plain(a)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def places(a: Decimal) -> int:
    """Decimals ``a`` needs (trailing zeros do not count)."""
    text = canonical(a)
    return len(text.split(".")[1]) if "." in text else 0


def positive_amount(raw: Any) -> Decimal:
    """The request's amount as an exact positive Decimal, or the venue's "invalid" refusal
    (a float never reaches here: bodies are parsed with ``loads_exact``)."""
    try:
        amount = to_decimal(raw)
    except MoneyError:
        raise Refused(Refusal.INVALID, "amount must be a number") from None
    if amount <= 0:
        raise Refused(Refusal.INVALID, "amount must be positive")
    return amount


def quantize(a: Decimal, decimals: int) -> Decimal:
    """``a`` written with exactly ``decimals`` places; raises rather than rounding."""
    return EXACT.quantize(a, Decimal(1).scaleb(-decimals))


@dataclass(frozen=True)
class Move:
    """One stored movement: ``ref`` is the venue's id for it, ``data`` its other details."""

    seq: int
    venue: str
    user_id: str
    kind: str
    ref: str
    idem_key: str | None
    fingerprint: str | None
    reply: str | None
    state: str
    created_ms: int
    updated_ms: int
    coin: str
    amount: Decimal
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Flow:
    """One change of an account's total: ``change`` and the ``total`` after it."""

    id: int
    venue: str
    user_id: str
    account_type: str
    account_index: int
    coin: str
    change: Decimal
    total: Decimal
    flow_type: str
    created_ms: int


def _move(row: Sequence[Any]) -> Move:
    (seq, venue, user, kind, ref, key, fp, reply, state, created, updated, coin, amount,
     data) = row
    return Move(seq, venue, user, kind, ref, key, fp, reply, state, created, updated, coin,
                Decimal(amount), loads_exact(data))


class Txn:
    """What a handler may do inside one ledger transaction (see :meth:`MoveStore.txn`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def keyed(self, venue: str, user_id: str, key: str) -> Move | None:
        """The movement stored under idempotency ``key``, if any."""
        row = self.db.execute(f"SELECT {_MOVE_COLUMNS} FROM moves WHERE venue = ? AND "
                              "user_id = ? AND idem_key = ?", (venue, user_id, key)).fetchone()
        return _move(row) if row else None

    def by_ref(self, venue: str, ref: str) -> Move | None:
        """The movement whose venue id is ``ref``, if any."""
        row = self.db.execute(f"SELECT {_MOVE_COLUMNS} FROM moves WHERE venue = ? AND ref = ?",
                              (venue, ref)).fetchone()
        return _move(row) if row else None

    def open_moves(self, venue: str) -> list[Move]:
        """The venue's movements not yet in a final state, oldest first."""
        rows = self.db.execute(f"SELECT {_MOVE_COLUMNS} FROM moves WHERE venue = ? AND open = 1 "
                               "ORDER BY seq", (venue,)).fetchall()
        return [_move(row) for row in rows]

    def insert(self, *, venue: str, user_id: str, kind: str, ref: Callable[[int], str],
               state: str, is_open: bool, now_ms: int, coin: str, amount: Decimal,
               data: dict[str, Any] | None = None, idem_key: str | None = None,
               fingerprint: str | None = None) -> Move:
        """Store a movement; ``ref`` makes the venue's id from the new sequence number."""
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM moves").fetchone()[0]
        self.db.execute(
            f"INSERT INTO moves ({_MOVE_COLUMNS}, open) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (seq, venue, user_id, kind, ref(seq), idem_key, fingerprint, None, state, now_ms,
             now_ms, coin, plain(amount), dumps_exact(data or {}), int(is_open)))
        return self.get(seq)

    def get(self, seq: int) -> Move:
        """The movement numbered ``seq``."""
        row = self.db.execute(f"SELECT {_MOVE_COLUMNS} FROM moves WHERE seq = ?",
                              (seq,)).fetchone()
        return _move(row)

    def set_reply(self, seq: int, reply: str) -> None:
        """Remember the first reply of a keyed movement, returned verbatim to repeats."""
        self.db.execute("UPDATE moves SET reply = ? WHERE seq = ?", (reply, seq))

    def set_state(self, seq: int, state: str, *, is_open: bool, now_ms: int,
                  data: dict[str, Any] | None = None) -> None:
        """Move a movement to ``state`` (merging ``data`` into its details)."""
        if data:
            merged = {**self.get(seq).data, **data}
            self.db.execute("UPDATE moves SET data = ? WHERE seq = ?",
                            (dumps_exact(merged), seq))
        self.db.execute("UPDATE moves SET state = ?, open = ?, updated_ms = ? WHERE seq = ?",
                        (state, int(is_open), now_ms, seq))

    def change(self, venue: str, user_id: str, account_type: str, coin: str, *,
               now_ms: int, flow_type: str, account_index: int = 0,
               available: Decimal = Decimal(0), frozen: Decimal = Decimal(0)) -> None:
        """Add ``available`` and ``frozen`` (either may be negative) to one account,
        creating it when missing; refuses (insufficient balance) if either would go below
        zero. A change of the total appends a flow record."""
        row = self.db.execute(
            "SELECT id, available, frozen, lockup FROM accounts WHERE venue = ? AND "
            "user_id = ? AND account_type = ? AND account_index = ? AND coin = ?",
            (venue, user_id, account_type, account_index, coin)).fetchone()
        if row is None:
            self.db.execute(
                "INSERT INTO accounts (venue, user_id, account_type, account_index, coin, "
                "available, frozen, lockup, updated_ms) VALUES (?,?,?,?,?,'0','0','0',?)",
                (venue, user_id, account_type, account_index, coin, now_ms))
            return self.change(venue, user_id, account_type, coin, now_ms=now_ms,
                               flow_type=flow_type, account_index=account_index,
                               available=available, frozen=frozen)
        row_id, old_available, old_frozen, lockup = row
        new_available = add(Decimal(old_available), available)
        new_frozen = add(Decimal(old_frozen), frozen)
        if new_available < 0 or new_frozen < 0:
            raise Refused(Refusal.INSUFFICIENT)
        if new_frozen == 0:  # a released freeze reads "0", not "0.000"
            new_frozen = Decimal(0)
        self.db.execute("UPDATE accounts SET available = ?, frozen = ?, updated_ms = ? "
                        "WHERE id = ?", (plain(new_available), plain(new_frozen), now_ms, row_id))
        delta = add(available, frozen)
        if delta != 0:
            total = add(add(new_available, new_frozen), Decimal(lockup))
            self.db.execute(
                "INSERT INTO flows (venue, user_id, account_type, account_index, coin, change, "
                "total, flow_type, created_ms) VALUES (?,?,?,?,?,?,?,?,?)",
                (venue, user_id, account_type, account_index, coin, plain(delta), plain(total),
                 flow_type, now_ms))


    def add_flow(self, venue: str, user_id: str, account_type: str, coin: str, *,
                 change: Decimal, total: Decimal, flow_type: str, created_ms: int,
                 account_index: int = 0) -> None:
        """Record a past balance change without touching the balance (demo history)."""
        self.db.execute(
            "INSERT INTO flows (venue, user_id, account_type, account_index, coin, change, "
            "total, flow_type, created_ms) VALUES (?,?,?,?,?,?,?,?,?)",
            (venue, user_id, account_type, account_index, coin, plain(change), plain(total),
             flow_type, created_ms))


class MoveStore:
    """Movement records and flows kept in the ledger's database."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        ledger.add_schema(_SCHEMA)

    @contextmanager
    def txn(self) -> Iterator[Txn]:
        """One ledger transaction: everything in it commits together or not at all (a
        :class:`Refused` raised inside rolls it back)."""
        with self.ledger.transaction() as db:
            yield Txn(db)

    def moves(self, venue: str, user_id: str | None = None,
              kinds: Sequence[str] | None = None) -> list[Move]:
        """Movements at ``venue`` (of one user, of some kinds), newest first."""
        sql = f"SELECT {_MOVE_COLUMNS} FROM moves WHERE venue = ?"
        args: list[Any] = [venue]
        if user_id is not None:
            sql += " AND user_id = ?"
            args.append(user_id)
        if kinds is not None:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            args.extend(kinds)
        with self.ledger.transaction() as db:
            rows = db.execute(sql + " ORDER BY created_ms DESC, seq DESC", args).fetchall()
        return [_move(row) for row in rows]

    def flows(self, venue: str, user_id: str) -> list[Flow]:
        """A user's flow records at ``venue``, newest first."""
        with self.ledger.transaction() as db:
            rows = db.execute(
                "SELECT id, venue, user_id, account_type, account_index, coin, change, total, "
                "flow_type, created_ms FROM flows WHERE venue = ? AND user_id = ? "
                "ORDER BY id DESC", (venue, user_id)).fetchall()
        return [Flow(i, v, u, t, x, c, Decimal(ch), Decimal(tot), ft, ms)
                for i, v, u, t, x, c, ch, tot, ft, ms in rows]


def page_desc(items: Sequence[T], id_of: Callable[[T], int], *, from_id: int | None,
              to_id: int | None, limit: int) -> list[T]:
    """One page of ``items``, newest (largest id) first, both bounds exclusive.

    ``from_id`` keeps ids below it (the next, older page); ``to_id`` keeps ids above it.
    With only ``to_id`` the page is the ``limit`` records just above it (so paging
    towards newer records never skips any); otherwise the ``limit`` largest ids.
    """
    kept = sorted((item for item in items
                   if (from_id is None or id_of(item) < from_id)
                   and (to_id is None or id_of(item) > to_id)), key=id_of, reverse=True)
    if to_id is not None and from_id is None:
        return kept[-limit:] if limit else []
    return kept[:limit]
