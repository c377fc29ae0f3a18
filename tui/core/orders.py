"""Venue-neutral models of trading: symbols and their rules, orders, fills, positions and
sub-accounts.

Every amount is an exact :class:`decimal.Decimal` (:data:`tui.core.models.Amount`); a float
handed to any amount field is refused. Adapters build these from their venue's replies.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from tui.core.models import Amount

__all__ = [
    "OrderSide",
    "OrderType",
    "OrderStatus",
    "SymbolRule",
    "OrderRequest",
    "FeeItem",
    "Order",
    "Fill",
    "Position",
    "SubAccount",
]


class OrderSide(str, Enum):
    """Which way an order trades: spot BUY/SELL, contract BUY_OPEN... SELL_CLOSE."""

    BUY = "BUY"
    SELL = "SELL"
    BUY_OPEN = "BUY_OPEN"
    SELL_OPEN = "SELL_OPEN"
    BUY_CLOSE = "BUY_CLOSE"
    SELL_CLOSE = "SELL_CLOSE"

    @property
    def is_buy(self) -> bool:
        """Whether the order buys (opens or closes long-ward)."""
        return self.value.startswith("BUY")


class OrderType(str, Enum):
    """How an order is priced: at a limit, at the market, or a limit that must rest."""

    LIMIT = "LIMIT"
    MARKET = "MARKET"
    LIMIT_MAKER = "LIMIT_MAKER"


class OrderStatus(str, Enum):
    """Where an order is in its life; the venue's ``CANCELLED`` spelling maps to CANCELED."""

    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    PENDING_CANCEL = "PENDING_CANCEL"
    REJECTED = "REJECTED"

    @classmethod
    def parse(cls, text: str) -> "OrderStatus":
        """The status for a venue's word (``CANCELLED`` and ``CANCELED`` alike)."""
        word = str(text).upper()
        return cls.CANCELED if word == "CANCELLED" else cls(word)

    @property
    def is_open(self) -> bool:
        """Whether the order can still fill or be cancelled."""
        return self in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class SymbolRule(_Frozen):
    """One trading pair and the rules an order on it must meet (BHEX ``basic/symbols``).

    ``base_precision`` is the quantity step of limit orders and market sells,
    ``quote_precision`` the amount step of market buys, ``min_price_precision`` the price
    step; ``min_trade_quantity`` / ``min_trade_amount`` the smallest quantity / amount.
    """

    symbol_id: str
    base: str
    quote: str
    base_precision: Amount
    quote_precision: Amount
    min_trade_quantity: Amount
    min_trade_amount: Amount
    min_price_precision: Amount
    can_trade: bool = True
    exchange_id: str = ""


class OrderRequest(_Frozen):
    """A new spot order as the user asked for it, before it is validated or sent.

    ``quantity`` is in the base coin, except for a MARKET BUY where it is the quote amount
    to spend (as BHEX's ``order/create`` says). ``price`` is None for MARKET orders.
    """

    symbol_id: str
    side: OrderSide
    type: OrderType
    quantity: Amount
    price: Amount | None = None
    client_order_id: str | None = None


class FeeItem(_Frozen):
    """A fee charged on an order so far: coin and amount."""

    coin: str
    amount: Amount


class Order(_Frozen):
    """One order (spot or contract) as the venue reports it.

    ``executed_amount`` is in the quote coin; ``avg_price`` 0 until something fills.
    Contract orders also carry ``leverage``, ``margin``, ``is_close`` and ``amount``.
    """

    order_id: str
    client_order_id: str = ""
    account_id: str = ""
    symbol_id: str
    symbol_name: str = ""
    base: str = ""
    quote: str = ""
    price: Amount
    orig_qty: Amount
    executed_qty: Amount
    executed_amount: Amount
    avg_price: Amount
    type: OrderType
    side: OrderSide
    status: OrderStatus
    time_ms: int
    fees: tuple[FeeItem, ...] = ()
    leverage: Amount | None = None
    margin: Amount | None = None
    amount: Amount | None = None
    is_close: bool | None = None

    @property
    def is_open(self) -> bool:
        """Whether the order can still fill or be cancelled."""
        return self.status.is_open

    @property
    def remaining_qty(self) -> Decimal:
        """What is left to fill: ``orig_qty - executed_qty`` (meaningless for market buys,
        whose ``orig_qty`` is a quote amount)."""
        return self.orig_qty - self.executed_qty


class Fill(_Frozen):
    """One trade (match) of an order: price, quantity, fee."""

    trade_id: str
    order_id: str
    account_id: str = ""
    symbol_id: str
    base: str = ""
    quote: str = ""
    price: Amount
    quantity: Amount
    fee: Amount
    fee_coin: str
    type: OrderType
    side: OrderSide
    time_ms: int
    executed_amount: Amount | None = None


class Position(_Frozen):
    """An open contract position with its unrealised PnL at the venue's index price.

    ``total`` is in contracts; ``is_long`` the direction. ``user_id`` is set by org-wide
    queries (``all_positions``). ``position_value`` is ``positionValues`` (at the index
    price, ``position`` only), ``open_value`` is ``openValue`` (at opening, ``all_positions``
    only); ``avg_price`` is None where the reply has no ``avgPrice`` (``all_positions``).
    """

    position_id: str
    account_id: str = ""
    user_id: str = ""
    symbol_id: str
    symbol_name: str = ""
    is_long: bool
    total: Amount
    available: Amount
    avg_price: Amount | None = None
    liquidation_price: Amount
    index_price: Amount | None = None
    margin: Amount
    leverage: Amount | None = None
    position_value: Amount | None = None
    open_value: Amount | None = None
    unrealised_pnl: Amount | None = None
    realised_pnl: Amount = Decimal(0)
    profit_rate: Amount | None = None
    unit: str = ""


class SubAccount(_Frozen):
    """One account of a user: type (1 spot, 2 options, 3 contracts), index (0 main) and name."""

    account_id: str
    name: str = ""
    account_type: int
    account_index: int = Field(ge=0)
