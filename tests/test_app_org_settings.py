"""Pilot tests of the Org settings screen against the demo sandbox: the symbols with
their trade status and price step, the operating user's sub-accounts, and each of the
three changes confirmed with its current value, journaled and sent once."""

from __future__ import annotations

import pytest
from org_app_steps import cancel_then_send, demo_app, open_screen
from test_app_support import screen_text, wait_loaded
from textual.widgets import Input

from tui.journal_ui import journal_for
from tui.screens.org_settings import OrgSettingsScreen
from tui.screens.setting_confirm import SettingConfirmScreen

SIZE = (150, 40)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def open_settings(pilot) -> OrgSettingsScreen:
    return await open_screen(pilot, "open_org_settings", OrgSettingsScreen)


settings_app = demo_app


async def test_symbols_and_sub_accounts_shown() -> None:
    app = settings_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        symbols = {r.symbol_id: r for r in screen.table("symbols").records}
        assert set(symbols) == {"ATUSDT", "BTCUSDT", "ETHUSDT", "ETHBTC"}
        assert symbols["ETHBTC"].trading == "on" and str(symbols["ETHBTC"].price_step) == "0.000001"
        subs = [r.name for r in screen.table("subs").records]
        assert subs == ["Quant team 1", "Market making", "Hedge"]


async def test_trade_status_off_with_its_current_value() -> None:
    app = settings_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        assert screen.table("symbols").select_key("BTCUSDT")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SettingConfirmScreen)
        text = screen_text(app)
        assert "trading now  on" in text and "becomes      off" in text
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "done: trading of BTCUSDT off" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        row = next(r for r in screen.table("symbols").records if r.symbol_id == "BTCUSDT")
        assert row.trading == "off"
        assert [e.kind for e in journal_for(app.session).entries()] == ["settings"]


async def test_price_limits_checked_on_the_tick_then_shown_as_last_set() -> None:
    app = settings_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        assert screen.table("symbols").select_key("ETHUSDT")
        await pilot.press("l")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, SettingConfirmScreen)
        for field, value in (("#buy_max", "2000"), ("#buy_min", "1000.005"),
                             ("#sell_max", "2100"), ("#sell_min", "1100")):
            modal.query_one(field, Input).value = value
        await pilot.pause()
        assert modal.request is None and "price step 0.01" in screen_text(app)
        modal.query_one("#buy_min", Input).value = "1000.01"
        await pilot.pause()
        assert modal.request is not None and "? -> 1000.01" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        await pilot.press("escape")
        await wait_loaded(pilot)
        row = next(r for r in screen.table("symbols").records if r.symbol_id == "ETHUSDT")
        assert row.limits == "buy 1000.01..2000 · sell 1100..2100"
        assert app.session.sandbox.services["bhex"].settings.price_limits["ETHUSDT"][
            "buy_min_price"] == "1000.01"


async def test_close_sub_account_transfers() -> None:
    app = settings_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        subs = screen.table("subs")
        subs.focus_table()
        first = subs.records[0]
        assert subs.select_key(first.account_id)
        await pilot.press("x")
        await pilot.pause()
        assert "closed (no transfers in or out)" in screen_text(app)
        await cancel_then_send(pilot, "x")
        assert subs.records[0].transfers == "closed (through coinsole)"
        assert app.session.sandbox.services["bhex"].settings.closed_transfers == {
            first.account_id}
