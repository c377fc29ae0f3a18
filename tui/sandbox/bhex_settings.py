"""BHEX Org API settings, simulated: a symbol's trade status (``basic/symbol/
set_trade_status``, GET as the document says), its limit-order price bounds
(``admin/symbol/price_limit``, POST) and closing a sub-account's transfers
(``/v2/org/account/close/sub_account/transfer/limit``, POST, without ``/api``).

The trade status shows in ``basic/symbols``' ``canTrade`` (``service.trade_status``).
Price limits are enabled only for the symbols in :data:`LIMIT_ENABLED` (the document: a
symbol takes them only once the platform has switched them on); each price must be a
plain decimal, a multiple of the symbol's ``minPricePrecision``, each minimum at most its
maximum; ``exchange_id`` must be the org's. The spot engine asks :meth:`BhexSettings.
refuse_order` before placing: a closed symbol takes no order, a limit order's price must
be within the side's bounds. Every one of them is a write (faults drop
replies after committing) and idempotent by nature: setting the same value again changes
nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import Route

from tui.sandbox.demo import BHEX_SYMBOLS
from tui.sandbox.service import Refusal, Refused

if TYPE_CHECKING:
    from tui.sandbox.bhex import BhexService

__all__ = ["BhexSettings", "bhex_settings_routes", "LIMIT_ENABLED", "EXCHANGE_ID"]

EXCHANGE_ID = "301"
LIMIT_ENABLED = frozenset({"BTCUSDT", "ETHUSDT"})
"""Symbols the platform has enabled price limits for."""
_STEPS = {base + quote: Decimal(step) for base, quote, *_, step in BHEX_SYMBOLS}


class BhexSettings:
    """The org's symbol and sub-account settings."""

    def __init__(self, service: "BhexService") -> None:
        self.service = service
        self.trade_status: dict[str, bool] = {}
        self.price_limits: dict[str, dict[str, str]] = {}
        self.closed_transfers: set[str] = set()
        service.trade_status = self.trade_status  # type: ignore[attr-defined]

    def routes(self) -> list[Route]:
        """The three settings routes, all writes."""
        svc = self.service
        return [
            svc.route("/api/v2/org/basic/symbol/set_trade_status", self.set_trade_status,
                      ["GET"], write=True),
            svc.route("/api/v2/org/admin/symbol/price_limit", self.price_limit, ["POST"],
                      write=True),
            svc.route("/v2/org/account/close/sub_account/transfer/limit",
                      self.close_transfer, ["POST"], write=True),
        ]

    async def set_trade_status(self, request: Request) -> dict[str, Any]:
        """``status`` 1 opens trading of ``symbol_id``, 0 closes it."""
        _, params = await self.service.authenticate(request)
        symbol = params.get("symbol_id", "")
        if symbol not in _STEPS:
            raise Refused(Refusal.INVALID, "symbol_id unknown")
        if params.get("status") not in ("0", "1"):
            raise Refused(Refusal.INVALID, "status must be 0 or 1")
        self.trade_status[symbol] = params["status"] == "1"
        return {"status": 0, "data": {"success": "true"}}

    async def price_limit(self, request: Request) -> dict[str, Any]:
        """The four limit-order price bounds of ``symbol_id``."""
        _, params = await self.service.authenticate(request)
        if params.get("exchange_id") != EXCHANGE_ID:
            raise Refused(Refusal.INVALID, "exchange_id is not this org's exchange")
        symbol = params.get("symbol_id", "")
        if symbol not in _STEPS:
            raise Refused(Refusal.INVALID, "symbol_id unknown")
        if symbol not in LIMIT_ENABLED:
            raise Refused(Refusal.INVALID, "price limits are not enabled for this symbol; "
                                           "ask the platform to enable them")
        prices = {}
        for name in ("buy_max_price", "buy_min_price", "sell_max_price", "sell_min_price"):
            text = params.get(name, "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise Refused(Refusal.INVALID, f"{name} must be a decimal") from None
            if not value.is_finite() or value <= 0 or "e" in text.lower():
                raise Refused(Refusal.INVALID, f"{name} must be a plain decimal above 0")
            if value % _STEPS[symbol] != 0:
                raise Refused(Refusal.PRECISION, f"{name} finer than the symbol's price step")
            prices[name] = value
        if prices["buy_min_price"] > prices["buy_max_price"] \
                or prices["sell_min_price"] > prices["sell_max_price"]:
            raise Refused(Refusal.INVALID, "a minimum price is above its maximum")
        self.price_limits[symbol] = {k: params[k] for k in prices}
        return {"status": 0}

    def refuse_order(self, symbol: str, kind: str, side: str, price: Decimal) -> str | None:
        """Why a new spot order on ``symbol`` is refused by these settings (None: it is
        not): trading closed, or a limit order's price outside the symbol's bounds (the
        document: the bounds apply to limit orders only)."""
        if not self.trade_status.get(symbol, True):
            return f"trading of {symbol} is closed"
        limits = self.price_limits.get(symbol)
        if limits is None or kind == "MARKET":
            return None
        low, high = (Decimal(limits[f"{side.lower()}_min_price"]),
                     Decimal(limits[f"{side.lower()}_max_price"]))
        if not low <= price <= high:
            return f"price outside the symbol's {side} limits {limits[f'{side.lower()}_min_price']}" \
                   f"..{limits[f'{side.lower()}_max_price']}"
        return None

    async def close_transfer(self, request: Request) -> dict[str, Any]:
        """Close transfers of one of the key's user's sub-accounts; ``{"success": true}``,
        or ``false`` for an account that is not one."""
        key, params = await self.service.authenticate(request)
        account = params.get("sub_account_id", "")
        subs = {s.account_id: s for s in self.service.key_accounts(key.api_key)}
        if account not in subs or subs[account].account_index == 0:
            return {"success": False}
        self.closed_transfers.add(account)
        return {"success": True}


def bhex_settings_routes(service: "BhexService") -> list[Route]:
    """Attach the settings to ``service`` (as ``service.settings``); their routes."""
    settings = BhexSettings(service)
    service.settings = settings  # type: ignore[attr-defined]
    return settings.routes()
