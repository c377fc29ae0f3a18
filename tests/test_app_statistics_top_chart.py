"""Statistics, Top holders: the chart of holders' totals has a bounded width (its values
abbreviated and marked approximate, "≈3.50 B", worked out in Decimal) so the table beside
it keeps its width: every holder's user id and total show whole, every digit, at 80x24
and at 120x40."""

from __future__ import annotations

import pytest
from test_app_statistics import open_statistics, stats_app
from test_app_support import screen_text, wait_loaded

from tui.core.amounts import table_amount
from tui.widgets.bar_chart import chart_amount

CHART_MOST = 46
"""The widest the holders' chart may be (cells, its border and padding included)."""


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_top_holders_table_whole_beside_a_bounded_chart(size) -> None:
    app = stats_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_statistics(pilot)
        for token in ("USDT", "BTC", "ETH", "AT"):
            screen.select_tab("holdings")
            await pilot.pause()
            assert screen.table("holdings").select_key(token)
            await pilot.pause()
            screen.select_tab("top")
            await wait_loaded(pilot)
            await pilot.pause()
            assert screen.top_for == token
            chart, table = screen.chart("top"), screen.table("top")
            assert chart.display and chart.region.width <= CHART_MOST, chart.region
            assert table.region.width >= size[0] - CHART_MOST, table.region
            text = screen_text(app)
            records = table.records
            assert records
            for record in records:
                # the table: every digit, grouped (money in tables is never abbreviated)
                assert record.user_id in text, (token, record.user_id, text)
                assert table_amount(record.total) in text, (token, record.total, text)
                # the chart: its value abbreviated, marked approximate where it is
                assert chart_amount(record.total) in str(chart.render()), token
