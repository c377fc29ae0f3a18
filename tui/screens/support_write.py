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

__all__ = ["WriteOutcome", "send_support_write", "summary_text"]


def summary_text(summary: list[tuple[str, str]]) -> str:
    """A request's summary (label/value pairs) as aligned lines for a confirmation."""
    width = max((len(k) for k, _ in summary), default=0)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in summary)


@dataclass(frozen=True)
class WriteOutcome:
    """What came of a write: ``done`` when the venue took it, and one line saying so."""

    done: bool
    text: str
    severity: str = "information"
    venue_ref: str | None = None
    """What the venue named for it (a registration: the new user id)."""


async def send_support_write(session: Any, request: Any, **secrets: Any) -> WriteOutcome:
    """Record ``request`` (DRAFT), approve it through the policy, send it once; the
    outcome in words. Never raises for the venue's or the policy's answer.

    ``secrets`` (name -> SecretStr: a new password, a GA key and code) are held in memory
    for the send and, when its reply is lost, the settling lookup made at once
    (:mod:`tui.support.held_secrets`), and forgotten when this returns, as the CLI's
    :func:`tui.support.writes.send_write` does; they are never journaled."""
    from tui.support.held_secrets import hold, release

    if secrets:
        hold(request.client_key, **secrets)
    try:
        return await _send(session, request, settle_now=bool(secrets))
    finally:
        release(request.client_key)


async def _send(session: Any, request: Any, *, settle_now: bool) -> WriteOutcome:
    from tui.approvals.service import HeldForApproval, PolicyBlocked
    from tui.journal_ui import mover_for

    mover = mover_for(session)
    try:
        _refuse_if_blocked(mover, request)
        entry = mover.record(request, Settlement.LOOKUP)
        entry = mover.approve(entry, by=request.operator)
    except PolicyBlocked as exc:
        return WriteOutcome(False, f"not sent: {exc}", "error")
    except HeldForApproval as held:
        return WriteOutcome(False, str(held), "warning")
    except CoinsoleError as exc:
        return WriteOutcome(False, f"not sent: {exc}", "error")
    try:
        entry = await mover.submit(entry)
    except CoinsoleError as exc:
        return WriteOutcome(False, f"outcome unknown: {exc}", "error")
    from tui.journal.states import EntryState

    if entry.state is EntryState.UNKNOWN and settle_now:
        try:
            entry = await mover.settle(entry)  # while the secret the lookup needs is held
        except CoinsoleError:
            pass
    if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
        status = entry.receipt.venue_status if entry.receipt else "accepted"
        return WriteOutcome(True, f"done: {status}; journal entry {entry.id}",
                            venue_ref=entry.venue_ref or None)
    if entry.state is EntryState.REJECTED:
        return WriteOutcome(False, f"the venue refused it: {entry.last_error}; journal "
                                   f"entry {entry.id}", "error")
    return WriteOutcome(False, f"outcome unknown: journal entry {entry.id}; Activity (4) "
                               "settles it", "warning")


def _refuse_if_blocked(mover: Any, request: Any) -> None:
    """Ask the policy in force before anything is journaled, when the mover is gated (a
    real journal): a block raises PolicyBlocked, so a blocked write leaves no entry (as
    the CLI's and the org screens'); holding and allowing are left to the mover's gate."""
    if getattr(mover, "policy_gate", None) is None:
        return
    from tui.approvals.service import ApprovalService, PolicyBlocked

    service = ApprovalService.open(journal=mover.journal)
    try:
        if service.active:
            evaluation = service.evaluate(request)
            if evaluation.outcome == "block":
                raise PolicyBlocked(f"{evaluation.line()}; nothing was sent")
    finally:
        service.close()
