"""A scripted fake venue adapter for the journal tests: it keeps a ledger of applied
requests, dedupes keys like a KEYED venue, and can drop replies after committing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from tui.core.errors import InsufficientFunds, OutcomeUnknown
from tui.core.moves import MoveKind, MoveReceipt, MoveStatus, Settlement


@dataclass
class FakeAdapter:
    """Acts like one venue; ``script`` lists what each send does, in order:
    ``"ok"``, ``"drop"`` (commit, then the reply is lost), ``"lost"`` (5xx, nothing
    committed), or an exception to raise without committing."""

    venue_id: str = "fake"
    settlements: dict = field(default_factory=lambda: {k: Settlement.KEYED for k in MoveKind})
    script: list = field(default_factory=list)
    applied: list = field(default_factory=list)
    sends: list = field(default_factory=list)
    on_send: object = None
    lookup_status: MoveStatus = MoveStatus.DONE
    cancel_status: MoveStatus = MoveStatus.CANCELLED
    _keys: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_client_key(self, kind: MoveKind) -> str:
        return f"key{next(self._keys)}"

    def settlement(self, request) -> Settlement:
        return self.settlements[request.kind]

    def transfer_routes(self):
        return []

    def _receipt(self, request, status=MoveStatus.PENDING, evidence="reply"):
        ref = f"ref-{request.client_key}"
        return MoveReceipt(venue_ref=ref, status=status, venue_status=status.value,
                           fee=Decimal("0.1"), arrival=request.amount - Decimal("0.1"),
                           evidence=evidence)

    async def submit_move(self, request, *, trade_password=None):
        self.sends.append((request.client_key, trade_password))
        if self.on_send is not None:
            self.on_send(request)
        action = self.script.pop(0) if self.script else "ok"
        if isinstance(action, Exception):
            raise action
        keyed = self.settlement(request) is Settlement.KEYED
        if action == "lost":
            raise OutcomeUnknown(self.venue_id, "HTTP 502; the outcome is unknown")
        if not (keyed and request.client_key in self.applied):
            self.applied.append(request.client_key)
        if action == "drop":
            raise OutcomeUnknown(self.venue_id, "HTTP 502; the outcome is unknown")
        return self._receipt(request)

    async def lookup_move(self, request, *, venue_ref, sent_after_ms):
        if request.client_key in self.applied:
            return self._receipt(request, self.lookup_status, evidence="history record")
        return None

    async def cancel_move(self, request, venue_ref):
        return self._receipt(request, self.cancel_status)


class FakeSession:
    """Hands out one fake adapter for every profile."""

    def __init__(self, adapter: FakeAdapter) -> None:
        self._adapter = adapter

    def adapter(self, name: str) -> FakeAdapter:
        return self._adapter


def refused() -> InsufficientFunds:
    """A typed refusal."""
    return InsufficientFunds("fake", "not enough funds for this request")
