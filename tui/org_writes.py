"""The journal's door to the org writes of issue 16 (payments, symbol and account
settings): which family a request or a stored kind belongs to.

A family is a module with ``KINDS`` (its journal kinds), ``parse(kind, text)``,
``owns(request)``, ``settlement(request)``, ``send(adapter, request)`` and
``look_up(adapter, request, venue_ref=...)``. :mod:`tui.journal.dispatch` and
:func:`tui.core.actions.parse_request` ask here, so a family is added in one place.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["FAMILIES", "family_of", "family_of_kind", "journal_and_send", "outcome_text",
           "gated_send"]

FAMILIES = ("tui.payments.requests", "tui.org_settings.requests")
"""The family modules, imported only when a request of theirs is met."""
_KINDS = {"tui.payments.requests": ("payment_",), "tui.org_settings.requests": ("settings",)}


def family_of_kind(kind: str) -> ModuleType | None:
    """The family whose journal kinds include ``kind`` (None: not an org write)."""
    for name, prefixes in _KINDS.items():
        if kind.startswith(prefixes):
            module = importlib.import_module(name)
            if kind in module.KINDS:
                return module
    return None


def family_of(request: Any) -> ModuleType | None:
    """The family owning journal ``request`` (None: not an org write)."""
    kind = getattr(request, "kind", None)
    return family_of_kind(getattr(kind, "value", "")) if kind is not None else None


async def journal_and_send(mover: Any, request: Any, *, approvals: Any = None) -> Any:
    """Journal ``request`` (DRAFT, then APPROVED), send it once and return the entry as it
    stands (ACCEPTED, REJECTED or UNKNOWN); the Payments and Settings screens' step.

    With ``approvals`` (an :class:`~tui.approvals.service.ApprovalService`) the policy
    decides first: a held request is returned PENDING_APPROVAL (nothing sent); a block
    raises :class:`~tui.approvals.service.PolicyBlocked` (nothing journaled)."""
    from tui.journal.dispatch import journal_and_submit

    return await journal_and_submit(mover, request, approvals)


def outcome_text(entry: Any) -> str:
    """One line saying what came of a journaled org write."""
    state = entry.state.value
    if state == "PENDING_APPROVAL":
        held = (entry.note or "").removeprefix("waiting for approval: ")
        return f"submitted for approval: {held}; journal entry {entry.id}"
    if state in ("ACCEPTED", "RECONCILED"):
        receipt = entry.receipt
        status = f" ({receipt.venue_status})" if receipt and receipt.venue_status else ""
        return f"done: {entry.request.destination}{status}; journal entry {entry.id}"
    if state == "REJECTED":
        return f"the venue refused it: {entry.last_error}; journal entry {entry.id}"
    return (f"outcome unknown: {entry.request.destination} is in the journal as entry "
            f"{entry.id}; Activity (4) settles it")


async def gated_send(mover: Any, request: Any) -> Any:
    """:func:`journal_and_send` for the screens: when ``mover`` is gated (its
    ``policy_gate`` is set: a real journal, not the demo's) and a policy file is in force,
    the approvals service decides before anything is journaled (blocked: PolicyBlocked,
    nothing recorded; needing approval: the held PENDING_APPROVAL entry is returned)."""
    service = None
    if getattr(mover, "policy_gate", None) is not None:
        from tui.approvals.service import ApprovalService

        service = ApprovalService.open(journal=mover.journal)
        if not service.active:
            service.close()
            service = None
    try:
        return await journal_and_send(mover, request, approvals=service)
    finally:
        if service is not None:
            service.close()
