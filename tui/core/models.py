"""Domain models shared by every layer: accounts and balances.

Amounts are :class:`decimal.Decimal`; a float handed to any amount field is refused.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from tui.core.money import exact_sum, plain, to_decimal

__all__ = ["Amount", "AccountKind", "AccountRef", "Balance", "VENUE_IDS"]

VENUE_IDS = ("fcoin", "bitunix", "bitz", "chainup", "bhex")
"""Every venue coinsole speaks, by the id used in profiles and the sandbox prefixes."""


def _exact_amount(value: Any) -> Decimal:
    return to_decimal(value)


Amount = Annotated[
    Decimal,
    BeforeValidator(_exact_amount),
    PlainSerializer(plain, return_type=str, when_used="json"),
]
"""A money amount: exact Decimal in, exact string out in JSON; floats refused."""


class AccountKind(str, Enum):
    """What sort of account a balance sits in, across venues."""

    ASSET_CENTER = "asset_center"
    SPOT = "spot"
    FUTURES = "futures"
    CONTRACT = "contract"
    OTC = "otc"
    LOCKUP = "lockup"
    MARGIN = "margin"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Human-readable name of the account kind."""
        return self.value.replace("_", " ")


class AccountRef(BaseModel):
    """One account at a venue: its kind, sub-account index (0 is the main account) and an
    optional venue-specific name (a BHEX sub-account's name, a ChainUp type code)."""

    model_config = ConfigDict(frozen=True)

    kind: AccountKind
    index: int = 0
    name: str = ""

    @property
    def label(self) -> str:
        """Short text naming the account, e.g. ``spot``, ``contract #2``, ``otc (217)``."""
        text = self.kind.label
        if self.index:
            text += f" #{self.index}"
        if self.name:
            text += f" ({self.name})"
        return text


class Balance(BaseModel):
    """One coin's balance in one account of one profile.

    ``total`` is what the venue reports, or available + frozen where it reports no total.
    ``valuations`` carries what the venue itself supplies (Bit-Z's btc/usd/cny), keyed by
    the quote currency in lower case; coinsole never invents a valuation.
    """

    model_config = ConfigDict(frozen=True)

    profile: str
    venue: str
    account: AccountRef
    coin: str
    available: Amount
    frozen: Amount
    total: Amount | None = None
    valuations: dict[str, Amount] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _fill_total(self) -> "Balance":
        if self.total is None:
            object.__setattr__(self, "total", exact_sum((self.available, self.frozen)))
        return self

    def as_record(self) -> dict[str, str]:
        """The flat record the CLI's ``--json`` prints: amounts as exact strings."""
        assert self.total is not None
        return {
            "profile": self.profile,
            "venue": self.venue,
            "account": self.account.label,
            "coin": self.coin,
            "available": plain(self.available),
            "frozen": plain(self.frozen),
            "total": plain(self.total),
        }
