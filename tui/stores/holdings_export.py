"""Export the filtered org holdings to CSV or Parquet, streamed page by page.

Rows are read by keyset pages in the table's order and filter (never the whole set in
memory) and written exactly: balances as the venue's decimal text in CSV; in Parquet as
``decimal128(p, s)`` when every value fits 38 digits (``s`` the largest number of decimals
any coin has, ``p`` that plus the largest number of integer digits in the store), else as
strings, so nothing is ever rounded. Parquet needs ``pyarrow`` (the ``parquet`` extra).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.stores.exact import parse_scaled, to_decimal_exact
from tui.stores.keyset import page_sql
from tui.stores.org_holdings import FROZEN, HoldingsStore
from tui.stores.table_query import Query

__all__ = ["export_csv", "export_parquet", "parquet_amount_type", "HEADER", "PAGE"]

HEADER = ("uid", "coin", "show_name", "type", "side", "available", "frozen", "total")
PAGE = 5_000


def _rows(source: Any, query: Query) -> Iterator[tuple[str, str, str, str, int, str]]:
    """Every row ``source`` shows for ``query``, in its order, ``PAGE`` rows at a time by
    key (keyset, as the table pages)."""
    store: HoldingsStore = source.store
    where, args = source.where_clause(query)
    order = source.order_columns(query)
    after: tuple[Any, ...] | None = None
    while True:
        sql, values = page_sql("uid, coin, show_name, type, side, balance", "holdings", order,
                               where, args, after=after, descending=query.descending,
                               inclusive=False, limit=PAGE)
        page = store.query(sql, values)
        for row in page:
            yield row[:6]
        if len(page) < PAGE:
            return
        after = tuple(page[-1][6:])


def _split(side: int, balance: str) -> tuple[str, str]:
    return ("0", balance) if side == FROZEN else (balance, "0")


def export_csv(source: Any, query: Query, path: Path,
               progress: Callable[[int], None] | None = None) -> int:
    """Write the rows ``source`` shows for ``query`` to ``path`` (CSV, exact decimal text);
    returns how many. Written to a temporary name and moved into place."""
    partial = path.with_name(path.name + ".partial")
    count = 0
    with open(partial, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for uid, coin, show, type_, side, balance in _rows(source, query):
            available, frozen = _split(side, balance)
            writer.writerow((uid, coin, show, type_, "frozen" if side == FROZEN else
                             "available", available, frozen, balance))
            count += 1
            if progress is not None and count % PAGE == 0:
                progress(count)
    os.replace(partial, path)
    return count


def parquet_amount_type(store: HoldingsStore) -> tuple[int, int] | None:
    """``(precision, scale)`` of a decimal128 that holds every balance in ``store``
    exactly, or None when more than 38 digits would be needed (then amounts are strings)."""
    scale = max((int(s) for (s,) in store.query("SELECT scale FROM coin_totals")), default=0)
    widest = store.query("SELECT balance FROM holdings ORDER BY total_key DESC LIMIT 1")
    lowest = store.query("SELECT balance FROM holdings ORDER BY total_key LIMIT 1")
    digits = 1
    for found in (widest, lowest):
        if found:
            value, own = parse_scaled(found[0][0])
            digits = max(digits, len(str(abs(value))) - own)
    precision = digits + scale
    return (precision, scale) if precision <= 38 else None


def export_parquet(source: Any, query: Query, path: Path,
                   progress: Callable[[int], None] | None = None) -> tuple[int, str]:
    """Write the rows to ``path`` as Parquet, one row group per page; returns how many
    and the amount type used (``decimal128(p, s)`` or ``string``)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise RuntimeError("Parquet export needs pyarrow: pip install 'coinsole[parquet]'") \
            from None
    fitted = parquet_amount_type(source.store)
    amount = pa.decimal128(*fitted) if fitted else pa.string()
    schema = pa.schema([("uid", pa.string()), ("coin", pa.string()), ("show_name", pa.string()),
                        ("type", pa.string()), ("side", pa.string()), ("available", amount),
                        ("frozen", amount), ("total", amount)])

    def cast(text: str) -> Decimal | str:
        return to_decimal_exact(*parse_scaled(text)) if fitted else text

    partial = path.with_name(path.name + ".partial")
    count = 0
    batch: dict[str, list[Any]] = {name: [] for name in HEADER}
    with pq.ParquetWriter(partial, schema) as writer:
        def flush() -> None:
            if batch["uid"]:
                writer.write_table(pa.table(batch, schema=schema))
                for column in batch.values():
                    column.clear()

        for uid, coin, show, type_, side, balance in _rows(source, query):
            available, frozen = _split(side, balance)
            for name, value in zip(HEADER, (uid, coin, show, type_,
                                            "frozen" if side == FROZEN else "available",
                                            cast(available), cast(frozen), cast(balance))):
                batch[name].append(value)
            count += 1
            if count % PAGE == 0:
                flush()
                if progress is not None:
                    progress(count)
        flush()
    os.replace(partial, path)
    return count, str(amount)
