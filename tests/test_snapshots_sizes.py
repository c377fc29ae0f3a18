"""Snapshots of every main screen at 80×24 (the smallest terminal coinsole promises to be
usable in) and 200×60, with the deterministic demo (Orders and History on a sandbox with
a fixed clock, Activity with fixed journal times). Issue 12: nothing cut mid-number,
forms and QR codes fit.

Update with ``pytest tests/test_snapshots_sizes.py --snapshot-update`` and look at the
baselines (``tests/__snapshots__/test_snapshots_sizes/``) before committing.
"""

from __future__ import annotations

import pytest
from test_app_orders import trading_app
from test_app_support import wait_loaded
from textual.widgets import Select

from tui import journal_ui
from tui.app import CoinsoleApp
from tui.screens.activity import ActivityScreen

SIZES = {"80x24": (80, 24), "200x60": (200, 60)}
SCREENS = ("welcome", "balances", "profiles", "move", "activity", "deposit", "history",
           "orders", "users", "holdings")
"""Every main screen, by mode (Profiles, which the demo has not, over fixed profiles;
Approvals, shown only with a policy, in tests/test_snapshots_approvals.py)."""


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch, tmp_path):
    """Fixed journal times, no background refresh, a private COINSOLE_HOME."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    journal_ui.set_time_format(lambda ms: "2026-01-02 03:04:05")
    monkeypatch.setattr(ActivityScreen, "refresh_seconds", None)
    monkeypatch.setattr(ActivityScreen, "reconcile_pending", False)
    yield
    journal_ui.set_time_format(None)


def app_at(mode: str) -> tuple[CoinsoleApp, object]:
    """The app and what to run before the capture for the main screen ``mode``."""
    if mode == "welcome":
        async def nothing(pilot) -> None:
            await pilot.pause()
        return CoinsoleApp(None, idle_lock_minutes=None), nothing
    if mode == "profiles":
        return profiles_app()
    app, _ = trading_app()

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        if mode != "balances":
            await pilot.app.run_action(f"switch_main('{mode}')")
            await wait_loaded(pilot)
        if mode == "deposit":
            pilot.app.screen.query_one("#profile", Select).value = "bhex-demo"
            await pilot.pause()
            await wait_loaded(pilot)
            pilot.app.screen.set_focus(None)
        await pilot.pause()

    return app, run_before


def profiles_app() -> tuple[CoinsoleApp, object]:
    """Profiles over two profiles saved in the (private) COINSOLE_HOME, no vault."""
    from test_app_support import FakeSession, balance, fake_profiles

    from tui.config import ProfileStore

    profiles = fake_profiles(("desk-spot", "fcoin"), ("org-bhex", "bitz"))
    store = ProfileStore()
    for profile in profiles:
        store.add(profile)
    data = {"desk-spot": [balance("desk-spot", "fcoin", "BTC", "1.5")],
            "org-bhex": [balance("org-bhex", "bitz", "USDT", "2531.07000000")]}
    app = CoinsoleApp(FakeSession(data, store.load()), idle_lock_minutes=None)

    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.app.run_action("switch_main('profiles')")
        await wait_loaded(pilot)
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("mode", SCREENS)
def test_main_screen(snap_compare, mode: str, size: str) -> None:
    app, run_before = app_at(mode)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
