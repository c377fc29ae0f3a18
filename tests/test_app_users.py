"""Pilot tests and snapshots of the Users screen (key 9) on the demo sandbox: sync the
index, results as you type, the card loading every part with one part failing on its own,
and the title bar naming the user on screen."""

from __future__ import annotations

import pytest
from test_app_support import screen_text, wait_loaded
from test_sandbox_bhex_trading import Clock
from textual.widgets import Input, OptionList

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.sandbox import Sandbox
from tui.sandbox.limits import RateLimiter
from tui.sandbox.profiles import BHEX_DEMO_USER_ID
from tui.screens.users import UsersScreen
from tui.support.card import PartState

SIZE = (120, 48)


def users_app() -> tuple[CoinsoleApp, Sandbox]:
    box = Sandbox(clock=Clock(), bhex_users=500)
    box.services["bhex"].limiter = RateLimiter(100_000, 1, box.clock)
    return CoinsoleApp(demo_session(box), demo=True, idle_lock_minutes=None), box


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def open_users(pilot, *, sync: bool = True) -> UsersScreen:
    await wait_loaded(pilot)
    await pilot.press("9")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, UsersScreen)
    if sync:
        screen.set_focus(None)
        await pilot.press("s")
        await wait_loaded(pilot)
    return screen


async def type_search(pilot, screen: UsersScreen, text: str) -> None:
    screen.query_one("#search", Input).focus()
    await pilot.press(*text)
    await wait_loaded(pilot)


async def test_empty_index_says_how_to_sync_then_syncs() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        assert screen.profiles == ["bhex-demo"]
        assert "press s to sync" in screen_text(app)
        await pilot.press("escape")
        screen.set_focus(None)
        await pilot.press("s")
        await wait_loaded(pilot)
        assert "500 users indexed" in screen_text(app)


async def test_results_as_you_type_and_the_card_loads() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        await type_search(pilot, screen, BHEX_DEMO_USER_ID[:9])
        results = screen.query_one("#results", OptionList)
        assert results.option_count == 3  # the three demo users share the prefix
        await type_search(pilot, screen, BHEX_DEMO_USER_ID[9:])
        assert results.get_option_at_index(0).id == BHEX_DEMO_USER_ID
        await pilot.press("enter")
        await wait_loaded(pilot)
        card = screen.card
        assert card is not None and card.done
        assert all(p.state is PartState.LOADED for p in card.parts.values())
        text = screen_text(app)
        assert f"user {BHEX_DEMO_USER_ID}" in text  # the title bar names the user
        assert "KYC approved" in text and "WITHDRAW_BROKER_AUDIT" in text
        from tui.support.card_text import part_lines

        assert any("ATUSDT SELL 250.5" in line
                   for line in part_lines(card.parts["open_orders"]))


async def test_one_failing_part_does_not_hide_the_others() -> None:
    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        other = box.bhex_org.user(250)  # a generated user: no accounts in the ledger
        screen.show_user(other.user_id)
        await wait_loaded(pilot)
        parts = screen.card.parts
        assert parts["balances"].state is PartState.FAILED
        assert parts["base"].state is PartState.LOADED
        assert parts["status"].state is PartState.LOADED
        text = screen_text(app)
        assert "failed:" in text and "USER_STATUS" in text


def test_snapshot_users_card(snap_compare) -> None:
    async def run_before(pilot) -> None:
        screen = await open_users(pilot)
        await type_search(pilot, screen, BHEX_DEMO_USER_ID)
        await pilot.press("enter")
        await wait_loaded(pilot)
        screen.set_focus(None)
        await pilot.pause()

    app, _ = users_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_act_for_switches_the_orders_screen_and_names_the_user() -> None:
    from tui.sandbox.profiles import BHEX_OTHER_USER_IDS
    from tui.screens.orders import OrdersScreen

    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot)
        screen.show_user(BHEX_OTHER_USER_IDS[0])
        await wait_loaded(pilot)
        screen.set_focus(None)
        await pilot.press("a")
        await wait_loaded(pilot)
        assert f"acting for user {BHEX_OTHER_USER_IDS[0]}" in str(app.title)
        await pilot.press("7")
        await wait_loaded(pilot)
        orders = app.screen
        assert isinstance(orders, OrdersScreen)
        assert orders.table("open").records == []  # the other user has no open orders
        assert f"acting for user {BHEX_OTHER_USER_IDS[0]}" in screen_text(app)
