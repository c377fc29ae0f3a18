"""Activity: with an entry under the cursor the footer shows "⏎ Detail" at 80x24 and
120x40 (the entry table's own hidden Enter used to hide it), and Enter opens the detail;
with no entry, or while the filter is typed in, Enter is not Detail."""

from __future__ import annotations

import pytest
from test_app_activity import fcoin_transfer, open_activity
from test_app_move import make_app
from test_app_support import screen_text, wait_loaded
from textual.widgets import Input

from tui.screens.activity import ActivityDetailScreen, ActivityScreen


def footer(app) -> str:
    """The key footer's line (the screen's last)."""
    return screen_text(app).rstrip().splitlines()[-1]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_enter_detail_in_the_footer(size) -> None:
    app, session, _ = make_app()
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot)
        await fcoin_transfer(session)
        screen = await open_activity(pilot)
        assert screen.selected_id() is not None
        assert "⏎ Detail" in footer(app), footer(app)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ActivityDetailScreen)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is screen


async def test_no_detail_without_an_entry() -> None:
    app, _, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_activity(pilot)
        assert screen.selected_id() is None
        assert "Detail" not in footer(app), footer(app)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is screen


async def test_enter_in_the_filter_submits_it() -> None:
    app, session, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await fcoin_transfer(session)
        screen = await open_activity(pilot)
        await pilot.press("slash")
        await wait_loaded(pilot)
        assert isinstance(app.focused, Input)
        assert "Detail" not in footer(app), footer(app)
        await pilot.press("B", "T", "C")
        await wait_loaded(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is screen  # the filter was submitted, no detail opened
        assert not isinstance(app.focused, Input)
        assert screen.filter_text == "BTC"
        assert "⏎ Detail" in footer(app), footer(app)
