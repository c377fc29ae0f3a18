"""Statistics at 80 columns: the per-day charts of Withdrawals and Deposits give their
width to the table, whose order id/address/tx id columns give way so user and quantity
show in full; Top holders keeps its chart, its figures grouped like the table's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_app_statistics import open_statistics, stats_app
from test_app_support import screen_text, wait_loaded

from tui.widgets.bar_chart import BarChart, bar_lines

SIZE = (80, 24)
USER = "4826987098916495"  # every seeded user id, whole (the cut showed "4826987")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def show(pilot, screen, table_id: str) -> str:
    screen.select_tab(table_id)
    await wait_loaded(pilot)
    await pilot.pause()
    return screen_text(pilot.app)


async def test_tables_are_whole_at_80_columns() -> None:
    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_statistics(pilot)
        for table_id in ("withdrawals", "deposits"):
            text = await show(pilot, screen, table_id)
            assert not screen.chart(table_id).display
            assert USER in text and "quantity" in text, text
        text = await show(pilot, screen, "audit")
        assert "300,582.13173" in text and USER in text, text
        text = await show(pilot, screen, "top")
        assert screen.chart("top").display
        assert "15,250.5" in text and "15250.5000" not in text, text


async def test_charts_stay_beside_the_table_when_wide() -> None:
    app = stats_app()
    async with app.run_test(size=(140, 36)) as pilot:
        screen = await open_statistics(pilot)
        await show(pilot, screen, "withdrawals")
        assert screen.chart("withdrawals").display
        assert screen.query_one("#withdrawals-chart", BarChart).region.width > 0


def test_bar_lines_write_values_exactly_by_default() -> None:
    lines = bar_lines([("a", Decimal("1250.50")), ("b", Decimal("0"))], 4)
    assert lines == ["a ████ 1250.50", "b      0"]
