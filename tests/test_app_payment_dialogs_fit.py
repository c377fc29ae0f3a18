"""The payment dialogs fit the smallest terminal: at 80x24 (and at 120x40) the action
dialog (settle, unlock, refund, cancel) and the new order form show their whole summary of
what will be done, the approvals note and the buttons without scrolling."""

from __future__ import annotations

import pytest
from test_app_payments import PAYER, open_payments, payments_app, pick
from test_app_support import screen_text, wait_loaded
from textual.widgets import Input, Static

from tui.sandbox.bhex_payments import ORDER_ID_BASE
from tui.screens.payment_action import PaymentActionScreen
from tui.screens.payment_create import PaymentCreateScreen

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


def assert_fits(app, modal, words: list[str]) -> None:
    """The modal's box needs no scrolling; its summary and buttons lie inside it, on
    screen; ``words`` (the summary's lines) are visible."""
    box = modal.children[0]
    assert box.max_scroll_y == 0, (box.virtual_size, box.scrollable_content_region)
    inside = box.scrollable_content_region
    height = app.size.height
    for selector in ("#summary", ".buttons"):
        region = modal.query_one(selector).region
        assert region.height and inside.y <= region.y and region.bottom <= inside.bottom \
            and region.bottom <= height, (selector, region, inside)
    text = screen_text(app)
    for word in words:
        assert word in text, (word, text)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key,order,amount,words", [
    ("a", 6, "0.15", ["settle 0.15 BTC", "after           0.35 BTC", "profile"]),
    ("u", 6, "0.05", ["unlock 0.05 BTC", "profile"]),
    ("f", 4, "10", ["refund 10 USDT", "profile"]),
    ("x", 8, None, ["becomes  CANCELLED", "profile"]),
])
async def test_action_dialog_fits(size, key, order, amount, words) -> None:
    app = payments_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_payments(pilot)
        pick(screen, ORDER_ID_BASE + order)
        await wait_loaded(pilot)  # the order's detail is read in a worker
        await pilot.press(key)
        await wait_loaded(pilot)
        modal = app.screen
        assert isinstance(modal, PaymentActionScreen)
        if amount is not None:
            modal.query_one("#amount", Input).value = amount
        await wait_loaded(pilot)
        assert modal.request is not None, modal.problem
        assert_fits(app, modal, words + ["Confirm  (ctrl+s)", "Journaled before it is sent"])


@pytest.mark.parametrize("size", SIZES)
async def test_new_order_form_fits(size) -> None:
    app = payments_app()
    async with app.run_test(size=size) as pilot:
        await open_payments(pilot)
        await pilot.press("c")
        await wait_loaded(pilot)
        form = app.screen
        assert isinstance(form, PaymentCreateScreen)
        for field, value in (("#payer", PAYER), ("#token", "usdt"), ("#amount", "12.50"),
                             ("#product-token", "btc"), ("#product-amount", "0.001"),
                             ("#desc", "march invoice")):
            form.query_one(field, Input).value = value
        await wait_loaded(pilot)
        assert form.request is not None, form.problem
        assert_fits(app, form, ["PAY 12.50 USDT", "0.001 BTC (mapping", "march invoice",
                                "profile", "Confirm  (ctrl+s)"])
        summary = str(form.query_one("#summary", Static).render())
        assert len(summary.splitlines()) == 8
