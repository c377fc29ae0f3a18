"""Adversarial tests at the store/authorize level, on SQLite and on a real PostgreSQL server
(parametrised; ``pytest -k postgres`` selects the PostgreSQL ones): nothing sends, or it sends
once."""

import dataclasses
import multiprocessing
import os
import stat
from decimal import Decimal

import pytest

from tui.approvals import audit, operators
from tui.approvals.authorize import authorize
from tui.approvals.canonical import canonical_bytes, policy_hash, request_hash
from tui.approvals.policy import Context, Request, load_policy
from tui.approvals.store import Row
from tui.approvals.store_sqlite import SqliteStore

BACKENDS = ["sqlite", "postgres"]

KEYS = {n: operators.generate() for n in ("ann", "bob", "cat")}
POLICY = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]'
                   for n, (_, pub) in KEYS.items()) + '''
[[rule]]
name = "two"
outcome = "approve"
quorum = "2 of treasury"
expiry = "1h"
'''
PH = policy_hash(POLICY.encode())
P = load_policy(POLICY)


def _req(amount="10", dest="addr1"):
    return Request("withdraw", "p1", "fcoin", "USDT", Decimal(amount), "ann", dest, {"chain": "TRC20"})


def _row(rid, r, state="PENDING_APPROVAL"):
    body = canonical_bytes({**dataclasses.asdict(r)}).decode()
    return Row(rid, body, request_hash(r, PH), PH, r.initiator, state, 1000)


def _sign(name, h, dec="approve", ph=PH, t=2000):
    return operators.sign(KEYS[name][0], operators.Statement(h, dec, name, t, ph))


def _open(backend, where):
    if backend == "sqlite":
        return SqliteStore(where)
    from tui.approvals.store_postgres import PostgresStore

    return PostgresStore(where)


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    """Where a store lives: an SQLite file, or a fresh database on the PostgreSQL cluster."""
    if request.param == "sqlite":
        return "sqlite", str(tmp_path / "approvals.db")
    return "postgres", request.getfixturevalue("pg_url")


@pytest.fixture
def store(where):
    s = _open(*where)
    yield s
    s.close()


def _raw(store, sql):
    """Edit the store behind coinsole's back, as anyone with write access to it could."""
    if isinstance(store, SqliteStore):
        store._db.execute(sql)
        return
    import psycopg

    with psycopg.connect(store.url, autocommit=True) as conn:
        conn.execute(sql)


def _approved(store, rid="r1", r=None, signers=("bob", "cat")):
    r = r or _req()
    row = _row(rid, r)
    store.propose(row)
    for n in signers:
        store.add_signature(rid, _sign(n, row.request_hash))
    assert store.set_state(rid, "APPROVED", "PENDING_APPROVAL")
    return row


def _auth(store, rid, now=5000, policy=P, ph=PH):
    return authorize(store.get(rid), store.signatures(rid), policy, ph, Context(now))


def test_file_mode_and_schema_version(tmp_path):
    store = SqliteStore(str(tmp_path / "approvals.db"))
    assert stat.S_IMODE(os.stat(tmp_path / "approvals.db").st_mode) == 0o600
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == 2
    store.close()


def test_happy_path_authorizes_once(store):
    _approved(store)
    assert store.claim_for_execution("r1")
    assert _auth(store, "r1").ok
    assert not store.claim_for_execution("r1")


def test_row_edited_to_approved_without_signatures(store):
    store.propose(_row("r1", _req()))
    _raw(store, "UPDATE requests SET state='APPROVED'")
    assert store.claim_for_execution("r1")
    a = _auth(store, "r1")
    assert not a.ok and "needs 2 of treasury" in a.reason


def test_row_amount_edited_after_approval(store):
    _approved(store)
    _raw(store, "UPDATE requests SET request_json=replace(request_json, '\"10\"', '\"9999\"')")
    store.claim_for_execution("r1")
    assert "edited" in _auth(store, "r1").reason


def test_signature_moved_to_another_request(store):
    _approved(store, "r1")
    store.propose(_row("r2", _req(dest="attacker")))
    for s in store.signatures("r1"):
        store.add_signature("r2", s)
    _raw(store, "UPDATE requests SET state='EXECUTING' WHERE id='r2'")
    assert not _auth(store, "r2").ok


def test_replay_after_execution(store):
    _approved(store)
    assert store.claim_for_execution("r1")
    store.record_outcome("r1", "SUCCEEDED")
    assert not store.claim_for_execution("r1")
    assert not _auth(store, "r1").ok


def test_expired_request(store):
    _approved(store)
    store.claim_for_execution("r1")
    assert _auth(store, "r1", now=1000 + 3_600_000).ok
    assert _auth(store, "r1", now=1000 + 3_600_001).reason == "request expired"


def test_policy_changed_after_approval(store):
    _approved(store)
    store.claim_for_execution("r1")
    text2 = POLICY.replace("2 of treasury", "1 of treasury")
    a = _auth(store, "r1", policy=load_policy(text2), ph=policy_hash(text2.encode()))
    assert not a.ok and "policy changed" in a.reason


def test_forged_signature_bytes(store):
    row = _row("r1", _req())
    store.propose(row)
    good = _sign("bob", row.request_hash)
    store.add_signature("r1", good)
    forged = operators.Signed(operators.Statement(row.request_hash, "approve", "cat", 2000, PH), good.signature)
    store.add_signature("r1", forged)
    _raw(store, "UPDATE requests SET state='EXECUTING'")
    assert not _auth(store, "r1").ok


def _claim(backend, where, go, q):
    s = _open(backend, where)
    s.get("r1")  # connected and warm before the start signal
    go.wait(30)
    q.put(s.claim_for_execution("r1"))
    s.close()


def test_two_executors_in_two_processes_exactly_one_wins(where):
    s = _open(*where)
    _approved(s)
    s.close()
    ctx = multiprocessing.get_context("spawn")
    q, go = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_claim, args=(*where, go, q)) for _ in range(2)]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(60)
    assert sorted([q.get(timeout=30), q.get(timeout=30)]) == [False, True]


def test_audit_chain_finds_first_edit(store):
    for ev in ("proposed", "approved", "executed"):
        store.audit_append({"event": ev, "request": "r1"})
    recs = store.audit_read()
    assert audit.verify(recs) is None
    recs[1] = {**recs[1], "event": "rejected"}
    assert audit.verify(recs)[0] == 1
    assert audit.verify(store.audit_read()[:1] + store.audit_read()[2:])[0] == 1


def test_audit_verify_checks_every_signature(store):
    h = request_hash(_req(), PH)
    store.audit_append({"event": "proposed", "request_hash": h})
    store.audit_append(audit.signed_record("approved", _sign("bob", h)))
    keys = {n: pub for n, (_, pub) in KEYS.items()}
    assert audit.verify(store.audit_read(), audit.signature_checker(keys)) is None
    forged = audit.signed_record("approved", _sign("cat", h))
    store.audit_append({**forged, "operator": "bob"})  # chained correctly, signature is cat's
    assert audit.verify(store.audit_read(), audit.signature_checker(keys)) == (2, "signature does not verify")
