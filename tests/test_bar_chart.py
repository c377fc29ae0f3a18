"""The exact text bar chart: lengths from Decimal arithmetic, eighths of a cell, the
largest value filling the width, exact values printed, and the per-day counts."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

from tui.screens.statistics import day_range, per_day
from tui.widgets.bar_chart import bar_lines


def test_largest_fills_the_width_and_values_are_exact() -> None:
    lines = bar_lines([("BTC", Decimal("0.000000000000000001")),
                       ("USDT", Decimal("3502707793.8642159553724805"))], 10)
    assert lines[1] == "USDT " + "█" * 10 + " 3502707793.8642159553724805"
    assert lines[0].startswith("BTC  ▏")  # a tiny positive value still shows
    assert lines[0].endswith(" 0.000000000000000001")


def test_eighths_and_zero() -> None:
    lines = bar_lines([("a", Decimal(8)), ("b", Decimal(3)), ("c", Decimal(0))], 2)
    assert lines[0] == "a ██ 8"
    assert lines[1] == "b ▊  3"  # 3/8 of 2 cells = 6 eighths
    assert lines[2] == "c    0"
    assert bar_lines([], 5) == []
    assert bar_lines([("z", Decimal(-1))], 3) == ["z     -1"]


def test_per_day_counts_closed_utc_days() -> None:
    now = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)
    start, end = day_range(3, now)
    records = [SimpleNamespace(create_time=t) for t in
               (start, start + 1, end, end + 1, start - 1, start + 86_400_000)]
    assert per_day(records, 3, now) == [("03-08", Decimal(2)), ("03-09", Decimal(1)),
                                        ("03-10", Decimal(1))]
