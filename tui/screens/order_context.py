"""What the order form shows beside the symbol's rules: the trading account's available
balances and the price of the profile's latest trade per symbol.

The venues' documents give no market ticker, so "last price" is the profile's own latest
fill (the Trades tab), named as such on screen. Either part may fail to load; the form
then says it is unknown, and the order can still be typed and sent.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from tui.core.errors import CoinsoleError
from tui.core.models import AccountKind

__all__ = ["order_form_context"]


async def order_form_context(venue: Any) -> tuple[dict[str, Decimal] | None,
                                                  dict[str, Decimal]]:
    """(coin → available in the main spot account, or None if the balances failed;
    symbol → price of the latest own trade)."""
    balances, trades = await asyncio.gather(venue.balances(), venue.all_my_trades(limit=100),
                                            return_exceptions=True)
    available: dict[str, Decimal] | None = None
    if not isinstance(balances, BaseException):
        available = {}
        for balance in balances:
            if balance.account.kind is AccountKind.SPOT and balance.account.index == 0:
                available[balance.coin] = available.get(balance.coin, Decimal(0)) \
                    + balance.available
    elif not isinstance(balances, CoinsoleError):
        raise balances
    last: dict[str, Decimal] = {}
    if not isinstance(trades, BaseException):
        latest: dict[str, int] = {}
        for fill in trades:
            if fill.time_ms >= latest.get(fill.symbol_id, -1):
                latest[fill.symbol_id] = fill.time_ms
                last[fill.symbol_id] = fill.price
    elif not isinstance(trades, CoinsoleError):
        raise trades
    return available, last
