"""Snapshot tests of the Approvals screen at 80×24 and 200×60: pending, partly approved,
approved and a withdrawal to an address, on fixed operator keys and a fixed clock (ages
and countdowns do not move). Update with ``pytest tests/test_snapshots_approvals.py
--snapshot-update`` and look at the baselines before committing."""

from __future__ import annotations

import pytest
from approvals_world import hold_transfer, hold_withdrawal, service_for, write_policy
from test_app_move import make_app
from test_app_support import wait_loaded

from tui.approvals.service import ApprovalService
from tui.screens.approvals import ApprovalsScreen

NOW = 1_767_323_045_000  # 2026-01-02 03:04:05 UTC
PROPOSED = (NOW - 3_725_000, NOW - 600_000, NOW - 45_000, NOW - 86_000_000)


@pytest.fixture(autouse=True)
def still(monkeypatch, tmp_path):
    """No timers, a fixed clock, the three-operator policy, bob at this machine."""
    monkeypatch.setattr(ApprovalsScreen, "tick_seconds", None)
    monkeypatch.setattr(ApprovalsScreen, "clock", staticmethod(lambda: NOW))
    opened = ApprovalService.open.__func__

    def open_at_now(cls, **kw):
        svc = opened(cls, **kw)
        svc.clock = lambda: NOW
        return svc

    monkeypatch.setattr(ApprovalService, "open", classmethod(open_at_now))
    write_policy(tmp_path, monkeypatch)


def app_with_queue():
    app, session, _ = make_app()
    clocks = iter(PROPOSED)

    def at():
        t = next(clocks)
        return lambda: t

    a = hold_transfer(session, amount="12.34567891", clock=at())
    b = hold_withdrawal(session, amount="1250.5", clock=at())
    c = hold_transfer(session, by="cat", amount="1500", clock=at())
    d = hold_transfer(session, amount="7", clock=at())
    service_for(session, "cat", clock=lambda: NOW - 30_000).approve(a.id)
    service_for(session, "dan", clock=lambda: NOW - 20_000).approve(c.id)
    service_for(session, "cat", clock=lambda: NOW - 10_000).approve(d.id)
    service_for(session, "dan", clock=lambda: NOW - 5_000).approve(d.id)
    del b
    return app


async def open_queue(pilot) -> None:
    await wait_loaded(pilot)
    await pilot.press("8")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ApprovalsScreen)


def test_queue_80x24(snap_compare) -> None:
    assert snap_compare(app_with_queue(), terminal_size=(80, 24), run_before=open_queue)


def test_queue_200x60(snap_compare) -> None:
    assert snap_compare(app_with_queue(), terminal_size=(200, 60), run_before=open_queue)
