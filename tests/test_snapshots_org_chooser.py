"""Snapshot of the "Org" chooser (the palette's Org entry) over the balances screen of the
demo, at 130x36. Update the baseline with ``pytest tests/test_snapshots_org_chooser.py
--snapshot-update`` and look at it."""

from __future__ import annotations

from test_app_support import wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session

SIZE = (130, 36)


def test_org_chooser(snap_compare, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_org")
        await pilot.pause()

    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
