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
        box.services["bhex"].org = None  # so the account calls refuse them: that part fails
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
        await wait_loaded(pilot)  # a table whose size the focus change moved reads again

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


async def test_card_lists_in_the_history_and_orders_tables() -> None:
    from tui.screens.history import FLOW_COLUMNS, RECORD_COLUMNS
    from tui.screens.orders import ORDER_COLUMNS, POSITION_COLUMNS
    from tui.screens.user_card import UserCardView, WITHDRAWAL_COLUMNS

    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        screen.show_user(BHEX_DEMO_USER_ID)
        await wait_loaded(pilot)
        view = screen.query_one("#card", UserCardView)
        adapter = app.session.adapter("bhex-demo")
        expected = {
            "deposits": (RECORD_COLUMNS, [r.id for r in await adapter.deposit_order(
                user_id=BHEX_DEMO_USER_ID, limit=50)]),
            "withdrawals": (WITHDRAWAL_COLUMNS, []),
            "flow": (FLOW_COLUMNS, [f.id for f in await adapter.balance_flow(
                user_id=BHEX_DEMO_USER_ID, limit=50)]),  # the demo's balance flow
            "open_orders": (ORDER_COLUMNS, [o.order_id for o in await adapter.open_orders(
                user_id=BHEX_DEMO_USER_ID, limit=100)]),
            "positions": (POSITION_COLUMNS, [p.position_id for p in
                                             await adapter.contract_position(
                                                 user_id=BHEX_DEMO_USER_ID)]),
        }
        for name, (columns, ids) in expected.items():
            table = view.table(name)
            assert list(table.columns[:len(RECORD_COLUMNS[:6])]) == list(columns[:6]), name
            assert [table.record_key(r) for r in table.records] == ids, name
            assert table.error_text is None and not table.busy, name
        assert expected["deposits"][1] and expected["open_orders"][1]
        assert expected["positions"][1]
        # sub-accounts of the key's own user are in the balances
        from tui.support.card_text import part_lines

        assert any(line.startswith("spot #1 (Quant team 1)")
                   for line in part_lines(screen.card.parts["balances"]))


async def test_each_table_part_shows_its_own_error_beside_loaded_parts() -> None:
    from tui.screens.user_card import UserCardView

    app, box = users_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        user = box.bhex_org.user(28)  # a generated user: OTC orders, no accounts
        box.services["bhex"].org = None  # so the account calls refuse them: those parts fail
        screen.show_user(user.user_id)
        await wait_loaded(pilot)
        view = screen.query_one("#card", UserCardView)
        parts = screen.card.parts
        for name in ("deposits", "withdrawals", "flow", "open_orders", "positions"):
            assert parts[name].state is PartState.FAILED, name
            assert view.table(name).error_text.startswith("failed: "), name
        assert parts["otc"].state is PartState.LOADED
        assert len(view.table("otc").records) == 2 and view.table("otc").error_text is None
        assert parts["base"].state is PartState.LOADED and parts["status"].state is PartState.LOADED


async def test_card_shows_the_users_chainup_rows_when_the_org_has_both() -> None:
    from decimal import Decimal

    from tui.sandbox.demo import _chainup_coin_code
    from tui.sandbox.ledger import AccountRow

    app, box = users_app()
    box.ledger.insert_accounts([
        AccountRow(venue="chainup", user_id=BHEX_DEMO_USER_ID,
                   account_type="201" + _chainup_coin_code("USDT"), coin="USDT",
                   available=Decimal("12.000000000000000001"),
                   updated_ms=int(box.clock() * 1000))])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_users(pilot, sync=False)
        screen.show_user(BHEX_DEMO_USER_ID)
        await wait_loaded(pilot)
        part = screen.card.parts["chainup"]
        assert part.state is PartState.LOADED
        assert [(r["profile"], r["balance"].coin, r["balance"].total) for r in part.data] == [
            ("chainup-demo", "USDT", Decimal("12.000000000000000001"))]
        from tui.support.card_text import part_lines

        assert any("total 12.000000000000000001" in line for line in part_lines(part))
        from tui.screens.user_card import UserCardView

        table = screen.query_one("#card", UserCardView).table("chainup")
        assert [row["balance"].coin for row in table.records] == ["USDT"]
