"""Pilot test: the Approvals detail of a request held by a velocity rule shows the
velocity used and left as the policy counts it now (the other held requests of the same
initiator and coin, not this one) and why the rule matched. Real SQLite store, real keys,
the demo session."""

from __future__ import annotations

import pytest
from approvals_world import hold_transfer, write_policy
from test_app_approvals import SIZE, make_app, open_approvals
from test_app_support import screen_text, wait_loaded
from textual.widgets import Static

from tui.screens.approvals import ApprovalDetailScreen, ApprovalsScreen


@pytest.fixture(autouse=True)
def no_tick(monkeypatch):
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)


async def test_detail_shows_velocity_used_and_left(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)  # daily transfer limit: 50 per initiator and coin
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        earlier = [hold_transfer(session, amount="10") for _ in range(4)]
        assert {i.rule for i in earlier} == {"transfers"}
        last = hold_transfer(session, amount="20")  # 40 + 20 > 50
        assert last.rule == "daily transfer limit"
        screen = await open_approvals(pilot)
        await pilot.press("j", "j", "j", "j")
        assert screen.selected_id() == last.id
        await pilot.press("enter")
        await wait_loaded(pilot)
        detail = app.screen
        assert isinstance(detail, ApprovalDetailScreen)
        velocity = str(detail.query_one("#detail-velocity", Static).render())
        assert velocity == "used 40, left 10 USDT (as the policy counts now)", velocity
        assert "velocity 40 + 20 exceeds 50" in screen_text(app)
        assert not detail.query("#detail-rule-now")  # the same rule matches now
        await pilot.press("escape")
        await wait_loaded(pilot)
        await pilot.press("k", "k", "k", "k", "enter")
        await wait_loaded(pilot)
        assert app.screen.detail.item.id == earlier[0].id
        velocity = str(app.screen.query_one("#detail-velocity", Static).render())
        # counted now: the three other tens and the twenty, this one left out; so the
        # velocity rule, not the one it was proposed under, is what execution will apply
        assert velocity == "used 50, left 0 USDT (as the policy counts now)", velocity
        now = str(app.screen.query_one("#detail-rule-now", Static).render())
        assert now == ("daily transfer limit (approve): execution re-evaluates, this rule "
                       "applies"), now
