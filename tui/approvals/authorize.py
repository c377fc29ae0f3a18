"""The executing process's check, immediately before sending: trust nothing in the store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from . import quorum
from .canonical import request_hash
from .policy import Context, Policy, Request, evaluate
from .store import Row


@dataclass(frozen=True)
class Authorization:
    """ok, or the one-line reason it is refused."""
    ok: bool
    reason: str


def request_from_json(text: str) -> Request:
    """Rebuild a Request from the store's JSON (amount as exact decimal string)."""
    d = json.loads(text)
    return Request(d["action"], d["profile"], d["venue"], d["coin"], Decimal(d["amount"]),
                   d["initiator"], d.get("destination", ""), d.get("params", {}))


def authorize(row: Row, sigs, policy: Policy, policy_hash_hex: str, ctx: Context) -> Authorization:
    """Recompute the hash, re-evaluate the policy, re-verify signatures and expiry."""
    if row.state != "EXECUTING":
        return Authorization(False, f"request is {row.state}, not claimed for execution; claim it first")
    req = request_from_json(row.request_json)
    h = request_hash(req, policy_hash_hex)
    if row.policy_hash != policy_hash_hex:
        return Authorization(False, "the policy changed since this request was proposed; propose it again")
    if h != row.request_hash:
        return Authorization(False, "the stored request does not match its hash (edited); refuse")
    d = evaluate(policy, req, ctx)
    if d.outcome == "block":
        return Authorization(False, f"blocked by rule {d.rule_name}: {d.reason}")
    if d.outcome == "allow":
        return Authorization(True, f"allowed by rule {d.rule_name}")
    q = quorum.check(policy, d, sigs, request_hash=h, policy_hash=policy_hash_hex,
                     initiator=req.initiator, proposed_ms=row.proposed_ms, now_ms=ctx.now_ms)
    return Authorization(q.satisfied, q.reason)
