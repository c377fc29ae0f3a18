"""Issue 12, item 4: ``ctrl+u`` unlocks from anywhere, a text field included (Textual's
Input binds it to "delete to the start"), and the footer lists Unlock first while the
vault is locked, so a narrow terminal does not cut it off."""

from __future__ import annotations

from pathlib import Path

from test_app_support import wait_loaded
from test_app_vault import home, make_vault, sandbox_session, unlock_with, wait_for  # noqa: F401
from textual.widgets import Input

from tui.app import CoinsoleApp
from tui.sandbox import Sandbox
from tui.screens.unlock import UnlockScreen
from tui.widgets.key_footer import KeyFooter


async def test_ctrl_u_in_the_amount_field_unlocks_and_keeps_the_amount(
        home: Path, sandbox: Sandbox) -> None:  # noqa: F811
    make_vault(["fcoin-demo"])
    app = CoinsoleApp(sandbox_session(sandbox), idle_lock_minutes=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.press("escape")  # continue locked
        await wait_loaded(pilot)
        footer = app.screen.query_one(KeyFooter).render_line(0).text
        assert footer.startswith(" ^u Unlock")
        await pilot.press("3")
        await wait_loaded(pilot)
        amount = app.screen.query_one("#transfer-amount", Input)
        amount.focus()
        await pilot.press("1", "2")
        await pilot.pause()
        assert app.screen.query_one(KeyFooter).render_line(0).text.startswith(" ^u Unlock")
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await unlock_with(pilot)
        await pilot.pause()
        assert app.vault_unlocked
        assert amount.value == "12"
        # Unlocked, ctrl+u is the field's own again: delete to the start.
        amount.focus()
        await pilot.pause()
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert amount.value == "" and not isinstance(app.screen, UnlockScreen)
