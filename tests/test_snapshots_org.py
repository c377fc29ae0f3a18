"""Snapshot of the Org holdings screen on the demo sandbox's ChainUp org (synced)."""

from __future__ import annotations

from test_app_org_holdings import wait_synced

from tui.app import CoinsoleApp
from tui.demo import demo_session

SIZE = (150, 36)


def test_org_holdings(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("0")
        await pilot.pause()
        await wait_synced(pilot, pilot.app.screen)
        await pilot.press("down", "down")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None),
                        terminal_size=SIZE, run_before=run_before)
