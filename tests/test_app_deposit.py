"""Pilot tests of the Deposit screen against the demo sandbox: the address and its QR code,
the memo/tag warning for a coin that needs one, copying to the clipboard, stepping
through a coin's addresses."""

from __future__ import annotations

from test_app_orders import capture_notices
from test_app_support import screen_text, wait_loaded
from textual.widgets import Input, Select

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens.deposit import TAG_WARNING, DepositScreen
from tui.widgets.qr import QUIET_ZONE, QRCode, qr_modules

SIZE = (120, 36)


def deposit_app() -> CoinsoleApp:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    capture_notices(app)
    return app


async def open_deposit(pilot, profile: str | None = None) -> DepositScreen:
    """Switch to the Deposit screen (key 5), optionally pick ``profile``, and wait."""
    await wait_loaded(pilot)
    await pilot.press("5")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DepositScreen)
    if profile is not None:
        screen.query_one("#profile", Select).value = profile
        await pilot.pause()
        await wait_loaded(pilot)
    return screen


async def test_address_and_qr_code_are_shown() -> None:
    app = deposit_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deposit(pilot)
        assert "bitunix-demo" in screen.profiles and "bhex-demo" in screen.profiles
        assert "fcoin-demo" not in screen.profiles  # no DEPOSIT_ADDRESS capability
        address = screen.current
        assert address is not None and address.coin == screen.coin
        text = screen_text(app)
        assert address.address in text
        qr = screen.query_one(QRCode)
        assert qr.data == address.address
        assert qr.modules == qr_modules(address.address)
        # The quiet zone: the outer rows and columns are light.
        assert not any(qr.modules[0]) and not any(row[0] for row in qr.modules)
        assert qr.size.width == len(qr.modules[0])
        assert qr.size.height == (len(qr.modules) + 1) // 2
        assert "▀" in text
        assert "send BOTH" not in text


async def test_a_tag_coin_warns_and_both_copy_keys_use_the_app_clipboard(monkeypatch) -> None:
    app = deposit_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deposit(pilot, "bhex-demo")
        assert screen.coin == "AT"
        address = screen.current
        assert address is not None and address.tag_required and address.memo
        text = screen_text(app)
        warning = screen.query_one("#tag-warning")
        assert warning.display and warning.has_class("-shown")
        assert "send BOTH the address and the tag" in TAG_WARNING
        assert "send BOTH the address and the tag" in text
        assert f"memo/tag (REQUIRED): {address.memo}" in text
        assert "minimum deposit: 1 AT" in text and "confirmations:   1" in text
        assert "deposits open:   yes" in text
        await pilot.press("c")
        await pilot.press("t")
        await pilot.pause()
        assert copied == [address.address, address.memo]
        assert any("address copied" in n for n in app.notices)
        assert any("memo/tag copied" in n for n in app.notices)

        # Another coin, typed: no tag, so no warning and nothing for t to copy.
        field = screen.query_one("#coin", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"eth", "enter")
        await wait_loaded(pilot)
        assert screen.coin == "ETH" and screen.current.address.startswith("0x")
        assert "send BOTH" not in screen_text(app)
        assert screen.query_one(QRCode).data == screen.current.address


async def test_several_addresses_step_with_brackets() -> None:
    app = deposit_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deposit(pilot, "bitunix-demo")
        field = screen.query_one("#coin", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"usdt", "enter")
        await wait_loaded(pilot)
        addresses = screen.shown
        assert len(addresses) >= 2  # the bitunix demo has two Tron addresses for USDT alone
        first = screen.current
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.current != first
        assert f"address 2 of {len(addresses)}" in screen_text(app)
        assert screen.query_one(QRCode).data == screen.current.address
