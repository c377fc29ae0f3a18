"""Checking a new spot order against its symbol's rules before anything is sent.

Pure functions over :class:`~tui.core.orders.OrderRequest` and
:class:`~tui.core.orders.SymbolRule`, following BHEX ``basic/symbols``:

- ``basePrecision`` / ``minTradeQuantity`` apply to limit orders and market sells
  (``quantity`` in the base coin);
- ``quotePrecision`` / ``minTradeAmount`` apply to market buys (``quantity`` is the quote
  amount to spend);
- ``minPricePrecision`` is the price step of limit and limit-maker orders; market orders
  take no price;
- ``canTrade`` false refuses every order.

Every problem comes with a message that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from tui.core.errors import CoinsoleError
from tui.core.money import plain
from tui.core.orders import OrderRequest, OrderSide, OrderType, SymbolRule

__all__ = ["OrderProblem", "OrderRejected", "order_problems", "validate_order", "on_step"]


@dataclass(frozen=True)
class OrderProblem:
    """One reason an order cannot be sent: the field at fault and what to do about it."""

    field: str
    message: str


class OrderRejected(CoinsoleError):
    """A new order broke its symbol's rules; nothing was sent. ``problems`` lists them all."""

    def __init__(self, symbol_id: str, problems: list[OrderProblem]) -> None:
        self.symbol_id = symbol_id
        self.problems = problems
        super().__init__(f"order on {symbol_id} not sent: "
                         + "; ".join(p.message for p in problems))


def on_step(value: Decimal, step: Decimal) -> bool:
    """Whether ``value`` is a whole multiple of ``step`` (exactly; a step <= 0 allows any)."""
    if step <= 0:
        return True
    with localcontext() as ctx:
        ctx.prec = 120
        return value % step == 0


def order_problems(order: OrderRequest, rule: SymbolRule) -> list[OrderProblem]:
    """Every rule ``order`` breaks, in the order a form shows its fields (empty: valid)."""
    symbol = rule.symbol_id
    if order.symbol_id != rule.symbol_id:
        return [OrderProblem("symbol_id", f"the rules given are for {symbol}, not "
                                          f"{order.symbol_id}; fetch the right symbol's rules")]
    if not rule.can_trade:
        return [OrderProblem("symbol_id", f"{symbol} is closed for trading at the venue; "
                                          "pick another symbol or wait until it reopens")]
    problems: list[OrderProblem] = []
    if order.side not in (OrderSide.BUY, OrderSide.SELL):
        problems.append(OrderProblem("side", f"a spot order is BUY or SELL, not "
                                             f"{order.side.value}; choose one of them"))
        return problems
    problems += _price_problems(order, rule)
    problems += _quantity_problems(order, rule)
    return problems


def validate_order(order: OrderRequest, rule: SymbolRule) -> None:
    """Raise :class:`OrderRejected` listing every problem when ``order`` breaks ``rule``."""
    problems = order_problems(order, rule)
    if problems:
        raise OrderRejected(order.symbol_id, problems)


def _price_problems(order: OrderRequest, rule: SymbolRule) -> list[OrderProblem]:
    price, step = order.price, rule.min_price_precision
    if order.type is OrderType.MARKET:
        if price is not None:
            return [OrderProblem("price", "a market order takes no price; clear the price or "
                                          "make it a limit order")]
        return []
    kind = "limit-maker" if order.type is OrderType.LIMIT_MAKER else "limit"
    if price is None:
        return [OrderProblem("price", f"a {kind} order needs a price; enter one")]
    if price <= 0:
        return [OrderProblem("price", f"the price must be above 0; enter a price in "
                                      f"{rule.quote}")]
    if not on_step(price, step):
        return [OrderProblem("price", f"the price {plain(price)} is not a multiple of "
                                      f"{rule.symbol_id}'s price step {plain(step)}; "
                                      f"round it to {plain(step)}")]
    return []


def _quantity_problems(order: OrderRequest, rule: SymbolRule) -> list[OrderProblem]:
    qty = order.quantity
    if order.type is OrderType.MARKET and order.side is OrderSide.BUY:
        step, minimum, coin, what = (rule.quote_precision, rule.min_trade_amount, rule.quote,
                                     "amount to spend")
        hint = f"a market buy is sized by the {rule.quote} to spend"
    else:
        step, minimum, coin, what = (rule.base_precision, rule.min_trade_quantity, rule.base,
                                     "quantity")
        hint = f"the quantity is in {rule.base}"
    if qty <= 0:
        return [OrderProblem("quantity", f"the {what} must be above 0; {hint}")]
    problems = []
    if not on_step(qty, step):
        problems.append(OrderProblem(
            "quantity", f"the {what} {plain(qty)} {coin} is not a multiple of "
                        f"{rule.symbol_id}'s step {plain(step)}; round it to {plain(step)}"))
    if qty < minimum:
        problems.append(OrderProblem(
            "quantity", f"the {what} {plain(qty)} {coin} is below {rule.symbol_id}'s minimum "
                        f"of {plain(minimum)} {coin}; raise it to at least {plain(minimum)}"))
    return problems
