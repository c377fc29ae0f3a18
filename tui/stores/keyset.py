"""The SQL of one keyset page (no OFFSET), shared by the SQLite row sources
(:mod:`tui.stores.holdings_source`, :mod:`tui.stores.record_store`).

A page is up to ``limit`` rows next to a row's key in an order that ends in a unique key:
the rows whose order columns compare after the key (a row-value comparison SQLite answers
from the order's index), read in that order, or its reverse when paging backwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["page_sql"]


def page_sql(select: str, table: str, order: Sequence[str], where: list[str],
             args: list[Any], *, after: Sequence[Any] | None, descending: bool,
             inclusive: bool, limit: int) -> tuple[str, list[Any]]:
    """``SELECT select, *order FROM table`` filtered by ``where`` (its ``args``), keyset
    after ``after`` (``inclusive``: the row at ``after`` too; None: from the start),
    sorted by ``order`` (``descending``: reversed), at most ``limit`` rows. Returns the
    statement and its arguments (``where`` and ``args`` are left as they are)."""
    columns = ", ".join(order)
    where, args = list(where), list(args)
    if after is not None:
        op = "<" if descending else ">"
        where.append(f"({columns}) {op}{'=' if inclusive else ''} "
                     f"({', '.join('?' for _ in order)})")
        args.extend(after)
    direction = " DESC" if descending else ""
    sql = (f"SELECT {select}, {columns} FROM {table}"
           f"{' WHERE ' + ' AND '.join(where) if where else ''} "
           f"ORDER BY {', '.join(column + direction for column in order)} LIMIT ?")
    args.append(limit)
    return sql, args
