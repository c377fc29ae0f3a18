"""One way to write an amount, everywhere coinsole shows one.

Two forms, and the rule for which goes where:

- :func:`table_amount` — in tables (the balances table, History, Orders, the CLI's
  ``balances``): thousands separators, padded with zeros to the coin's display precision
  so a column lines up; never rounded (more digits than the precision are all shown,
  unless ``compact`` cuts them and marks the cut with ``…``).
- :func:`exact_amount` — in details, hints ("available ..."), confirmations and CSV: the
  value exactly as the venue sent it, trailing zeros included, no separators.

:func:`amount_with_coin` is the exact form followed by the coin, as hints write it.
"""

from __future__ import annotations

from decimal import Decimal

from tui.core.money import format_amount, plain

__all__ = ["COIN_PLACES", "coin_places", "table_amount", "exact_amount", "amount_with_coin"]

COIN_PLACES: dict[str, int] = {
    "BTC": 8, "ETH": 8, "BCH": 8, "LTC": 8, "ETC": 8, "DASH": 8, "ZEC": 8, "BSV": 8,
    "USDT": 4, "USDC": 4, "TUSD": 4, "PAX": 4, "DAI": 4, "HUSD": 4,
    "EOS": 4, "XRP": 6, "TRX": 6, "ADA": 6, "DOGE": 8, "XLM": 7, "NEO": 8, "BNB": 8,
    "FT": 4, "BZ": 4, "BHT": 4,
    "USD": 2, "CNY": 2, "EUR": 2,
}
"""Display precision per coin: how many decimals a table column pads to, and where
compact mode cuts. Coins not listed show exactly the digits their value carries."""


def coin_places(coin: str | None) -> int | None:
    """Display precision for ``coin`` (case-insensitive), or None when unknown."""
    return COIN_PLACES.get(coin.upper()) if coin else None


def table_amount(value: Decimal, coin: str | None = None, *, compact: bool = False) -> str:
    """An amount as a table shows it: grouped, padded to ``coin``'s precision; with
    ``compact``, cut to that precision with a trailing ``…`` where digits were hidden."""
    return format_amount(value, coin_places(coin), shorten=compact)


def exact_amount(value: Decimal) -> str:
    """An amount exactly as the venue sent it (details, hints, CSV)."""
    return plain(value)


def amount_with_coin(value: Decimal, coin: str) -> str:
    """``<exact amount> <COIN>``, as hints and confirmations write an amount."""
    return f"{exact_amount(value)} {coin}"
