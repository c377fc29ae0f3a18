"""The ApprovalStore interface; SQLite now, PostgreSQL can follow behind the same methods.

Nothing secret is stored: requests, signed statements and public keys only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .operators import Signed

STATES = ("PENDING_APPROVAL", "APPROVED", "REJECTED", "EXPIRED", "EXECUTING", "DONE")


@dataclass(frozen=True)
class Row:
    """One stored request: its canonical JSON, hash, state and timestamps."""
    id: str
    request_json: str
    request_hash: str
    policy_hash: str
    initiator: str
    state: str
    proposed_ms: int
    outcome: str = ""


class ApprovalStore(Protocol):
    """Storage for requests, signatures and the audit log. State is advisory: the executing
    process re-verifies everything (authorize.py) before sending."""

    def propose(self, row: Row) -> None: ...
    def add_signature(self, request_id: str, s: Signed) -> None: ...
    def signatures(self, request_id: str) -> list[Signed]: ...
    def get(self, request_id: str) -> Row | None: ...
    def list(self, state: str | None = None) -> list[Row]: ...
    def set_state(self, request_id: str, state: str, expected: str) -> bool: ...
    def claim_for_execution(self, request_id: str) -> bool: ...
    def record_outcome(self, request_id: str, outcome: str) -> None: ...
    def audit_append(self, record: dict) -> dict: ...
    def audit_read(self) -> list[dict]: ...

    # A long queue, a page at a time (the Approvals screen) ---------------------------------
    def count(self, states: Sequence[str], initiator: str | None = None) -> int: ...
    def page(self, states: Sequence[str], *, after: tuple[int, str] | None = None,
             limit: int = 100, initiator: str | None = None) -> list[Row]: ...
    def signatures_for(self, ids: Sequence[str]) -> dict[str, list[Signed]]: ...
    def pending_votes(self, operator: str) -> list[PendingVotes]: ...
    def due_to_expire(self, now_ms: int) -> list[Row]: ...


@dataclass(frozen=True)
class Change:
    """One event from a store's change feed (``watch``): ``kind`` is ``request`` or
    ``signature`` (with the request ``id`` and, for requests, its new ``state``; PostgreSQL
    NOTIFY), ``changed`` (something changed, reload; SQLite), ``unreachable`` (``detail``
    says why; changes may be missed until ``reconnected``, after which reload the whole
    queue)."""
    kind: str
    id: str = ""
    state: str = ""
    detail: str = ""


@dataclass(frozen=True)
class PendingVotes:
    """How many PENDING_APPROVAL requests ``operator`` has not signed, per quorum text,
    self-approval flag, and whether that operator proposed them (:meth:`ApprovalStore.
    pending_votes`): the "waiting for me" count, without reading every request."""
    quorum: str
    self_ok: bool
    initiated: bool
    count: int


PAGE_ORDER = "ORDER BY proposed_ms, id"
"""The queue's order (oldest first, the id breaking ties): what ``page``'s keyset
``after=(proposed_ms, id)`` continues from."""
