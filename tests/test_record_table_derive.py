"""Issue 15: RecordTable works out every record's sort keys and search text as it loads
(so the first sort and filter have nothing left to compute): the same keys and the same
matches as the rule worked out one record at a time, and the faster time formats equal
strftime's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.times import iso_time_ms
from tui.widgets.record_table import Column, RecordTable, format_time_ms, time_column


class Side(Enum):
    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True)
class Row:
    id: str
    time_ms: int | None
    coin: str
    amount: Decimal | None
    side: Side
    note: str


COLUMNS = [time_column(), Column("coin", "coin"), Column("amount", "amount", numeric=True),
           Column("side", "side"), Column("note", "note"),
           Column("loud", "note", formatter=lambda v: v.upper()), Column("id", "id")]

rows = st.builds(
    Row, id=st.text(max_size=6), time_ms=st.none() | st.integers(-10**12, 10**13),
    coin=st.sampled_from(["BTC", "eth", ""]),
    amount=st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=8),
    side=st.sampled_from(list(Side)), note=st.text(max_size=8))


@settings(max_examples=300, deadline=None)
@given(rows)
def test_derived_keys_and_text_match_the_one_record_rule(row: Row) -> None:
    table = RecordTable(COLUMNS, record_key=lambda r: r.id)
    search, sorts = table._derived(row)
    assert sorts == [table._sort_of(row, i) for i in range(len(COLUMNS))]
    for word in table._search_of(row).split():
        assert word in search.split()
    for word in search.split():
        assert word in table._search_of(row).split()


@settings(max_examples=500, deadline=None)
@given(st.integers(-10**12, 253402300799999))
def test_time_formats_equal_strftime(ms: int) -> None:
    stamp = datetime.fromtimestamp(ms // 1000, UTC)
    assert format_time_ms(ms) == stamp.strftime("%Y-%m-%d %H:%M:%S")
    assert iso_time_ms(ms) == stamp.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def test_local_time_still_goes_through_the_display_zone() -> None:
    from tui.core.times import display_time, set_display_zone

    set_display_zone("local")
    try:
        assert format_time_ms(1_780_000_123_456) == display_time(1_780_000_123)
    finally:
        set_display_zone("utc")
    assert format_time_ms(1_780_000_123_456) == "2026-05-28 20:28:43"
