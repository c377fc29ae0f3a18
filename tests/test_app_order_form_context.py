"""Issue 12 (clumsy): the order form kept its client order id after a side change and
showed neither the available balance for the side nor a last price."""

from __future__ import annotations

import pytest
from test_app_orders import form, open_orders_screen, trading_app
from test_app_support import screen_text

from tui.core.amounts import amount_with_coin
from tui.core.models import AccountKind


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def test_side_change_draws_a_new_client_order_id() -> None:
    from textual.widgets import Select

    app, _ = trading_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_orders_screen(pilot)
        screen = await form(pilot)
        first = screen.client_order_id
        assert first
        screen.query_one("#side", Select).value = "SELL"
        await pilot.pause()
        second = screen.client_order_id
        assert second and second != first
        screen.query_one("#side", Select).value = "BUY"
        await pilot.pause()
        assert screen.client_order_id not in (first, second)


async def test_form_shows_the_sides_available_balance_and_the_last_trade_price() -> None:
    from textual.widgets import Select

    app, _ = trading_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_orders_screen(pilot)
        venue = app.session.adapter("bhex-demo")
        spot = {b.coin: b.available for b in await venue.balances()
                if b.account.kind is AccountKind.SPOT and b.account.index == 0}
        trades = [f for f in await venue.all_my_trades(limit=100) if f.symbol_id == "ATUSDT"]
        screen = await form(pilot)
        screen.query_one("#symbol", Select).value = "ATUSDT"
        await pilot.pause()
        text = screen_text(app)
        assert f"available {amount_with_coin(spot['USDT'], 'USDT')} to buy" in text
        if trades:
            last = max(trades, key=lambda f: f.time_ms)
            assert f"last price (your latest trade) {amount_with_coin(last.price, 'USDT')}" \
                in text
        else:
            assert "no trade of yours on ATUSDT yet" in text
        screen.query_one("#side", Select).value = "SELL"
        await pilot.pause()
        assert f"available {amount_with_coin(spot['AT'], 'AT')} to sell" in screen_text(app)
