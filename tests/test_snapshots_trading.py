"""Snapshot tests of the Deposit screen (with its QR code) and the Orders screen, at
120x36 with deterministic demo data (the Orders sandbox runs on a fixed clock; times are
shown in UTC). Update the baselines with
``pytest tests/test_snapshots_trading.py --snapshot-update`` and look at them."""

from __future__ import annotations

from test_app_orders import trading_app
from test_app_support import wait_loaded
from textual.widgets import Select

from tui.app import CoinsoleApp
from tui.demo import demo_session

SIZE = (120, 36)


def test_deposit_with_tag_and_qr_code(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("5")
        await wait_loaded(pilot)
        pilot.app.screen.query_one("#profile", Select).value = "bhex-demo"
        await pilot.pause()
        await wait_loaded(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_orders_open_orders(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("7")
        await wait_loaded(pilot)

    app, _ = trading_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
