"""What a form says when the policy holds or blocks what it was about to send.

Kept free of the rest of the approvals package (cryptography among it): the forms import
it on every send, and only a held or blocked send has touched the policy at all.

A held journal entry's note is ``waiting for approval: request ID (rule 'NAME', needs
QUORUM)`` (written by :meth:`tui.approvals.service.ApprovalService.hold_entry`);
:func:`submitted_text` turns it into the line the TUI shows.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from typing import Any

__all__ = ["Held", "held_of", "submitted_text", "gate_outcome"]

_NOTE = re.compile(r"^waiting for approval: request (?P<id>\S+) \(rule (?P<rule>.*), "
                   r"needs (?P<quorum>.*)\)$", re.S)


@dataclass(frozen=True)
class Held:
    """A request the policy holds for approval: its id, rule and quorum."""
    request_id: str
    rule: str
    quorum: str


def held_of(entry: Any) -> Held | None:
    """The approval request a PENDING_APPROVAL journal ``entry`` waits on (from its note),
    or None when the note does not say."""
    found = _NOTE.match(getattr(entry, "note", "") or "")
    if found is None:
        return None
    rule = found["rule"]
    if rule[:1] in ("'", '"'):
        try:
            rule = str(ast.literal_eval(rule))
        except (ValueError, SyntaxError):
            pass
    return Held(found["id"], rule, found["quorum"])


def submitted_text(entry: Any) -> str:
    """``submitted for approval (rule big withdrawals, needs 2 of treasury) · request
    ID · journal entry N``: the calm line a form ends in when the policy holds its send."""
    held = held_of(entry)
    if held is None:
        return f"submitted for approval · journal entry {entry.id}; see Approvals (8)"
    return (f"submitted for approval (rule {held.rule}, needs {held.quorum}) · request "
            f"{held.request_id} · journal entry {entry.id}")


def gate_outcome(exc: BaseException) -> tuple[str, Any] | None:
    """What the policy did when a send raised ``exc``: ``("held", entry)`` (the entry now
    PENDING_APPROVAL), ``("blocked", reason line)``, or None for any other failure."""
    service = sys.modules.get("tui.approvals.service")
    if service is None:  # the policy was never asked: it cannot have raised
        return None
    if isinstance(exc, service.HeldForApproval):
        return "held", exc.entry
    if isinstance(exc, service.PolicyBlocked):
        return "blocked", str(exc)
    return None
