"""Is a decision's quorum met by a set of signed statements? (pure)"""

from __future__ import annotations

from dataclasses import dataclass

from .operators import Signed, verify
from .policy import Decision, Policy


@dataclass(frozen=True)
class QuorumResult:
    """Whether approved, rejected, and the approvers counted."""
    satisfied: bool
    rejected_by: tuple[str, ...]
    approvers: tuple[str, ...]
    reason: str


def check(policy: Policy, decision: Decision, sigs: list[Signed], *, request_hash: str,
          policy_hash: str, initiator: str, proposed_ms: int, now_ms: int) -> QuorumResult:
    """Count valid approvals (this request, this policy, before expiry, once per operator)."""
    if decision.outcome != "approve" or decision.quorum is None:
        return QuorumResult(decision.outcome == "allow", (), (), f"outcome is {decision.outcome}")
    if now_ms > proposed_ms + decision.expiry_ms:
        return QuorumResult(False, (), (), "request expired")
    approvers, rejecters = set(), set()
    for s in sigs:
        st = s.statement
        op = policy.operators.get(st.operator)
        if op is None or st.request_hash != request_hash or st.policy_hash != policy_hash:
            continue
        if not (proposed_ms <= st.time_ms <= proposed_ms + decision.expiry_ms):
            continue
        if not verify(op.public_key, s):
            continue
        if st.operator == initiator and not decision.allow_self_approval:
            continue
        (approvers if st.decision == "approve" else rejecters).add(st.operator)
    if rejecters:
        return QuorumResult(False, tuple(sorted(rejecters)), tuple(sorted(approvers)), "rejected")
    ok = quorum_met(policy, decision.quorum, approvers)
    return QuorumResult(ok, (), tuple(sorted(approvers)), "quorum met" if ok else f"needs {decision.quorum}")


def quorum_met(policy: Policy, quorum, approvers: set[str]) -> bool:
    """True when some alternative has every (n of group) term met; an operator counts once per
    alternative (an operator in two groups cannot fill both terms)."""
    for alt in quorum.alternatives:
        if _assign(policy, list(alt), set(approvers)):
            return True
    return False


def _assign(policy: Policy, terms: list[tuple[int, str]], free: set[str]) -> bool:
    if not terms:
        return True
    (n, g), rest = terms[0], terms[1:]
    members = sorted(free & policy.groups.get(g, frozenset()))
    if len(members) < n:
        return False
    from itertools import combinations
    for pick in combinations(members, n):
        if _assign(policy, rest, free - set(pick)):
            return True
    return False
