"""Pilot test: the Approvals detail of a 1,000-row finance batch held for approval (real
SQLite store, real operator keys, the demo session). The batch is summed up (rows, per-coin
totals, file hash, first rows), its ``tasks`` and ``lines`` collapsed to a count and the
first few; ``v`` shows every parameter in full in a scrollable view; the request hash is
the one over the parameters exactly as stored."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from approvals_world import KEYS, key
from test_app_approvals import make_app, open_approvals
from test_app_support import screen_text, wait_loaded
from textual.widgets import Static, TextArea

from tui.approvals.canonical import request_hash
from tui.approvals.service import ApprovalService, load_policy_file, request_for
from tui.approvals.store_factory import open_store
from tui.core.moves import Settlement
from tui.finance.batch import prepare_rows
from tui.finance.request import plan_batch
from tui.journal_ui import journal_for, mover_for
from tui.screens.approvals import ApprovalDetailScreen, ApprovalsScreen, ParamsFullScreen
from tui.screens.approvals_params import batch_summary, param_lines
from tui.venues.bhex_finance import FinanceOp

SIZE = (160, 40)
ROWS = 1000


@pytest.fixture(autouse=True)
def no_tick(monkeypatch):
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)


def airdrop_policy(tmp_path, monkeypatch) -> None:
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]\n'
                    for n, (_, pub) in KEYS.items())
    path = tmp_path / "policy.toml"
    path.write_text(ops + '[[rule]]\nname = "airdrops"\naction = "airdrop"\n'
                    'outcome = "approve"\nquorum = "2 of treasury"\n'
                    '[[rule]]\nname = "default"\noutcome = "allow"\n', encoding="utf-8")
    monkeypatch.setenv("COINSOLE_POLICY", str(path))
    monkeypatch.setenv("COINSOLE_OPERATOR", "bob")


def thousand_row_batch():
    """An airdrop of 1,000 rows: uid 10000+n gets n/100 AT (even n) or n/1000 BTC (odd)."""
    rows = [(n + 2, {"uid": str(10000 + n), "coin": "AT" if n % 2 == 0 else "BTC",
                     "amount": str(Decimal(n + 1) / (100 if n % 2 == 0 else 1000))})
            for n in range(ROWS)]
    data = "\n".join(f"{r['uid']},{r['coin']},{r['amount']}" for _, r in rows).encode()
    batch = prepare_rows(FinanceOp.AIRDROP, rows, file_hash=hashlib.sha256(data).hexdigest(),
                         source="airdrop-1000.csv")
    return plan_batch(batch, profile="bhex-demo")


def hold_batch(session):
    request = thousand_row_batch()
    svc = ApprovalService(load_policy_file(), open_store(), operator=key("ann"),
                          journal=journal_for(session))
    ev = svc.evaluate(request)
    assert ev.outcome == "approve", ev.line()
    _, item = svc.hold(mover_for(session), request, Settlement.KEYED, ev)
    svc.close()
    return request, item


async def test_a_1000_row_batch_detail_is_summed_up_and_v_shows_all(tmp_path,
                                                                     monkeypatch) -> None:
    airdrop_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        request, item = hold_batch(session)
        screen = await open_approvals(pilot)
        assert screen.selected_id() == item.id
        await pilot.press("enter")
        await wait_loaded(pilot)
        detail = app.screen
        assert isinstance(detail, ApprovalDetailScreen)
        d = detail.detail
        params = json.loads(request.model_dump_json())
        assert d.params == params and d.hash_ok  # shown shortened, stored and hashed whole
        assert d.request_hash == request_hash(request_for(request, "ann"), d.policy_hash)
        text = screen_text(app)
        totals = {c: sum(Decimal(n + 1) / (100 if c == "AT" else 1000)
                         for n in range(ROWS) if (n % 2 == 0) == (c == "AT")) for c in ("AT", "BTC")}
        assert {c: Decimal(t) for c, t in request.totals.items()} == totals \
            == {"AT": Decimal("2500"), "BTC": Decimal("250.5")}
        for part in ("1,000 in 2 tasks", "AT 2500.00 · BTC 250.500", request.file_hash,
                     "airdrop-1000.csv", "10000 AT 0.01", "10001 BTC 0.002",
                     "(first 3 of 1,000)", "1,000 items: 2, 3, 4, …", "2 shortened: v shows all"):
            assert part in text, part
        assert "10999" not in text  # the last row is not listed on the detail
        shown = sum(len(str(w.render())) for w in detail.query("#params Static"))
        assert shown < 5000, shown  # a summary, not 1,000 rows

        await pilot.press("v")
        await wait_loaded(pilot)
        full = app.screen
        assert isinstance(full, ParamsFullScreen)
        area = full.query_one("#params-full", TextArea)
        assert json.loads(area.text) == params
        assert "10999,BTC,1" in area.text and '"lines": [' in area.text
        assert area.document.line_count > ROWS  # one line a file line number, at least
        assert area.has_focus
        await pilot.press("pagedown", "pagedown")
        assert area.scroll_offset.y > 0  # it scrolls
        assert area.read_only
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is detail
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is screen


async def test_a_short_request_has_nothing_shortened(tmp_path, monkeypatch) -> None:
    from approvals_world import hold_withdrawal, write_policy

    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        hold_withdrawal(session, amount="1250.5")
        await open_approvals(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)
        detail = app.screen
        assert isinstance(detail, ApprovalDetailScreen)
        assert not detail.query("#batch")
        title = str(detail.query_one("#params-title", Static).render())
        assert title == "wire parameters"
        assert not any(line.collapsed for line in param_lines(detail.detail.params))


def test_summary_helpers_on_plain_data() -> None:
    params = {"lines": list(range(2, 12)), "note": "x" * 500, "coin": "AT",
              "row_count": 2, "totals": {"AT": "3"}, "file_hash": "ab" * 32, "source": "f.csv",
              "tasks": [{"data_type": "json", "items": '[{"user_id":"7","token_id":"AT",'
                                                      '"amount":"1"},{"user_id":"8",'
                                                      '"token_id":"AT","amount":"2"}]'}]}
    lines = {line.key: line for line in param_lines(params)}
    assert lines["lines"].collapsed and lines["lines"].text == "10 items: 2, 3, 4, …"
    assert lines["note"].collapsed and lines["note"].text.endswith("… (500 characters)")
    assert not lines["coin"].collapsed and lines["coin"].text == "AT"
    assert batch_summary(params) == [("rows", "2 in 1 task"), ("totals", "AT 3"),
                                     ("file", f"f.csv  sha256 {'ab' * 32}"),
                                     ("first rows", "7 AT 1; 8 AT 2")]
    assert batch_summary({"coin": "AT"}) is None
