"""The journal's states and the one table of transitions allowed between them.

DESIGN.md ("Moving money"): DRAFT -> PENDING_APPROVAL -> APPROVED -> SUBMITTING ->
ACCEPTED | REJECTED | UNKNOWN -> RECONCILED. PENDING_APPROVAL holds a request a policy rule
sends for approval (tui/approvals); it ends APPROVED when executed, or REJECTED when the
approvers reject it or it expires. Without a policy a draft goes straight to APPROVED.
"""

from __future__ import annotations

from enum import Enum

from tui.core.errors import CoinsoleError

__all__ = ["EntryState", "TRANSITIONS", "IllegalTransition", "check_transition"]


class EntryState(str, Enum):
    """Where a journal entry stands."""

    DRAFT = "DRAFT"
    """Recorded, not yet approved; nothing sent."""
    PENDING_APPROVAL = "PENDING_APPROVAL"
    """Waiting for the approvals a policy rule asks for (tui/approvals)."""
    APPROVED = "APPROVED"
    """Approved by the operator; nothing sent yet."""
    SUBMITTING = "SUBMITTING"
    """Written (fsync'd) just before a send; found on start, it means a crash mid-flight."""
    ACCEPTED = "ACCEPTED"
    """The venue took the request (its receipt is recorded)."""
    REJECTED = "REJECTED"
    """The venue refused it, or it is known never to have taken effect. Final."""
    UNKNOWN = "UNKNOWN"
    """Sent, outcome unknown: to be settled by key, by lookup, or by the operator."""
    RECONCILED = "RECONCILED"
    """The venue's status for the accepted request is final. Final."""

    @property
    def final(self) -> bool:
        """True when no transition leaves this state."""
        return not TRANSITIONS[self]


TRANSITIONS: dict[EntryState, frozenset[EntryState]] = {
    EntryState.DRAFT: frozenset({EntryState.PENDING_APPROVAL, EntryState.APPROVED}),
    EntryState.PENDING_APPROVAL: frozenset({EntryState.APPROVED, EntryState.REJECTED}),
    EntryState.APPROVED: frozenset({EntryState.SUBMITTING}),
    EntryState.SUBMITTING: frozenset({EntryState.ACCEPTED, EntryState.REJECTED, EntryState.UNKNOWN}),
    # UNKNOWN -> SUBMITTING is a KEYED resend with the same key; -> ACCEPTED / REJECTED is a
    # settlement (lookup evidence or the operator's decision).
    EntryState.UNKNOWN: frozenset({EntryState.SUBMITTING, EntryState.ACCEPTED, EntryState.REJECTED}),
    EntryState.ACCEPTED: frozenset({EntryState.RECONCILED}),
    EntryState.REJECTED: frozenset(),
    EntryState.RECONCILED: frozenset(),
}
"""Every allowed transition, in one place. Anything not listed is refused."""


class IllegalTransition(CoinsoleError):
    """A change of state the transition table does not allow."""

    def __init__(self, entry_id: int | None, current: EntryState, wanted: EntryState) -> None:
        self.current = current
        self.wanted = wanted
        allowed = ", ".join(s.value for s in sorted(TRANSITIONS[current], key=lambda s: s.value))
        where = f"journal entry {entry_id}" if entry_id is not None else "a journal entry"
        super().__init__(
            f"{where} is {current.value} and cannot become {wanted.value}"
            f" (allowed: {allowed or 'none, it is final'})"
        )


def check_transition(entry_id: int | None, current: EntryState, wanted: EntryState) -> None:
    """Raise :class:`IllegalTransition` unless ``current -> wanted`` is in :data:`TRANSITIONS`."""
    if wanted not in TRANSITIONS[current]:
        raise IllegalTransition(entry_id, current, wanted)
