"""BHEX Org API trading endpoints for the BHEX adapter: symbols, spot orders, fills,
contract orders and positions, sub-accounts.

:class:`BhexTradingMixin` is combined into :class:`tui.venues.bhex.BhexVenue`; it relies on
the adapter's ``request`` (signing, limits, error mapping) and ``settings.user_id``. Each
endpoint is one typed method named after it and returns the models of
:mod:`tui.core.orders`. :func:`walk_older` pages any list endpoint back in time.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Awaitable, Callable, Hashable
from decimal import Decimal
from typing import Any, TypeVar

from tui.core.errors import ConfigError, RateLimited
from tui.core.money import to_decimal
from tui.core.order_validation import OrderProblem, OrderRejected, validate_order
from tui.core.orders import (FeeItem, Fill, Order, OrderRequest, OrderSide, OrderStatus,
                             OrderType, Position, SubAccount, SymbolRule)
from tui.venues.base import Capability

__all__ = ["BhexTradingMixin", "walk_older", "BATCH_CANCEL_INTERVAL_S", "MAX_LIMIT"]

T = TypeVar("T")
BATCH_CANCEL_INTERVAL_S = 10
"""``org_batch_cancel`` may be called once per this many seconds (the document's limit)."""
MAX_LIMIT = 500
"""The largest ``limit`` a BHEX list endpoint accepts."""
FILL_PAGES = 20
"""How many pages of contract trades :meth:`BhexTradingMixin.contract_order_fills` reads
at most (10,000 trades of the order's symbol since it was placed)."""
_ORDER = "/api/v2/org/order/"
_CONTRACT = "/api/v2/org/contract/order/"


async def walk_older(fetch: Callable[[str | None], Awaitable[list[T]]], *, limit: int,
                     key: Callable[[T], Hashable], max_pages: int = 10_000) -> list[T]:
    """Every record of a BHEX list, newest first: ``fetch(None)`` then ``fetch(from_id)``
    with the lowest id seen so far, until a page shorter than ``limit``.

    ``from_id`` is exclusive, so nothing repeats; records are still deduplicated by
    ``key`` defensively, and the walk stops should the cursor fail to move down.
    """
    seen: set[Hashable] = set()
    records: list[T] = []
    cursor: str | None = None
    for _ in range(max_pages):
        page = await fetch(cursor)
        for record in page:
            ident = key(record)
            if ident not in seen:
                seen.add(ident)
                records.append(record)
        if len(page) < limit:
            break
        lowest = min(int(str(key(r))) for r in page)
        if cursor is not None and lowest >= int(cursor):
            break
        cursor = str(lowest)
    return records


class BhexTradingMixin:
    """BHEX trading endpoints; mixed into the BHEX adapter (needs ``request``,
    ``settings`` and ``venue_id`` from it).

    ``trading_clock`` (seconds, monotonic) times the client-side once-per-10-seconds limit
    of :meth:`org_batch_cancel`; tests replace it.
    """

    trading_clock: Callable[[], float] = staticmethod(time.monotonic)  # float-ok: seconds
    #: What the mixin adds to the adapter's capabilities.
    trading_capabilities = frozenset({Capability.ORDERS, Capability.CONTRACTS,
                                      Capability.SUB_ACCOUNTS})
    request: Callable[..., Awaitable[Any]]
    settings: Any
    venue_id: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Add ORDERS, CONTRACTS and SUB_ACCOUNTS to the adapter's ``capabilities``."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("capabilities")
        if own is not None:
            cls.capabilities = frozenset(own) | cls.trading_capabilities

    # -- helpers -------------------------------------------------------------------

    def _trading_user(self, user_id: str | None) -> str:
        chosen = user_id or self.settings.user_id
        if not chosen:
            raise ConfigError(f"profile {self.settings.profile!r}: BHEX's Org API needs the "
                              "user id to trade for; set user_id on the profile")
        return chosen

    def _trading_state(self) -> dict[str, Any]:
        state = self.__dict__.get("_bhex_trading")
        if state is None:
            state = self.__dict__["_bhex_trading"] = {"rules": None, "batch": {}}
        return state

    # -- basic ---------------------------------------------------------------------

    async def basic_symbols(self, *, refresh: bool = False) -> dict[str, SymbolRule]:
        """``GET /api/v2/org/basic/symbols``: each symbol's rules by ``symbolId``; cached
        after the first call (``refresh`` fetches again)."""
        state = self._trading_state()
        if state["rules"] is None or refresh:
            rows = await self.request("GET", "/api/v2/org/basic/symbols", read=True) or []
            state["rules"] = {row["symbolId"]: _symbol_rule(row) for row in rows}
        return dict(state["rules"])

    # -- sub-accounts ----------------------------------------------------------------

    async def sub_accounts(self) -> list[SubAccount]:
        """``GET .../sub_account/query`` (no parameters: the key's own user's accounts) as
        :class:`SubAccount` models (the list)."""
        rows = await self.request("GET", "/api/v2/org/account/sub_account/query", read=True)
        return [_sub_account(row) for row in rows or []]

    async def sub_account_create(self, account_type: int = 1,
                                 desc: str | None = None) -> SubAccount:
        """``POST /api/v2/org/account/sub_account/create``: a new account of
        ``account_type`` (1 spot, 3 contract) named ``desc`` for the key's own user (the
        document lists only these two parameters); the venue picks its index."""
        form = {"account_type": account_type, "desc": desc}
        row = await self.request("POST", "/api/v2/org/account/sub_account/create", form=form,
                                 read=False)
        return _sub_account(row)

    # -- spot orders ---------------------------------------------------------------

    @staticmethod
    def new_client_order_id() -> str:
        """A fresh ``client_order_id``: ``cs`` + milliseconds + 8 random hex digits."""
        return f"cs{int(time.time() * 1000)}{secrets.token_hex(4)}"  # float-ok: clock

    async def order_create(self, symbol_id: str, side: OrderSide | str,
                           type: OrderType | str, quantity: Decimal | str,
                           price: Decimal | str | None = None, *,
                           client_order_id: str | None = None,
                           user_id: str | None = None) -> Order:
        """``POST /api/v2/org/order/create``. The order is checked against the symbol's
        ``basic/symbols`` rules first (:class:`~tui.core.order_validation.OrderRejected`,
        nothing sent); a ``client_order_id`` is generated when none is given — resending
        with the same one returns the same order. ``quantity`` of a MARKET BUY is the
        quote amount to spend."""
        request = OrderRequest(
            symbol_id=symbol_id, side=OrderSide(str(getattr(side, "value", side)).upper()),
            type=OrderType(str(getattr(type, "value", type)).upper()), quantity=quantity,
            price=price, client_order_id=client_order_id or self.new_client_order_id())
        rules = await self.basic_symbols()
        rule = rules.get(symbol_id)
        if rule is None:
            raise OrderRejected(symbol_id, [OrderProblem(
                "symbol_id", f"{symbol_id} is not a symbol of this broker; pick one of "
                             f"{', '.join(sorted(rules))}")])
        validate_order(request, rule)
        form = {"user_id": self._trading_user(user_id), "exchange_id": rule.exchange_id,
                "symbol_id": symbol_id, "client_order_id": request.client_order_id,
                "type": request.type.value.lower(), "side": request.side.value.lower(),
                "price": request.price, "quantity": request.quantity}
        row = await self.request("POST", _ORDER + "create", form=form, read=False)
        return _order(row)

    async def order_cancel(self, *, order_id: str | None = None,
                           client_order_id: str | None = None,
                           user_id: str | None = None) -> bool:
        """``POST /api/v2/org/order/cancel`` by ``order_id`` or ``client_order_id``; only an
        open order can be cancelled (else :class:`InvalidRequest`)."""
        if not order_id and not client_order_id:
            raise ValueError("order_cancel needs order_id or client_order_id")
        form = {"user_id": self._trading_user(user_id), "order_id": order_id,
                "client_order_id": None if order_id else client_order_id}
        data = await self.request("POST", _ORDER + "cancel", form=form, read=False)
        return bool((data or {}).get("success"))

    async def org_batch_cancel(self, symbol_id: str) -> bool:
        """``POST /api/v2/org/order/org_batch_cancel``: every open order of the org on
        ``symbol_id``. The document allows one call per 10 s: a call sooner after one the venue
        answered raises :class:`RateLimited` saying how many seconds are left, and sends
        nothing; a call that failed (no reply, a refusal) does not start the wait."""
        batch = self._trading_state()["batch"]
        now = self.trading_clock()  # float-ok: seconds
        last = batch.get("last")
        if last is not None and now - last < BATCH_CANCEL_INTERVAL_S:
            left = BATCH_CANCEL_INTERVAL_S - (now - last)  # float-ok: seconds
            seconds = max(1, math.ceil(left))
            raise RateLimited(self.venue_id, f"org_batch_cancel may run once per "
                                             f"{BATCH_CANCEL_INTERVAL_S} seconds; wait "
                                             f"{seconds} s more (nothing was sent)",
                              retry_after=left)
        data = await self.request("POST", _ORDER + "org_batch_cancel",
                                  form={"symbol_id": symbol_id}, read=False)
        batch["last"] = now  # only once the venue has answered: a failed send may retry
        return bool((data or {}).get("success"))

    async def order_get(self, *, order_id: str | None = None,
                        client_order_id: str | None = None,
                        user_id: str | None = None) -> Order:
        """``POST /api/v2/org/order/get``: one order by ``order_id`` or ``client_order_id``."""
        if not order_id and not client_order_id:
            raise ValueError("order_get needs order_id or client_order_id")
        form = {"user_id": self._trading_user(user_id), "order_id": order_id,
                "client_order_id": None if order_id else client_order_id}
        return _order(await self.request("POST", _ORDER + "get", form=form, read=True))

    async def _list(self, path: str, user_id: str | None, fields: dict[str, Any]) -> list[Any]:
        form = {"user_id": self._trading_user(user_id), **fields}
        return await self.request("POST", path, form=form, read=True) or []

    async def open_orders(self, *, user_id: str | None = None, account_index: int = 0,
                          symbol_id: str | None = None, from_id: str | None = None,
                          to_id: str | None = None, start_time: int | None = None,
                          end_time: int | None = None, type: str | None = None,
                          side: str | None = None, limit: int | None = None) -> list[Order]:
        """``POST /api/v2/org/order/open_orders``: open spot orders, newest first (one page)."""
        rows = await self._list(_ORDER + "open_orders", user_id, _filters(locals()))
        return [_order(r) for r in rows]

    async def trade_orders(self, *, user_id: str | None = None, account_index: int = 0,
                           symbol_id: str | None = None, from_id: str | None = None,
                           to_id: str | None = None, start_time: int | None = None,
                           end_time: int | None = None, type: str | None = None,
                           side: str | None = None, limit: int | None = None) -> list[Order]:
        """``POST /api/v2/org/order/trade_orders``: finished spot orders, newest first."""
        rows = await self._list(_ORDER + "trade_orders", user_id, _filters(locals()))
        return [_order(r) for r in rows]

    async def match_info(self, order_id: str, *, user_id: str | None = None,
                         account_index: int = 0) -> list[Fill]:
        """``POST /api/v2/org/order/match_info``: the fills of one order, newest first."""
        rows = await self._list(_ORDER + "match_info", user_id,
                                {"account_index": account_index, "order_id": order_id})
        return [_fill(r) for r in rows]

    async def my_trades(self, *, user_id: str | None = None, account_index: int = 0,
                        symbol_id: str | None = None, from_id: str | None = None,
                        to_id: str | None = None, start_time: int | None = None,
                        end_time: int | None = None, limit: int | None = None) -> list[Fill]:
        """``POST /api/v2/org/order/my_trades``: spot fills, newest first (one page)."""
        rows = await self._list(_ORDER + "my_trades", user_id, _filters(locals()))
        return [_fill(r) for r in rows]

    # -- contracts -----------------------------------------------------------------

    async def contract_open_orders(self, *, user_id: str | None = None,
                                   account_index: int = 0, symbol_id: str | None = None,
                                   from_id: str | None = None, to_id: str | None = None,
                                   start_time: int | None = None, end_time: int | None = None,
                                   limit: int | None = None) -> list[Order]:
        """``POST /api/v2/org/contract/order/open_orders``."""
        rows = await self._list(_CONTRACT + "open_orders", user_id, _filters(locals()))
        return [_order(r) for r in rows]

    async def contract_trade_orders(self, *, user_id: str | None = None,
                                    account_index: int = 0, symbol_id: str | None = None,
                                    from_id: str | None = None, to_id: str | None = None,
                                    start_time: int | None = None,
                                    end_time: int | None = None,
                                    limit: int | None = None) -> list[Order]:
        """``POST /api/v2/org/contract/order/trade_orders``."""
        rows = await self._list(_CONTRACT + "trade_orders", user_id, _filters(locals()))
        return [_order(r) for r in rows]

    async def contract_my_trades(self, *, user_id: str | None = None, account_index: int = 0,
                                 symbol_id: str | None = None, from_id: str | None = None,
                                 to_id: str | None = None, start_time: int | None = None,
                                 end_time: int | None = None,
                                 limit: int | None = None) -> list[Fill]:
        """``POST /api/v2/org/contract/order/my_trades``."""
        rows = await self._list(_CONTRACT + "my_trades", user_id, _filters(locals()))
        return [_fill(r) for r in rows]

    async def contract_order_fills(self, order: Order, *,
                                   max_pages: int = FILL_PAGES) -> list[Fill]:
        """The trades of contract ``order`` (the document has no per-order endpoint for
        contracts): ``contract/order/my_trades`` of its symbol since it was placed
        (``start_time``), walked page by page with ``from_id`` (:func:`walk_older`), at most
        ``max_pages`` pages of :data:`MAX_LIMIT`, kept where ``orderId`` matches."""

        async def page(cursor: str | None) -> list[Fill]:
            return await self.contract_my_trades(symbol_id=order.symbol_id,
                                                 start_time=order.time_ms, from_id=cursor,
                                                 limit=MAX_LIMIT)

        trades = await walk_older(page, limit=MAX_LIMIT, key=lambda t: t.trade_id,
                                  max_pages=max_pages)
        return [t for t in trades if t.order_id == order.order_id]

    async def contract_position(self, *, user_id: str | None = None, account_index: int = 0,
                                symbol_id: str | None = None, from_id: str | None = None,
                                to_id: str | None = None,
                                limit: int | None = None) -> list[Position]:
        """``POST /api/v2/org/contract/order/position``: positions with unrealised PnL and
        liquidation price at the venue's index price."""
        rows = await self._list(_CONTRACT + "position", user_id, _filters(locals()))
        return [_position(r) for r in rows]

    async def contract_all_positions(self, *, symbol_id: str | None = None,
                                     from_id: str | None = None, to_id: str | None = None,
                                     limit: int | None = None) -> list[Position]:
        """``POST /api/v2/org/contract/order/all_positions``: every user's positions."""
        form = _filters(locals())
        rows = await self.request("POST", _CONTRACT + "all_positions", form=form,
                                  read=True) or []
        return [_position(r) for r in rows]

    # -- walking pages ---------------------------------------------------------------

    async def all_my_trades(self, *, limit: int = 100, **filters: Any) -> list[Fill]:
        """Every spot fill (``my_trades`` walked back with ``from_id``), newest first."""
        return await walk_older(lambda cursor: self.my_trades(limit=limit, from_id=cursor,
                                                              **filters),
                                limit=limit, key=lambda f: f.trade_id)

    async def all_trade_orders(self, *, limit: int = 100, **filters: Any) -> list[Order]:
        """Every finished spot order (``trade_orders`` walked back), newest first."""
        return await walk_older(lambda cursor: self.trade_orders(limit=limit, from_id=cursor,
                                                                 **filters),
                                limit=limit, key=lambda o: o.order_id)

    async def all_open_orders(self, *, limit: int = 100, **filters: Any) -> list[Order]:
        """Every open spot order (``open_orders`` walked back), newest first."""
        return await walk_older(lambda cursor: self.open_orders(limit=limit, from_id=cursor,
                                                                **filters),
                                limit=limit, key=lambda o: o.order_id)


# -- parsing --------------------------------------------------------------------------

def _filters(values: dict[str, Any]) -> dict[str, Any]:
    """The endpoint's own parameters from a method's ``locals()`` (None dropped)."""
    skip = {"self", "user_id"}
    out = {k: v for k, v in values.items() if k not in skip and v is not None}
    limit = out.get("limit")
    if limit is not None and not 1 <= int(limit) <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT}, not {limit}")
    return out


def _amount(value: Any, default: str | None = "0") -> Decimal | None:
    if value is None or value == "":
        return None if default is None else Decimal(default)
    return to_decimal(value)


def _symbol_rule(row: dict[str, Any]) -> SymbolRule:
    return SymbolRule(
        symbol_id=row["symbolId"], base=row["baseTokenId"], quote=row["quoteTokenId"],
        base_precision=row["basePrecision"], quote_precision=row["quotePrecision"],
        min_trade_quantity=row["minTradeQuantity"], min_trade_amount=row["minTradeAmount"],
        min_price_precision=row["minPricePrecision"],
        can_trade=bool(row.get("canTrade", True)), exchange_id=str(row.get("exchangeId", "")))


def _sub_account(row: dict[str, Any]) -> SubAccount:
    return SubAccount(account_id=str(row["accountId"]), name=row.get("accountName") or "",
                      account_type=int(row["accountType"]),
                      account_index=int(row["accountIndex"]))


def _order(row: dict[str, Any]) -> Order:
    fees = tuple(FeeItem(coin=f.get("feeTokenId", ""), amount=f.get("fee", "0"))
                 for f in row.get("fees") or [])
    is_close = row.get("isClose")
    return Order(
        order_id=str(row["orderId"]), client_order_id=str(row.get("clientOrderId") or ""),
        account_id=str(row.get("accountId") or ""), symbol_id=row["symbolId"],
        symbol_name=row.get("symbolName") or "", base=row.get("baseTokenId") or "",
        quote=row.get("quoteTokenId") or "", price=_amount(row.get("price")),
        orig_qty=_amount(row.get("origQty")), executed_qty=_amount(row.get("executedQty")),
        executed_amount=_amount(row.get("executedAmount")),
        avg_price=_amount(row.get("avgPrice")), type=OrderType(row["type"]),
        side=OrderSide(row["side"]), status=OrderStatus.parse(row["status"]),
        time_ms=int(row["time"]), fees=fees, leverage=_amount(row.get("leverage"), None),
        margin=_amount(row.get("margin"), None), amount=_amount(row.get("amount"), None),
        is_close=None if is_close is None else bool(is_close))


def _fill(row: dict[str, Any]) -> Fill:
    return Fill(
        trade_id=str(row["tradeId"]), order_id=str(row["orderId"]),
        account_id=str(row.get("accountId") or ""), symbol_id=row["symbolId"],
        base=row.get("baseTokenId") or "", quote=row.get("quoteTokenId") or "",
        price=_amount(row["price"]), quantity=_amount(row["quantity"]),
        fee=_amount(row.get("fee")), fee_coin=row.get("feeTokenId") or "",
        type=OrderType(row["type"]), side=OrderSide(row["side"]), time_ms=int(row["time"]),
        executed_amount=_amount(row.get("executedAmount"), None))


def _position(row: dict[str, Any]) -> Position:
    return Position(
        position_id=str(row["positionId"]), account_id=str(row.get("accountId") or ""),
        user_id=str(row.get("userId") or ""), symbol_id=row["symbolId"],
        symbol_name=row.get("symbolName") or "", is_long=str(row.get("isLong")) == "1",
        total=_amount(row["total"]), available=_amount(row.get("available")),
        avg_price=_amount(row.get("avgPrice"), None),
        liquidation_price=_amount(row.get("liquidationPrice")),
        index_price=_amount(row.get("indices"), None), margin=_amount(row.get("margin")),
        leverage=_amount(row.get("leverage"), None),
        position_value=_amount(row.get("positionValues"), None),
        open_value=_amount(row.get("openValue"), None),
        unrealised_pnl=_amount(row.get("unrealisedPnl"), None),
        realised_pnl=_amount(row.get("realisedPnl")),
        profit_rate=_amount(row.get("profitRate"), None), unit=row.get("unit") or "")

