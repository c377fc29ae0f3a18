"""Exact amounts for big stores: scaled integers for running totals, and text keys that
sort like the numbers they encode, so SQLite can index and compare amounts exactly.

Nothing here uses a float or a bounded :mod:`decimal` context: a total is a Python int (of
any size) with a per-coin decimal exponent, turned into a :class:`~decimal.Decimal` by its
digit tuple, which involves no rounding.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["Scaled", "parse_scaled", "parse_keyed", "sort_key", "ZERO_KEY", "to_decimal_exact", "rescale",
           "AmountRefused"]

Scaled = tuple[int, int]
"""``(value, scale)``: the amount ``value * 10**-scale``."""

ZERO_KEY = "O"
"""The sort key of zero: after every negative key ("N..."), before every positive ("P...")."""

MAX_TEXT = 100
MAX_DIGITS = 40
"""An amount is at most 100 characters, under 10**40, with at most 40 decimals (the bounds
the venue layer puts on a wire amount)."""

_PLAIN = re.compile(r"(-?)(\d{1,60})(?:\.(\d{1,60}))?")
_COMPLEMENT = str.maketrans("0123456789", "9876543210")


class AmountRefused(ValueError):
    """An amount that is not an exact, finite, sanely sized decimal number."""


def parse_scaled(text: str) -> Scaled:
    """``text`` (a decimal string as a venue sends it) as ``(value, scale)``, exactly.

    Plain digits are read without :mod:`decimal`; an exponent form goes through
    ``Decimal`` (exact: no context is involved in parsing). Raises :class:`AmountRefused`."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise AmountRefused("an amount must be a string of at most 100 characters")
    match = _PLAIN.fullmatch(text)
    if match:
        sign, whole, fraction = match.groups()
        fraction = fraction or ""
        value = int(whole + fraction)
        scale = len(fraction)
        value = -value if sign else value
    else:
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise AmountRefused(f"not a number: {text[:20]!r}") from None
        if not number.is_finite():
            raise AmountRefused("an amount must be finite")
        sign_bit, digits, exponent = number.as_tuple()
        value = int("".join(map(str, digits)) or "0")
        if exponent >= 0:  # type: ignore[operator]
            value, scale = value * 10 ** exponent, 0  # type: ignore[operator]
        else:
            scale = -exponent  # type: ignore[operator]
        value = -value if sign_bit else value
    if scale > MAX_DIGITS or abs(value) >= 10 ** (MAX_DIGITS + scale):
        raise AmountRefused("an amount must be under 10**40 with at most 40 decimals")
    return value, scale


def parse_keyed(text: str) -> tuple[Scaled, str]:
    """:func:`parse_scaled` and :func:`sort_key` in one pass (the sync's hot path): a plain
    non-negative amount is keyed from its digits without a second conversion."""
    if type(text) is not str or len(text) > MAX_TEXT:
        amount = parse_scaled(text)
        return amount, sort_key(amount)
    # what _PLAIN matches without a sign, in ASCII digits, read without the regex (twice
    # as fast); anything else (other scripts' digits too) goes the long way
    whole, dot, fraction = text.partition(".")
    if not (text.isascii() and whole.isdecimal() and len(whole) <= 60
            and (not dot or (fraction.isdecimal() and len(fraction) <= 60))):
        amount = parse_scaled(text)
        return amount, sort_key(amount)
    digits = whole + fraction
    scale = len(fraction)
    significant = digits.lstrip("0")
    if scale > MAX_DIGITS or len(significant) - scale > MAX_DIGITS:
        raise AmountRefused("an amount must be under 10**40 with at most 40 decimals")
    if not significant:
        return (0, scale), ZERO_KEY
    exponent = len(significant) - 1 - scale + 500
    return (int(significant), scale), f"P{exponent:03d}{significant.rstrip('0')}"


def rescale(amount: Scaled, scale: int) -> int:
    """``amount``'s value at ``scale`` (which must be at least its own scale)."""
    value, own = amount
    return value * 10 ** (scale - own)


def to_decimal_exact(value: int, scale: int) -> Decimal:
    """``value * 10**-scale`` as a Decimal, built from its digits (no context, no rounding)."""
    digits = tuple(int(d) for d in str(abs(value)))
    return Decimal((1 if value < 0 else 0, digits, -scale))


def sort_key(amount: Scaled) -> str:
    """Text that sorts (byte order) exactly as the amounts do; equal amounts written with
    different decimals (``1.50``, ``1.5``) get the same key.

    Positive: ``P`` + 3-digit biased exponent + significant digits. Negative: ``N`` +
    inverted exponent + complemented digits + ``~`` (so a longer complement sorts first).
    """
    value, scale = amount
    if value == 0:
        return ZERO_KEY
    digits = str(abs(value))
    exponent = len(digits) - 1 - scale + 500
    significant = digits.rstrip("0")
    if value > 0:
        return f"P{exponent:03d}{significant}"
    return f"N{999 - exponent:03d}{significant.translate(_COMPLEMENT)}~"
