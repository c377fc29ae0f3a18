"""BHEX Org API trading, simulated (doc 004, "4）交易相关接口"): symbols, spot orders that
fill over time, fills and fees, contract orders, trades and positions, sub-account creation.

Routes are added to the BHEX service by :func:`bhex_trading_routes`; they use its key,
timestamp, signature and rate-limit checks. The rules where the document is silent (codes,
fill schedule, fees, demo prices, liquidation price) are in docs/wire.md, "Orders (BHEX)":

- a limit (or limit-maker) order whose price is within 2% of the demo price, or better,
  fills in 3 parts, 2 s apart, at its own price (``FILLS``, ``FILL_INTERVAL_MS``); one
  priced further away rests until cancelled; a market order fills at once, in one part,
  at the demo price; a limit-maker that would cross the demo price is rejected;
- the fee is 0.1% of what the order receives, in the received coin.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.core.money import EXACT, plain
from tui.sandbox.bhex import BhexService, _symbol
from tui.sandbox.demo import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS, BHEX_SYMBOLS
from tui.sandbox.ledger import SubAccount
from tui.sandbox.service import ErrorCode, Refusal, Refused
from tui.sandbox.trading_ledger import (FillRow, OrderRow, Overdrawn, Page, PositionRow,
                                        TradingStore, TradingTxn, with_changes)

__all__ = ["BhexTrading", "bhex_trading_routes", "demo_price", "index_price",
           "position_figures", "TradeRefused", "CODES", "FEE_RATE", "FILLS",
           "FILL_INTERVAL_MS", "BATCH_CANCEL_WINDOW_MS", "CONTRACTS", "SPOT", "CONTRACT"]

SPOT, CONTRACT = "1", "3"
FEE_RATE = Decimal("0.001")
"""Spot fee: 0.1% of what the order receives, charged in the received coin."""
CONTRACT_FEE_RATE = Decimal("0.0005")
FILLS = 3
FILL_INTERVAL_MS = 2_000
MARKETABLE_BAND = Decimal("0.02")
BATCH_CANCEL_WINDOW_MS = 10_000
MAINTENANCE_RATE = Decimal("0.005")
_OPEN = ("NEW", "PARTIALLY_FILLED")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_\-.]{1,64}$")

DEMO_PRICES = {"ATUSDT": Decimal("0.1668"), "BTCUSDT": Decimal("91234.56"),
               "ETHUSDT": Decimal("3113.37"), "ETHBTC": Decimal("0.034123")}
"""Each demo symbol's price when the wave is at 0."""
WAVE_PERCENT = (0, 1, 2, 1, 0, -1, -2, -1)
"""The demo price's offset in percent, one step per 10 s of the sandbox clock."""


@dataclass(frozen=True)
class SpotRule:
    """A demo symbol's rules, from :data:`tui.sandbox.demo.BHEX_SYMBOLS`."""

    symbol_id: str
    base: str
    quote: str
    base_step: Decimal
    quote_step: Decimal
    min_qty: Decimal
    min_amount: Decimal
    price_step: Decimal


SPOT_RULES = {b + q: SpotRule(b + q, b, q, Decimal(bp), Decimal(qp), Decimal(mq), Decimal(ma),
                              Decimal(mp))
              for b, q, bp, qp, mq, ma, mp in BHEX_SYMBOLS}


@dataclass(frozen=True)
class ContractSpec:
    """A demo USDT-margined perpetual: its name, index symbol and contract size."""

    symbol_id: str
    name: str
    underlying: str
    multiplier: Decimal
    price_step: Decimal = Decimal("0.01")
    unit: str = "USDT"


CONTRACTS = {c.symbol_id: c for c in (
    ContractSpec("BTCUSDT-PERP", "BTCUSDT永续", "BTCUSDT", Decimal("0.001")),
    ContractSpec("ETHUSDT-PERP", "ETHUSDT永续", "ETHUSDT", Decimal("0.01")),
)}

CODES = {
    "missing": ErrorCode(400, -1102, "Mandatory parameter was not sent, was empty/null, "
                                     "or malformed."),
    "bad_symbol": ErrorCode(400, -1121, "Invalid symbol."),
    "precision": ErrorCode(400, -1111, "Precision is over the maximum defined for this asset."),
    "minimum": ErrorCode(400, -1013, "Order quantity or amount below the symbol's minimum."),
    "insufficient": ErrorCode(400, -1131, "Balance insufficient"),
    "rejected": ErrorCode(400, -2010, "New order rejected."),
    "cancel_rejected": ErrorCode(400, -2011, "Cancel rejected: the order is not open."),
    "no_order": ErrorCode(400, -2013, "Order does not exist."),
    "batch_too_soon": ErrorCode(429, -1004, "org_batch_cancel may be called once per 10 "
                                            "seconds."),
    "bad_account": ErrorCode(400, -1100, "Illegal characters found in a parameter."),
}
"""The trading refusals (docs/wire.md, Orders (BHEX))."""


class TradeRefused(Exception):
    """A trading refusal with its own code; ``retry_after_s`` adds a Retry-After header."""

    def __init__(self, code: str, detail: str | None = None, *,
                 retry_after_s: int | None = None) -> None:
        super().__init__(detail or code)
        self.code = CODES[code]
        self.detail = detail
        self.retry_after_s = retry_after_s


# -- prices and position figures ----------------------------------------------------------

def demo_price(symbol_id: str, now_ms: int) -> Decimal:
    """The demo price of a spot symbol: its base price moved by :data:`WAVE_PERCENT`
    (one step per 10 s), rounded half up to the symbol's price step."""
    step = WAVE_PERCENT[(now_ms // 10_000) % len(WAVE_PERCENT)]
    rule = SPOT_RULES[symbol_id]
    raw = EXACT.multiply(DEMO_PRICES[symbol_id], Decimal(100 + step).scaleb(-2))
    return raw.quantize(rule.price_step, rounding=ROUND_HALF_UP)


def index_price(contract_id: str, now_ms: int) -> Decimal:
    """A contract's index price: the demo price of its underlying spot symbol."""
    return demo_price(CONTRACTS[contract_id].underlying, now_ms)


def _q(value: Decimal, step: str | Decimal) -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def position_figures(row: PositionRow, index: Decimal) -> dict[str, Decimal]:
    """Size, values, margin, PnL and liquidation price of ``row`` at ``index``:

    - size = total x multiplier; openValue = avgPrice x size; positionValues = index x size
    - margin = openValue / leverage (8 decimals, half up)
    - unrealisedPnl = (index - avgPrice) x size, negated for a short
    - liquidationPrice = avgPrice x (1 - 1/leverage + 0.005) long,
      avgPrice x (1 + 1/leverage - 0.005) short (price step, half up);
      bankruptcyPrice the same without the 0.005
    - profitRate = unrealisedPnl / margin, marginRate = (margin + unrealisedPnl) /
      positionValues (4 decimals, half up)
    """
    spec = CONTRACTS[row.symbol_id]
    size = EXACT.multiply(row.total, spec.multiplier)
    open_value = EXACT.multiply(row.avg_price, size)
    value = EXACT.multiply(index, size)
    sign = 1 if row.is_long else -1
    pnl = EXACT.multiply(EXACT.subtract(index, row.avg_price), size) * sign
    with localcontext() as ctx:
        ctx.prec = 60
        margin = _q(open_value / row.leverage, "0.00000001")
        inverse = 1 / row.leverage
        liq = row.avg_price * (1 - sign * (inverse - MAINTENANCE_RATE))
        bankrupt = row.avg_price * (1 - sign * inverse)
        profit_rate = _q(pnl / margin, "0.0001") if margin else Decimal(0)
        margin_rate = _q((margin + pnl) / value, "0.0001") if value else Decimal(0)
    return {"size": size, "open_value": open_value, "position_value": value,
            "margin": margin, "unrealised_pnl": pnl,
            "liquidation_price": _q(liq, spec.price_step),
            "bankruptcy_price": _q(bankrupt, spec.price_step),
            "profit_rate": profit_rate, "margin_rate": margin_rate}


# -- the service part -----------------------------------------------------------------------

def bhex_trading_routes(service: BhexService) -> list[Route]:
    """Attach the trading engine to ``service`` (as ``service.trading``) and return its
    routes. The service's ``advance`` is extended so every BHEX request, balances
    included, first applies the fills that are due."""
    trading = BhexTrading(service)
    service.trading = trading  # type: ignore[attr-defined]
    earlier = service.advance

    def advance() -> None:
        earlier()
        trading.advance()

    service.advance = advance  # type: ignore[method-assign]
    return trading.routes()


class BhexTrading:
    """The simulated BHEX order book of the org: spot orders with their fill schedule,
    fills, contract records and positions, and sub-account creation."""

    def __init__(self, service: BhexService) -> None:
        self.service = service
        self.store = TradingStore(service.ledger)
        self._batch_cancels: dict[str, int] = {}
        with self.store.txn() as txn:
            if txn.meta("seeded") is None:
                _seed(txn, self.service.now_ms())
                txn.set_meta("seeded", "1")

    def routes(self) -> list[Route]:
        """Every trading route, on the BHEX service's prefix and checks."""
        svc, h = self.service, self._handle
        spot = "/api/v2/org/order/"
        contract = "/api/v2/org/contract/order/"
        return [
            svc.route("/api/v2/org/basic/symbols", self.basic_symbols, ["GET"]),
            svc.route("/api/v2/org/account/sub_account/create", h(self.sub_account_create),
                      ["POST"], write=True),
            svc.route(spot + "create", h(self.order_create), ["POST"], write=True),
            svc.route(spot + "cancel", h(self.order_cancel), ["POST"], write=True),
            svc.route(spot + "org_batch_cancel", h(self.org_batch_cancel), ["POST"],
                      write=True),
            svc.route(spot + "get", h(self.order_get), ["POST"]),
            svc.route(spot + "open_orders", h(self.open_orders), ["POST"]),
            svc.route(spot + "trade_orders", h(self.trade_orders), ["POST"]),
            svc.route(spot + "match_info", h(self.match_info), ["POST"]),
            svc.route(spot + "my_trades", h(self.my_trades), ["POST"]),
            svc.route(contract + "open_orders", h(self.contract_open_orders), ["POST"]),
            svc.route(contract + "trade_orders", h(self.contract_trade_orders), ["POST"]),
            svc.route(contract + "my_trades", h(self.contract_my_trades), ["POST"]),
            svc.route(contract + "position", h(self.contract_position), ["POST"]),
            svc.route(contract + "all_positions", h(self.contract_all_positions), ["POST"]),
        ]

    def _handle(self, handler: Callable[[dict[str, str], str], Any]) -> Callable[..., Any]:
        """Authenticate, run ``handler(params, api_key)`` and wrap its data (or its
        :class:`TradeRefused`) in BHEX's reply."""

        async def run(request: Request) -> Any:
            key, params = await self.service.authenticate(request)
            try:
                data = handler(params, key.api_key)
            except TradeRefused as refused:
                return self._refusal(refused)
            return data

        return run

    def _refusal(self, refused: TradeRefused) -> Response:
        code = refused.code
        msg = f"{code.msg}: {refused.detail}" if refused.detail else code.msg
        response = self.service.reply(self.service.error_body(code, msg), code.http_status)
        if refused.retry_after_s is not None:
            response.headers["Retry-After"] = str(refused.retry_after_s)
        return response

    # -- the clock: fills due ------------------------------------------------------

    def advance(self) -> None:
        """Apply every scheduled fill due by the clock, oldest first (ties by order id)."""
        now = self.service.now_ms()
        with self.store.txn() as txn:
            orders = txn.select(
                "bhex_orders", "status IN ('NEW', 'PARTIALLY_FILLED') AND fill_start_ms IS NOT "
                "NULL AND fill_start_ms + ? * (fills_done + 1) <= ?", (FILL_INTERVAL_MS, now))
            due: list[tuple[int, int, int, Decimal]] = []
            for order in orders:
                for k, (at_ms, qty) in enumerate(_schedule(order), start=1):
                    if k > order.fills_done and at_ms <= now:
                        due.append((at_ms, order.order_id, k, qty))
            current = {o.order_id: o for o in orders}
            for at_ms, order_id, _, qty in sorted(due):
                current[order_id] = _fill(txn, current[order_id], qty,
                                          current[order_id].price, at_ms)

    # -- public ---------------------------------------------------------------------

    async def basic_symbols(self, request: Request) -> dict[str, Any]:
        """``GET /api/v2/org/basic/symbols``: every demo symbol with its precisions."""
        self.service.limit_public(request)
        status = getattr(self.service, "trade_status", {})  # set_trade_status (bhex_settings)
        return {"status": 0, "data": [{**_symbol(*s), "canTrade": status.get(s[0] + s[1], True)}
                                      for s in BHEX_SYMBOLS]}

    # -- sub-accounts ------------------------------------------------------------------

    def sub_account_create(self, params: dict[str, str], key: str) -> dict[str, Any]:
        """``POST .../sub_account/create``: a new account of ``account_type`` (1 spot,
        default; 3 contract) for the key's own user (the document lists no ``user_id``)
        at the next free index; the document's bare object."""
        user_id = self.service.key_user(key)
        account_type = params.get("account_type") or SPOT
        if account_type not in (SPOT, CONTRACT):
            raise TradeRefused("bad_account", "account_type must be 1 (spot) or 3 (contract)")
        with self.store.txn() as txn:
            (top_index,) = txn.conn.execute(
                "SELECT MAX(account_index) FROM sub_accounts WHERE venue = 'bhex' AND "
                "user_id = ? AND account_type = ?", (user_id, account_type)).fetchone()
            (top_id,) = txn.conn.execute(
                "SELECT MAX(CAST(account_id AS INTEGER)) FROM sub_accounts "
                "WHERE venue = 'bhex'").fetchone()
            index = 0 if top_index is None else top_index + 1
            sub = SubAccount("bhex", user_id, account_type, index, str((top_id or 0) + 1),
                             params.get("desc") or f"Sub-account {index}")
            txn.conn.execute(
                "INSERT INTO sub_accounts (venue, user_id, account_type, account_index, "
                "account_id, name) VALUES (?, ?, ?, ?, ?, ?)",
                (sub.venue, sub.user_id, sub.account_type, sub.account_index, sub.account_id,
                 sub.name))
        return {"accountId": sub.account_id, "accountName": sub.name,
                "accountType": int(account_type), "accountIndex": index}

    # -- spot orders -----------------------------------------------------------------

    def order_create(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../order/create``: checks, freezes funds, and fills a market order at
        once; a repeated ``client_order_id`` returns the order it made."""
        user_id = self._user(params)
        for name in ("exchange_id", "symbol_id", "client_order_id", "type", "side", "quantity"):
            if not params.get(name):
                raise TradeRefused("missing", f"{name} is required")
        client_id = params["client_order_id"]
        if not _CLIENT_ID.match(client_id):
            raise TradeRefused("missing", "client_order_id: 1-64 of A-Z a-z 0-9 _ - .")
        symbol = params["symbol_id"]
        rule = SPOT_RULES.get(symbol)
        if rule is None:
            raise TradeRefused("bad_symbol", f"{symbol} is not a spot symbol here")
        kind, side = params["type"].upper(), params["side"].upper()
        if kind not in ("LIMIT", "MARKET", "LIMIT_MAKER") or side not in ("BUY", "SELL"):
            raise TradeRefused("missing", "type is limit, market or limit_maker; side is "
                                          "buy or sell")
        qty = _number(params, "quantity")
        price = _number(params, "price") if kind != "MARKET" else Decimal(0)
        if kind != "MARKET" and price <= 0:
            raise TradeRefused("missing", "price is required for a limit order")
        now = self.service.now_ms()
        with self.store.txn() as txn:
            same = txn.select("bhex_orders", "user_id = ? AND client_order_id = ?",
                              (user_id, client_id))
            if same:
                old = same[0]
                if (old.symbol_id, old.side, old.type, old.orig_qty, old.price) != (
                        symbol, side, kind, qty, price):
                    raise TradeRefused("rejected", f"client_order_id {client_id} was already "
                                                   "used for a different order")
                return {"status": 0, "data": _order_json(old)}
            _check_rules(rule, kind, side, qty, price)
            settings = getattr(self.service, "settings", None)  # tui/sandbox/bhex_settings.py
            if settings is not None and (why := settings.refuse_order(symbol, kind, side, price)):
                raise TradeRefused("rejected", why)
            order = self._place(txn, user_id, rule, kind, side, qty, price, client_id, now)
        return {"status": 0, "data": _order_json(order)}

    def _place(self, txn: TradingTxn, user_id: str, rule: SpotRule, kind: str, side: str,
               qty: Decimal, price: Decimal, client_id: str, now: int) -> OrderRow:
        ref = demo_price(rule.symbol_id, now)
        if kind == "LIMIT_MAKER" and ((side == "BUY" and price >= ref)
                                      or (side == "SELL" and price <= ref)):
            raise TradeRefused("rejected", f"a limit_maker {side.lower()} at {plain(price)} "
                                           f"would match at once (price now {plain(ref)})")
        if kind == "MARKET" and side == "BUY":
            base_qty = (qty / ref).quantize(rule.base_step, rounding=ROUND_DOWN) \
                if qty >= ref * rule.base_step else Decimal(0)
            if base_qty <= 0:
                raise TradeRefused("minimum", f"{plain(qty)} {rule.quote} buys less than "
                                              f"{plain(rule.base_step)} {rule.base}")
        if side == "BUY":
            coin, frozen = rule.quote, (qty if kind == "MARKET" else EXACT.multiply(price, qty))
        else:
            coin, frozen = rule.base, qty
        try:
            txn.move(user_id, SPOT, 0, coin, available=-frozen, frozen=frozen, now_ms=now)
        except Overdrawn as exc:
            raise TradeRefused("insufficient", f"needs {plain(frozen)} {coin}; has {exc}") \
                from None
        marketable = (kind == "MARKET"
                      or (side == "BUY" and price >= ref * (1 - MARKETABLE_BAND))
                      or (side == "SELL" and price <= ref * (1 + MARKETABLE_BAND)))
        order = OrderRow(
            order_id=txn.next_id("bhex_orders"), user_id=user_id, account_type=SPOT,
            account_index=0, account_id=_account_id(txn, user_id, SPOT, 0),
            client_order_id=client_id, symbol_id=rule.symbol_id, side=side, type=kind,
            price=price, orig_qty=qty, executed_qty=Decimal(0), executed_amount=Decimal(0),
            status="NEW", time_ms=now, fill_start_ms=now if marketable else None, fills_done=0,
            frozen_coin=coin, frozen_left=frozen,
            fee_coin=rule.base if side == "BUY" else rule.quote, fee_total=Decimal(0))
        txn.insert("bhex_orders", order)
        if kind == "MARKET":
            fill_qty = base_qty if side == "BUY" else qty
            order = _fill(txn, order, fill_qty, ref, now, last=True)
        return order

    def order_cancel(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../order/cancel``: by ``order_id`` or ``client_order_id``; only an open
        order; its frozen remainder is released."""
        user_id = self._user(params)
        now = self.service.now_ms()
        with self.store.txn() as txn:
            order = _find_order(txn, user_id, params)
            if order.status not in _OPEN:
                raise TradeRefused("cancel_rejected", f"order {order.order_id} is "
                                                      f"{order.status}")
            _cancel(txn, order, now)
        return {"status": 0, "data": {"success": True}}

    def org_batch_cancel(self, params: dict[str, str], api_key: str) -> dict[str, Any]:
        """``POST .../order/org_batch_cancel``: every open spot order of the org on
        ``symbol_id``; once per 10 s per key (a second call answers -1004 with the wait)."""
        symbol = params.get("symbol_id")
        if not symbol:
            raise TradeRefused("missing", "symbol_id is required")
        if symbol not in SPOT_RULES:
            raise TradeRefused("bad_symbol", f"{symbol} is not a spot symbol here")
        now = self.service.now_ms()
        last = self._batch_cancels.get(api_key)
        if last is not None and now - last < BATCH_CANCEL_WINDOW_MS:
            left_ms = BATCH_CANCEL_WINDOW_MS - (now - last)
            seconds = -(-left_ms // 1000)
            raise TradeRefused("batch_too_soon", f"retry in {seconds} s",
                               retry_after_s=seconds)
        self._batch_cancels[api_key] = now
        with self.store.txn() as txn:
            for order in txn.select("bhex_orders", "account_type = ? AND symbol_id = ? AND "
                                    "status IN ('NEW', 'PARTIALLY_FILLED')", (SPOT, symbol)):
                _cancel(txn, order, now)
        return {"status": 0, "data": {"success": True}}

    def order_get(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../order/get``: one spot order by ``order_id`` or ``client_order_id``."""
        user_id = self._user(params)
        with self.store.txn() as txn:
            return {"status": 0, "data": _order_json(_find_order(txn, user_id, params))}

    def open_orders(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../order/open_orders``: NEW and PARTIALLY_FILLED, newest first, paged."""
        return self._orders(params, SPOT, open_=True)

    def trade_orders(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../order/trade_orders``: FILLED and CANCELED orders, newest first, paged."""
        return self._orders(params, SPOT, open_=False)

    def match_info(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../order/match_info``: every fill of one order, newest first."""
        user_id = self._user(params)
        index = _int(params, "account_index", 0)
        order_id = _int(params, "order_id", None)
        if order_id is None:
            raise TradeRefused("missing", "order_id is required")
        with self.store.txn() as txn:
            fills = txn.select("bhex_fills", "user_id = ? AND account_type = ? AND "
                               "account_index = ? AND order_id = ?",
                               (user_id, SPOT, index, order_id), order="trade_id DESC")
        return {"status": 0, "data": [_fill_json(f) for f in fills]}

    def my_trades(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../order/my_trades``: the account's fills, newest first, paged."""
        return self._trades(params, SPOT)

    # -- contracts -----------------------------------------------------------------

    def contract_open_orders(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../contract/order/open_orders``."""
        return self._orders(params, CONTRACT, open_=True)

    def contract_trade_orders(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../contract/order/trade_orders``."""
        return self._orders(params, CONTRACT, open_=False)

    def contract_my_trades(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../contract/order/my_trades``."""
        return self._trades(params, CONTRACT)

    def contract_position(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../contract/order/position``: the account's positions at the index
        price now, newest position id first, paged."""
        user_id = self._user(params)
        index = _int(params, "account_index", 0)
        where, args = "user_id = ? AND account_index = ?", [user_id, index]
        where, args = _symbol_filter(params, where, args)
        now = self.service.now_ms()
        with self.store.txn() as txn:
            rows = txn.page("bhex_positions", where, args, _page(params, times=False))
            available, _ = txn.balance(user_id, CONTRACT, index, "USDT")
        return {"status": 0, "data": [_position_json(r, now, available) for r in rows]}

    def contract_all_positions(self, params: dict[str, str], _key: str) -> dict[str, Any]:
        """``POST .../contract/order/all_positions``: every user's positions in the org."""
        where, args = _symbol_filter(params, "1", [])
        now = self.service.now_ms()
        with self.store.txn() as txn:
            rows = txn.page("bhex_positions", where, args, _page(params, times=False))
        return {"status": 0, "data": [_all_position_json(r, now) for r in rows]}

    # -- shared --------------------------------------------------------------------

    def _orders(self, params: dict[str, str], account_type: str, *,
                open_: bool) -> dict[str, Any]:
        user_id = self._user(params)
        where = ("user_id = ? AND account_type = ? AND account_index = ? AND status "
                 + ("IN" if open_ else "NOT IN") + " ('NEW', 'PARTIALLY_FILLED')")
        args: list[Any] = [user_id, account_type, _int(params, "account_index", 0)]
        where, args = _symbol_filter(params, where, args)
        for name, values in (("type", ("LIMIT", "MARKET", "LIMIT_MAKER")),
                             ("side", ("BUY", "SELL"))):
            if params.get(name):
                value = params[name].upper()
                if value not in values:
                    raise TradeRefused("missing", f"{name} must be one of "
                                                  f"{', '.join(v.lower() for v in values)}")
                where += f" AND {name} = ?"
                args.append(value)
        with self.store.txn() as txn:
            rows = txn.page("bhex_orders", where, args, _page(params))
        return {"status": 0, "data": [_order_json(r) for r in rows]}

    def _trades(self, params: dict[str, str], account_type: str) -> dict[str, Any]:
        user_id = self._user(params)
        where = "user_id = ? AND account_type = ? AND account_index = ?"
        args: list[Any] = [user_id, account_type, _int(params, "account_index", 0)]
        where, args = _symbol_filter(params, where, args)
        with self.store.txn() as txn:
            rows = txn.page("bhex_fills", where, args, _page(params))
        return {"status": 0, "data": [_fill_json(r) for r in rows]}

    def _user(self, params: dict[str, str]) -> str:
        user_id = params.get("user_id", "")
        if not user_id.isdigit() or not self.service.ledger.sub_accounts("bhex", user_id):
            raise Refused(Refusal.INVALID, "user_id missing or unknown")
        return user_id


# -- the engine's pure parts -------------------------------------------------------------

def _schedule(order: OrderRow) -> list[tuple[int, Decimal]]:
    """(time, quantity) of each fill of a scheduled limit order: 3 parts 2 s apart, the
    first two ``floor(origQty / 3)`` to the base step, the last the rest (one part when
    a third is below one step)."""
    assert order.fill_start_ms is not None
    step = SPOT_RULES[order.symbol_id].base_step
    part = (order.orig_qty // (step * FILLS)) * step
    parts = [order.orig_qty] if part == 0 else [part] * (FILLS - 1) + [
        order.orig_qty - part * (FILLS - 1)]
    return [(order.fill_start_ms + FILL_INTERVAL_MS * k, qty)
            for k, qty in enumerate(parts, start=1)]


def _fill(txn: TradingTxn, order: OrderRow, qty: Decimal, price: Decimal, at_ms: int, *,
          last: bool | None = None) -> OrderRow:
    """Book one fill of ``order``: move the money, charge the fee, record the trade."""
    rule = SPOT_RULES[order.symbol_id]
    spend = EXACT.multiply(qty, price)
    user, index = order.user_id, order.account_index
    if order.side == "BUY":
        fee = EXACT.multiply(qty, FEE_RATE)
        txn.move(user, SPOT, index, rule.quote, frozen=-spend, now_ms=at_ms)
        txn.move(user, SPOT, index, rule.base, available=EXACT.subtract(qty, fee), now_ms=at_ms)
        frozen_left = EXACT.subtract(order.frozen_left, spend)
    else:
        fee = EXACT.multiply(spend, FEE_RATE)
        txn.move(user, SPOT, index, rule.base, frozen=-qty, now_ms=at_ms)
        txn.move(user, SPOT, index, rule.quote, available=EXACT.subtract(spend, fee),
                 now_ms=at_ms)
        frozen_left = EXACT.subtract(order.frozen_left, qty)
    txn.insert("bhex_fills", FillRow(
        trade_id=txn.next_id("bhex_fills"), order_id=order.order_id, user_id=user,
        account_type=SPOT, account_index=index, account_id=order.account_id,
        symbol_id=order.symbol_id, side=order.side, type=order.type, price=price, quantity=qty,
        fee=fee, fee_coin=order.fee_coin, time_ms=at_ms))
    done = order.fills_done + 1
    finished = last if last is not None else done >= len(_schedule(order))
    if finished and frozen_left:
        txn.move(user, SPOT, index, order.frozen_coin, available=frozen_left,
                 frozen=-frozen_left, now_ms=at_ms)
        frozen_left = Decimal(0)
    updated = with_changes(
        order, executed_qty=EXACT.add(order.executed_qty, qty),
        executed_amount=EXACT.add(order.executed_amount, spend),
        fee_total=EXACT.add(order.fee_total, fee), fills_done=done, frozen_left=frozen_left,
        status="FILLED" if finished else "PARTIALLY_FILLED")
    txn.update_order(updated)
    return updated


def _cancel(txn: TradingTxn, order: OrderRow, now: int) -> None:
    if order.frozen_left:
        txn.move(order.user_id, order.account_type, order.account_index, order.frozen_coin,
                 available=order.frozen_left, frozen=-order.frozen_left, now_ms=now)
    txn.update_order(with_changes(order, status="CANCELED", frozen_left=Decimal(0)))


def _check_rules(rule: SpotRule, kind: str, side: str, qty: Decimal, price: Decimal) -> None:
    if kind != "MARKET" and price % rule.price_step:
        raise TradeRefused("precision", f"price {plain(price)}: step is "
                                        f"{plain(rule.price_step)}")
    if kind == "MARKET" and side == "BUY":
        step, minimum, coin = rule.quote_step, rule.min_amount, rule.quote
    else:
        step, minimum, coin = rule.base_step, rule.min_qty, rule.base
    if qty % step:
        raise TradeRefused("precision", f"quantity {plain(qty)} {coin}: step is {plain(step)}")
    if qty < minimum:
        raise TradeRefused("minimum", f"quantity {plain(qty)} {coin} is below "
                                      f"{plain(minimum)}")


def _find_order(txn: TradingTxn, user_id: str, params: dict[str, str]) -> OrderRow:
    order_id = _int(params, "order_id", None)
    client_id = params.get("client_order_id")
    if order_id is not None:
        found = txn.select("bhex_orders", "user_id = ? AND order_id = ? AND account_type = ?",
                           (user_id, order_id, SPOT))
    elif client_id:
        found = txn.select("bhex_orders", "user_id = ? AND client_order_id = ? AND "
                           "account_type = ?", (user_id, client_id, SPOT))
    else:
        raise TradeRefused("missing", "order_id or client_order_id is required")
    if not found:
        raise TradeRefused("no_order", f"no order {order_id or client_id} for user {user_id}")
    return found[0]


def _account_id(txn: TradingTxn, user_id: str, account_type: str, index: int) -> str:
    row = txn.conn.execute(
        "SELECT account_id FROM sub_accounts WHERE venue = 'bhex' AND user_id = ? AND "
        "account_type = ? AND account_index = ?", (user_id, account_type, index)).fetchone()
    return row[0] if row else ""


def _number(params: dict[str, str], name: str) -> Decimal:
    text = (params.get(name) or "").strip()
    if not _NUMBER.match(text):
        raise TradeRefused("missing", f"{name} must be a plain positive number")
    return Decimal(text)


def _int(params: dict[str, str], name: str, default: int | None) -> int | None:
    text = params.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit():
        raise TradeRefused("missing", f"{name} must be an integer")
    return int(text)


def _page(params: dict[str, str], *, times: bool = True) -> Page:
    limit = _int(params, "limit", 20)
    if not 1 <= limit <= 500:  # type: ignore[operator]
        raise TradeRefused("missing", "limit must be 1 to 500")
    return Page(limit=limit, from_id=_int(params, "from_id", None),  # type: ignore[arg-type]
                to_id=_int(params, "to_id", None),
                start_ms=_int(params, "start_time", None) if times else None,
                end_ms=_int(params, "end_time", None) if times else None)


def _symbol_filter(params: dict[str, str], where: str,
                   args: list[Any]) -> tuple[str, list[Any]]:
    if params.get("symbol_id"):
        return where + " AND symbol_id = ?", [*args, params["symbol_id"]]
    return where, args


# -- reply shapes ----------------------------------------------------------------------------

def _txt(value: Decimal) -> str:
    """An amount as the replies write it: plain digits, no trailing zeros (``100``)."""
    return plain(value.normalize()) if value else "0"


def _names(symbol_id: str) -> dict[str, str]:
    if symbol_id in CONTRACTS:
        spec = CONTRACTS[symbol_id]
        base, quote, name = symbol_id, spec.unit, spec.name
    else:
        rule = SPOT_RULES[symbol_id]
        base, quote, name = rule.base, rule.quote, symbol_id
    return {"symbolId": symbol_id, "symbolName": name, "baseTokenId": base,
            "baseTokenName": base, "quoteTokenId": quote, "quoteTokenName": quote}


def _order_json(row: OrderRow) -> dict[str, Any]:
    avg = (Decimal(0) if not row.executed_qty
           else _avg(row.executed_amount, row.executed_qty, row.symbol_id))
    body: dict[str, Any] = {
        "time": str(row.time_ms), "orderId": str(row.order_id), "accountId": row.account_id,
        "clientOrderId": row.client_order_id, **_names(row.symbol_id),
        "price": _txt(row.price), "origQty": _txt(row.orig_qty),
        "executedQty": _txt(row.executed_qty), "executedAmount": _txt(row.executed_amount),
        "avgPrice": _txt(avg), "type": row.type, "side": row.side,
        "fees": ([{"feeTokenId": row.fee_coin, "feeTokenName": row.fee_coin,
                   "fee": _txt(row.fee_total)}] if row.fee_total else []),
        "status": row.status if row.account_type == SPOT else
        ("CANCELLED" if row.status == "CANCELED" else row.status),
        "exchangeId": "0" if row.account_type == SPOT else "301",
    }
    if row.account_type == CONTRACT:
        body.update({"noExecutedQty": _txt(row.orig_qty - row.executed_qty),
                     "amount": _txt(EXACT.multiply(row.price, row.orig_qty)),
                     "margin": _txt(Decimal(row.extra.get("margin", "0"))),
                     "leverage": row.extra.get("leverage", "1"),
                     "isClose": row.side.endswith("CLOSE"), "priceType": "INPUT",
                     "isLiquidationOrder": False, "liquidationType": "NO_LIQ"})
    return body


def _avg(amount: Decimal, qty: Decimal, symbol_id: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        exact = amount / qty
    step = CONTRACTS[symbol_id].price_step if symbol_id in CONTRACTS else \
        SPOT_RULES[symbol_id].price_step
    return exact if exact % step == 0 else _q(exact, Decimal("1e-8"))


def _fill_json(row: FillRow) -> dict[str, Any]:
    body: dict[str, Any] = {
        "time": str(row.time_ms), "tradeId": str(row.trade_id), "orderId": str(row.order_id),
        "accountId": row.account_id, **_names(row.symbol_id), "price": _txt(row.price),
        "quantity": _txt(row.quantity), "feeTokenId": row.fee_coin,
        "feeTokenName": row.fee_coin, "fee": _txt(row.fee), "type": row.type,
        "side": row.side}
    if row.account_type == CONTRACT:
        size = EXACT.multiply(row.quantity, CONTRACTS[row.symbol_id].multiplier)
        body.update({"executedAmount": _txt(EXACT.multiply(size, row.price)),
                     "priceType": "INPUT"})
    return body


def _position_json(row: PositionRow, now: int, coin_available: Decimal) -> dict[str, Any]:
    index = index_price(row.symbol_id, now)
    f = position_figures(row, index)
    return {"accountId": row.account_id, "exchangeId": "301",
            "positionId": str(row.position_id), "symbolId": row.symbol_id,
            "symbolName": CONTRACTS[row.symbol_id].name, "leverage": _txt(row.leverage),
            "total": _txt(row.total), "positionValues": _txt(f["position_value"]),
            "margin": _txt(f["margin"]), "minMargin": "0", "orderMargin": "0",
            "avgPrice": _txt(row.avg_price), "liquidationPrice": _txt(f["liquidation_price"]),
            "marginRate": _txt(f["margin_rate"]), "indices": _txt(index),
            "available": _txt(row.total), "coinAvailable": _txt(coin_available),
            "isLong": "1" if row.is_long else "0", "realisedPnl": _txt(row.realised_pnl),
            "unrealisedPnl": _txt(f["unrealised_pnl"]), "unit": CONTRACTS[row.symbol_id].unit,
            "profitRate": _txt(f["profit_rate"])}


def _all_position_json(row: PositionRow, now: int) -> dict[str, Any]:
    f = position_figures(row, index_price(row.symbol_id, now))
    return {"positionId": str(row.position_id), "accountId": row.account_id,
            "userId": row.user_id, "symbolId": row.symbol_id, "total": _txt(row.total),
            "locked": "0", "available": _txt(row.total), "margin": _txt(f["margin"]),
            "orderMargin": "0", "openValue": _txt(f["open_value"]),
            "realisedPnl": _txt(row.realised_pnl),
            "liquidationPrice": _txt(f["liquidation_price"]),
            "bankruptcyPrice": _txt(f["bankruptcy_price"]),
            "isLong": "1" if row.is_long else "0", "openOnBook": "0",
            "riskLimitId": "200000006"}


# -- demo records ----------------------------------------------------------------------------

_HOUR = 3_600_000


def _seed(txn: TradingTxn, now: int) -> None:
    """Demo orders, trades and positions, written once into fresh trading tables. They
    move no money: the demo balances already show their effect (AT 250.5 and the
    sub-account's BTC 0.25 frozen by resting sells, the contract account's USDT 120 by an
    open contract order)."""
    user = BHEX_DEMO_USER_ID
    d = Decimal
    # (hours ago, account type, index, symbol, side, type, price, qty, status, filled, lev)
    orders = [
        (50, SPOT, 0, "ATUSDT", "BUY", "LIMIT", "0.1650", "100", "FILLED", True, None),
        (49, CONTRACT, 0, "BTCUSDT-PERP", "BUY_OPEN", "LIMIT", "90000.00", "150", "FILLED",
         True, "10"),
        (48, CONTRACT, 0, "ETHUSDT-PERP", "SELL_OPEN", "LIMIT", "3200.00", "200", "FILLED",
         True, "5"),
        (30, SPOT, 0, "ETHUSDT", "SELL", "LIMIT", "3100.00", "0.05", "FILLED", True, None),
        (26, CONTRACT, 1, "BTCUSDT-PERP", "SELL_OPEN", "LIMIT", "92000.00", "20", "FILLED",
         True, "20"),
        (20, CONTRACT, 0, "ETHUSDT-PERP", "BUY_OPEN", "LIMIT", "2800.00", "50", "CANCELED",
         False, "5"),
        (12, SPOT, 0, "BTCUSDT", "BUY", "LIMIT", "85000.00", "0.001", "CANCELED", False, None),
        (3, SPOT, 0, "ATUSDT", "SELL", "LIMIT", "0.2500", "250.5", "NEW", False, None),
        (2, SPOT, 1, "BTCUSDT", "SELL", "LIMIT", "99999.00", "0.25", "NEW", False, None),
        (1, CONTRACT, 0, "BTCUSDT-PERP", "BUY_OPEN", "LIMIT", "80000.00", "15", "NEW", False,
         "10"),
    ]
    for n, (hours, kind, index, symbol, side, otype, price, qty, status, filled,
            lev) in enumerate(orders):
        at = now - hours * _HOUR
        price_d, qty_d = d(price), d(qty)
        extra: dict[str, Any] = {}
        if kind == CONTRACT:
            spec = CONTRACTS[symbol]
            value = EXACT.multiply(EXACT.multiply(price_d, qty_d), spec.multiplier)
            with localcontext() as ctx:
                ctx.prec = 60
                extra = {"leverage": lev, "margin": plain(_q(value / d(lev), "0.00000001"))}
            base, quote = symbol, spec.unit
        else:
            base, quote = SPOT_RULES[symbol].base, SPOT_RULES[symbol].quote
        amount = EXACT.multiply(price_d, qty_d)
        rate = CONTRACT_FEE_RATE if kind == CONTRACT else FEE_RATE
        fee_coin = quote if kind == CONTRACT or side == "SELL" else base
        fee = (EXACT.multiply(qty_d, rate) if fee_coin == base
               else EXACT.multiply(amount if kind == SPOT else EXACT.multiply(
                   amount, CONTRACTS.get(symbol, CONTRACTS["BTCUSDT-PERP"]).multiplier), rate))
        order = OrderRow(
            order_id=txn.next_id("bhex_orders"), user_id=user, account_type=kind,
            account_index=index, account_id=_account_id(txn, user, kind, index),
            client_order_id=f"demo-{n + 1}", symbol_id=symbol, side=side, type=otype,
            price=price_d, orig_qty=qty_d, executed_qty=qty_d if filled else d(0),
            executed_amount=amount if filled else d(0), status=status, time_ms=at,
            fill_start_ms=None, fills_done=1 if filled else 0,
            frozen_coin=base if side.startswith("SELL") and kind == SPOT else quote,
            frozen_left=qty_d if status == "NEW" and kind == SPOT else (
                d(extra.get("margin", "0")) if status == "NEW" else d(0)),
            fee_coin=fee_coin, fee_total=fee if filled else d(0), extra=extra)
        txn.insert("bhex_orders", order)
        if filled:
            txn.insert("bhex_fills", FillRow(
                trade_id=txn.next_id("bhex_fills"), order_id=order.order_id, user_id=user,
                account_type=kind, account_index=index, account_id=order.account_id,
                symbol_id=symbol, side=side, type=otype, price=price_d, quantity=qty_d,
                fee=fee, fee_coin=fee_coin, time_ms=at + 1500))
    positions = [
        (user, 0, "BTCUSDT-PERP", True, "150", "90000.00", "10", "-6.75"),
        (user, 0, "ETHUSDT-PERP", False, "200", "3200.00", "5", "-3.2"),
        (user, 1, "BTCUSDT-PERP", False, "20", "92000.00", "20", "-0.92"),
        (BHEX_OTHER_USER_IDS[0], 0, "BTCUSDT-PERP", True, "10", "91000.00", "10", "0"),
    ]
    for owner, index, symbol, is_long, total, avg, lev, realised in positions:
        txn.insert("bhex_positions", PositionRow(
            position_id=txn.next_id("bhex_positions"), user_id=owner, account_index=index,
            account_id=_account_id(txn, owner, CONTRACT, index) or _account_id(
                txn, owner, SPOT, 0), symbol_id=symbol, is_long=is_long, total=d(total),
            avg_price=d(avg), leverage=d(lev), realised_pnl=d(realised)))
