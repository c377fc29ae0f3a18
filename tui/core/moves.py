"""Moving money: what a transfer, internal transfer or withdrawal asks for, and what came of it.

These models are venue-neutral. The journal records a :class:`MoveRequest` (with its
idempotency key) before anything is sent; an adapter turns it into the venue's call and
returns a :class:`MoveReceipt`; each venue endpoint declares its :class:`Settlement`, how
an unknown outcome is settled.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tui.core.models import AccountRef, Amount

__all__ = [
    "MoveKind",
    "Settlement",
    "Recipient",
    "MoveRequest",
    "MoveStatus",
    "MoveReceipt",
    "WithdrawQuote",
    "TRADE_PASSWORD_VENUES",
    "LookupCandidate",
    "LookupResult",
    "LOOKUP_MAX_PAGES",
]

LOOKUP_MAX_PAGES = 20
"""How many history pages a settle lookup reads at most (newest first) before it gives up
and reports the search as incomplete."""

TRADE_PASSWORD_VENUES = frozenset({"bhex"})
"""Venues whose withdrawals need the trade password typed (its MD5 is sent; never stored)."""


class MoveKind(str, Enum):
    """The three ways money leaves an account."""

    TRANSFER = "transfer"
    """Between two accounts of the same owner at one venue (asset center -> spot, spot ->
    futures, main -> sub-account)."""
    INTERNAL_TRANSFER = "internal_transfer"
    """To another user of the same venue, by uid, email or phone."""
    WITHDRAW = "withdraw"
    """On chain, to an address (and memo/tag where the coin needs one)."""


class Settlement(str, Enum):
    """How a write endpoint's unknown outcome is settled (DESIGN.md, "Moving money")."""

    KEYED = "keyed"
    """The venue dedupes a client key: resend with the same key."""
    LOOKUP = "lookup"
    """The result can be found by a history query: look it up."""
    NONE = "none"
    """Never resend automatically: show the evidence and let the operator decide."""


class Recipient(BaseModel):
    """Who an internal transfer goes to."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    kind: Literal["uid", "email", "phone"]
    value: str
    country_code: str | None = None
    """For ``phone``: the calling code without ``+`` (``"86"``)."""

    @property
    def label(self) -> str:
        """Human text for the recipient, e.g. ``uid 681979174`` or ``phone +86 138...``."""
        if self.kind == "phone":
            return f"phone +{self.country_code} {self.value}"
        return f"{self.kind} {self.value}"


class MoveRequest(BaseModel):
    """One money movement exactly as the operator confirmed it.

    ``client_key`` is the idempotency key, made before the request is first written to the
    journal and sent unchanged on every resend. Which destination fields apply depends on
    ``kind``: accounts for TRANSFER, ``recipient`` for INTERNAL_TRANSFER, ``network``,
    ``address``, ``memo`` and (BHEX) ``miner_fee`` and ``convert_rate`` for WITHDRAW.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    kind: MoveKind
    profile: str
    venue: str
    coin: str
    amount: Amount
    client_key: str
    from_account: AccountRef | None = None
    to_account: AccountRef | None = None
    recipient: Recipient | None = None
    network: str | None = None
    address: str | None = None
    memo: str | None = None
    miner_fee: Amount | None = None
    convert_rate: Amount | None = None
    """BHEX: the ``convertRate`` from the quote the operator confirmed (sent with the
    withdrawal as the document asks); None makes the adapter fetch the current one."""
    remark: str | None = None
    user_id: str | None = Field(default=None, exclude_if=lambda value: value is None)
    """The org user the request acts for when it is not the profile's own (BHEX's Org API,
    acting for a user from the support desk); sent, settled and looked up as that user.
    Left out of the JSON when None, so requests journaled before it read the same."""

    @model_validator(mode="after")
    def _destination_fits_kind(self) -> "MoveRequest":
        if self.kind is MoveKind.TRANSFER and (self.from_account is None or self.to_account is None):
            raise ValueError("a transfer needs a from and a to account")
        if self.kind is MoveKind.INTERNAL_TRANSFER and self.recipient is None:
            raise ValueError("an internal transfer needs a recipient")
        if self.kind is MoveKind.WITHDRAW and not self.address:
            raise ValueError("a withdrawal needs an address")
        return self

    @property
    def destination(self) -> str:
        """Human text naming where the money goes."""
        if self.kind is MoveKind.TRANSFER:
            assert self.from_account and self.to_account
            return f"{self.from_account.label} -> {self.to_account.label}"
        if self.kind is MoveKind.INTERNAL_TRANSFER:
            assert self.recipient
            return self.recipient.label
        text = f"{self.address}"
        if self.network:
            text += f" on {self.network}"
        if self.memo:
            text += f" (memo {self.memo})"
        return text


class MoveStatus(str, Enum):
    """Where the venue says a movement stands."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """True when the venue will not change this status any more."""
        return self is not MoveStatus.PENDING


class MoveReceipt(BaseModel):
    """What the venue said about a movement: its id there, status, fee and arrival amount.

    ``venue_status`` keeps the venue's own word (``"BROKER_AUDITING_STATUS"``,
    ``"pending"``); ``evidence`` is human text explaining how the receipt was obtained
    (the reply, or the history record that matched) for the journal's detail view.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    venue_ref: str | None = None
    status: MoveStatus
    venue_status: str = ""
    fee: Amount | None = None
    fee_coin: str | None = None
    arrival: Amount | None = None
    evidence: str = ""


class WithdrawQuote(BaseModel):
    """What a venue tells us before a withdrawal: limits, fees and rules for one coin.

    Fields a venue does not supply stay ``None``. ``precision`` is the number of decimals
    the amount may carry.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    coin: str
    network: str | None = None
    allowed: bool = True
    refuse_reason: str | None = None
    available: Amount | None = None
    minimum: Amount | None = None
    day_quota: Amount | None = None
    used_quota: Amount | None = None
    fee: Amount | None = None
    fee_coin: str | None = None
    convert_rate: Amount | None = None
    convert_fee: Amount | None = None
    miner_fee_coin: str | None = None
    miner_fee_min: Amount | None = None
    miner_fee_max: Amount | None = None
    miner_fee_suggested: Amount | None = None
    needs_tag: bool = False
    precision: int | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class LookupCandidate(BaseModel):
    """One venue history record that could be a looked-up request's.

    ``receipt`` is the record as a receipt (``venue_ref`` its id). ``proof`` is non-empty
    when the record carries this request's own key or id (``outBizId``, ``client_order_id``,
    the venue id known from the reply): then it is this request's beyond doubt. Otherwise
    ``matched`` says which fields agree and the journal decides (tui/journal/matching.py).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    receipt: MoveReceipt
    time_ms: int | None = None
    """When the venue says the record was created (ms since the epoch)."""
    amount: Amount | None = None
    """The record's amount as the venue shows it (Bitunix: what arrives)."""
    proof: str = ""
    matched: str = ""


class LookupResult(BaseModel):
    """What a history lookup found: every candidate record, never a choice among them.

    ``supported`` is False when the endpoint cannot be looked up at the venue at all (the
    candidates are then empty and mean nothing). ``since_ms`` is where the search window
    began (first send minus the clock margin); ``complete`` is False when the page bound
    was reached before the records got older than ``since_ms``.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    supported: bool = True
    candidates: tuple[LookupCandidate, ...] = ()
    since_ms: int | None = None
    complete: bool = True
    pages: int = 0
    searched: str = ""
    """Human text naming what was searched (``withdraw_transfer/page type=withdraw USDT``)."""
    reason: str = ""
    """Why the endpoint cannot be looked up, when ``supported`` is False."""
