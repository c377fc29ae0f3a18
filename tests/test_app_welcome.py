"""Pilot tests: the welcome screen and starting the demo from it."""

from __future__ import annotations

from test_app_support import fake_profiles, screen_text, wait_loaded, FakeSession

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens.balances import BalancesScreen
from tui.screens.welcome import ADD_PROFILE_COMMAND, WelcomeScreen

SIZE = (120, 36)


async def test_welcome_when_no_session() -> None:
    app = CoinsoleApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        text = screen_text(app)
        assert "coinsole profile add NAME --venue {fcoin,bitunix,bitz,chainup,bhex}" in text
        assert "--base-url URL [--user-id ID]" in text
        assert "COINSOLE_<NAME>_API_KEY" in text
        assert "COINSOLE_<NAME>_API_SECRET" in text
        assert "Start the demo" in text


async def test_welcome_when_session_has_no_profiles() -> None:
    session = FakeSession({}, [])
    app = CoinsoleApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("1")  # no main screen without profiles
        assert isinstance(app.screen, WelcomeScreen)


def test_add_profile_command_lists_every_venue() -> None:
    assert ADD_PROFILE_COMMAND == (
        "coinsole profile add NAME --venue {fcoin,bitunix,bitz,chainup,bhex} "
        "--base-url URL [--user-id ID]"
    )


async def test_start_demo_with_key_opens_balances() -> None:
    started = []

    def start():
        session = demo_session()
        started.append(session)
        return session

    app = CoinsoleApp(None, on_start_demo=start)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await wait_loaded(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.demo and "demo" in app.title
        assert app.session is started[0]
        names = {row.profile for row in app.screen.table.rows_shown}
        assert names == {"fcoin-demo", "bitunix-demo", "bitz-demo", "chainup-demo", "bhex-demo"}


async def test_start_demo_with_button_closes_old_session() -> None:
    empty = FakeSession({}, [])
    profiles = fake_profiles(("solo", "fcoin"))
    replacement = FakeSession({"solo": []}, profiles)
    app = CoinsoleApp(empty, on_start_demo=lambda: replacement)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#start-demo")
        await wait_loaded(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert empty.closed
        assert "no balances" in screen_text(app)
    assert replacement.closed  # the app closes its session on exit
