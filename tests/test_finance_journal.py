"""Finance batches through the journal and the approvals policy against the demo sandbox:
every task is on disk before the first is sent, lost replies and a stopped run are settled
by client_order_id without applying any task twice, and a batch is ONE approval request
carrying its totals, row count and file hash."""

from __future__ import annotations

from decimal import Decimal

import pytest

from approvals_world import KEYS, key
from tui.demo import demo_session
from tui.finance.batch import prepare_rows
from tui.finance.request import FinanceBatchRequest, plan_batch
from tui.finance.send import collect_results
from tui.journal import EntryState, Journal, Mover
from tui.journal.dispatch import settlement_for
from tui.core.moves import Settlement
from tui.venues.bhex_finance import FinanceOp

PROFILE = "bhex-demo"
USERS = ("482698709891649537", "482698709891649538")


@pytest.fixture
async def setup(tmp_path):
    session = demo_session()
    session.sandbox.services["bhex"].finance.run_ms = 0
    journal = Journal(tmp_path / "journal.sqlite")
    mover = Mover(session, journal, keyed_attempts=5, keyed_backoff_s=0)
    yield session, journal, mover
    await session.aclose()
    journal.close()


def _request(rows: int, *, task_rows: int = 7, op: FinanceOp = FinanceOp.AIRDROP,
             coin: str = "AT", bad: set[int] = frozenset()) -> FinanceBatchRequest:
    user_ids = [f"{USERS[n % 2]}" if n not in bad else "7" for n in range(rows)]
    batch = prepare_rows(op, [(n + 2, {"uid": uid, "coin": coin, "amount": f"0.{n + 1:03d}"})
                              for n, uid in enumerate(user_ids)], allow_duplicates=True,
                         coins={"AT": 18, "USDT": 18})
    return plan_batch(batch, profile=PROFILE, task_rows=task_rows)


async def test_every_task_journaled_before_the_first_send(setup, monkeypatch) -> None:
    session, journal, mover = setup
    request = _request(30)
    adapter = session.adapter(PROFILE)
    seen = []
    real = adapter.finance_send_text

    async def spy(op, cid, *args, **kwargs):
        entry = Journal(journal.path).by_key(request.client_key)  # what is on disk
        seen.append((cid, entry.state, len(entry.request.tasks)))
        return await real(op, cid, *args, **kwargs)

    monkeypatch.setattr(adapter, "finance_send_text", spy)
    assert settlement_for(adapter, request) is Settlement.KEYED
    entry = mover.approve(mover.record(request, Settlement.KEYED))
    entry = await mover.submit(entry)
    assert entry.state is EntryState.ACCEPTED
    assert seen[0] == (request.tasks[0].client_order_id, EntryState.SUBMITTING, 5)
    assert [cid for cid, _, _ in seen] == [t.client_order_id for t in request.tasks]
    stored = Journal(journal.path).get(entry.id).request
    assert stored == request and stored.kind.value == "airdrop"


async def test_lost_replies_and_a_stopped_run_never_apply_twice(setup) -> None:
    session, journal, mover = setup
    box = session.sandbox
    fin = box.services["bhex"].finance
    request = _request(120, task_rows=5, bad={3, 77})
    before = box.ledger.accounts("bhex", "482698709891649536", account_type="1",
                                 account_index=0)
    box.faults.configure("bhex", drop_rate=0.3)
    entry = mover.approve(mover.record(request, Settlement.KEYED))
    entry = await mover.submit(entry)
    for _ in range(20):
        if entry.state is not EntryState.UNKNOWN:
            break
        entry = await mover.settle(entry)
    box.faults.configure("bhex")
    assert entry.state is EntryState.ACCEPTED, entry.note
    assert {t.client_order_id for t in request.tasks} == set(fin.applications)
    assert set(fin.applications.values()) == {1}
    assert not fin.repeats  # looked up by client_order_id before any resend
    rows = await collect_results(session.adapter(PROFILE), request, entry.receipt, wait_s=5)
    assert len(rows) == 120
    assert [r.line for r in rows if r.ok is False] == [5, 79]
    assert all(r.ok for r in rows if r.line not in (5, 79))
    after = box.ledger.accounts("bhex", "482698709891649536", account_type="1",
                                account_index=0)
    spent = next(r.available for r in before if r.coin == "AT") - \
        next(r.available for r in after if r.coin == "AT")
    assert spent == sum((r.amount for r in rows if r.ok), Decimal(0))


async def test_a_refused_task_is_reported_and_the_rest_sent(setup) -> None:
    session, journal, mover = setup
    request = _request(3, task_rows=1, op=FinanceOp.LOCK, coin="USDT")
    session.sandbox.services["bhex"].finance.available[(USERS[1], "USDT")] = Decimal("0")
    entry = mover.approve(mover.record(request, Settlement.KEYED))
    entry = await mover.submit(entry)
    assert entry.state is EntryState.ACCEPTED
    assert entry.receipt.venue_status == "2 of 3 tasks accepted"
    rows = await collect_results(session.adapter(PROFILE), request, entry.receipt)
    assert [(r.line, r.ok) for r in rows] == [(2, True), (3, False), (4, True)]
    assert rows[1].outcome.startswith("refused: ")


def _policy(tmp_path, monkeypatch) -> None:
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]\n'
                    for n, (_, pub) in KEYS.items())
    path = tmp_path / "policy.toml"
    path.write_text(ops + '\n[[rule]]\nname = "airdrops"\naction = "airdrop"\n'
                          'outcome = "approve"\nquorum = "2 of treasury"\n\n'
                          '[[rule]]\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(path))
    monkeypatch.setenv("COINSOLE_OPERATOR", "ann")


async def test_a_batch_is_one_approval_request(setup, tmp_path, monkeypatch) -> None:
    from tui.approvals.service import ApprovalService, load_policy_file
    from tui.approvals.store_factory import open_store

    session, journal, mover = setup
    _policy(tmp_path, monkeypatch)
    request = _request(40)

    def service(name):
        return ApprovalService(load_policy_file(), open_store(), operator=key(name),
                               journal=journal)

    ann = service("ann")
    held = ann.gate(mover, request, Settlement.KEYED)
    assert held.state is EntryState.PENDING_APPROVAL
    assert not session.sandbox.services["bhex"].finance.applications
    (item,) = ann.queue()
    detail = ann.detail(item.id)
    params = detail.params
    assert detail.hash_ok
    assert params["row_count"] == 40 and params["file_hash"] == request.file_hash
    assert params["totals"] == request.totals and len(params["tasks"]) == 6
    ann.close()
    for name in ("bob", "cat"):
        svc = service(name)
        svc.approve(item.id)
        svc.close()
    bob = service("bob")
    entry = await bob.execute(item.id, mover)
    bob.close()
    assert entry.state is EntryState.ACCEPTED
    assert len(session.sandbox.services["bhex"].finance.applications) == 6
