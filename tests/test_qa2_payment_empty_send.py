"""Ctrl+S on a payment modal with nothing typed says what is missing (it used to do
nothing), and the amount field of an action has a visible border."""

from __future__ import annotations

import pytest
from test_app_payments import act_on, open_payments, payments_app
from test_app_support import screen_text, wait_until
from textual.widgets import Input

from tui.journal_ui import journal_for
from tui.sandbox.bhex_payments import ORDER_ID_BASE
from tui.screens.payment_action import PaymentActionScreen

SIZE = (150, 40)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def test_settle_with_no_amount_says_so() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_payments(pilot)
        await act_on(pilot, screen, ORDER_ID_BASE + 6, "a")  # PROCESSING prepaid BTC
        modal = app.screen
        assert isinstance(modal, PaymentActionScreen)
        amount = modal.query_one("#amount", Input)
        assert app.focused is amount
        assert amount.styles.border_top[0] != ""  # the focused field is drawn boxed
        assert "type the amount" not in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "type the amount to settle first" in screen_text(app)
        assert not modal.sent and journal_for(app.session).entries() == []
        amount.value = "0.1"
        await pilot.pause()
        assert "type the amount" not in screen_text(app)


async def test_new_order_with_nothing_typed_lists_what_is_missing() -> None:
    app = payments_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_payments(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "missing: payer uid, token, amount" in text
        app.screen.query_one("#payer", Input).value = "482698709891649537"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "type an amount" in screen_text(app) or "missing: token, amount" in screen_text(app)
        assert journal_for(app.session).entries() == []


async def test_settle_dialog_scrolls_to_its_buttons_at_80x24() -> None:
    app = payments_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_payments(pilot)
        await act_on(pilot, screen, ORDER_ID_BASE + 6, "a")
        modal = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "type the amount to settle first" in screen_text(app)
        cancel = modal.query_one("#cancel")
        cancel.focus()
        # the dialog scrolls the focused button into view on a later refresh
        await wait_until(pilot, lambda: "Cancel  (esc)" in screen_text(app), timeout=10)
        assert cancel.region.bottom <= 24
