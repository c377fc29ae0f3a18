"""The Approvals screen on a long queue reads it a page at a time: the first page and the
counts on opening, the next page as the cursor nears the end (real SQLite store, the demo
app, a Textual pilot)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from approvals_world import TRON, service_for, write_policy
from test_app_move import make_app
from test_app_support import screen_text, wait_loaded
from textual.widgets import DataTable

from tui.approvals.canonical import canonical_bytes, request_hash
from tui.approvals.policy import Request
from tui.approvals.service import load_policy_file
from tui.approvals.store import Row
from tui.approvals.store_factory import open_store
from tui.screens import approvals_model
from tui.screens.approvals import ApprovalsScreen
from tui.screens.approvals_model import ApprovalsModel

SIZE = (160, 40)


@pytest.fixture(autouse=True)
def no_tick(monkeypatch):
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)


def fill(n: int, by: str = "ann") -> list[str]:
    """``n`` pending withdrawals by ``by`` straight into the store (as the service proposes
    them), one second apart; their ids, oldest first."""
    loaded = load_policy_file()
    store = open_store()
    now = time.time_ns() // 1_000_000
    meta = {"rule": "big withdrawals", "quorum": "2 of treasury", "self": False,
            "expiry_ms": 86_400_000, "why": ["action withdraw"]}
    ids = []
    for i in range(n):
        amount = Decimal(100) + Decimal(i)
        params = {"kind": "withdraw", "amount": str(amount), "client_key": f"page-{i}"}
        req = Request("withdraw", "bitunix-demo", "bitunix", "USDT", amount, by, TRON, params)
        h = request_hash(req, loaded.hash)
        body = {"action": req.action, "profile": req.profile, "venue": req.venue,
                "coin": req.coin, "amount": req.amount, "initiator": by,
                "destination": TRON, "params": params, "meta": meta}
        store.propose(Row(h[:16], canonical_bytes(body).decode(), h, loaded.hash, by,
                          "PENDING_APPROVAL", now - (n - i) * 1000))
        ids.append(h[:16])
    store.close()
    return ids


async def test_a_long_queue_is_read_a_page_at_a_time(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)  # bob here
    monkeypatch.setattr(approvals_model, "PAGE_SIZE", 40)
    ids = fill(100)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("8")
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 40 and screen.view.total == 100
        assert [i.id for i in screen.view.items] == ids[:40]
        assert "100 requests, the oldest 40 read" in screen_text(app)
        assert screen.view.waiting == 100  # bob may vote on each
        await pilot.press("ctrl+end")
        await wait_loaded(pilot)
        assert table.row_count == 80
        await pilot.press("ctrl+end")
        await wait_loaded(pilot)
        assert table.row_count == 100 and not screen.view.more
        assert [i.id for i in screen.view.items] == ids
        assert "100 requests" in screen_text(app) and "read" not in screen_text(app)
        table.move_cursor(row=90)
        service_for(session, "cat").approve(ids[90])
        screen.reload()  # a change: as many rows as were read, the cursor kept
        await wait_loaded(pilot)
        assert table.row_count == 100 and screen.selected_id() == ids[90]
        assert screen.selected().votes == "1/2"
        screen.set_filter("waiting-for-me")
        await wait_loaded(pilot)
        assert table.row_count == 40 and screen.view.total == 100


def test_more_continues_the_filter_and_waiting_counts_every_page(tmp_path, monkeypatch) -> None:
    from tui.demo import demo_session
    from tui.journal import Journal
    from tui.journal_ui import attach_journal

    write_policy(tmp_path, monkeypatch)
    session = demo_session()
    attach_journal(session, Journal(":memory:"), lookup_final_after_ms=0)
    theirs = fill(30)
    mine = fill(12, by="bob")
    cat = service_for(session, "cat")
    for rid in theirs[:5]:
        cat.approve(rid)
    bob = service_for(session, "bob")
    for rid in theirs[5:8]:
        bob.approve(rid)
    model = ApprovalsModel(lambda: bob)
    view = model.load("waiting-for-me", limit=10)
    assert view.total == view.waiting == 27  # theirs, less the 3 bob signed
    ids = [i.id for i in view.items]
    while view.more:
        view = model.more(view, limit=10)
        ids = [i.id for i in view.items]
    assert ids == theirs[:5] + theirs[8:]
    assert ids == [i.id for i in bob.queue("waiting-for-me")]
    mine_view = model.load("mine", limit=5)
    assert mine_view.total == 12 and [i.id for i in mine_view.items] == mine[:5]
    assert [i.id for i in model.more(mine_view, limit=100).items] == mine
