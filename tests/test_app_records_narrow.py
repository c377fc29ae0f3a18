"""Issue 12: History and Orders at 80 columns needed sideways scrolling for their key
columns. Columns now give way (ids, hashes, addresses first), never cutting a figure;
the info line names what is hidden, and CSV export keeps every column."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from test_app_support import wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.widgets.record_table import RecordTable, columns_that_fit

KEYS = {
    "history": {"time_ms", "kind", "coin", "amount", "status"},
    "orders": {"symbol_id", "side", "price", "orig_qty", "remaining", "status"},
}


def test_columns_give_way_highest_drop_first_and_key_columns_stay() -> None:
    widths = [10, 10, 10, 10]
    assert columns_that_fit(widths, [0, 2, 1, 2], 40) == [0, 1, 2, 3]
    assert columns_that_fit(widths, [0, 2, 1, 2], 30) == [0, 1, 2]
    assert columns_that_fit(widths, [0, 2, 1, 2], 20) == [0, 2]
    assert columns_that_fit(widths, [0, 2, 1, 0], 5) == [0, 3]
    # a wide column dropped later makes room for a narrow one dropped before it
    assert columns_that_fit([10, 30, 5], [0, 1, 2], 20) == [0, 2]


@pytest.mark.parametrize("mode", ["history", "orders"])
async def test_key_columns_fit_80_columns_without_sideways_scrolling(mode: str) -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await app.run_action(f"switch_main('{mode}')")
        await wait_loaded(pilot)
        await pilot.pause()
        table = next(t for t in app.screen.query(RecordTable) if t.display and t.records)
        grid = table.grid
        shown = [str(key.value) for key in grid.columns]
        assert KEYS[mode] <= set(shown), shown
        assert table.hidden_columns, "at 80 columns some columns give way"
        assert grid.virtual_size.width <= grid.scrollable_content_region.width
        assert grid.max_scroll_x == 0
        for record in table.shown:  # every figure whole
            for key, column in zip(grid.columns, grid.columns.values()):
                spec = next(c for c in table.columns if c.key == str(key.value))
                assert cell_len(spec.display(record)) <= column.get_render_width(grid) - 2
        # CSV still has every column
        assert table.csv_rows()[0] == [c.title for c in table.columns]
        assert "hidden:" in str(table.query_one(".rt-info").render())


async def test_wide_window_shows_every_column() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(300, 40)) as pilot:
        await wait_loaded(pilot)
        await app.run_action("switch_main('orders')")
        await wait_loaded(pilot)
        await pilot.pause()
        table = next(t for t in app.screen.query(RecordTable) if t.display and t.records)
        assert table.hidden_columns == []
        assert len(table.grid.columns) == len(table.columns)
