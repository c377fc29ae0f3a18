"""The approvals service end to end on the in-process sandbox, a real journal file and a real
SQLite store: hold, vote, execute once; self-approval, blocks, expiry and tampering refused."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest

from tui.approvals import operators
from tui.approvals.identity import ApprovalsError, OperatorKey
from tui.approvals.service import ApprovalService, load_policy_file
from tui.approvals.store_sqlite import SqliteStore
from tui.core.moves import MoveKind
from tui.demo import demo_session
from tui.journal import EntryState, Journal, Mover

KEYS = {n: operators.generate() for n in ("ann", "bob", "cat")}


def policy_text(quorum="2 of treasury", extra=""):
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]'
                    for n, (_, pub) in KEYS.items())
    return ops + extra + f'''
[[rule]]
name = "no big withdrawals"
action = "withdraw"
min_amount = "1000"
outcome = "block"
reason = "withdrawals of 1000 or more are not allowed"

[[rule]]
name = "transfers need two"
action = "transfer"
min_amount = "5"
outcome = "approve"
quorum = "{quorum}"
expiry = "1h"

[[rule]]
outcome = "allow"
'''


@pytest.fixture
def world(tmp_path):
    """(make_service(name), mover, journal, sandbox, policy path)."""
    path = tmp_path / "policy.toml"
    path.write_text(policy_text())
    session = demo_session()
    journal = Journal(tmp_path / "journal.sqlite")
    mover = Mover(session, journal, lookup_final_after_ms=0)
    stores = []

    def service(name, clock=None):
        store = SqliteStore(str(tmp_path / "approvals.sqlite"))
        stores.append(store)
        kw = {"clock": clock} if clock else {}
        return ApprovalService(load_policy_file(path), store, operator=OperatorKey(
            name, KEYS[name][0]), journal=journal, **kw)

    yield service, mover, journal, session, path
    for s in stores:
        s.close()
    journal.close()
    asyncio.run(session.aclose())


def build(mover, amount="10"):
    from tui.core.models import AccountKind, AccountRef

    return mover.build(kind=MoveKind.TRANSFER, profile="fcoin-demo", coin="USDT",
                       amount=Decimal(amount), from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                       to_account=AccountRef(kind=AccountKind.SPOT))


def hold(service, mover, amount="10"):
    request, settlement = build(mover, amount)
    ev = service.evaluate(request)
    assert ev.outcome == "approve", ev.line()
    return service.hold(mover, request, settlement, ev)


def test_no_policy_file_allows_everything(tmp_path, world):
    _, mover, journal, _, _ = world
    svc = ApprovalService(load_policy_file(tmp_path / "absent.toml"), SqliteStore(":memory:"))
    request, _ = build(mover, "999999")
    assert not svc.active and svc.evaluate(request).outcome == "allow"


def test_two_approvals_then_execute_sends_once(world):
    service, mover, journal, _, _ = world
    ann, bob, cat = service("ann"), service("bob"), service("cat")
    entry, item = hold(ann, mover)
    assert journal.get(entry.id).state is EntryState.PENDING_APPROVAL
    assert item.votes == "0/2" and item.state == "PENDING_APPROVAL"
    assert [i.id for i in bob.queue("waiting-for-me")] == [item.id]
    assert ann.queue("waiting-for-me") == [] and [i.id for i in ann.queue("mine")] == [item.id]
    assert bob.approve(item.id).votes == "1/2"
    with pytest.raises(ApprovalsError, match="already voted"):
        bob.approve(item.id)
    assert cat.approve(item.id).state == "APPROVED"
    done = asyncio.run(cat.execute(item.id, mover))
    assert done.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
    states = [e.to_state for e in journal.events(entry.id)]
    assert states[:4] == ["DRAFT", "PENDING_APPROVAL", "APPROVED", "SUBMITTING"]
    with pytest.raises(ApprovalsError, match="DONE"):
        asyncio.run(bob.execute(item.id, mover))
    assert [i.id for i in ann.queue("history")] == [item.id]
    assert ann.audit_verify() is None
    detail = ann.detail(item.id)
    assert detail.hash_ok and all(s.verified for s in detail.signatures)
    assert detail.params["amount"] == "10"


def test_self_approval_is_refused(world):
    service, mover, _, _, _ = world
    ann = service("ann")
    _, item = hold(ann, mover)
    with pytest.raises(ApprovalsError, match="does not let the initiator"):
        ann.approve(item.id)


def test_block_has_the_rules_reason(world):
    service, mover, _, _, _ = world
    request, _ = mover.build(kind=MoveKind.WITHDRAW, profile="bitunix-demo", coin="USDT",
                             amount=Decimal("1000"), network="TRC20", address="TXabc")
    ev = service("ann").evaluate(request)
    assert ev.outcome == "block" and "1000 or more" in ev.line()


def test_rejection_ends_the_journal_entry(world):
    service, mover, journal, _, _ = world
    entry, item = hold(service("ann"), mover)
    with pytest.raises(ApprovalsError, match="reason"):
        service("bob").reject(item.id, "  ")
    assert service("bob").reject(item.id, "not today").state == "REJECTED"
    assert journal.get(entry.id).state is EntryState.REJECTED


def test_changed_policy_refuses_to_execute(world):
    service, mover, journal, _, path = world
    entry, item = hold(service("ann"), mover)
    service("bob").approve(item.id)
    service("cat").approve(item.id)
    path.write_text(policy_text() + "\n# edited\n")
    with pytest.raises(ApprovalsError, match="policy changed"):
        asyncio.run(service("cat").execute(item.id, mover))
    assert journal.get(entry.id).state is EntryState.REJECTED
    assert journal.get(entry.id).attempts == 0


def test_tampered_row_refuses_to_execute(world, tmp_path):
    import sqlite3

    service, mover, journal, _, _ = world
    entry, item = hold(service("ann"), mover)
    db = sqlite3.connect(tmp_path / "approvals.sqlite", isolation_level=None)
    body = json.loads(db.execute("SELECT request_json FROM requests").fetchone()[0])
    body["params"]["amount"] = "9"  # under the threshold? no: still a signed-for hash mismatch
    db.execute("UPDATE requests SET request_json=?, state='APPROVED'", (json.dumps(body),))
    db.close()
    with pytest.raises(ApprovalsError, match="refused, nothing sent"):
        asyncio.run(service("cat").execute(item.id, mover))
    assert journal.get(entry.id).attempts == 0


def test_signature_moved_from_another_request_does_not_count(world, tmp_path):
    import sqlite3

    service, mover, journal, _, _ = world
    _, first = hold(service("ann"), mover)
    entry, second = hold(service("ann"), mover)
    service("bob").approve(first.id)
    service("cat").approve(first.id)
    db = sqlite3.connect(tmp_path / "approvals.sqlite", isolation_level=None)
    db.execute("INSERT INTO signatures SELECT ?, statement, signature FROM signatures WHERE "
                "request_id=?", (second.id, first.id))
    db.execute("UPDATE requests SET state='APPROVED' WHERE id=?", (second.id,))
    db.close()
    with pytest.raises(ApprovalsError, match="needs 2 of treasury"):
        asyncio.run(service("cat").execute(second.id, mover))
    assert journal.get(entry.id).attempts == 0


def test_expired_request_cannot_be_approved(world):
    service, mover, journal, _, _ = world
    entry, item = hold(service("ann"), mover)
    later = service("bob", clock=lambda: item.expires_in_ms + 10**13)
    with pytest.raises(ApprovalsError, match="expired"):
        later.approve(item.id)
    assert journal.get(entry.id).state is EntryState.REJECTED


def test_velocity_counts_held_requests(world, tmp_path):
    service, mover, journal, _, path = world
    path.write_text(policy_text() .replace('[[rule]]\nname = "no big', '''[[rule]]
name = "velocity"
action = "transfer"
velocity = { max = "15", window = "1h", per = ["initiator", "coin"] }
outcome = "block"
reason = "too much this hour"

[[rule]]
name = "no big''', 1))
    ann = service("ann")
    request, _ = build(mover, "4")
    assert ann.evaluate(request).outcome == "allow"
    hold(ann, mover, "10")
    request, _ = build(mover, "4")
    assert ann.evaluate(request).outcome == "allow"
    ev = ann.evaluate(build(mover, "6")[0])
    assert ev.outcome == "block" and ev.velocity_used == Decimal("10")


@pytest.mark.parametrize(("after_ms", "counted"), [(3_600_000 - 1, True), (3_600_000, False)])
def test_velocity_from_the_journal_is_exact_at_the_window_edge(world, after_ms, counted):
    service, mover, journal, _, path = world
    path.write_text(policy_text().replace('[[rule]]\nname = "no big', '''[[rule]]
name = "velocity"
action = "transfer"
velocity = { max = "10", window = "1h", per = ["coin"] }
outcome = "block"
reason = "too much this hour"

[[rule]]
name = "no big''', 1))
    request, settlement = build(mover, "4")
    sent = mover.record(request, settlement)
    at = lambda: sent.created_ms + after_ms  # noqa: E731
    ev = service("ann", clock=at).evaluate(build(mover, "7")[0])
    assert (ev.outcome == "block") is counted
    assert ev.velocity_used == (Decimal("4") if counted else None)


def test_movers_fail_safe_gate_holds_or_blocks(world, monkeypatch):
    from tui.approvals.service import HeldForApproval, PolicyBlocked, policy_gate

    _, mover, journal, _, path = world
    monkeypatch.setenv("COINSOLE_POLICY", str(path))
    mover.policy_gate = policy_gate(journal)
    small = mover.record(*build(mover, "1"))
    assert mover.approve(small).state is EntryState.APPROVED
    big = mover.record(*build(mover, "10"))
    with pytest.raises(HeldForApproval, match="submitted for approval: request"):
        mover.approve(big)
    assert journal.get(big.id).state is EntryState.PENDING_APPROVAL
    request, settlement = mover.build(kind=MoveKind.WITHDRAW, profile="bitunix-demo",
                                      coin="USDT", amount=Decimal("1000"),
                                      network="TRC20", address="TXabc")
    count = len(journal.entries())
    with pytest.raises(PolicyBlocked, match="1000 or more"):
        mover.record(request, settlement)  # blocked: nothing journaled at all
    assert len(journal.entries()) == count and journal.by_key(request.client_key) is None
    mover.policy_gate = None  # a DRAFT written before the gate was set is still refused
    draft = mover.record(request, settlement)
    mover.policy_gate = policy_gate(journal)
    with pytest.raises(PolicyBlocked, match="1000 or more"):
        mover.approve(draft)
    assert journal.get(draft.id).state is EntryState.DRAFT and draft.attempts == 0
