"""Issue 12 (clumsy): Home and End scrolled tables sideways; they go to the first and last
row now (G too), in the balances table, the record tables (History, Orders) and Activity."""

from __future__ import annotations

from test_app_support import wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session


async def test_home_end_and_g_move_to_the_first_and_last_row() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.table
        assert table.row_count > 20
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1
        await pilot.press("6")  # History: a record table
        await wait_loaded(pilot)
        grid = app.focused
        assert grid is not None and grid.row_count > 1
        await pilot.press("end")
        await pilot.pause()
        assert grid.cursor_row == grid.row_count - 1
        await pilot.press("home")
        await pilot.pause()
        assert grid.cursor_row == 0
