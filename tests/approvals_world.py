"""A policy of three treasury operators (ann, bob, cat) and helpers that hold real requests
in a real SQLite approvals store and the demo session's journal, for the Approvals screen's
tests, snapshots and bench."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tui.approvals import operators
from tui.approvals.identity import OperatorKey
from tui.approvals.service import ApprovalService, load_policy_file
from tui.approvals.store_factory import open_store
from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind
from tui.journal_ui import journal_for, mover_for

TRON = "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"
# Fixed keys (test-only, public in this file) so snapshots are the same on every run.
SEEDS = {"ann": b"\x01" * 32, "bob": b"\x02" * 32, "cat": b"\x03" * 32, "dan": b"\x04" * 32}
KEYS = {name: (seed, operators.public_of(seed)) for name, seed in SEEDS.items()}


def policy_text() -> str:
    """BHEX withdrawals, and others of 100 or more, need 2 of treasury (typed last 4 above
    100); big transfers
    (1000+) need 3; transfers past 50 a day, or of 5 or more, need 2; the rest is allowed."""
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]\n'
                    for n, (_, pub) in KEYS.items())
    return ops + '''
[[rule]]
name = "bhex withdrawals"
action = "withdraw"
profile = "bhex-demo"
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
name = "big withdrawals"
action = "withdraw"
min_amount = "100"
outcome = "approve"
quorum = "2 of treasury"
expiry = "24h"

[[rule]]
name = "big transfers"
action = "transfer"
min_amount = "1000"
outcome = "approve"
quorum = "3 of treasury"

[[rule]]
name = "daily transfer limit"
action = "transfer"
velocity = { max = "50", window = "24h", per = ["initiator", "coin"] }
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
name = "transfers"
action = "transfer"
min_amount = "5"
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
outcome = "allow"
'''


def write_policy(directory: Path, monkeypatch, me: str = "bob") -> Path:
    """Write the policy, point COINSOLE_POLICY at it, and make ``me`` this machine's
    operator."""
    path = directory / "policy.toml"
    path.write_text(policy_text(), encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(path))
    monkeypatch.setenv("COINSOLE_OPERATOR", me)
    return path


def key(name: str) -> OperatorKey:
    """Operator ``name``'s key."""
    return OperatorKey(name, KEYS[name][0])


def service_for(session, name: str, clock=None) -> ApprovalService:
    """Operator ``name``'s service over the configured policy and store and the session's
    journal."""
    kw = {"clock": clock} if clock else {}
    return ApprovalService(load_policy_file(), open_store(), operator=key(name),
                           journal=journal_for(session), **kw)


def hold_transfer(session, by: str = "ann", amount: str = "10", clock=None):
    """``by`` asks for an fcoin-demo USDT transfer; the queue item."""
    mover = mover_for(session)
    request, settlement = mover.build(
        kind=MoveKind.TRANSFER, profile="fcoin-demo", coin="USDT", amount=Decimal(amount),
        from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
        to_account=AccountRef(kind=AccountKind.SPOT))
    svc = service_for(session, by, clock)
    ev = svc.evaluate(request)
    assert ev.outcome == "approve", ev.line()
    _, item = svc.hold(mover, request, settlement, ev)
    svc.close()
    return item


def hold_withdrawal(session, by: str = "ann", amount: str = "250.5", clock=None):
    """``by`` asks for a bitunix-demo USDT withdrawal to :data:`TRON`; the queue item."""
    mover = mover_for(session)
    request, settlement = mover.build(
        kind=MoveKind.WITHDRAW, profile="bitunix-demo", coin="USDT", amount=Decimal(amount),
        network="Tron (TRC-20)", address=TRON)
    svc = service_for(session, by, clock)
    ev = svc.evaluate(request)
    assert ev.outcome == "approve", ev.line()
    _, item = svc.hold(mover, request, settlement, ev)
    svc.close()
    return item


BTC_ADDRESS = "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"


def hold_bhex_withdrawal(session, by: str = "ann"):
    """``by`` asks for a bhex-demo BTC withdrawal (it needs the trade password to send)."""
    mover = mover_for(session)
    request, settlement = mover.build(
        kind=MoveKind.WITHDRAW, profile="bhex-demo", coin="BTC", amount=Decimal("0.0015"),
        address=BTC_ADDRESS, miner_fee=Decimal("0.0001"))
    svc = service_for(session, by)
    ev = svc.evaluate(request)
    assert ev.outcome == "approve", ev.line()
    _, item = svc.hold(mover, request, settlement, ev)
    svc.close()
    return item
