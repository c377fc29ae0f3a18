"""Exact money: parsing amounts from the wire and formatting them for the screen.

Every amount is a :class:`decimal.Decimal`. Binary floating point never touches money:
JSON is parsed with ``parse_float=Decimal`` and any ``float`` handed to :func:`to_decimal`
is refused, so a reply's ``5094.859925211325094096`` survives to the screen digit for digit.
"""

from __future__ import annotations

import json
from decimal import Context, Decimal, Inexact, InvalidOperation
from typing import Any, Iterable

import simplejson

__all__ = [
    "MoneyError",
    "to_decimal",
    "loads_exact",
    "dumps_exact",
    "plain",
    "format_amount",
    "decimal_places",
    "exact_sum",
    "EXACT",
]

ZERO = Decimal(0)

EXACT = Context(prec=120, traps=[Inexact, InvalidOperation])
"""Arithmetic context for money: 120 significant digits, and any rounding raises."""


class MoneyError(ValueError):
    """An amount that is not an exact, finite decimal number."""


def to_decimal(value: Any) -> Decimal:
    """Return ``value`` as an exact, finite Decimal.

    Accepts ``Decimal``, ``int`` and numeric strings (surrounding blanks allowed).
    Refuses ``float`` (it has already lost digits), ``bool``, NaN, infinities and anything
    else, raising :class:`MoneyError` with a message that says what was wrong.
    """
    if isinstance(value, bool):
        raise MoneyError(f"not an amount: {value!r}")
    if isinstance(value, float):
        raise MoneyError("binary floating point is refused for money; pass a string or Decimal")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise MoneyError("an amount is required")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"not a number: {value!r}") from None
    else:
        raise MoneyError(f"not an amount: {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return result


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Sum amounts exactly; raises ``decimal.Inexact`` rather than ever rounding."""
    total = ZERO
    for value in values:
        total = EXACT.add(total, value)
    return total


def loads_exact(text: str | bytes) -> Any:
    """Parse JSON keeping every number exact: reals become Decimal, integers stay int."""
    return json.loads(text, parse_float=Decimal)


def dumps_exact(obj: Any) -> str:
    """Compact JSON where every Decimal is written as a JSON number carrying every digit.

    Used where a venue writes amounts as JSON numbers (the sandbox's replies, the
    documents' ``5094.859925211325094096``). simplejson does this natively; the
    standard library would route the number through float.
    """
    return simplejson.dumps(obj, use_decimal=True, separators=(",", ":"),
                            ensure_ascii=False, allow_nan=False)


def plain(value: Decimal) -> str:
    """The exact value as plain positional text, never scientific notation.

    ``Decimal("1E-7")`` becomes ``"0.0000001"``; trailing zeros the venue sent are kept.
    """
    if not value.is_finite():
        raise MoneyError(f"not a finite amount: {value}")
    return format(value, "f")


def decimal_places(value: Decimal) -> int:
    """How many digits ``value`` carries after the decimal point (0 for integers)."""
    exponent = value.as_tuple().exponent
    return max(0, -int(exponent))


def format_amount(
    value: Decimal, places: int | None = None, *, shorten: bool = False, separators: bool = True
) -> str:
    """Text for showing an amount: thousands separators and per-coin precision.

    The value's own digits are always shown (trailing zeros trimmed), padded with zeros
    to at least ``places`` decimals so a column lines up. Nothing is rounded: only with
    ``shorten`` are digits beyond ``places`` cut, and then the text ends with ``…`` so
    the reader knows the full value (see :func:`plain`) has more.
    """
    text = plain(value)
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    truncated = False
    if places is not None:
        if shorten and len(frac) > places:
            frac, truncated = frac[:places], True
        frac = frac.ljust(places, "0")
    if separators:
        whole = _group_thousands(whole)
    result = whole + ("." + frac if frac else "")
    return result + ("…" if truncated else "")


def _group_thousands(whole: str) -> str:
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + ",".join(groups)
