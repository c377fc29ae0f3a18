"""The org holdings store as a :class:`~tui.stores.table_query.RowSource`: keyset pages in
any indexed order, typed filters compiled to SQL, counts from the per-coin totals where
they can answer.

Orders (each ends in the primary key ``(uid, coin, type)``, so ties keep one order):

- ``total``, ``available``, ``frozen``: the amount's sort key, then the key (available's
  and frozen's index is built the first time they are sorted by, through
  ``ensure_index``: the store's writer, as this source reads through a read-only
  connection);
- ``coin``: coin, then total, then the key (the ``(coin, total)`` index);
- ``uid``: the primary key itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.stores.exact import AmountRefused, parse_scaled, sort_key
from tui.stores.keyset import page_sql
from tui.stores.org_holdings import AVAILABLE, FROZEN, ON_DEMAND_INDEXES, HoldingsStore
from tui.stores.table_query import Column, FilterError, Query, Record

__all__ = ["HoldingsSource", "COLUMNS", "group_digits"]

COLUMNS = (
    Column("uid", "UID", 9),
    Column("coin", "Coin", 12),
    Column("account", "Account", 20, sortable=False, drop=3),
    Column("available", "Available", 21, numeric=True, drop=1),
    Column("frozen", "Frozen", 21, numeric=True, drop=2),
    Column("total", "Total", 21, numeric=True),
)
_ORDER: dict[str, tuple[str, ...]] = {
    "total": ("total_key", "uid", "coin", "type"),
    "available": ("available_key", "uid", "coin", "type"),
    "frozen": ("frozen_key", "uid", "coin", "type"),
    "coin": ("coin", "total_key", "uid", "type"),
    "uid": ("uid", "coin", "type"),
}
_AMOUNT_KEYS = {"total": "total_key", "available": "available_key", "frozen": "frozen_key"}
_SQL_OPS = {"=": "=", "!=": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<="}
_SELECT = "uid, coin, type, show_name, side, balance"


def group_digits(text: str) -> str:
    """``1234567.891`` -> ``1,234,567.891``: thousands marked, every digit kept."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, fraction = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ",".join(groups) + dot + fraction


class HoldingsSource:
    """Rows of a :class:`HoldingsStore` for the virtual table.

    ``describe_type`` names an account type code (ChainUp: ``201101`` -> ``201 normal``);
    ``ensure_index`` (the writer's :meth:`HoldingsStore.ensure_index`) builds an amount
    key's index before the first sort by it; without it such a sort scans.
    """

    columns = COLUMNS

    def __init__(self, store: HoldingsStore, *,
                 describe_type: Callable[[str], str] = str,
                 ensure_index: Callable[[str], bool] | None = None) -> None:
        self.store = store
        self.describe_type = describe_type
        self.ensure_index = ensure_index
        self._indexed: set[str] = set()
        self._names: dict[str, str] = {}
        self.refresh_names()

    def refresh_names(self) -> None:
        """Re-read the coins and their display names (after a sync brought new coins).

        A coin is shown by its ``showName``; where two coins share one, the one whose own
        name differs adds it (``BTC (BTC1658)``)."""
        shown = {coin: show for coin, show in self.store.query(
            "SELECT coin, show_name FROM coin_totals")}
        count: dict[str, int] = {}
        for show in shown.values():
            count[show] = count.get(show, 0) + 1
        self._names = {coin: show if count[show] == 1 or coin == show else f"{show} ({coin})"
                       for coin, show in shown.items()}
        self._shown = shown

    # -- RowSource ------------------------------------------------------------------

    def check(self, query: Query) -> None:
        """Raise :class:`FilterError` for a sort or filter this source cannot run."""
        self._where(query)
        if query.sort not in _ORDER:
            raise FilterError(f"cannot sort by {query.sort!r}; sort by: {', '.join(_ORDER)}")

    def page(self, query: Query, after: tuple[Any, ...] | None, *, forward: bool,
             limit: int, inclusive: bool = False) -> list[Record]:
        """Up to ``limit`` rows next to ``after`` in ``query``'s order (keyset, no OFFSET)."""
        order = _ORDER[query.sort]
        key = _AMOUNT_KEYS.get(query.sort)
        if key in ON_DEMAND_INDEXES and key not in self._indexed and self.ensure_index:
            if self.ensure_index(key):
                self._indexed.add(key)
        # the (coin, total) index serves a coin filter only in those orders; in any
        # other, "+coin" keeps SQLite on the sort's index instead of sorting every match
        where, args = self._where(query, coin_index=query.sort in ("total", "coin"))
        sql, args = page_sql(_SELECT, "holdings", order, where, args, after=after,
                             descending=query.descending != (not forward),
                             inclusive=inclusive, limit=limit)
        return [self._record(row, len(order)) for row in self.store.query(sql, args)]

    def count(self, query: Query) -> int:
        """Matching rows: from the per-coin counts when the filter is by coin alone (or
        none), else counted by SQLite."""
        if not query.words and all(p.column == "coin" and p.op == "="
                                   for p in query.predicates):
            totals = self.store.totals()
            coins = None
            for predicate in query.predicates:
                matched = set(self._coins(predicate.value))
                coins = matched if coins is None else coins & matched
            return sum(t.rows for t in totals if coins is None or t.coin in coins)
        where, args = self._where(query)
        sql = "SELECT COUNT(*) FROM holdings" + (" WHERE " + " AND ".join(where) if where else "")
        return int(self.store.query(sql, args)[0][0])

    # -- helpers --------------------------------------------------------------------

    def where_clause(self, query: Query) -> tuple[list[str], list[Any]]:
        """``query``'s filter as SQL conditions and their arguments (for exports)."""
        return self._where(query)

    @staticmethod
    def order_columns(query: Query) -> tuple[str, ...]:
        """The columns ``query``'s order sorts by (the primary key last)."""
        return _ORDER[query.sort]

    def label(self, coin: str) -> str:
        """How ``coin`` is shown (its showName, see :meth:`refresh_names`)."""
        return self._names.get(coin, coin)

    def _record(self, row: tuple[Any, ...], width: int) -> Record:
        uid, coin, type_, _show, side, balance = row[:6]
        shown = group_digits(balance)
        return Record(key=tuple(row[6:6 + width]),
                      cells=(uid, self.label(coin), self.describe_type(type_),
                             shown if side == AVAILABLE else "0",
                             shown if side == FROZEN else "0", shown),
                      ident=(uid, coin, type_))

    def _coins(self, value: str) -> list[str]:
        wanted = value.upper()
        return [coin for coin, show in self._shown.items()
                if coin.upper() == wanted or show.upper() == wanted]

    def _where(self, query: Query, *, coin_index: bool = True) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        for predicate in query.predicates:
            column, op, value = predicate.column, predicate.op, predicate.value
            if column in _AMOUNT_KEYS:
                try:
                    key = sort_key(parse_scaled(value))
                except AmountRefused:
                    raise FilterError(f"{column}{op} needs a number, not {value[:20]!r}") from None
                where.append(f"{_AMOUNT_KEYS[column]} {_SQL_OPS[op]} ?")
                args.append(key)
            elif op not in ("=", "!="):
                raise FilterError(f"{column} takes = or != only")
            elif column == "uid":
                where.append(f"uid {op} ?")
                args.append(value)
            elif column == "coin":
                coins = self._coins(value)
                marks = ", ".join("?" for _ in coins)
                where.append(f"{'' if coin_index else '+'}coin "
                             f"{'NOT ' if op == '!=' else ''}IN ({marks})")
                args.extend(coins)
            elif column == "account":
                if not value.isdigit():
                    raise FilterError("account= takes a type code (201, 202, 20111127...)")
                match = "(substr(type, 1, 3) = ? OR type = ?)"
                where.append(f"NOT {match}" if op == "!=" else match)
                args.extend([value, value])
        for word in query.words:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(uid LIKE ? ESCAPE '\\' OR coin LIKE ? ESCAPE '\\' OR "
                         "show_name LIKE ? ESCAPE '\\' OR type LIKE ? ESCAPE '\\' OR "
                         "balance LIKE ? ESCAPE '\\')")
            args.extend([pattern] * 5)
        return where, args
