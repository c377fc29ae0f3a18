"""Journaled trading actions: placing and cancelling a spot order, as requests the journal
holds beside :class:`~tui.core.moves.MoveRequest`.

The journal records any of :data:`JournalRequest`; the ``kind`` says which model a stored
request is (:func:`parse_request`). Order requests carry the same display properties as a
move (``coin``, ``amount``, ``destination``) so the screens that list journal entries show
them without knowing orders. Amounts are exact Decimals.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tui.core.models import Amount
from tui.core.money import plain
from tui.core.moves import MoveRequest
from tui.core.org_request import NoFeeOrRemark
from tui.core.orders import OrderSide, OrderType

__all__ = ["ActionKind", "OrderPlaceRequest", "OrderCancelRequest", "JournalRequest",
           "ORDER_KINDS", "parse_request"]


class ActionKind(str, Enum):
    """Journaled actions that are not money movements."""

    ORDER_PLACE = "order_place"
    ORDER_CANCEL = "order_cancel"


ORDER_KINDS = frozenset(k.value for k in ActionKind)
"""The journal ``kind`` values that hold an order request."""


class _Action(NoFeeOrRemark, BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    profile: str
    venue: str
    client_key: str
    """For a placement, the ``client_order_id`` sent to the venue."""
    symbol: str
    base: str = ""
    """The symbol's base coin when known (``BTC`` of ``BTCUSDT``)."""
    user_id: str | None = Field(default=None, exclude_if=lambda value: value is None)
    """The org user the order is placed or cancelled for when it is not the profile's own
    (BHEX, acting for a user); left out of the JSON when None."""

    @property
    def coin(self) -> str:
        """The base coin, or the symbol when it is not known (for journal listings)."""
        return self.base or self.symbol


class OrderPlaceRequest(_Action):
    """A new spot order exactly as the operator confirmed it.

    ``quantity`` is in the base coin, except for a MARKET BUY where it is the quote amount
    to spend; ``price`` is None for MARKET orders."""

    kind: Literal[ActionKind.ORDER_PLACE] = ActionKind.ORDER_PLACE
    side: OrderSide
    type: OrderType
    quantity: Amount
    price: Amount | None = None

    @model_validator(mode="after")
    def _price_fits_type(self) -> "OrderPlaceRequest":
        if self.quantity <= 0:
            raise ValueError("an order needs a quantity above 0")
        if self.type is not OrderType.MARKET and (self.price is None or self.price <= 0):
            raise ValueError(f"a {self.type.value} order needs a price above 0")
        return self

    @property
    def client_order_id(self) -> str:
        """The venue's ``client_order_id`` (the journal key)."""
        return self.client_key

    @property
    def amount(self) -> Decimal:
        """The quantity (for journal listings)."""
        return self.quantity

    @property
    def destination(self) -> str:
        """The order in words, e.g. ``BUY 0.5 BTCUSDT @ 30000 LIMIT``."""
        at = f" @ {plain(self.price)}" if self.price is not None else " @ market"
        return f"{self.side.value} {plain(self.quantity)} {self.symbol}{at} {self.type.value}"


class OrderCancelRequest(_Action):
    """Cancelling one order, by its venue ``order_id``; ``client_key`` is our own key for
    the journal entry (the venue's cancel takes no key)."""

    kind: Literal[ActionKind.ORDER_CANCEL] = ActionKind.ORDER_CANCEL
    order_id: str
    order_client_id: str = ""
    """The ``client_order_id`` of the order being cancelled, when known."""
    side: OrderSide | None = None
    quantity: Amount = Decimal(0)
    """What the order had left, for the listing (0 when unknown)."""

    @property
    def amount(self) -> Decimal:
        """The quantity left on the order (for journal listings)."""
        return self.quantity

    @property
    def destination(self) -> str:
        """The cancel in words, e.g. ``cancel order 123 (BTCUSDT BUY)``."""
        side = f" {self.side.value}" if self.side is not None else ""
        return f"cancel order {self.order_id} ({self.symbol}{side})"


JournalRequest = Union[MoveRequest, OrderPlaceRequest, OrderCancelRequest]
"""Anything the journal records: a money movement or an order action."""


def parse_request(kind: str, text: str) -> JournalRequest:
    """The stored request ``text`` (JSON) of a journal entry of ``kind``."""
    if kind == ActionKind.ORDER_PLACE.value:
        return OrderPlaceRequest.model_validate_json(text)
    if kind == ActionKind.ORDER_CANCEL.value:
        return OrderCancelRequest.model_validate_json(text)
    from tui.support.actions import SUPPORT_KINDS, parse_support

    if kind in SUPPORT_KINDS:  # support writes (tui/support/actions.py)
        return parse_support(kind, text)
    from tui.org_writes import family_of_kind

    if (family := family_of_kind(kind)) is not None:  # org writes (tui/org_writes.py)
        return family.parse(kind, text)
    from tui.finance.request import FINANCE_KINDS, parse_finance

    if kind in FINANCE_KINDS:  # finance batches (tui/finance/request.py)
        return parse_finance(kind, text)
    return MoveRequest.model_validate_json(text)
