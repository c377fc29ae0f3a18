"""The BHEX adapter's trading methods against the in-process sandbox: typed models for
every endpoint, validation before sending, generated client order ids, the client-side
batch-cancel limit, and the venue's refusals as typed errors."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tui.core.errors import InsufficientFunds, InvalidRequest, RateLimited
from tui.core.order_validation import OrderRejected
from tui.core.orders import (Fill, Order, OrderSide, OrderStatus, OrderType, Position,
                             SubAccount, SymbolRule)
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.limits import RateLimiter
from tui.venues.base import Capability, Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue

from test_sandbox_bhex_trading import START, Clock

D = Decimal
BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")


class Counting(httpx.AsyncBaseTransport):
    """An ASGI transport that remembers the path of every request sent."""

    def __init__(self, app) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def setup(clock):
    box = Sandbox(clock=clock)
    box.services["bhex"].limiter = RateLimiter(100_000, 1, clock)
    transport = Counting(box.app)
    venue = BhexVenue(VenueSettings(profile="bhex-demo", base_url="http://sandbox/bhex",
                                    user_id=BHEX.user_id, transport=transport,
                                    rate_limit=(10_000, 1.0),
                                    retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                      Credentials(BHEX.api_key, BHEX.secret))
    yield box, venue, transport
    await venue.aclose()
    box.close()


def test_capabilities() -> None:
    assert {Capability.ORDERS, Capability.CONTRACTS, Capability.SUB_ACCOUNTS,
            Capability.BALANCES} <= BhexVenue.capabilities


async def test_symbols_are_rules_and_cached(setup) -> None:
    _, venue, transport = setup
    rules = await venue.basic_symbols()
    assert rules["ETHBTC"] == SymbolRule(
        symbol_id="ETHBTC", base="ETH", quote="BTC", base_precision="0.0001",
        quote_precision="0.000001", min_trade_quantity="0.001", min_trade_amount="0.0001",
        min_price_precision="0.000001", can_trade=True, exchange_id="301")
    await venue.basic_symbols()
    assert transport.paths.count("/bhex/api/v2/org/basic/symbols") == 1


async def test_order_life_through_the_adapter(setup, clock) -> None:
    _, venue, transport = setup
    order = await venue.order_create("ATUSDT", "sell", "limit", D("300"), D("0.1668"))
    assert isinstance(order, Order) and order.status is OrderStatus.NEW
    assert order.client_order_id.startswith("cs") and order.side is OrderSide.SELL
    assert order.orig_qty == D("300") and order.price == D("0.1668")
    clock.advance(2)
    got = await venue.order_get(order_id=order.order_id)
    assert (got.status, got.executed_qty) == (OrderStatus.PARTIALLY_FILLED, D("100"))
    assert got.fees[0].coin == "USDT" and got.fees[0].amount == D("0.01668")
    assert [o.order_id for o in await venue.open_orders(symbol_id="ATUSDT")][0] == \
        order.order_id
    clock.advance(4)
    fills = await venue.match_info(order.order_id)
    assert [f.quantity for f in fills] == [D("100")] * 3
    assert all(isinstance(f, Fill) and f.fee == D("0.01668") for f in fills)
    trades = await venue.my_trades(symbol_id="ATUSDT", limit=2)
    assert [t.trade_id for t in trades] == [f.trade_id for f in fills[:2]]
    done = await venue.trade_orders(limit=1)
    assert done[0].order_id == order.order_id and done[0].status is OrderStatus.FILLED
    assert done[0].avg_price == D("0.1668")
    with pytest.raises(InvalidRequest) as caught:
        await venue.order_cancel(order_id=order.order_id)
    assert caught.value.code == "-2011"


async def test_resend_with_the_same_client_order_id_returns_the_same_order(setup) -> None:
    _, venue, _ = setup
    first = await venue.order_create("ATUSDT", OrderSide.SELL, OrderType.LIMIT, "10", "0.3",
                                     client_order_id="k-1")
    again = await venue.order_create("ATUSDT", OrderSide.SELL, OrderType.LIMIT, "10", "0.3",
                                     client_order_id="k-1")
    assert first.order_id == again.order_id and first.client_order_id == "k-1"
    assert await venue.order_cancel(client_order_id="k-1") is True
    assert (await venue.order_get(client_order_id="k-1")).status is OrderStatus.CANCELED


async def test_validation_happens_before_anything_is_sent(setup) -> None:
    _, venue, transport = setup
    await venue.basic_symbols()
    sent = len(transport.paths)
    with pytest.raises(OrderRejected, match="round it to 0.0001"):
        await venue.order_create("ATUSDT", "sell", "limit", "10", "0.16685")
    with pytest.raises(OrderRejected, match="raise it to at least 0.1"):
        await venue.order_create("ATUSDT", "buy", "market", "0.05")
    with pytest.raises(OrderRejected, match="not a symbol of this broker"):
        await venue.order_create("DOGEUSDT", "buy", "limit", "1", "1")
    assert len(transport.paths) == sent


async def test_refusals_are_typed(setup) -> None:
    _, venue, _ = setup
    with pytest.raises(InsufficientFunds):
        await venue.order_create("BTCUSDT", "buy", "limit", "1", "90000")
    with pytest.raises(InvalidRequest, match="-2013"):
        await venue.order_get(order_id="42")


async def test_batch_cancel_is_limited_on_the_client(setup, clock) -> None:
    _, venue, transport = setup
    ticks = iter([100.0, 109.5, 110.0])  # float-ok: monotonic seconds
    venue.trading_clock = lambda: next(ticks)
    await venue.order_create("ATUSDT", "sell", "limit", "10", "0.2")
    assert await venue.org_batch_cancel("ATUSDT") is True
    assert await venue.open_orders() == []
    sent = len(transport.paths)
    with pytest.raises(RateLimited) as caught:
        await venue.org_batch_cancel("ATUSDT")
    assert "wait 1 s more (nothing was sent)" in str(caught.value)
    assert caught.value.retry_after == pytest.approx(0.5)
    assert len(transport.paths) == sent
    clock.advance(10)
    assert await venue.org_batch_cancel("BTCUSDT") is True


async def test_contracts(setup, clock) -> None:
    _, venue, _ = setup
    opened = await venue.contract_open_orders()
    assert [(o.side, o.leverage, o.margin, o.is_close) for o in opened] == [
        (OrderSide.BUY_OPEN, D("10"), D("120"), False)]
    history = await venue.contract_trade_orders()
    assert {o.status for o in history} == {OrderStatus.FILLED, OrderStatus.CANCELED}
    trades = await venue.contract_my_trades(symbol_id="BTCUSDT-PERP")
    assert [t.quantity for t in trades] == [D("150")]
    positions = await venue.contract_position()
    btc = next(p for p in positions if p.symbol_id == "BTCUSDT-PERP")
    assert isinstance(btc, Position) and btc.is_long
    assert (btc.unrealised_pnl, btc.liquidation_price, btc.index_price, btc.margin) == (
        D("185.184"), D("81450"), D("91234.56"), D("1350"))
    clock.advance(50)  # wave step 5: -1%
    btc = (await venue.contract_position(symbol_id="BTCUSDT-PERP"))[0]
    assert btc.index_price == D("90322.21") and btc.unrealised_pnl == D("48.3315")
    everyone = await venue.contract_all_positions(limit=2)
    assert len(everyone) == 2 and everyone[0].user_id


async def test_sub_accounts_list_and_create(setup) -> None:
    _, venue, _ = setup
    before = await venue.sub_accounts()
    assert SubAccount(account_id=before[0].account_id, name="Main", account_type=1,
                      account_index=0) == before[0]
    made = await venue.sub_account_create(3, "Hedge 2")
    assert (made.account_type, made.account_index, made.name) == (3, 2, "Hedge 2")
    after = await venue.sub_accounts()
    assert made in after and len(after) == len(before) + 1


async def test_limit_out_of_range_is_refused_before_sending(setup) -> None:
    _, venue, transport = setup
    with pytest.raises(ValueError, match="limit must be 1 to 500"):
        await venue.my_trades(limit=501)
    assert transport.paths == []


def test_start_is_wave_step_zero() -> None:
    assert (START * 1000 // 10_000) % 8 == 0
