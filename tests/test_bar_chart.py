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


def test_chart_amount_short_and_marked_approximate() -> None:
    from tui.widgets.bar_chart import chart_amount

    cases = {"3502704355.044096085130993387": "≈3.50 B", "19101879.729674769461122393": "≈19.1 M",
             "15250.500000000000000000": "≈15.3 K", "3.141592653589793238": "≈3.14",
             "0.000095308451789091": "≈0.0000953", "999.5": "≈1.00 K",
             "999999": "≈1.00 M", "-1234.5": "≈-1.23 K", "123456789012345678": "≈123 Q",
             "1234567890123456789012": "≈1.23e21",
             # exact values stay unmarked, trailing zeros trimmed
             "0": "0", "8": "8", "1000": "1 K", "12500.00": "12.5 K", "0.001": "0.001",
             "100": "100",
             # nearer zero than the last digit shown
             "0.000000000000000001": "<0.00001", "-0.0000001": ">-0.00001"}
    for text, short in cases.items():
        assert chart_amount(Decimal(text)) == short, text
        assert len(chart_amount(Decimal(text))) <= 11


def test_chart_amount_rounds_in_decimal_half_even() -> None:
    from tui.widgets.bar_chart import chart_amount

    # 1.005 is 1.00499999... as a binary float: Decimal keeps the tie and rounds to even
    assert chart_amount(Decimal("1.005")) == "≈1.00"
    assert chart_amount(Decimal("1.015")) == "≈1.02"
    assert chart_amount(Decimal("2.675")) == "≈2.68"  # a float would give 2.67
