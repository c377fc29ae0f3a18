"""Issue 12, item 1: at 80 columns and narrower the balances table never cuts a number.

Columns that do not fit are left out (value, profile, venue, account, in that order), the
user can leave columns out with the column chooser (``C``), and the narrowest layout is
one four-line row per balance with every figure in full. The info line wraps rather than
being cut.
"""

from __future__ import annotations

from test_app_support import screen_text, wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens.columns import ColumnChooserScreen
from tui.widgets.balance_rows import SortKey


def demo_app() -> CoinsoleApp:
    return CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)


async def fits(pilot) -> bool:
    """True when every column the table draws is on screen (nothing past its right edge)."""
    await pilot.pause()
    table = pilot.app.screen.table
    return table.virtual_size.width <= table.scrollable_content_region.width


async def test_at_80_columns_every_figure_is_whole_and_profile_venue_give_way() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.table
        keys = [key.value for key in table.columns]
        assert keys == ["coin", "available", "frozen", "total"]
        assert await fits(pilot)
        text = screen_text(app)
        # FCoin's frozen FT and ChainUp's frozen BTC, once read as "2" and "0.0000001".
        assert "2,500.0000" in text and "0.0000001857237467" in text
        info = str(app.screen.query_one("#info").render())
        assert "profile, venue, account, value usd hidden" in info
        await pilot.press("c")  # compact: the total column used to read "5,0"
        await pilot.pause()
        assert await fits(pilot)
        assert "122,500.5000" in screen_text(app)


async def test_the_info_line_wraps_instead_of_being_cut() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        info = app.screen.query_one("#info")
        full = str(info.render())
        assert len(full) > 78 and info.size.height >= 2
        assert "row's details)" in screen_text(app)


async def test_narrowest_fallback_is_one_row_per_balance_with_full_figures() -> None:
    app = demo_app()
    async with app.run_test(size=(50, 30)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.table
        assert table.stacked and [key.value for key in table.columns] == ["stacked"]
        assert await fits(pilot)
        text = screen_text(app)
        assert "5,094.859925211325094096" in text and "32,934.951247512771511524" in text
        assert "one row per balance" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not table.stacked and "total" in [key.value for key in table.columns]


async def test_column_chooser_hides_columns_for_the_session() -> None:
    app = demo_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await wait_loaded(pilot)
        assert [key.value for key in app.screen.table.columns][:2] == ["profile", "venue"]
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ColumnChooserScreen)
        await pilot.press("tab", "space")  # untick venue
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.table
        assert "venue" not in [key.value for key in table.columns]
        assert table.user_hidden == {SortKey.VENUE}
        assert "you hid venue (C)" in screen_text(app)
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("escape")  # cancel keeps the choice
        await pilot.pause()
        assert table.user_hidden == {SortKey.VENUE}
        assert app.hidden_balance_columns == {SortKey.VENUE}
