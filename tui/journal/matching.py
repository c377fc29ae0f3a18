"""Deciding whether a history lookup found this journal entry's request, and only it.

Pure functions over a :class:`~tui.core.moves.LookupResult`. A record is taken as the
request's only when that is provable:

1. it carries the request's own key or id (``proof``: ``outBizId``, ``client_order_id``,
   the venue id from the reply), and no other entry claims it; or
2. without a key: it is the one and only candidate created at or after the entry's first
   send minus the clock margin (``since_ms``) that no other journal entry claims (as its
   ``venue_ref``), and the search read the history back past that time.

Anything else (no candidate, several, only claimed or older ones, a search cut short by the
page bound) is undecided, and every candidate is listed with why it was not taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tui.core.money import plain
from tui.core.moves import LookupCandidate, LookupResult, MoveReceipt

__all__ = ["Verdict", "decide", "describe"]

MAX_LISTED = 8
"""How many candidates a note lists before it says how many more there were."""


@dataclass(frozen=True)
class Verdict:
    """What a lookup proves about one entry.

    ``receipt`` is the record taken as the entry's (None: undecided). ``rejected`` pairs
    each other candidate with why it is not proof. ``nothing_found``: the search was
    complete and no record resembled the request at all (the only case where a history
    treated as authoritative may reject the entry). ``supported`` False: the endpoint
    cannot be looked up at the venue (``reason`` says why).
    """

    receipt: MoveReceipt | None
    rejected: tuple[tuple[LookupCandidate, str], ...] = ()
    nothing_found: bool = False
    supported: bool = True
    reason: str = ""

    @property
    def evidence(self) -> str:
        """The rejected candidates as one line for a note (empty when there were none)."""
        if not self.rejected:
            return ""
        shown = [describe(c, why) for c, why in self.rejected[:MAX_LISTED]]
        more = len(self.rejected) - MAX_LISTED
        if more > 0:
            shown.append(f"{more} more")
        return "candidates: " + "; ".join(shown)


def describe(candidate: LookupCandidate, why: str) -> str:
    """One candidate as text: ref, time, amount, status and why it is not proof."""
    receipt = candidate.receipt
    amount = "-" if candidate.amount is None else plain(candidate.amount)
    time = "-" if candidate.time_ms is None else str(candidate.time_ms)
    status = receipt.venue_status or receipt.status.value
    return f"{receipt.venue_ref or '-'} (time {time}, amount {amount}, status {status}): {why}"


def decide(result: LookupResult, *, claimed: Mapping[str, int]) -> Verdict:
    """Which candidate of ``result`` is provably the entry's; ``claimed`` maps each venue
    ref already held by another journal entry to that entry's id."""
    if not result.supported:
        return Verdict(None, supported=False, reason=result.reason)
    candidates = _distinct(result.candidates)
    rejected: list[tuple[LookupCandidate, str]] = []
    proven: list[LookupCandidate] = []
    eligible: list[LookupCandidate] = []
    for candidate in candidates:
        ref = candidate.receipt.venue_ref
        owner = claimed.get(ref) if ref else None
        if owner is not None:
            rejected.append((candidate, f"already journal entry {owner}'s record"))
        elif candidate.proof:
            proven.append(candidate)
        elif result.since_ms is not None and (candidate.time_ms is None
                                              or candidate.time_ms < result.since_ms):
            rejected.append((candidate, f"created before this request was first sent "
                                        f"(before {result.since_ms})"))
        else:
            eligible.append(candidate)
    if len(proven) == 1:
        taken = proven[0]
        others = [(c, "not this request's: another record carries its key") for c in eligible]
        return Verdict(_with_evidence(taken, "", others + rejected),
                       rejected=tuple(others + rejected))
    if proven:
        rejected = ([(c, f"one of {len(proven)} records carrying this request's key")
                     for c in proven]
                    + [(c, "not this request's: other records carry its key") for c in eligible]
                    + rejected)
        return Verdict(None, rejected=tuple(rejected))
    if len(eligible) == 1 and result.complete:
        taken = eligible[0]
        how = (f"the only unclaimed record since {result.since_ms} whose fields agree "
               f"({taken.matched})")
        return Verdict(_with_evidence(taken, how, rejected), rejected=tuple(rejected))
    if len(eligible) == 1:
        rejected.insert(0, (eligible[0], f"the history was read for {result.pages} pages "
                                         "only, not back to the send time: others may exist"))
    else:
        rejected = [(c, f"one of {len(eligible)} alike records since the send: ambiguous")
                    for c in eligible] + rejected
    nothing = not candidates and result.complete
    return Verdict(None, rejected=tuple(rejected), nothing_found=nothing)


def _distinct(candidates: tuple[LookupCandidate, ...]) -> list[LookupCandidate]:
    """Candidates without repeats of one venue ref (a record read on two pages)."""
    seen: set[str] = set()
    kept = []
    for candidate in candidates:
        ref = candidate.receipt.venue_ref
        if ref:
            if ref in seen:
                continue
            seen.add(ref)
        kept.append(candidate)
    return kept


def _with_evidence(candidate: LookupCandidate, how: str,
                   others: list[tuple[LookupCandidate, str]]) -> MoveReceipt:
    """The candidate's receipt, its evidence saying why it was taken (``how``; a proof
    says it already) and which others were set aside."""
    receipt = candidate.receipt
    evidence = receipt.evidence + (f"; taken as this request's: {how}" if how else "")
    if others:
        evidence += f"; {len(others)} other candidate(s) set aside: " + "; ".join(
            describe(c, why) for c, why in others[:MAX_LISTED])
    return receipt.model_copy(update={"evidence": evidence})
