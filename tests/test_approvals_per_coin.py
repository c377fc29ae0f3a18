"""A multi-coin request (a finance batch naming several coins) is decided coin by coin:
each coin's total against the rules naming that coin, the most restrictive outcome wins,
and one approval request lists every coin's total and rule (issue 16)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from approvals_world import KEYS, key
from tui.approvals.per_coin import coin_totals, merge_quorums
from tui.approvals.policy import Context, HistoryItem, Request, evaluate, load_policy, parse_quorum
from tui.approvals.quorum import quorum_met

RULES = '''
[groups]
risk = ["dan"]

[[rule]]
name = "usdt ceiling"
action = "airdrop"
coin = "USDT"
min_amount = "10000"
outcome = "block"
reason = "airdrops of 10000 USDT or more are not allowed"

[[rule]]
name = "big btc"
action = "airdrop"
coin = "BTC"
min_amount = "1"
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
name = "eth to risk"
action = "airdrop"
coin = "ETH"
min_amount = "100"
outcome = "approve"
quorum = "1 of risk"
expiry = "1h"

[[rule]]
name = "eth share"
action = "airdrop"
coin = "ETH"
min_share = "0.5"
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
name = "btc daily"
action = "airdrop"
coin = "BTC"
velocity = { max = "3", window = "24h", per = ["coin"] }
outcome = "approve"
quorum = "3 of treasury"

[[rule]]
name = "default"
outcome = "allow"
'''


def _policy():
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\n'
                    f'groups = ["{"risk" if n == "dan" else "treasury"}"]\n'
                    for n, (_, pub) in KEYS.items())
    return load_policy(ops + RULES)


def batch(**totals: str) -> Request:
    """An airdrop batch request as the approvals service builds it from the journal."""
    amount = sum((Decimal(v) for v in totals.values()), Decimal(0))
    coin = next(iter(totals)) if len(totals) == 1 else "MULTI"
    return Request("airdrop", "bhex-demo", "bhex", coin, amount, "ann", "finance:airdrop",
                   {"totals": dict(totals), "row_count": 3})


def test_one_coin_over_its_threshold_needs_approval_though_the_sum_of_coins_is_not_it() -> None:
    """BTC 2 needs approval by 'big btc' although the batch also carries USDT: before, the
    policy saw coin MULTI and no coin rule matched (allowed)."""
    d = evaluate(_policy(), batch(BTC="2", USDT="5"), Context(0))
    assert d.outcome == "approve" and d.rule_name == "big btc"
    assert str(d.quorum) == "2 of treasury"
    assert d.why[0].startswith("BTC 2: approve by rule 'big btc'")
    assert d.why[1].startswith("USDT 5: allow by rule 'default'")


def test_one_coin_blocked_blocks_the_whole_batch() -> None:
    d = evaluate(_policy(), batch(BTC="2", USDT="10000"), Context(0))
    assert d.outcome == "block" and d.rule_name == "usdt ceiling"
    assert d.reason == "USDT: airdrops of 10000 USDT or more are not allowed"
    assert any(w.startswith("BTC 2: approve") for w in d.why)


def test_every_coin_allowed_allows_and_names_each_rule() -> None:
    d = evaluate(_policy(), batch(BTC="0.5", USDT="9999.99", ETH="1"),
                 Context(0, {"ETH": Decimal(1000)}))
    assert d.outcome == "allow" and d.rule_name == "default"
    assert [w.split(":")[0] for w in d.why] == ["BTC 0.5", "ETH 1", "USDT 9999.99"]


def test_two_approve_rules_need_both_quorums_and_the_shorter_expiry() -> None:
    d = evaluate(_policy(), batch(BTC="2", ETH="150"), Context(0))
    assert d.outcome == "approve" and d.rule_name == "big btc + eth to risk"
    assert str(d.quorum) == "1 of risk and 2 of treasury"
    assert d.expiry_ms == 3_600_000
    policy = _policy()
    assert not quorum_met(policy, d.quorum, {"bob", "cat"})
    assert not quorum_met(policy, d.quorum, {"bob", "dan"})
    assert quorum_met(policy, d.quorum, {"bob", "cat", "dan"})


def test_the_same_quorum_twice_is_not_doubled() -> None:
    q = merge_quorums([parse_quorum("2 of treasury"), parse_quorum("2 of treasury")])
    assert str(q) == "2 of treasury"
    q = merge_quorums([parse_quorum("1 of risk or 3 of treasury"), parse_quorum("2 of treasury")])
    assert str(q) == "1 of risk and 2 of treasury or 3 of treasury"


def test_share_rules_read_each_coins_own_balance() -> None:
    """ETH 60 against 100 ETH available is more than half: 'eth share' matches; against
    200 it does not. A single balance for a multi-coin batch is read as nothing available."""
    policy = _policy()
    assert evaluate(policy, batch(ETH="60", USDT="1"),
                    Context(0, {"ETH": Decimal(100), "USDT": Decimal(10**6)})).outcome == "approve"
    assert evaluate(policy, batch(ETH="60", USDT="1"),
                    Context(0, {"ETH": Decimal(200), "USDT": Decimal(10**6)})).outcome == "allow"
    assert evaluate(policy, batch(ETH="60", USDT="1"), Context(0, Decimal(10**9))).outcome \
        == "approve"


def test_velocity_counts_the_coins_own_history() -> None:
    """BTC 0.5 with 3 BTC already airdropped today passes 'btc daily'; 3 USDT does not count."""
    policy = _policy()
    btc = (HistoryItem(1, "ann", "bhex-demo", "BTC", Decimal(3)),)
    usdt = (HistoryItem(1, "ann", "bhex-demo", "USDT", Decimal(3)),)
    assert evaluate(policy, batch(BTC="0.5", USDT="1"), Context(10, None, btc)).rule_name \
        == "btc daily"
    assert evaluate(policy, batch(BTC="0.5", USDT="1"), Context(10, None, usdt)).outcome == "allow"


def test_single_coin_requests_are_decided_as_before() -> None:
    assert coin_totals({"totals": {"BTC": "2"}}) is None
    assert coin_totals({"totals": {"BTC": "2", "ETH": "x"}}) is None
    assert evaluate(_policy(), batch(BTC="2"), Context(0)).rule_name == "big btc"
    assert evaluate(_policy(), batch(BTC="0.1"), Context(0)).rule_name == "default"


@pytest.fixture
async def world(tmp_path, monkeypatch):
    from tui.demo import demo_session
    from tui.journal import Journal, Mover

    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]\n'
                    for n, (_, pub) in KEYS.items())
    path = tmp_path / "policy.toml"
    path.write_text(ops + '\n[[rule]]\nname = "big at"\naction = "airdrop"\ncoin = "AT"\n'
                          'min_amount = "1"\noutcome = "approve"\nquorum = "2 of treasury"\n\n'
                          '[[rule]]\nname = "usdt"\naction = "airdrop"\ncoin = "USDT"\n'
                          'outcome = "allow"\n\n'
                          '[[rule]]\nname = "default"\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(path))
    monkeypatch.setenv("COINSOLE_OPERATOR", "ann")
    session = demo_session()
    session.sandbox.services["bhex"].finance.run_ms = 0
    journal = Journal(tmp_path / "journal.sqlite")
    yield session, journal, Mover(session, journal, keyed_attempts=5, keyed_backoff_s=0)
    await session.aclose()
    journal.close()


async def test_a_two_coin_batch_is_one_approval_request_listing_each_coin(world) -> None:
    """Real journal, real SQLite approvals store, the demo sandbox: an AT + USDT airdrop is
    held by the AT rule (before: coin MULTI, allowed), proposed once with both totals, and
    sent once approved."""
    from tui.approvals.service import ApprovalService, load_policy_file
    from tui.approvals.store_factory import open_store
    from tui.core.moves import Settlement
    from tui.finance.batch import prepare_rows
    from tui.finance.request import plan_batch
    from tui.journal import EntryState
    from tui.venues.bhex_finance import FinanceOp

    session, journal, mover = world
    users = ("482698709891649537", "482698709891649538")
    rows = [(2, {"uid": users[0], "coin": "AT", "amount": "1.5"}),
            (3, {"uid": users[1], "coin": "USDT", "amount": "0.01"}),
            (4, {"uid": users[1], "coin": "AT", "amount": "0.5"})]
    request = plan_batch(prepare_rows(FinanceOp.AIRDROP, rows, coins={"AT": 18, "USDT": 18}),
                         profile="bhex-demo", task_rows=10)
    assert request.coin == "MULTI"

    def service(name):
        return ApprovalService(load_policy_file(), open_store(), operator=key(name),
                               journal=journal)

    ann = service("ann")
    ev = ann.evaluate(request)
    assert ev.outcome == "approve" and ev.rule == "big at"
    held = ann.gate(mover, request, Settlement.KEYED)
    assert held.state is EntryState.PENDING_APPROVAL
    (item,) = ann.queue()
    detail = ann.detail(item.id)
    assert detail.params["totals"] == {"AT": "2.0", "USDT": "0.01"}
    assert detail.why[0].startswith("AT 2.0: approve by rule 'big at'")
    assert detail.why[1].startswith("USDT 0.01: allow by rule 'usdt'")
    assert not session.sandbox.services["bhex"].finance.applications
    ann.close()
    for name in ("bob", "cat"):
        svc = service(name)
        svc.approve(item.id)
        svc.close()
    bob = service("bob")
    entry = await bob.execute(item.id, mover)
    bob.close()
    assert entry.state is EntryState.ACCEPTED and entry.receipt.venue_status == "1 of 1 tasks accepted"
    assert len(session.sandbox.services["bhex"].finance.applications) == 1
