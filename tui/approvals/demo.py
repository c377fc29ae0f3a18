"""The demo's approvals: a policy with three operators (``you`` and two teammates, ``maria``
and ``tom``), their keys (plain demo data, like the sandbox's demo credentials), and a store
in the data directory seeded with a few pending requests, so the Approvals screen is alive
on first start. ``coinsole --demo --as maria`` acts as a teammate (their votes count).
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from pathlib import Path

from .canonical import policy_hash
from .identity import OPERATOR_ENV, ApprovalsError, OperatorKey
from .operators import public_of
from .policy import load_policy

__all__ = ["DEMO_OPERATORS", "demo_key", "demo_policy_text", "demo_service", "demo_store_path"]

DEMO_OPERATORS = ("you", "maria", "tom")


def demo_key(name: str) -> OperatorKey:
    """A demo operator's key: derived from the name (public demo data, never a real key)."""
    if name not in DEMO_OPERATORS:
        raise ApprovalsError(f"the demo's operators are {', '.join(DEMO_OPERATORS)}, not {name!r}")
    return OperatorKey(name, hashlib.sha256(b"coinsole-demo-operator:" + name.encode()).digest())


def demo_policy_text() -> str:
    """The demo's policy.toml."""
    groups = {"you": '["treasury"]', "maria": '["treasury"]', "tom": '["treasury", "risk"]'}
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{public_of(demo_key(n).private).hex()}"\n'
                    f'groups = {groups[n]}\n' for n in DEMO_OPERATORS)
    return ops + '''
[[rule]]
name = "withdrawals of 5000 or more go to known addresses only"
action = "withdraw"
min_amount = "5000"
destination_not_in = ["TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"]
outcome = "block"
reason = "big withdrawals go to allow-listed addresses only"

[[rule]]
name = "withdrawals of 500 or more"
action = "withdraw"
min_amount = "500"
outcome = "approve"
quorum = "2 of treasury or 1 of risk and 1 of treasury"
expiry = "24h"

[[rule]]
name = "large transfers and sends"
action = ["transfer", "internal_transfer"]
min_amount = "1000"
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
name = "default"
outcome = "allow"
'''


def demo_store_path() -> Path:
    """``demo-approvals.sqlite`` in the data directory (kept between demo runs so a
    teammate's vote cast with ``--as`` shows in the next run)."""
    from tui.paths import app_paths

    paths = app_paths()
    return paths.ensure(paths.data_dir) / "demo-approvals.sqlite"


def demo_service(as_name: str | None = None, *, journal=None, store=None):
    """The approvals service of the demo, acting as ``as_name`` (default:
    ``COINSOLE_OPERATOR``, else ``you``), its store seeded when nothing is pending."""
    import os

    from .service import ApprovalService, LoadedPolicy
    from .store_sqlite import SqliteStore

    name = as_name or os.environ.get(OPERATOR_ENV, "").strip() or "you"
    text = demo_policy_text()
    loaded = LoadedPolicy(load_policy(text), policy_hash(text.encode()), Path("(demo policy)"), text)
    store = store if store is not None else SqliteStore(str(demo_store_path()))
    service = ApprovalService(loaded, store, operator=demo_key(name), journal=journal)
    if not any(r.state in ("PENDING_APPROVAL", "APPROVED") for r in store.list()):
        _seed(loaded, store)
    return service


def _seed(loaded, store) -> None:
    """A few requests: two waiting for ``you``, one of yours with a vote, one approved."""
    from tui.core.models import AccountKind, AccountRef
    from tui.core.moves import MoveKind, MoveRequest, Recipient

    from .service import ApprovalService

    def as_(name):
        return ApprovalService(loaded, store, operator=demo_key(name))

    def key(n):
        return f"demo{n:02d}{secrets.token_hex(6)}"

    requests = [
        ("maria", MoveRequest(kind=MoveKind.WITHDRAW, profile="bitunix-demo", venue="bitunix",
                              coin="USDT", amount=Decimal("520"), client_key=key(1),
                              network="Tron (TRC-20)",
                              address="TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"), ()),
        ("tom", MoveRequest(kind=MoveKind.TRANSFER, profile="fcoin-demo", venue="fcoin",
                            coin="USDT", amount=Decimal("1200.5"), client_key=key(2),
                            from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                            to_account=AccountRef(kind=AccountKind.SPOT)), ("maria",)),
        ("you", MoveRequest(kind=MoveKind.INTERNAL_TRANSFER, profile="bitunix-demo",
                            venue="bitunix", coin="USDT", amount=Decimal("1000"),
                            client_key=key(3),
                            recipient=Recipient(kind="email", value="alice@coinsole.test")),
         ("tom",)),
        ("maria", MoveRequest(kind=MoveKind.TRANSFER, profile="fcoin-demo", venue="fcoin",
                              coin="USDT", amount=Decimal("1000"), client_key=key(4),
                              from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                              to_account=AccountRef(kind=AccountKind.SPOT)), ("you", "tom")),
    ]
    for initiator, jr, voters in requests:
        service = as_(initiator)
        item = service.propose(service.evaluate(jr))
        for voter in voters:
            as_(voter).approve(item.id)
