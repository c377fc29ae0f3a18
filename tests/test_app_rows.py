"""Unit tests for the balances table's row logic and the theme loader."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rich.text import Text
from test_app_support import balance

from tui.themes import DEFAULT_THEME, load_theme, load_themes, ThemeError
from tui.widgets.balance_rows import GroupBy, SortKey, build_rows, display_amount, matches
from tui.widgets.balance_table import natural_widths

import pytest

BALANCES = [
    balance("a", "fcoin", "BTC", "0.1", "0.2"),
    balance("b", "bhex", "BTC", "0.000000000000000001"),
    balance("b", "bhex", "ETH", "5094.859925211325094096", usd="1.5"),
]


def test_display_amount_keeps_every_digit_unless_compact() -> None:
    value = Decimal("5094.859925211325094096")
    assert display_amount(value, "ETH") == "5,094.859925211325094096"
    assert display_amount(value, "ETH", compact=True) == "5,094.85992521…"
    assert display_amount(Decimal("1.5"), "BTC") == "1.50000000"
    assert display_amount(Decimal("1.234567"), "UNKNOWNCOIN") == "1.234567"


def test_coin_totals_are_exact() -> None:
    rows = build_rows(BALANCES, group_by=GroupBy.COIN)
    total = next(r for r in rows if r.key == "total:BTC")
    assert total.available == Decimal("0.100000000000000001")
    assert total.total == Decimal("0.300000000000000001")
    assert [r.kind for r in rows] == ["balance", "balance", "total", "balance", "total"]


def test_group_by_venue_follows_venue_order() -> None:
    rows = build_rows(BALANCES, group_by=GroupBy.VENUE)
    assert [r.key for r in rows if r.kind == "header"] == ["venue:fcoin", "venue:bhex"]


def test_filter_and_sort() -> None:
    assert matches(BALANCES[0], "FCO") and matches(BALANCES[0], "spot") and not matches(BALANCES[0], "eth")
    rows = build_rows(BALANCES, sort_key=SortKey.TOTAL)
    assert [r.coin for r in rows] == ["ETH", "BTC", "BTC"]
    rows = build_rows(BALANCES, sort_key=SortKey.VALUE, quote="usd")
    assert rows[0].value == Decimal("1.5") and rows[1].value is None


def test_natural_widths_are_the_widest_label_or_cell_in_terminal_cells() -> None:
    labels = [Text(" coin ▼"), Text(" total")]
    rows = [[Text(" BTC"), Text(" 5,094.859925211325094096")],
            [Text(" 比特币现金"), Text(" 1")]]  # wide characters: two cells each
    assert natural_widths(labels, rows) == [11, 25]
    assert natural_widths(labels, []) == [7, 6]


def test_shipped_themes_load() -> None:
    names = [t.name for t in load_themes()]
    assert names == ["coinsole-dark", "coinsole-high-contrast", "coinsole-light"]
    assert DEFAULT_THEME in names


def test_missing_and_broken_themes(tmp_path: Path) -> None:
    assert load_themes(tmp_path / "nope") == []
    (tmp_path / "bad.toml").write_text('name = "x"\nprimary = "not-a-colour"\n')
    (tmp_path / "good.toml").write_text('name = "ok"\nprimary = "#112233"\n')
    assert [t.name for t in load_themes(tmp_path)] == ["ok"]
    with pytest.raises(ThemeError):
        load_theme(tmp_path / "bad.toml")
