"""The simulated BHEX trading endpoints: documented shapes, the fill schedule on an
injected clock, fees and balances to the last digit, cancel and batch-cancel rules,
contract positions with PnL at the demo index price, and sub-account creation."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal
from urllib.parse import urlencode

import httpx
import pytest

from tui.core.money import loads_exact
from tui.sandbox import Sandbox
from tui.sandbox.bhex_trading import demo_price, index_price
from tui.sandbox.demo import BHEX_DEMO_USER_ID
from tui.sandbox.limits import RateLimiter

START = 1_700_000_000  # wave step 0: demo prices are the base prices
USER = BHEX_DEMO_USER_ID
D = Decimal


class Clock:
    """A sandbox clock the test moves by hand."""

    def __init__(self, start: int = START) -> None:
        self.now = Decimal(start)

    def __call__(self) -> float:  # float-ok: the sandbox clock is in float seconds
        return float(self.now)  # float-ok: clock

    def advance(self, seconds: str | int) -> None:
        self.now += Decimal(seconds)


class Bhex:
    """Signed calls to the in-process sandbox's BHEX endpoints."""

    def __init__(self, box: Sandbox, clock: Clock) -> None:
        self.box, self.clock = box, clock
        self.profile = box.profile("bhex")
        box.services["bhex"].limiter = RateLimiter(100_000, 1, clock)
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=box.app),
                                      base_url="http://sandbox/bhex")

    def _signed(self, params: dict) -> dict:
        params = {k: str(v) for k, v in params.items() if v is not None}
        params["timestamp"] = str(int(self.clock.now * 1000))
        text = "&".join(f"{k}={params[k]}" for k in sorted(params))
        params["signature"] = hmac.new(self.profile.secret.encode(), text.encode(),
                                       hashlib.sha256).hexdigest()
        return params

    async def post(self, path: str, **params) -> httpx.Response:
        return await self.http.post(
            "/api/v2/org/" + path, content=urlencode(self._signed(params)),
            headers={"X-ACCESS-KEY": self.profile.api_key,
                     "Content-Type": "application/x-www-form-urlencoded"})

    async def ok(self, path: str, **params):
        r = await self.post(path, **params)
        assert r.status_code == 200, r.text
        body = loads_exact(r.content)
        return body["data"] if isinstance(body, dict) and "data" in body else body

    async def refused(self, path: str, status: int, code: int, **params) -> str:
        r = await self.post(path, **params)
        assert r.status_code == status, r.text
        assert r.json()["status"] == code, r.text
        return r.json()["msg"]

    async def create(self, symbol: str, side: str, type_: str, quantity: str,
                     price: str | None = None, cid: str = "c1"):
        return await self.ok("order/create", user_id=USER, exchange_id="301", symbol_id=symbol,
                             client_order_id=cid, type=type_, side=side, quantity=quantity,
                             price=price)

    def balance(self, coin: str, account_type: str = "1", index: int = 0) -> tuple[D, D]:
        rows = self.box.ledger.accounts("bhex", USER, account_type=account_type,
                                        account_index=index, coins=[coin])
        return (rows[0].available, rows[0].frozen) if rows else (D(0), D(0))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bhex(clock: Clock):
    box = Sandbox(clock=clock)
    client = Bhex(box, clock)
    yield client
    await client.http.aclose()
    box.close()


AT0 = D("15000.000000000000000000")
USDT0 = D("0.044193677307098366")


async def test_symbols_in_the_documents_shape(bhex: Bhex) -> None:
    r = await bhex.http.get("/api/v2/org/basic/symbols")
    rows = {row["symbolId"]: row for row in r.json()["data"]}
    assert set(rows) >= {"BTCUSDT", "ETHUSDT", "ETHBTC", "ATUSDT"}
    assert rows["ETHBTC"] == {
        "orgId": "6002", "exchangeId": "301", "symbolId": "ETHBTC", "symbolName": "ETHBTC",
        "baseTokenId": "ETH", "baseTokenName": "ETH", "quoteTokenId": "BTC",
        "quoteTokenName": "BTC", "basePrecision": "0.0001", "quotePrecision": "0.000001",
        "minTradeQuantity": "0.001", "minTradeAmount": "0.0001",
        "minPricePrecision": "0.000001", "digitMerge": "0.0001,0.00001,0.000001",
        "canTrade": True, "customOrder": 0}


async def test_limit_sell_fills_in_three_parts_two_seconds_apart(bhex: Bhex, clock) -> None:
    order = await bhex.create("ATUSDT", "sell", "limit", "300", "0.1668")
    assert order["status"] == "NEW" and order["origQty"] == "300"
    assert order["type"] == "LIMIT" and order["side"] == "SELL" and order["fees"] == []
    assert bhex.balance("AT") == (AT0 - 300, D("250.5") + 300)
    clock.advance("1.999")
    got = await bhex.ok("order/get", user_id=USER, order_id=order["orderId"])
    assert got["status"] == "NEW" and got["executedQty"] == "0"
    clock.advance("0.001")
    got = await bhex.ok("order/get", user_id=USER, client_order_id="c1")
    assert (got["status"], got["executedQty"], got["executedAmount"]) == (
        "PARTIALLY_FILLED", "100", "16.68")
    assert got["fees"] == [{"feeTokenId": "USDT", "feeTokenName": "USDT", "fee": "0.01668"}]
    clock.advance(4)
    got = await bhex.ok("order/get", user_id=USER, order_id=order["orderId"])
    assert (got["status"], got["executedQty"], got["avgPrice"]) == ("FILLED", "300", "0.1668")
    fills = await bhex.ok("order/match_info", user_id=USER, order_id=order["orderId"])
    assert [f["quantity"] for f in fills] == ["100", "100", "100"]
    times = [int(f["time"]) for f in fills]
    assert times == [START * 1000 + 6000, START * 1000 + 4000, START * 1000 + 2000]
    assert {f["fee"] for f in fills} == {"0.01668"}
    assert bhex.balance("AT") == (AT0 - 300, D("250.5"))
    assert bhex.balance("USDT")[0] == USDT0 + D("50.04") - D("0.05004")


async def test_limit_buy_and_market_buy_fees_in_the_base_coin(bhex: Bhex, clock) -> None:
    sold = await bhex.create("ATUSDT", "sell", "market", "1000", cid="m1")
    assert sold["status"] == "FILLED" and sold["price"] == "0" and sold["avgPrice"] == "0.1668"
    usdt = USDT0 + D("166.8") - D("0.1668")
    assert bhex.balance("USDT") == (usdt, D(0))
    btc0 = bhex.balance("BTC")[0]
    order = await bhex.create("BTCUSDT", "buy", "limit", "0.0010", "91234.56", cid="b1")
    assert bhex.balance("USDT") == (usdt - D("91.23456"), D("91.23456"))
    clock.advance(6)
    fills = await bhex.ok("order/match_info", user_id=USER, order_id=order["orderId"])
    assert [f["quantity"] for f in fills] == ["0.0004", "0.0003", "0.0003"]
    assert all(f["feeTokenId"] == "BTC" for f in fills)
    assert bhex.balance("BTC")[0] == btc0 + D("0.0010") - D("0.0000010")
    assert bhex.balance("USDT") == (usdt - D("91.23456"), D(0))
    # a market buy spends whole base steps of the quote amount; the rest is given back
    bought = await bhex.create("BTCUSDT", "buy", "market", "20", cid="mb")
    assert (bought["status"], bought["origQty"], bought["executedQty"],
            bought["executedAmount"]) == ("FILLED", "20", "0.0002", "18.246912")
    assert bhex.balance("USDT") == (usdt - D("91.23456") - D("18.246912"), D(0))
    assert bhex.balance("BTC")[0] == btc0 + D("0.0012") - D("0.0000012")


async def test_client_order_id_is_idempotent(bhex: Bhex) -> None:
    first = await bhex.create("ATUSDT", "sell", "limit", "10", "0.3000", cid="same")
    again = await bhex.create("ATUSDT", "sell", "limit", "10", "0.3000", cid="same")
    assert again["orderId"] == first["orderId"]
    assert bhex.balance("AT") == (AT0 - 10, D("260.5"))
    msg = await bhex.refused("order/create", 400, -2010, user_id=USER, exchange_id="301",
                             symbol_id="ATUSDT", client_order_id="same", type="limit",
                             side="sell", quantity="11", price="0.3000")
    assert "already used" in msg


@pytest.mark.parametrize("fields, code, words", [
    ({"price": "0.16685"}, -1111, "step is 0.0001"),
    ({"quantity": "10.001"}, -1111, "step is 0.01"),
    ({"quantity": "0.5"}, -1013, "below 1"),
    ({"quantity": "1000000"}, -1131, "Balance insufficient"),
    ({"symbol_id": "DOGEUSDT"}, -1121, "Invalid symbol"),
    ({"type": "stop"}, -1102, "limit_maker"),
    ({"price": None}, -1102, "price"),
    ({"type": "limit_maker", "price": "0.1600", "side": "buy"}, -1131, "insufficient"),
    ({"type": "limit_maker", "price": "0.1500"}, -2010, "would match at once"),
])
async def test_order_refusals(bhex: Bhex, fields, code, words) -> None:
    params = {"user_id": USER, "exchange_id": "301", "symbol_id": "ATUSDT",
              "client_order_id": "x", "type": "limit", "side": "sell", "quantity": "10",
              "price": "0.2000", **fields}
    msg = await bhex.refused("order/create", 400, code, **params)
    assert words in msg
    assert bhex.balance("AT") == (AT0, D("250.5"))


async def test_limit_maker_that_rests_and_far_orders_never_fill(bhex: Bhex, clock) -> None:
    maker = await bhex.create("ATUSDT", "sell", "limit_maker", "10", "0.1700", cid="mk")
    far = await bhex.create("ATUSDT", "sell", "limit", "10", "0.2000", cid="far")
    clock.advance(8)
    maker_now = await bhex.ok("order/get", user_id=USER, order_id=maker["orderId"])
    far_now = await bhex.ok("order/get", user_id=USER, order_id=far["orderId"])
    assert maker_now["status"] == "FILLED" and maker_now["type"] == "LIMIT_MAKER"
    assert far_now["status"] == "NEW"


async def test_cancel_rules(bhex: Bhex, clock) -> None:
    order = await bhex.create("ATUSDT", "sell", "limit", "30", "0.1668", cid="p")
    clock.advance(2)
    assert await bhex.ok("order/cancel", user_id=USER, client_order_id="p") == {"success": True}
    got = await bhex.ok("order/get", user_id=USER, order_id=order["orderId"])
    assert (got["status"], got["executedQty"]) == ("CANCELED", "10")
    assert bhex.balance("AT") == (AT0 - 10, D("250.5"))
    clock.advance(10)  # no fill after cancel
    assert (await bhex.ok("order/get", user_id=USER, order_id=order["orderId"]))[
        "executedQty"] == "10"
    await bhex.refused("order/cancel", 400, -2011, user_id=USER, order_id=order["orderId"])
    await bhex.refused("order/cancel", 400, -2013, user_id=USER, order_id="1")
    await bhex.refused("order/cancel", 400, -1102, user_id=USER)
    history = await bhex.ok("order/trade_orders", user_id=USER)
    assert history[0]["orderId"] == order["orderId"]
    assert all(o["status"] in ("FILLED", "CANCELED") for o in history)


async def test_org_batch_cancel_once_per_ten_seconds(bhex: Bhex, clock) -> None:
    ours = await bhex.create("ATUSDT", "sell", "limit", "10", "0.2000", cid="a")
    other = await bhex.create("BTCUSDT", "sell", "limit", "0.001", "99000.00", cid="b")
    assert await bhex.ok("order/org_batch_cancel", symbol_id="ATUSDT") == {"success": True}
    opened = await bhex.ok("order/open_orders", user_id=USER)
    assert [o["orderId"] for o in opened] == [other["orderId"]]
    assert bhex.balance("AT") == (AT0 + D("250.5"), D(0))  # the demo's resting sell too
    clock.advance("9.2")
    r = await bhex.post("order/org_batch_cancel", symbol_id="BTCUSDT")
    assert r.status_code == 429 and r.json()["status"] == -1004
    assert "retry in 1 s" in r.json()["msg"] and r.headers["Retry-After"] == "1"
    clock.advance("0.8")
    assert await bhex.ok("order/org_batch_cancel", symbol_id="BTCUSDT") == {"success": True}
    assert await bhex.ok("order/open_orders", user_id=USER) == []
    assert ours["status"] == "NEW"


async def test_open_orders_filters_and_sub_accounts(bhex: Bhex) -> None:
    main = await bhex.ok("order/open_orders", user_id=USER)
    assert [(o["symbolId"], o["origQty"]) for o in main] == [("ATUSDT", "250.5")]
    sub = await bhex.ok("order/open_orders", user_id=USER, account_index=1)
    assert [(o["symbolId"], o["origQty"]) for o in sub] == [("BTCUSDT", "0.25")]
    assert await bhex.ok("order/open_orders", user_id=USER, side="buy") == []
    trades = await bhex.ok("order/my_trades", user_id=USER, symbol_id="ATUSDT")
    assert [t["quantity"] for t in trades] == ["100"]
    assert set(trades[0]) == {"time", "tradeId", "orderId", "accountId", "symbolId",
                              "symbolName", "baseTokenId", "baseTokenName", "quoteTokenId",
                              "quoteTokenName", "price", "quantity", "feeTokenId",
                              "feeTokenName", "fee", "type", "side"}
    await bhex.refused("order/open_orders", 400, -1100, user_id="123")


async def test_contract_records_and_positions_with_pnl(bhex: Bhex, clock) -> None:
    opened = await bhex.ok("contract/order/open_orders", user_id=USER)
    assert [(o["symbolId"], o["side"], o["margin"], o["leverage"]) for o in opened] == [
        ("BTCUSDT-PERP", "BUY_OPEN", "120", "10")]
    assert opened[0]["exchangeId"] == "301" and opened[0]["liquidationType"] == "NO_LIQ"
    history = await bhex.ok("contract/order/trade_orders", user_id=USER)
    assert {o["status"] for o in history} == {"FILLED", "CANCELLED"}
    trades = await bhex.ok("contract/order/my_trades", user_id=USER)
    assert trades[0]["symbolId"] == "ETHUSDT-PERP" and trades[0]["executedAmount"] == "6400"
    positions = await bhex.ok("contract/order/position", user_id=USER)
    btc = next(p for p in positions if p["symbolId"] == "BTCUSDT-PERP")
    eth = next(p for p in positions if p["symbolId"] == "ETHUSDT-PERP")
    assert (btc["indices"], btc["unrealisedPnl"], btc["margin"], btc["liquidationPrice"],
            btc["isLong"], btc["profitRate"]) == (
        "91234.56", "185.184", "1350", "81450", "1", "0.1372")
    assert (eth["unrealisedPnl"], eth["liquidationPrice"], eth["isLong"]) == (
        "173.26", "3824", "0")
    clock.advance(20)  # the wave's +2% step
    assert index_price("BTCUSDT-PERP", int(clock.now * 1000)) == D("93059.25")
    positions = await bhex.ok("contract/order/position", user_id=USER,
                              symbol_id="BTCUSDT-PERP")
    assert [p["unrealisedPnl"] for p in positions] == ["458.8875"]
    hedge = await bhex.ok("contract/order/position", user_id=USER, account_index=1)
    assert [(p["isLong"], p["total"]) for p in hedge] == [("0", "20")]
    everyone = await bhex.ok("contract/order/all_positions")
    assert len(everyone) == 4 and {p["userId"] for p in everyone} >= {USER}


async def test_demo_price_moves_with_the_clock() -> None:
    ms = START * 1000
    prices = [demo_price("BTCUSDT", ms + step * 10_000) for step in range(8)]
    assert prices[0] == D("91234.56") and prices[2] == D("93059.25")
    assert prices[6] == D("89409.87") and prices[8 % 8] == prices[0]


async def test_sub_account_create_takes_the_next_index(bhex: Bhex) -> None:
    made = await bhex.ok("account/sub_account/create", user_id=USER, desc="Bots")
    assert (made["accountType"], made["accountIndex"], made["accountName"]) == (1, 3, "Bots")
    contract = await bhex.ok("account/sub_account/create", user_id=USER, account_type=3)
    assert (contract["accountType"], contract["accountIndex"]) == (3, 2)
    assert contract["accountId"] != made["accountId"]
    subs = [s for s in bhex.box.ledger.sub_accounts("bhex", USER)]
    assert ("1", 3, "Bots") in [(s.account_type, s.account_index, s.name) for s in subs]
    await bhex.refused("account/sub_account/create", 400, -1100, user_id=USER,
                       account_type=2)
