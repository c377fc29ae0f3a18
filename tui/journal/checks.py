"""Checks of a money request's typed input before anything is journaled.

One job: turn what the operator typed into exact values, or a clear message. Rules the
shared :mod:`tui.core.validation` module provides are used when it is installed; these are
the ones the command line needs either way (a number, positive, within precision, within
available and quota, memo present when the coin needs one).
"""

from __future__ import annotations

import re
from decimal import Decimal

from tui.core.errors import CoinsoleError
from tui.core.money import decimal_places, plain

__all__ = ["InvalidInput", "parse_amount", "check_precision", "check_available",
           "check_withdraw"]

_NUMBER = re.compile(r"^\d+(\.\d+)?$")


class InvalidInput(CoinsoleError):
    """What the operator typed cannot be sent; the message says what to change."""


def parse_amount(text: str, what: str = "amount") -> Decimal:
    """An exact positive amount from ``text`` (digits with an optional decimal point)."""
    cleaned = text.strip().replace("_", "")
    if not _NUMBER.match(cleaned):
        raise InvalidInput(f"{what} {text!r} is not a number: write digits with an optional "
                           "decimal point, e.g. 12.5")
    value = Decimal(cleaned)
    if value <= 0:
        raise InvalidInput(f"{what} must be more than 0, not {text}")
    return value


def check_precision(amount: Decimal, places: int | None, coin: str) -> None:
    """Refuse more decimals than the venue accepts for ``coin``."""
    if places is not None and decimal_places(amount) > places:
        raise InvalidInput(f"{plain(amount)} {coin} has too many decimals: at most {places} "
                           "allowed")


def check_available(amount: Decimal, available: Decimal | None, coin: str, where: str) -> None:
    """Refuse more than the account holds (when its balance is known)."""
    if available is not None and amount > available:
        raise InvalidInput(f"{plain(amount)} {coin} is above the {plain(available)} available "
                           f"in {where}")


def check_withdraw(amount: Decimal, quote, *, memo: str | None, address: str) -> None:
    """The withdrawal rules a :class:`~tui.core.moves.WithdrawQuote` states."""
    coin = quote.coin
    if not quote.allowed:
        raise InvalidInput(f"{coin} withdrawals are not allowed now: "
                           f"{quote.refuse_reason or 'the venue refuses them'}")
    if not address.strip():
        raise InvalidInput("the address is empty")
    check_precision(amount, quote.precision, coin)
    if quote.minimum is not None and amount < quote.minimum:
        raise InvalidInput(f"{plain(amount)} {coin} is below the minimum withdrawal of "
                           f"{plain(quote.minimum)}")
    check_available(amount, quote.available, coin, "the withdrawable balance")
    if quote.day_quota is not None:
        left = quote.day_quota - (quote.used_quota or Decimal(0))
        if amount > left:
            raise InvalidInput(f"{plain(amount)} {coin} is above today's remaining quota of "
                               f"{plain(left)}")
    if quote.needs_tag and not (memo or "").strip():
        raise InvalidInput(f"{coin} needs a memo/tag for this address: add --memo")
