"""One keypress from a user's card (Users, key 9) to that user's rows in Org holdings,
and back with ``h`` or esc: pilot tests on the demo sandbox's BHEX org."""

from __future__ import annotations

import pytest
from test_app_support import wait_loaded
from test_app_users import SIZE, open_users, users_app

from tui.sandbox.profiles import BHEX_DEMO_USER_ID
from tui.screens.org_holdings import OrgHoldingsScreen
from tui.screens.users import UsersScreen


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def holdings_shown(pilot) -> OrgHoldingsScreen:
    for _ in range(200):
        await wait_loaded(pilot, timeout=30)
        screen = pilot.app.screen
        if isinstance(screen, OrgHoldingsScreen) and screen.table is not None \
                and screen.note.startswith(("synced", "sync failed")) \
                and screen.table.query.text and screen.table.total is not None:
            return screen
    raise AssertionError(f"org holdings never showed the user: {pilot.app.screen!r}")


async def demo_user_on_card(pilot) -> UsersScreen:
    """The Users screen (synced) showing the demo user's card, nothing focused."""
    users = await open_users(pilot)
    users.show_user(BHEX_DEMO_USER_ID)
    await wait_loaded(pilot)
    users.set_focus(None)
    return users


async def test_h_opens_the_users_rows_in_org_holdings_and_h_or_esc_comes_back() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        users = await demo_user_on_card(pilot)

        await pilot.press("h")
        holdings = await holdings_shown(pilot)
        assert holdings.profile == "bhex-demo"
        table = holdings.table
        assert table.query.text == f"uid={BHEX_DEMO_USER_ID}"
        assert table.total and table.total == len(
            holdings.source.store.user_rows(BHEX_DEMO_USER_ID))
        assert {row.ident[0] for row in table.window.rows} == {BHEX_DEMO_USER_ID}

        await pilot.press("h")
        await wait_loaded(pilot)
        assert app.screen is users and users.user_id == BHEX_DEMO_USER_ID

        await pilot.press("h")
        holdings = await holdings_shown(pilot)
        assert holdings.table.query.text == f"uid={BHEX_DEMO_USER_ID}"
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is users and users.user_id == BHEX_DEMO_USER_ID


async def test_h_without_a_user_on_the_card_says_so_and_stays() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        users = await open_users(pilot, sync=False)
        users.set_focus(None)
        await pilot.press("h")
        await wait_loaded(pilot)
        assert isinstance(app.screen, UsersScreen)
        assert any("choose a user first" in str(n.message) for n in app._notifications)


async def test_leaving_for_another_screen_forgets_the_way_back() -> None:
    app, _ = users_app()
    async with app.run_test(size=SIZE) as pilot:
        users = await demo_user_on_card(pilot)
        await pilot.press("h")
        holdings = await holdings_shown(pilot)
        assert holdings.return_mode == "users"
        await pilot.press("1")
        await wait_loaded(pilot)
        await pilot.press("0")
        await wait_loaded(pilot)
        assert app.screen is holdings and holdings.return_mode is None
        assert not holdings.check_action("back_to_user", ())
