"""What a demo user needs to know to move money in the demo: the BHEX trade password and
the withdrawal addresses each demo venue has whitelisted (the rest are refused, as a
real venue refuses an address not on its whitelist). Shown in the demo's help (?)."""

from __future__ import annotations

__all__ = ["demo_notes"]

_OUTCOMES = {"broker_reject": "the broker rejects it", "audit_reject": "the audit rejects it",
             "chain_fail": "it fails on chain"}


def demo_notes() -> str:
    """The demo's trade password and whitelisted addresses, one line each."""
    from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD, DEMO_WITHDRAW_ADDRESSES

    lines = [f"Demo: the BHEX trade password is {DEMO_TRADE_PASSWORD}. Whitelisted "
             "withdrawal addresses (any other is refused, as a venue refuses an address "
             "not on its whitelist):"]
    for entry in DEMO_WITHDRAW_ADDRESSES:
        network = f" {entry.network}" if entry.network else ""
        memo = f" memo {entry.memo}" if entry.memo else ""
        outcome = f" ({_OUTCOMES.get(entry.outcome, entry.outcome)})" if entry.outcome else ""
        lines.append(f"  {entry.venue} {entry.coin}{network}: {entry.address}{memo}{outcome}")
    return "\n".join(lines)
