"""Snapshots of the org screens' forms (issue 16: "each shows the current value before the
change, asks for confirmation"): the price-limit confirmation of BTCUSDT on the Org
settings screen and the new payment order form, over the demo, at 150x40. Update the
baselines with ``pytest tests/test_snapshots_org_forms.py --snapshot-update`` and look at
them."""

from __future__ import annotations

from test_app_orders import trading_app
from test_app_support import wait_loaded

SIZE = (150, 40)


def _app():
    """The demo on a fixed sandbox clock (the seeded orders' dates are the same every run)."""
    return trading_app()[0]


def test_price_limit_confirmation(snap_compare, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_org_settings")
        await wait_loaded(pilot)
        assert pilot.app.screen.table("symbols").select_key("BTCUSDT")
        await pilot.press("l")
        await wait_loaded(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_new_payment_order_form(snap_compare, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_payments")
        await wait_loaded(pilot)
        await pilot.press("c")
        await wait_loaded(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)
