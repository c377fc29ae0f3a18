"""Pilot tests of the main-screen navigation bar (MainNav): the current screen is
highlighted as the number keys switch screens, a click on an entry switches screen, the
demo's bar has no Profiles entry, and the number keys are out of the footer."""

from __future__ import annotations

from test_app_support import FakeSession, balance, fake_profiles, wait_loaded
from textual.widgets import Footer

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens import MAIN_SCREENS
from tui.widgets.main_nav import MainNav, NavEntry

SIZE = (120, 36)


def current_entries(app: CoinsoleApp) -> list[str]:
    """The modes of the highlighted entries in the bar of the screen showing now."""
    nav = app.screen.query_one(MainNav)
    return [entry.main.mode for entry in nav.entries if entry.has_class("-current")]


async def test_current_entry_follows_number_keys_and_clicks() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert current_entries(app) == ["balances"]
        for key, mode in (("3", "move"), ("4", "activity"), ("6", "history"),
                          ("7", "orders"), ("5", "deposit"), ("1", "balances")):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            assert current_entries(app) == [mode]
            nav = app.screen.query_one(MainNav)
            assert nav.region.y == 1  # right under the one-line Header
        # Clicking an entry switches to its screen, like its number key.
        await pilot.click("#nav-history")
        await pilot.pause()
        assert app.current_mode == "history"
        assert current_entries(app) == ["history"]
        await pilot.click("#nav-move")
        await pilot.pause()
        assert app.current_mode == "move"
        assert current_entries(app) == ["move"]


async def test_demo_bar_has_no_profiles_entry() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        nav = app.screen.query_one(MainNav)
        expected = [m.mode for m in MAIN_SCREENS if m.mode != "profiles"]
        assert nav.shown_modes == expected
        assert not app.screen.query_one("#nav-profiles", NavEntry).display
        await pilot.press("2")  # the key is off in the demo, and so is the entry
        await pilot.pause()
        assert app.current_mode == "balances"
        await pilot.press("7")
        await pilot.pause()
        assert app.screen.query_one(MainNav).shown_modes == expected


async def test_bar_lists_profiles_outside_the_demo() -> None:
    session = FakeSession({"desk": [balance("desk", "bitunix", "BTC", "1")]},
                          fake_profiles(("desk", "bitunix")))
    app = CoinsoleApp(session, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        nav = app.screen.query_one(MainNav)
        assert nav.shown_modes == [m.mode for m in MAIN_SCREENS]
        texts = [str(entry.render()) for entry in nav.entries]
        assert texts == [f"{m.key} {m.title}" for m in MAIN_SCREENS]


async def test_number_keys_are_out_of_the_footer_but_still_bound() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        footer = app.screen.query_one(Footer)
        shown = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert footer is not None
        assert not shown & {m.key for m in MAIN_SCREENS}
        keys = {b.binding.key for b in app.screen.active_bindings.values()}
        assert {m.key for m in MAIN_SCREENS if m.mode != "profiles"} <= keys
