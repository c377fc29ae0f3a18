"""A journal of any size, written straight into its SQLite file (for the Activity tests
and bench/activity.py): entries of every move kind, settled, with a few left UNKNOWN.

Entry ``i`` (1-based) is deterministic: profile ``fcoin-demo`` for odd ``i`` else
``bitunix-demo``, kind by ``i % 3`` (transfer, withdraw, send), coin by ``i % 4`` (BTC,
ETH, USDT, TRX), amount ``i/1000``, UNKNOWN when ``i % 1000 == 0`` else RECONCILED.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind, MoveReceipt, MoveRequest, MoveStatus, Recipient, Settlement
from tui.journal import EntryState, Journal

KINDS = (MoveKind.TRANSFER, MoveKind.WITHDRAW, MoveKind.INTERNAL_TRANSFER)
COINS = ("BTC", "ETH", "USDT", "TRX")
BASE_MS = 1_780_000_000_000


def profile_of(i: int) -> str:
    """The profile of entry ``i``."""
    return "fcoin-demo" if i % 2 else "bitunix-demo"


def kind_of(i: int) -> MoveKind:
    """The kind of entry ``i``."""
    return KINDS[i % 3]


def coin_of(i: int) -> str:
    """The coin of entry ``i``."""
    return COINS[i % 4]


def state_of(i: int) -> EntryState:
    """The state of entry ``i``."""
    return EntryState.UNKNOWN if i % 1000 == 0 else EntryState.RECONCILED


def request_of(i: int) -> MoveRequest:
    """The request of entry ``i``."""
    kind = kind_of(i)
    fields: dict[str, object] = {}
    if kind is MoveKind.TRANSFER:
        fields = {"from_account": AccountRef(kind=AccountKind.SPOT),
                  "to_account": AccountRef(kind=AccountKind.FUTURES)}
    elif kind is MoveKind.WITHDRAW:
        fields = {"address": f"TQn9Y2khEsLJW1ChVWFMSMeRDo{i:08d}", "network": "Tron (TRC-20)"}
    else:
        fields = {"recipient": Recipient(kind="uid", value=str(680000000 + i))}
    profile = profile_of(i)
    return MoveRequest(kind=kind, profile=profile, venue=profile.split("-")[0],
                       coin=coin_of(i), amount=Decimal(i) / Decimal(1000),
                       client_key=f"fill-{i:09d}", **fields)


def fill(path: Path, count: int) -> Journal:
    """Make a journal at ``path`` holding ``count`` entries (see the module text), written
    in one transaction; returns it opened."""
    Journal(path).close()  # the schema, as coinsole makes it
    db = sqlite3.connect(path, isolation_level=None)
    receipt = MoveReceipt(status=MoveStatus.DONE, venue_status="done").model_dump_json()
    try:
        db.execute("BEGIN")
        rows = []
        for i in range(1, count + 1):
            request = request_of(i)
            state = state_of(i)
            at = BASE_MS + i * 1000
            rows.append((i, at, at, request.profile, request.venue, request.kind.value,
                         request.model_dump_json(), request.client_key, Settlement.KEYED.value,
                         state.value, None if state is EntryState.UNKNOWN else receipt))
            if len(rows) == 5000:
                _insert(db, rows)
        _insert(db, rows)
        db.execute("COMMIT")
    finally:
        db.close()
    return Journal(path)


def _insert(db: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    db.executemany("INSERT INTO entries (id, created_ms, updated_ms, profile, venue, kind, "
                   "request_json, client_key, settlement, state, receipt_json) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    rows.clear()
