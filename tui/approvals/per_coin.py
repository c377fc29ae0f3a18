"""Policy evaluation of a request that moves several coins at once (a multi-coin finance
batch): each coin's total is evaluated on its own, against the rules that name that coin,
and the request's decision is the most restrictive of them (pure functions).

A request is multi-coin when its wire parameters carry ``totals`` (coin -> exact amount
text) naming two coins or more; its own ``coin`` is then ``MULTI`` and its ``amount`` only
a size. One coin blocked blocks the whole request; else one needing approval makes the
whole request need approval, with a quorum that satisfies every matched approve rule at
once; else it is allowed. The decision's ``why`` lists every coin's total and the rule that
matched it, so the one approval request shows them all.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from .policy import Context, Decision, Quorum, Request

__all__ = ["coin_totals", "per_coin_requests", "combine", "evaluate_per_coin", "merge_quorums"]

_RANK = {"allow": 0, "approve": 1, "block": 2}


def coin_totals(params: Mapping[str, Any]) -> dict[str, Decimal] | None:
    """The per-coin totals of a request's wire parameters when it names two coins or more
    (None otherwise, or when a total is not an exact decimal)."""
    totals = params.get("totals") if isinstance(params, Mapping) else None
    if not isinstance(totals, Mapping) or len(totals) < 2:
        return None
    out: dict[str, Decimal] = {}
    for coin, text in totals.items():
        try:
            out[str(coin).upper()] = Decimal(str(text))
        except InvalidOperation:
            return None
    return out


def per_coin_requests(req: Request) -> list[Request] | None:
    """One request per coin of a multi-coin ``req`` (its coin and that coin's total), or
    None when ``req`` moves one coin."""
    totals = coin_totals(req.params)
    if totals is None:
        return None
    return [replace(req, coin=coin, amount=amount) for coin, amount in sorted(totals.items())]


def merge_quorums(quorums: list[Quorum]) -> Quorum | None:
    """A quorum met exactly when every one of ``quorums`` is met by the same approvers:
    each alternative is one alternative of each, terms on the same group keeping the larger
    count (so two rules each needing ``2 of treasury`` need 2, not 4)."""
    if not quorums:
        return None
    alternatives: list[dict[str, int]] = [{}]
    for quorum in quorums:
        alternatives = [_terms(alt, merged) for merged in alternatives
                        for alt in quorum.alternatives]
    seen: list[tuple[tuple[int, str], ...]] = []
    for merged in alternatives:
        alt = tuple((n, g) for g, n in sorted(merged.items()))
        if alt not in seen:
            seen.append(alt)
    return Quorum(tuple(seen))


def _terms(alt: tuple[tuple[int, str], ...], merged: dict[str, int]) -> dict[str, int]:
    """``merged`` with the terms of ``alt`` (the larger count per group)."""
    out = dict(merged)
    for n, g in alt:
        out[g] = max(n, out.get(g, 0))
    return out


def combine(parts: list[tuple[Request, Decision]]) -> Decision:
    """The most restrictive of per-coin decisions, as one decision for the whole request."""
    worst = max(_RANK[d.outcome] for _, d in parts)
    outcome = next(o for o, r in _RANK.items() if r == worst)
    deciding = [(r, d) for r, d in parts if d.outcome == outcome]
    names = list(dict.fromkeys(d.rule_name for _, d in deciding))
    why = tuple(f"{r.coin} {r.amount}: {d.outcome} by rule {d.rule_name!r} ({', '.join(d.why)})"
                for r, d in parts)
    first = deciding[0][1]
    if outcome == "block":
        reason = "; ".join(f"{r.coin}: {d.reason}" for r, d in deciding)
        return Decision(first.rule_index, " + ".join(names), "block", why, reason=reason)
    if outcome == "allow":
        return Decision(first.rule_index, " + ".join(names), "allow", why)
    return Decision(first.rule_index, " + ".join(names), "approve", why,
                    merge_quorums([d.quorum for _, d in deciding if d.quorum is not None]),
                    all(d.allow_self_approval for _, d in deciding),
                    min(d.expiry_ms for _, d in deciding))


def evaluate_per_coin(evaluate_one: Callable[[Request, Context], Decision], req: Request,
                      ctx: Context) -> Decision | None:
    """``req``'s decision coin by coin (None when it moves one coin). ``ctx.available`` may
    be a mapping coin -> available balance; a single balance is not any one coin's, so the
    share rules then read nothing available (the stricter reading)."""
    parts = per_coin_requests(req)
    if parts is None:
        return None
    available = ctx.available if isinstance(ctx.available, Mapping) else {}
    decided = [(r, evaluate_one(r, replace(ctx, available=available.get(r.coin))))
               for r in parts]
    return combine(decided)
