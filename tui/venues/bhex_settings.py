"""BHEX Org API settings (doc 004: ``basic/symbol/set_trade_status`` in section 1, section
8's ``admin/symbol/price_limit``, and ``/v2/org/account/close/sub_account/transfer/limit``
listed after section 7) for the BHEX adapter.

:class:`BhexSettingsMixin` is combined into :class:`tui.venues.bhex.BhexVenue`; it relies on
the adapter's ``request`` and ``basic_symbols`` (the symbol rules: tick size, exchange id,
``canTrade``). The document types the price limits as float: coinsole sends them as exact
decimal strings, each checked against the symbol's price step first
(:func:`check_price_limits`). docs/wire.md, "BHEX settings".
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.core.errors import InvalidRequest, VenueError
from tui.core.money import plain
from tui.core.orders import SymbolRule
from tui.venues.base import reads_reply

__all__ = ["BhexSettingsMixin", "PriceLimits", "check_price_limits", "TRADE_STATUS_PATH",
           "PRICE_LIMIT_PATH", "TRANSFER_LIMIT_PATH", "read_success"]

TRADE_STATUS_PATH = "/api/v2/org/basic/symbol/set_trade_status"
PRICE_LIMIT_PATH = "/api/v2/org/admin/symbol/price_limit"
TRANSFER_LIMIT_PATH = "/v2/org/account/close/sub_account/transfer/limit"
"""As the document writes it: without the ``/api`` the other org paths carry."""
_DIGITS = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True)
class PriceLimits:
    """A symbol's limit-order price bounds (``admin/symbol/price_limit``)."""

    buy_max: Decimal
    buy_min: Decimal
    sell_max: Decimal
    sell_min: Decimal

    def rows(self) -> list[tuple[str, Decimal]]:
        """(wire name, value) in the document's order."""
        return [("buy_max_price", self.buy_max), ("buy_min_price", self.buy_min),
                ("sell_max_price", self.sell_max), ("sell_min_price", self.sell_min)]


def check_price_limits(rule: SymbolRule, limits: PriceLimits) -> list[str]:
    """Every problem with ``limits`` for ``rule``'s symbol (empty when they may be sent):
    each price exact, above 0 and a whole number of the symbol's price step; each minimum
    at most its maximum."""
    step = rule.min_price_precision
    problems = []
    for name, value in limits.rows():
        if not isinstance(value, Decimal) or not value.is_finite():
            problems.append(f"{name} is not an exact number")
        elif value <= 0:
            problems.append(f"{name} must be above 0")
        elif step > 0 and value % step != 0:
            problems.append(f"{name} {plain(value)} is not a multiple of {rule.symbol_id}'s "
                            f"price step {plain(step)}")
    if not problems:
        if limits.buy_min > limits.buy_max:
            problems.append("buy_min_price is above buy_max_price")
        if limits.sell_min > limits.sell_max:
            problems.append("sell_min_price is above sell_max_price")
    return problems


def read_success(value: Any) -> bool:
    """A ``success`` field: JSON true/false or the text ``"true"``/``"false"`` (both
    appear in the document)."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise TypeError("success is not true or false")


class BhexSettingsMixin:
    """BHEX symbol and sub-account settings; mixed into the BHEX adapter."""

    request: Callable[..., Awaitable[Any]]
    basic_symbols: Callable[..., Awaitable[dict[str, SymbolRule]]]
    venue_id: str

    async def symbol_rule(self, symbol_id: str, *, refresh: bool = False) -> SymbolRule:
        """``symbol_id``'s rules from ``basic/symbols`` (InvalidRequest when unknown)."""
        rules = await self.basic_symbols(refresh=refresh)
        rule = rules.get(symbol_id)
        if rule is None:
            known = ", ".join(sorted(rules)) or "none"
            raise InvalidRequest(self.venue_id, f"no symbol {symbol_id!r} (known: {known})")
        return rule

    @reads_reply
    async def symbol_set_trade_status(self, symbol_id: str, enabled: bool) -> bool:
        """``GET basic/symbol/set_trade_status`` (the document's method, for a write):
        ``status`` 1 opens trading, 0 closes it. True when the venue says success."""
        data = await self.request("GET", TRADE_STATUS_PATH,
                                  params={"symbol_id": symbol_id, "status": 1 if enabled else 0},
                                  read=False)
        return read_success(data["success"])

    @reads_reply
    async def symbol_price_limit(self, symbol_id: str, limits: PriceLimits) -> None:
        """``POST admin/symbol/price_limit``: the four prices as exact decimal strings,
        checked against the symbol's price step first (nothing sent otherwise); the
        ``exchange_id`` is the symbol's own from ``basic/symbols``."""
        rule = await self.symbol_rule(symbol_id)
        problems = check_price_limits(rule, limits)
        if problems:
            raise InvalidRequest(self.venue_id, "; ".join(problems) + " (checked before sending)")
        if not _DIGITS.fullmatch(rule.exchange_id):
            raise InvalidRequest(self.venue_id, f"basic/symbols gives {symbol_id} no exchange "
                                                "id; the price limit cannot be addressed")
        form = {"exchange_id": rule.exchange_id, "symbol_id": symbol_id,
                **{name: plain(value) for name, value in limits.rows()}}
        await self.request("POST", PRICE_LIMIT_PATH, form=form, read=False)

    @reads_reply
    async def sub_account_close_transfer(self, sub_account_id: str) -> None:
        """``POST /v2/org/account/close/sub_account/transfer/limit``: close transfers into
        and out of ``sub_account_id``. Its reply is ``{"success": true}`` (not the usual
        ``status``/``data``); ``false`` is a :class:`VenueError`."""
        if not _DIGITS.fullmatch(sub_account_id or ""):
            raise InvalidRequest(self.venue_id, f"a sub-account id is digits, not "
                                                f"{sub_account_id!r}")
        reply = await self.request("POST", TRANSFER_LIMIT_PATH,
                                   form={"sub_account_id": sub_account_id}, read=False)
        if not isinstance(reply, dict) or not read_success(reply.get("success")):
            raise VenueError(self.venue_id, f"the venue did not close transfers of "
                                            f"sub-account {sub_account_id} (success false)")
