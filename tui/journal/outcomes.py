"""How the executor reads what came back from a send: accepted, refused, or unknown.

One job: classify an exception raised by ``submit_move`` into the journal state it means.
A refusal is only believed when it is about *this* send and the venue cannot have taken
the request; everything else is UNKNOWN and is settled later.
"""

from __future__ import annotations

from tui.core.errors import (
    AuthError,
    InsufficientFunds,
    InvalidRequest,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    VenueError,
)
from tui.journal.states import EntryState

__all__ = ["classify_failure", "REFUSALS"]

REFUSALS: tuple[type[VenueError], ...] = (
    AuthError, PermissionDenied, InsufficientFunds, InvalidRequest, RateLimited,
)
"""Typed replies in which the venue says it did not take the request."""

_RESEND_REFUSALS: tuple[type[VenueError], ...] = (InsufficientFunds, InvalidRequest)
"""On a keyed resend the venue answers a known key with its first result, so only a refusal
about the request itself proves the key was never taken. A refusal of the resend's
credentials, password or rate says nothing about the first send."""


def classify_failure(exc: BaseException, *, resend: bool) -> EntryState:
    """The state a send that raised ``exc`` leaves its entry in: REJECTED or UNKNOWN.

    First send: a typed refusal (:data:`REFUSALS`) is REJECTED. Keyed resend: only
    InsufficientFunds / InvalidRequest not about the trade password are REJECTED.
    OutcomeUnknown, VenueUnavailable, any other error: UNKNOWN.
    """
    if isinstance(exc, OutcomeUnknown):
        return EntryState.UNKNOWN
    if not resend:
        return EntryState.REJECTED if isinstance(exc, REFUSALS) else EntryState.UNKNOWN
    if isinstance(exc, _RESEND_REFUSALS) and "password" not in str(exc).lower():
        return EntryState.REJECTED
    return EntryState.UNKNOWN
