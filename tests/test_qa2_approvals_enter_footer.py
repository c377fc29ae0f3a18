"""Approvals: with a request under the cursor the footer shows "⏎ Detail" (the queue
table's own hidden Enter used to hide it), and Enter still opens the detail."""

from __future__ import annotations

import pytest
from approvals_world import hold_transfer, write_policy
from test_app_approvals import open_approvals
from test_app_move import make_app
from test_app_support import screen_text, wait_loaded

from tui.screens.approvals import ApprovalDetailScreen, ApprovalsScreen

SIZE = (120, 30)


@pytest.fixture(autouse=True)
def no_tick(monkeypatch):
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)


async def test_enter_detail_in_the_footer(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        hold_transfer(session, amount="12.5")
        screen = await open_approvals(pilot)
        assert screen.selected_id() is not None
        footer = screen_text(app).rstrip().splitlines()[-1]
        assert "⏎ Detail" in footer, footer
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ApprovalDetailScreen)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is screen
