"""Order validation against a symbol's rules: each rule refuses with a message that says
what to do, and valid orders pass."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.money import MoneyError
from tui.core.order_validation import OrderRejected, on_step, order_problems, validate_order
from tui.core.orders import OrderRequest, OrderSide, OrderType, SymbolRule

ETHUSDT = SymbolRule(symbol_id="ETHUSDT", base="ETH", quote="USDT", base_precision="0.0001",
                     quote_precision="0.01", min_trade_quantity="0.001", min_trade_amount="1",
                     min_price_precision="0.01", exchange_id="301")


def order(side="BUY", type_="LIMIT", quantity="0.01", price="3000.01", symbol="ETHUSDT"):
    return OrderRequest(symbol_id=symbol, side=OrderSide(side), type=OrderType(type_),
                        quantity=quantity, price=price)


@pytest.mark.parametrize("request_", [
    order(), order("SELL", "LIMIT_MAKER"), order("SELL", "MARKET", price=None),
    order("BUY", "MARKET", quantity="10.25", price=None), order(quantity="0.001"),
])
def test_valid_orders_pass(request_) -> None:
    assert order_problems(request_, ETHUSDT) == []
    validate_order(request_, ETHUSDT)


@pytest.mark.parametrize("request_, field, words", [
    (order(price="3000.011"), "price", "not a multiple of ETHUSDT's price step 0.01; round it"),
    (order(price=None), "price", "a limit order needs a price; enter one"),
    (order(type_="LIMIT_MAKER", price=None), "price", "a limit-maker order needs a price"),
    (order(price="0"), "price", "the price must be above 0"),
    (order("SELL", "MARKET", price="3000"), "price",
     "a market order takes no price; clear the price or make it a limit order"),
    (order(quantity="0.00015"), "quantity",
     "quantity 0.00015 ETH is not a multiple of ETHUSDT's step 0.0001; round it to 0.0001"),
    (order(quantity="0.0009"), "quantity",
     "below ETHUSDT's minimum of 0.001 ETH; raise it to at least 0.001"),
    (order("SELL", "MARKET", quantity="0.0005", price=None), "quantity", "minimum of 0.001 ETH"),
    (order("BUY", "MARKET", quantity="10.005", price=None), "quantity",
     "amount to spend 10.005 USDT is not a multiple of ETHUSDT's step 0.01"),
    (order("BUY", "MARKET", quantity="0.99", price=None), "quantity",
     "amount to spend 0.99 USDT is below ETHUSDT's minimum of 1 USDT"),
    (order(quantity="0"), "quantity", "the quantity must be above 0; the quantity is in ETH"),
    (order("BUY", "MARKET", quantity="0", price=None), "quantity",
     "a market buy is sized by the USDT to spend"),
    (order("BUY_OPEN"), "side", "a spot order is BUY or SELL, not BUY_OPEN"),
    (order(symbol="BTCUSDT"), "symbol_id", "the rules given are for ETHUSDT, not BTCUSDT"),
])
def test_each_rule_says_what_to_do(request_, field, words) -> None:
    problems = order_problems(request_, ETHUSDT)
    assert [p.field for p in problems][:1] == [field]
    assert words in problems[0].message
    with pytest.raises(OrderRejected) as caught:
        validate_order(request_, ETHUSDT)
    assert words in str(caught.value) and caught.value.problems == problems


def test_closed_symbol_refuses_everything() -> None:
    closed = ETHUSDT.model_copy(update={"can_trade": False})
    problems = order_problems(order(), closed)
    assert [p.message for p in problems] == [
        "ETHUSDT is closed for trading at the venue; pick another symbol or wait until it "
        "reopens"]


def test_several_problems_are_all_listed() -> None:
    problems = order_problems(order(quantity="0.00015", price="1.001"), ETHUSDT)
    assert [p.field for p in problems] == ["price", "quantity", "quantity"]


def test_floats_are_refused_and_steps_are_exact() -> None:
    with pytest.raises((MoneyError, ValueError)):
        order(quantity=0.1)  # float-ok: proving floats are refused
    assert on_step(Decimal("123456789012345678.0001"), Decimal("0.0001"))
    assert not on_step(Decimal("0.30000000000000001"), Decimal("0.1"))
