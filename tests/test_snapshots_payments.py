"""Snapshot tests of the Payments screen (the sandbox's seeded book on a fixed clock, times
in UTC) with a held prepaid order under the cursor and its settle confirmation, and of the
Org settings screen. Update the baselines with
``pytest tests/test_snapshots_payments.py --snapshot-update`` and look at them."""

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


def test_org_settings(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_org_settings")
        await wait_loaded(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    app, _ = trading_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
