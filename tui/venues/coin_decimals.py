"""How many decimals an amount of a coin may carry at a venue, asked of the venue first:
one answer for the money commands (:mod:`tui.cli_moves`) and finance batches
(:mod:`tui.finance.checks`)."""

from __future__ import annotations

from typing import Any

from tui.core.errors import CoinsoleError

__all__ = ["coin_decimals"]


async def coin_decimals(adapter: Any, coin: str) -> int:
    """The decimals ``coin`` may carry at ``adapter``'s venue: what it publishes (the
    withdraw quote's precision: BHEX's ``quota_info`` minPrecision, Bitunix's coin table),
    else the documented per-venue default (:func:`tui.core.validation.default_decimals`,
    docs/wire.md)."""
    from tui.core.validation import default_decimals

    try:
        quote = await adapter.withdraw_quote(coin, None)
    except (NotImplementedError, CoinsoleError):
        quote = None
    if quote is not None and quote.precision is not None:
        return quote.precision
    return default_decimals(adapter.venue_id)
