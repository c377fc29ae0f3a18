"""Turning a list of balances into the rows the balances table shows.

Pure functions and plain data, no widgets: filtering, sorting and grouping of
:class:`~tui.core.models.Balance` records, with group totals summed exactly. The table
widget renders whatever :func:`build_rows` returns, so this logic is tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from tui.core.models import VENUE_IDS, Balance
from tui.core.amounts import COIN_PLACES, coin_places, table_amount
from tui.core.money import exact_sum

__all__ = [
    "COIN_PLACES",
    "GroupBy",
    "SortKey",
    "SORT_KEYS",
    "Row",
    "coin_places",
    "display_amount",
    "matches",
    "valuation_quote",
    "build_rows",
]

def display_amount(value: Decimal, coin: str, *, compact: bool = False) -> str:
    """An amount as the table shows it (see :func:`tui.core.amounts.table_amount`)."""
    return table_amount(value, coin, compact=compact)


class GroupBy(str, Enum):
    """How the table arranges its rows."""

    NONE = "none"
    COIN = "coin"
    VENUE = "venue"

    def next(self) -> "GroupBy":
        """The grouping after this one, wrapping around (what ``g`` steps through)."""
        members = list(GroupBy)
        return members[(members.index(self) + 1) % len(members)]


class SortKey(str, Enum):
    """A column the table can sort by."""

    PROFILE = "profile"
    VENUE = "venue"
    ACCOUNT = "account"
    COIN = "coin"
    AVAILABLE = "available"
    FROZEN = "frozen"
    TOTAL = "total"
    VALUE = "value"

    @property
    def numeric(self) -> bool:
        """True for amount columns, which sort largest first."""
        return self in (SortKey.AVAILABLE, SortKey.FROZEN, SortKey.TOTAL, SortKey.VALUE)


SORT_KEYS: tuple[SortKey, ...] = tuple(SortKey)
"""Every sortable column, in the order ``s`` cycles through them."""


@dataclass(frozen=True)
class Row:
    """One row of the balances table.

    ``kind`` is ``"balance"`` (one :class:`Balance`), ``"total"`` (a per-coin total across
    every profile, exact) or ``"header"`` (a venue's group heading). ``key`` is unique
    within one build and stable across rebuilds of the same data.
    """

    key: str
    kind: str
    profile: str = ""
    venue: str = ""
    account: str = ""
    coin: str = ""
    available: Decimal | None = None
    frozen: Decimal | None = None
    total: Decimal | None = None
    value: Decimal | None = None
    balance: Balance | None = None
    count: int = 0


def matches(balance: Balance, text: str) -> bool:
    """True when ``text`` occurs in the profile, venue, account label or coin, ignoring
    case. Blank text matches everything."""
    needle = text.strip().casefold()
    if not needle:
        return True
    haystack = (balance.profile, balance.venue, balance.account.label, balance.coin)
    return any(needle in field.casefold() for field in haystack)


def valuation_quote(balances: Iterable[Balance]) -> str | None:
    """The quote currency of the value column: ``usd`` when any venue supplied it, else
    the alphabetically first quote supplied, or None when no balance carries a valuation."""
    quotes: set[str] = set()
    for balance in balances:
        quotes.update(balance.valuations)
    if not quotes:
        return None
    return "usd" if "usd" in quotes else sorted(quotes)[0]


def _sort_value(row: Row, key: SortKey) -> tuple:
    value = getattr(row, key.value)
    if key.numeric:
        # Missing amounts sort after every present one, whichever way the sort runs.
        return (value is None, -(value or Decimal(0)))
    return (str(value).casefold(),)


def _venue_rank(venue: str) -> int:
    return VENUE_IDS.index(venue) if venue in VENUE_IDS else len(VENUE_IDS)


def _balance_row(index: int, balance: Balance, quote: str | None) -> Row:
    return Row(
        key=f"b{index}",
        kind="balance",
        profile=balance.profile,
        venue=balance.venue,
        account=balance.account.label,
        coin=balance.coin,
        available=balance.available,
        frozen=balance.frozen,
        total=balance.total,
        value=balance.valuations.get(quote) if quote else None,
        balance=balance,
    )


def _coin_total(coin: str, rows: Sequence[Row]) -> Row:
    values = [r.value for r in rows]
    return Row(
        key=f"total:{coin}",
        kind="total",
        profile=f"Σ {coin}",
        account=f"{len(rows)} balance{'s' if len(rows) != 1 else ''}",
        coin=coin,
        available=exact_sum(r.available for r in rows if r.available is not None),
        frozen=exact_sum(r.frozen for r in rows if r.frozen is not None),
        total=exact_sum(r.total for r in rows if r.total is not None),
        value=exact_sum(v for v in values if v is not None) if all(v is not None for v in values) else None,
        count=len(rows),
    )


def build_rows(
    balances: Sequence[Balance],
    *,
    filter_text: str = "",
    group_by: GroupBy = GroupBy.NONE,
    sort_key: SortKey | None = None,
    reverse: bool = False,
    quote: str | None = None,
) -> list[Row]:
    """The table's rows for ``balances``: filtered, sorted, and grouped.

    Without a sort key, rows keep the order they were loaded in (profile order, then the
    venue's own order). Grouped by coin, each coin's rows are followed by an exact total
    row; grouped by venue, each venue's rows are preceded by a heading row.
    """
    rows = [
        _balance_row(index, balance, quote)
        for index, balance in enumerate(balances)
        if matches(balance, filter_text)
    ]
    if sort_key is not None:
        rows.sort(key=lambda r: _sort_value(r, sort_key), reverse=reverse)
    if group_by is GroupBy.NONE:
        return rows
    if group_by is GroupBy.COIN:
        by_coin: dict[str, list[Row]] = {}
        for row in rows:
            by_coin.setdefault(row.coin, []).append(row)
        result: list[Row] = []
        for coin in sorted(by_coin, key=str.casefold):
            result.extend(by_coin[coin])
            result.append(_coin_total(coin, by_coin[coin]))
        return result
    by_venue: dict[str, list[Row]] = {}
    for row in rows:
        by_venue.setdefault(row.venue, []).append(row)
    result = []
    for venue in sorted(by_venue, key=lambda v: (_venue_rank(v), v)):
        members = by_venue[venue]
        result.append(Row(
            key=f"venue:{venue}",
            kind="header",
            profile=f"▾ {venue}",
            account=f"{len(members)} balance{'s' if len(members) != 1 else ''}",
            count=len(members),
        ))
        result.extend(members)
    return result
