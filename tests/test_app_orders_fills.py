"""Pilot test: the Fills tab before an order is chosen shows its header and a hint
(issue 12 item 9), not a blank pane."""

from __future__ import annotations

from test_app_orders import open_orders_screen, trading_app
from test_app_support import screen_text, wait_loaded

from tui.screens.orders import FILLS_HINT


async def test_fills_tab_shows_header_and_hint_before_an_order_is_chosen() -> None:
    app, _ = trading_app()
    async with app.run_test(size=(140, 36)) as pilot:
        orders = await open_orders_screen(pilot)
        await pilot.press("]", "]")
        await wait_loaded(pilot)
        assert orders.active_table_id == "fills"
        grid = orders.table("fills").grid
        assert len(grid.columns) > 0  # the header is drawn
        text = screen_text(app)
        assert "trade id" in text
        assert FILLS_HINT[:40] in text
        assert "pick an order" in text
