"""Snapshot test of the Statistics screen's holdings tab (the ledger's seeded balances are
deterministic), at 120x36. Update the baseline with
``pytest tests/test_snapshots_statistics.py --snapshot-update`` and look at it."""

from __future__ import annotations

from test_app_support import wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session

SIZE = (120, 36)


def test_statistics_holdings(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_statistics")
        await wait_loaded(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_statistics_top_holders_chart(snap_compare) -> None:
    """The Top holders tab: the table of the largest BTC holders (the token under the
    Holdings cursor) with the chart of their totals beside it (seeded, deterministic)."""
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_statistics")
        await wait_loaded(pilot)
        pilot.app.screen.table("holdings").select_key("BTC")
        await pilot.pause()
        pilot.app.screen.select_tab("top")
        await wait_loaded(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
