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


async def test_g_g_goes_to_the_first_row_in_every_table_and_keeps_the_grouping() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        table = screen.table
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1
        grouping = screen.group_by
        await pilot.press("g", "g")
        await pilot.pause()
        assert table.cursor_row == 0
        assert screen.group_by == grouping
        await pilot.press("g")  # one g alone still groups
        await pilot.pause()
        assert screen.group_by != grouping
        for mode in ("history", "approvals"):
            await app.run_action(f"switch_main('{mode}')")
            await wait_loaded(pilot)
            grid = app.focused
            assert grid is not None and grid.row_count > 1, mode
            await pilot.press("G")
            await pilot.pause()
            assert grid.cursor_row == grid.row_count - 1, mode
            await pilot.press("g", "g")
            await pilot.pause()
            assert grid.cursor_row == 0, mode


async def test_help_names_g_g_for_the_first_row() -> None:
    from tui.screens.help import binding_help

    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        entries = binding_help(app.screen)
        top = [e for e in entries if e.description.endswith("First row")]
        assert top and "g g" in top[0].keys, top
