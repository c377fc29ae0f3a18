"""The SQLite store's change feed (``watch``): a commit on another handle, or by another
process, reaches the watcher at once; nothing is reported when nothing changed; and the
Approvals screen follows it live with no tick at all."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import time
from pathlib import Path

from approvals_world import hold_transfer, service_for, write_policy
from test_app_move import make_app
from test_app_support import wait_loaded
from test_approvals_store import _req, _row, _sign

from tui.approvals.store import Change
from tui.approvals.store_sqlite import SqliteStore, SqliteWatcher
from tui.screens.approvals import ApprovalsScreen

ROOT = Path(__file__).resolve().parent.parent


def test_a_commit_on_another_handle_reaches_the_watcher(tmp_path) -> None:
    path = str(tmp_path / "approvals.db")
    mine, other = SqliteStore(path), SqliteStore(path)
    changes: queue.Queue[Change] = queue.Queue()
    watcher = mine.watch(changes.put, interval=0.02)
    try:
        time.sleep(0.1)
        assert changes.empty()  # nothing changed: nothing reported
        row = _row("r1", _req())
        other.propose(row)
        assert changes.get(timeout=30) == Change("changed")
        other.add_signature("r1", _sign("bob", row.request_hash))
        assert changes.get(timeout=30).kind == "changed"
        mine.set_state("r1", "REJECTED", "PENDING_APPROVAL")  # this handle's own commit too
        assert changes.get(timeout=30).kind == "changed"
        mine.get("r1")
        mine.list()  # reads are no change
        time.sleep(0.1)
        assert changes.empty()
    finally:
        watcher.stop()
        mine.close()
        other.close()


def test_a_vote_from_another_process_reaches_the_watcher(tmp_path) -> None:
    path = str(tmp_path / "approvals.db")
    store = SqliteStore(path)
    store.propose(_row("r1", _req()))
    changes: queue.Queue[Change] = queue.Queue()
    watcher = store.watch(changes.put, interval=0.02)
    script = ("import sys; from tui.approvals.store_sqlite import SqliteStore; "
              "s = SqliteStore(sys.argv[1]); s.set_state('r1', 'EXPIRED', 'PENDING_APPROVAL')")
    try:
        subprocess.run([sys.executable, "-c", script, path], check=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert changes.get(timeout=30).kind == "changed"
        assert store.get("r1").state == "EXPIRED"
    finally:
        watcher.stop()
        store.close()


def test_an_unreadable_store_is_reported_once_then_its_return(tmp_path) -> None:
    path = tmp_path / "approvals.db"
    SqliteStore(str(path)).close()
    watcher = SqliteWatcher(str(path))
    assert watcher.poll() is None
    watcher._db.close()
    watcher._db = None
    path.write_bytes(b"not a database at all, certainly not SQLite" * 200)
    first = watcher.poll()
    assert first is not None and first.kind == "unreachable" and str(path) in first.detail
    assert watcher.poll() is None  # once
    path.unlink()
    SqliteStore(str(path)).close()
    assert watcher.poll().kind == "reconnected"
    assert watcher.poll() is None


async def test_the_screen_follows_another_operator_live_without_a_tick(tmp_path, monkeypatch):
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("8")
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen) and screen.view.items == ()
        assert isinstance(screen._watcher, SqliteWatcher)
        item = hold_transfer(session)  # ann, on another handle (another process, in life)

        async def until(check) -> None:
            for _ in range(200):
                await pilot.pause(0.02)
                if screen.view is not None and check():
                    return
            raise AssertionError("the screen did not follow the store")

        await until(lambda: [i.id for i in screen.view.items] == [item.id])
        cat = service_for(session, "cat")
        cat.approve(item.id)
        cat.close()
        await until(lambda: screen.view.items[0].votes == "1/2")
