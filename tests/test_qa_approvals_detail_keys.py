"""QA: the approval detail (enter on a request) ignored a, r and x, so a user reading a
request had to close it first and find the key again; now they act on the request shown."""

from __future__ import annotations

from approvals_world import hold_transfer, write_policy
from test_app_approvals import no_tick, open_approvals  # noqa: F401 - the fixture
from test_app_move import make_app
from test_app_support import wait_loaded

from tui.screens.approvals import ApprovalDetailScreen, ApproveScreen, RejectScreen


async def test_a_and_r_in_the_detail_act_on_the_request(tmp_path, monkeypatch) -> None:
    write_policy(tmp_path, monkeypatch)
    app, session, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        hold_transfer(session)
        screen = await open_approvals(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ApprovalDetailScreen)
        await pilot.press("r")
        await wait_loaded(pilot)
        assert isinstance(app.screen, RejectScreen), type(app.screen)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is screen
        await pilot.press("enter")
        await wait_loaded(pilot)
        await pilot.press("a")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ApproveScreen), type(app.screen)
        await pilot.press("escape")
        await wait_loaded(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)
        await pilot.press("x")
        await wait_loaded(pilot)
        assert app.screen is screen
        assert "only an APPROVED request can be executed" in " ".join(
            str(n.message) for n in app._notifications)
