"""Snapshot test of the Payments screen (the sandbox's seeded book on a fixed clock, times
in UTC) with a held prepaid order under the cursor: its item and the two actions its
state allows. Update the baseline with
``pytest tests/test_snapshots_payments.py --snapshot-update`` and look at it."""

from __future__ import annotations

from test_app_orders import trading_app
from test_app_support import wait_loaded

from tui.sandbox.bhex_payments import ORDER_ID_BASE

SIZE = (150, 40)


def test_payments_held_prepaid_order(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_payments")
        await wait_loaded(pilot)
        screen = pilot.app.screen
        assert screen.orders.select_key(str(ORDER_ID_BASE + 6))
        await pilot.pause()
        screen.set_focus(None)
        await pilot.pause()

    app, _ = trading_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_payments_settle_confirmation(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_payments")
        await wait_loaded(pilot)
        assert pilot.app.screen.orders.select_key(str(ORDER_ID_BASE + 6))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("0", "full_stop", "1", "5")
        await pilot.pause()

    app, _ = trading_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
