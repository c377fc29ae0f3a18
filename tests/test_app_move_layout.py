"""Issue 12, items 2 and 3: Move money at 80 columns, and focus on its forms.

At 80×24 the "available" hint sits beside the coin on one line (not one or two letters a
line), the amount field is above the fold, Max is whole and the selects shrink to fit.
``ctrl+t`` switches forms from any field (the amount too) and from the palette, and the
first field of the new form has the focus; the screen opens with its first field focused,
and the focus order has no invisible stops.
"""

from __future__ import annotations

from test_app_support import screen_text, wait_loaded
from textual.widgets import Button, Input, Select

from tui.app import CoinsoleApp
from tui.demo import demo_session


def demo_app() -> CoinsoleApp:
    return CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)


async def open_move(pilot, size=(80, 24)):
    await wait_loaded(pilot)
    await pilot.press("3")
    await wait_loaded(pilot)
    await pilot.pause()
    return pilot.app.screen


async def test_transfer_form_fits_80_by_24() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_move(pilot)
        hint = screen.query_one("#transfer-coin-row .hint")
        assert "available" in str(hint.render())
        assert hint.size.height == 1 and hint.region.right <= 80
        assert "available 45.591 BTC" in screen_text(app)
        amount = screen.query_one("#transfer-amount", Input)
        assert 0 < amount.region.y and amount.region.bottom <= 23  # above the footer
        max_button = screen.query_one("#transfer-max", Button)
        assert max_button.region.width >= len("Max") and max_button.region.right <= 80
        assert "Max" in screen_text(app)
        select = screen.query_one("#transfer-coin", Select)
        assert select.region.width < 52  # shrunk to leave the hint room


async def test_selects_keep_their_width_when_wide() -> None:
    app = demo_app()
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await open_move(pilot)
        assert screen.query_one("#transfer-coin", Select).region.width == 52


async def test_move_money_opens_with_the_first_field_focused() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_move(pilot)
        assert app.focused is screen.query_one("#transfer-profile", Select)
        # No invisible stops: every stop in the focus chain is a control the user sees.
        for widget in screen.focus_chain:
            assert widget.display and widget.region.width > 0, widget
            assert widget.__class__.__name__ != "TransferForm"


async def test_ctrl_t_from_the_amount_field_switches_and_focuses_the_first_field() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_move(pilot)
        screen.query_one("#transfer-amount", Input).focus()
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen.query_one("TabbedContent").active == "internal"
        assert app.focused is screen.query_one("#internal-profile", Select)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen.query_one("TabbedContent").active == "withdraw"
        assert app.focused is screen.query_one("#withdraw-profile", Select)


async def test_next_form_from_the_palette() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_move(pilot)
        screen.query_one("#transfer-amount", Input).focus()
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Next form")
        await wait_loaded(pilot)  # the palette's search runs in a worker
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert app.screen is screen
        assert screen.query_one("TabbedContent").active == "internal"
        assert app.focused is screen.query_one("#internal-profile", Select)
