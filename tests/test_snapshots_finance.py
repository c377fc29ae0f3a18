"""Snapshot of the Finance screen after a three-row airdrop was previewed, sent and its
results read (one row fails: a uid the org lacks), at 130x36. The batch key is fixed so the
client_order_ids are the same on every run. Update the baseline with
``pytest tests/test_snapshots_finance.py --snapshot-update`` and look at it."""

from __future__ import annotations

from test_app_support import wait_loaded
from textual.widgets import Input

from tui.app import CoinsoleApp
from tui.demo import demo_session

SIZE = (130, 36)
A, B = "482698709891649537", "482698709891649538"


def test_finance_results(snap_compare, tmp_path, monkeypatch) -> None:
    (tmp_path / "drop.csv").write_text(
        f"uid,coin,amount,lock\n{A},AT,1.5,true\n7,AT,2,\n{B},AT,0.25,\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("tui.finance.request.new_batch_key", lambda: "fbSNAP")

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("open_finance")
        await wait_loaded(pilot)
        pilot.app.screen.query_one("#path", Input).value = "drop.csv"
        pilot.app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await wait_loaded(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
