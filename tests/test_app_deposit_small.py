"""Issue 12 (small screens): at 80×24 the Deposit QR code used to be cut at the bottom,
and the address wrapped mid-string beside it. A code that does not fit whole is hidden,
with a line saying why; the address keeps one whole line; the selects of the bar shrink."""

from __future__ import annotations

from test_app_support import screen_text, wait_loaded, wait_until

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.widgets.qr import QRCode

ADDRESS = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"


async def open_deposit(pilot):
    await wait_loaded(pilot)
    await pilot.press("5")
    await wait_loaded(pilot)
    await pilot.pause()
    return pilot.app.screen


async def test_qr_hidden_at_80_by_24_and_the_address_whole() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_deposit(pilot)
        assert not screen.query_one("#qr-box").display
        text = screen_text(app)
        assert "QR code hidden: it needs 37×19 cells" in text
        assert ADDRESS in text  # on one line, not wrapped
        assert screen.query_one("#network").region.right <= 80
        await pilot.resize_terminal(120, 40)
        # The resize reaches the screen on a timer, then the fit runs after a refresh.
        await wait_until(pilot, lambda: screen.query_one("#qr-box").display)
        qr = screen.query_one(QRCode)
        assert qr.region.bottom <= 40 - 1 and qr.region.height == 19
        assert not screen.query_one("#qr-note").display
        assert ADDRESS in screen_text(app)
