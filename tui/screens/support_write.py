"""A support write sent from the TUI: journaled with its operator before it is sent, through
the session's mover, whose approvals gate (:func:`tui.approvals.service.policy_gate`, set
on every non-demo session by :mod:`tui.journal_ui`) lets the policy in force decide first:
allowed is sent once; needing approval is journaled PENDING_APPROVAL and proposed; blocked
is not sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.errors import CoinsoleError
from tui.core.moves import Settlement

__all__ = ["WriteOutcome", "send_support_write"]


@dataclass(frozen=True)
class WriteOutcome:
    """What came of a write: ``done`` when the venue took it, and one line saying so."""

    done: bool
    text: str
    severity: str = "information"


async def send_support_write(session: Any, request: Any) -> WriteOutcome:
    """Record ``request`` (DRAFT), approve it through the policy, send it once; the
    outcome in words. Never raises for the venue's or the policy's answer."""
    from tui.approvals.service import HeldForApproval
    from tui.journal.states import EntryState
    from tui.journal_ui import mover_for

    mover = mover_for(session)
    try:
        entry = mover.record(request, Settlement.LOOKUP)
        entry = mover.approve(entry, by=request.operator)
    except HeldForApproval as held:
        return WriteOutcome(False, str(held), "warning")
    except CoinsoleError as exc:
        return WriteOutcome(False, f"not sent: {exc}", "error")
    try:
        entry = await mover.submit(entry)
    except CoinsoleError as exc:
        return WriteOutcome(False, f"outcome unknown: {exc}", "error")
    if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
        status = entry.receipt.venue_status if entry.receipt else "accepted"
        return WriteOutcome(True, f"done: {status}; journal entry {entry.id}")
    if entry.state is EntryState.REJECTED:
        return WriteOutcome(False, f"the venue refused it: {entry.last_error}; journal "
                                   f"entry {entry.id}", "error")
    return WriteOutcome(False, f"outcome unknown: journal entry {entry.id}; Activity (4) "
                               "settles it", "warning")
