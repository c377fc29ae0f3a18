"""The store's queue reads a page at a time (count, keyset page, signatures of a page,
pending votes per quorum, what is due to expire), the same suite on SQLite and on a real
PostgreSQL server (``pytest -k postgres`` selects those), and the SQLite schema upgrade
that adds their indexes."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from test_approvals_store import PH, _sign, store, where  # noqa: F401 - fixtures

from tui.approvals.canonical import canonical_bytes, request_hash
from tui.approvals.policy import Request
from tui.approvals.store import PendingVotes, Row
from tui.approvals.store_sqlite import SCHEMA_VERSION, SqliteStore


def _row(n: int, *, by: str = "ann", quorum: str = "2 of treasury", self_ok: bool = False,
         state: str = "PENDING_APPROVAL", at: int | None = None, expiry: int = 3_600_000) -> Row:
    req = Request("withdraw", "p1", "fcoin", "USDT", Decimal(n) + Decimal("0.5"), by, "addr")
    h = request_hash(req, PH)
    meta = {"rule": "r", "quorum": quorum, "self": self_ok, "expiry_ms": expiry, "why": []}
    body = canonical_bytes({"action": req.action, "amount": req.amount, "coin": req.coin,
                            "destination": req.destination, "initiator": by, "meta": meta,
                            "params": {}, "profile": req.profile, "venue": req.venue})
    return Row(f"r{n:04d}", body.decode(), h, PH, by, state, 1000 + n if at is None else at)


def test_count_and_keyset_pages_walk_the_queue_oldest_first(store):
    rows = [_row(n, at=1000 + n // 2) for n in range(25)]  # ties on proposed_ms: id decides
    rows += [_row(100, by="bob"), _row(101, state="DONE"), _row(102, state="APPROVED")]
    for row in reversed(rows):
        store.propose(row)
    active = ("PENDING_APPROVAL", "APPROVED", "EXECUTING")
    assert store.count(active) == 27
    assert store.count(active, initiator="bob") == 1
    assert store.count(("DONE",)) == 1
    seen, after = [], None
    while True:
        page = store.page(active, after=after, limit=10)
        seen += [r.id for r in page]
        if len(page) < 10:
            break
        after = (page[-1].proposed_ms, page[-1].id)
    want = sorted((r for r in rows if r.state in active), key=lambda r: (r.proposed_ms, r.id))
    assert seen == [r.id for r in want]
    assert [r.id for r in store.page(active, limit=50, initiator="bob")] == ["r0100"]
    assert store.page(active, after=(10**15, ""), limit=5) == []
    assert store.page(("DONE",), limit=5)[0] == rows[-2]


def test_signatures_of_a_page_and_pending_votes(store):
    mine = _row(1, by="bob")
    solo = _row(2, by="bob", self_ok=True, quorum="1 of risk")
    voted = _row(3)
    other = _row(4)
    approved = _row(5, state="APPROVED")
    for row in (mine, solo, voted, other, approved):
        store.propose(row)
    store.add_signature(voted.id, _sign("bob", voted.request_hash))
    store.add_signature(voted.id, _sign("cat", voted.request_hash))
    store.add_signature(other.id, _sign("cat", other.request_hash))
    sigs = store.signatures_for([voted.id, other.id, mine.id])
    assert [s.statement.operator for s in sigs[voted.id]] == ["bob", "cat"]
    assert [s.statement.operator for s in sigs[other.id]] == ["cat"]
    assert mine.id not in sigs
    assert sorted(store.pending_votes("bob"), key=lambda v: v.quorum) == [
        PendingVotes("1 of risk", True, True, 1),
        PendingVotes("2 of treasury", False, False, 1),  # other (voted is signed by bob)
        PendingVotes("2 of treasury", False, True, 1),  # mine
    ]
    assert sum(v.count for v in store.pending_votes("cat")) == 2  # mine and solo


def test_due_to_expire_finds_active_requests_past_their_expiry(store):
    store.propose(_row(1, at=1000, expiry=500))  # expires after 1500
    store.propose(_row(2, at=1000, expiry=5000))
    store.propose(_row(3, at=1000, expiry=500, state="DONE"))
    store.propose(_row(4, at=900, expiry=500, state="APPROVED"))
    assert [r.id for r in store.due_to_expire(1500)] == ["r0004"]  # r0001: at, not past
    assert [r.id for r in store.due_to_expire(1501)] == ["r0004", "r0001"]
    assert [r.id for r in store.due_to_expire(10_000)] == ["r0004", "r0001", "r0002"]


def test_sqlite_schema_1_is_upgraded_with_its_rows(tmp_path):
    path = tmp_path / "approvals.db"
    db = sqlite3.connect(path)
    db.executescript("""
CREATE TABLE requests (id TEXT PRIMARY KEY, request_json TEXT NOT NULL,
  request_hash TEXT NOT NULL, policy_hash TEXT NOT NULL, initiator TEXT NOT NULL,
  state TEXT NOT NULL, proposed_ms INTEGER NOT NULL, outcome TEXT NOT NULL DEFAULT '');
CREATE TABLE signatures (request_id TEXT NOT NULL, statement TEXT NOT NULL,
  signature TEXT NOT NULL);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, record TEXT NOT NULL);
PRAGMA user_version=1;""")
    row = _row(7)
    db.execute("INSERT INTO requests VALUES (?,?,?,?,?,?,?,?)", tuple(row.__dict__.values()))
    db.commit()
    db.close()
    store = SqliteStore(str(path))
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    names = {r[0] for r in store._db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"requests_queue", "signatures_request"} <= names
    assert store.page(("PENDING_APPROVAL",)) == [row]
    plan = " ".join(str(r) for r in store._db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM requests WHERE state IN ('PENDING_APPROVAL') "
        "ORDER BY proposed_ms, id LIMIT 5"))
    assert "requests_queue" in plan, plan
    store.close()
