"""Exporting the filtered holdings: CSV with the venue's exact text, Parquet as decimal128
when every balance fits 38 digits and as strings when not; streamed in pages."""

from __future__ import annotations

import csv
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from tui.stores import holdings_export
from tui.stores.holdings_export import export_csv, export_parquet
from tui.stores.holdings_source import HoldingsSource
from tui.stores.org_holdings import AVAILABLE, FROZEN, HoldingRow, HoldingsStore
from tui.stores.table_query import Query, parse_filter


def store_with(rows) -> HoldingsSource:
    store = HoldingsStore.memory()
    store.merge([HoldingRow(uid, coin, type_, f"{uid}{type_}", coin, side, balance, 1)
                 for uid, coin, type_, side, balance in rows], {})
    return HoldingsSource(store)


ROWS = [(str(100 + i), "BTC" if i % 3 else "USDT", "201" if i % 2 else "202",
         AVAILABLE if i % 2 else FROZEN, f"{i}.{i:08d}") for i in range(1, 40)]


def query(source, text="", sort="total", descending=True) -> Query:
    predicates, words = parse_filter(text, source.columns)
    return Query(sort, descending, predicates, words, text)


def test_csv_holds_the_filtered_rows_in_order_exactly(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(holdings_export, "PAGE", 4)  # many pages
    source = store_with(ROWS)
    path = tmp_path / "btc.csv"
    count = export_csv(source, query(source, "coin=BTC"), path)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = sorted((r for r in ROWS if r[1] == "BTC"), key=lambda r: Decimal(r[4]),
                      reverse=True)
    assert count == len(rows) == len(expected)
    assert [r["total"] for r in rows] == [r[4] for r in expected]
    assert all((r["frozen"] == r["total"]) == (r["side"] == "frozen") for r in rows)
    assert not (tmp_path / "btc.csv.partial").exists()


def test_parquet_uses_decimal128_when_the_digits_fit(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(holdings_export, "PAGE", 7)
    source = store_with(ROWS)
    count, kind = export_parquet(source, query(source), tmp_path / "all.parquet")
    table = pq.read_table(tmp_path / "all.parquet")
    assert count == len(ROWS) == table.num_rows and kind == "decimal128(10, 8)"
    assert table.schema.field("total").type == pa.decimal128(10, 8)
    totals = table.column("total").to_pylist()
    assert sum(totals) == sum(Decimal(r[4]) for r in ROWS)


def test_parquet_falls_back_to_strings_past_38_digits(tmp_path) -> None:
    wide = "123456789012345678901234567890.1234567890123"  # 43 digits
    source = store_with([("1", "USDT", "201", AVAILABLE, wide),
                         ("2", "USDT", "201", AVAILABLE, "0.5")])
    count, kind = export_parquet(source, query(source), tmp_path / "wide.parquet")
    table = pq.read_table(tmp_path / "wide.parquet")
    assert kind == "string" and table.column("total").to_pylist() == [wide, "0.5"]
