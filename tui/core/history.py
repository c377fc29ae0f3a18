"""Deposits and histories, venue-neutral: deposit addresses, deposit / withdrawal /
transfer records and balance-flow records.

Adapters build these from their venue's replies (``tui.venues.history_bitunix``,
``tui.venues.history_bhex``). Every amount is an exact :class:`decimal.Decimal`
(:data:`tui.core.models.Amount`); a float handed to any amount field is refused. Statuses
are :class:`~tui.core.moves.MoveStatus` words, with the venue's own word kept beside them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from tui.core.models import Amount
from tui.core.moves import MoveStatus

__all__ = ["HistoryKind", "DepositAddress", "HistoryRecord", "BalanceFlowRecord",
           "HISTORY_PAGE_KINDS"]

HISTORY_PAGE_KINDS = ("deposits", "withdrawals", "transfers", "flow")
"""The kinds of list :meth:`history_pages` may be asked for (an adapter supports a subset)."""


class HistoryKind(str, Enum):
    """What one history record is."""

    DEPOSIT = "deposit"
    """On chain, into the account."""
    WITHDRAWAL = "withdrawal"
    """On chain, out of the account."""
    INTERNAL_TRANSFER = "internal_transfer"
    """To or from another user of the same venue."""
    TRANSFER = "transfer"
    """Between two accounts of the same owner."""
    FLOW = "flow"
    """Any other change of a balance."""

    @property
    def label(self) -> str:
        """Human-readable name, e.g. ``internal transfer``."""
        return self.value.replace("_", " ")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    def as_record(self) -> dict[str, Any]:
        """The flat record the CLI's ``--json`` prints: amounts as exact strings."""
        return self.model_dump(mode="json")


class DepositAddress(_Frozen):
    """Where to deposit one coin on one network.

    ``memo`` is the memo / tag to send with the deposit; when ``tag_required`` is true a
    deposit without it is lost or stuck. Fields the venue does not report stay ``None``
    (Bitunix reports no minimum, confirmations or whether deposits are open).
    """

    coin: str
    network: str | None = None
    address: str
    memo: str | None = None
    tag_required: bool = False
    minimum: Amount | None = None
    confirmations: int | None = None
    deposits_open: bool | None = None


class HistoryRecord(_Frozen):
    """One deposit, withdrawal or transfer as the venue lists it.

    ``amount`` is the amount the venue's record states (Bitunix: what arrived; BHEX: the
    quantity), ``arrival`` what arrived where the venue reports it separately. ``address``
    is the deposit / withdrawal address, ``counterparty`` the other side (the sender's
    address of a deposit, the other user of an internal transfer). ``status`` is the
    venue-neutral word and ``venue_status`` the venue's own (``"pending"``,
    ``"WITHDRAWAL_SUCCESS_STATUS"``); ``time_ms`` the creation time in milliseconds.
    """

    venue: str
    id: str
    kind: HistoryKind
    direction: Literal["in", "out"]
    coin: str
    network: str | None = None
    amount: Amount
    arrival: Amount | None = None
    fee: Amount | None = None
    fee_coin: str | None = None
    address: str | None = None
    memo: str | None = None
    counterparty: str | None = None
    tx_hash: str | None = None
    status: MoveStatus
    venue_status: str = ""
    status_text: str = ""
    time_ms: int
    client_ref: str | None = None
    confirmations: int | None = None
    required_confirmations: int | None = None
    account_id: str | None = None
    remark: str | None = None


class BalanceFlowRecord(_Frozen):
    """One change of one account's balance (BHEX ``balance_flow``): ``change`` and the
    ``total`` after it, with the venue's ``flow_type`` (``"Bonus"``, ``"Transfer"``...)."""

    id: str
    account_id: str
    coin: str
    flow_type: str
    change: Amount
    total: Amount
    time_ms: int
