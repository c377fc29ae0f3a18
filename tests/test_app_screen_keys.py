"""Issue 12, item 5: number keys never switch screens while a form owns the keyboard.

On Move money, ``0.5`` typed with the focus on a select (outside any text field) used to
open Deposit. The number keys now belong to the form there; alt+number and the F-keys
switch screens everywhere, and the help says so. The keys come from
:data:`tui.screens.MAIN_SCREENS`, so a main screen added there gets them too.
"""

from __future__ import annotations

from test_app_support import wait_loaded

from tui.app import CoinsoleApp, main_screen_keys
from tui.demo import demo_session
from tui.screens import MAIN_SCREENS, MainScreen


def demo_app() -> CoinsoleApp:
    return CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)


async def test_digits_typed_on_move_money_stay_on_move_money() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("3")
        await wait_loaded(pilot)
        assert app.current_mode == "move"
        assert app.focused is not None and app.focused.id == "transfer-profile"
        await pilot.press("0", "full_stop", "5")
        await pilot.pause()
        assert app.current_mode == "move"


async def test_alt_number_and_f_keys_switch_from_a_form() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("3")
        await wait_loaded(pilot)
        await pilot.press("alt+5")
        await wait_loaded(pilot)
        assert app.current_mode == "deposit"
        await pilot.press("f3")
        await wait_loaded(pilot)
        assert app.current_mode == "move"
        await pilot.press("f1")
        await wait_loaded(pilot)
        assert app.current_mode == "balances"
        await pilot.press("4")  # a screen without a form: the number keys still work
        await wait_loaded(pilot)
        assert app.current_mode == "activity"


async def test_help_names_the_keys_that_always_switch() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        labels = [str(label.render()) for label in app.screen.query("Label, Static")]
        assert "1 alt+1 f1" in labels
        assert any("alt+number and F1-F10 always do" in text for text in labels)


def test_keys_are_derived_from_the_screen_list() -> None:
    assert main_screen_keys(MainScreen("8", "approvals", "Approvals", lambda s: None)) == \
        "alt+8,f8"
    assert main_screen_keys(MainScreen("0", "x", "X", lambda s: None)) == "alt+0,f10"
    keys = {binding.key for binding in CoinsoleApp.BINDINGS if hasattr(binding, "key")}
    for main in MAIN_SCREENS:
        assert main.key in keys and main_screen_keys(main) in keys
