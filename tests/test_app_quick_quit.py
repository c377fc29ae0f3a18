"""Quitting at once, while workers are only just started, leaves no coroutine that was
never awaited (Python prints a RuntimeWarning for each one as the process exits)."""

from __future__ import annotations

import gc
import warnings

import httpx

from tui.app import CoinsoleApp
from tui.demo import demo_credentials, demo_profiles
from tui.screens.balances import BalancesScreen
from tui.session import Session


def app_over(sandbox) -> CoinsoleApp:
    """The app on the demo profiles as configured ones (journal recovery runs for them)."""
    session = Session(demo_profiles(), credentials=demo_credentials,
                      transport=httpx.ASGITransport(app=sandbox.app))
    return CoinsoleApp(session, idle_lock_minutes=None)


async def run_and_quit(app: CoinsoleApp, start_then_quit) -> list[str]:
    """Run ``app`` until ``start_then_quit`` has started work and asked to quit; the
    never-awaited warnings that follows."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with app.run_test(size=(120, 36)) as pilot:
            await start_then_quit(pilot)
            await pilot.pause()
        gc.collect()
    return [str(w.message) for w in caught if "never awaited" in str(w.message)]


async def test_journal_recovery_started_then_quit(sandbox) -> None:
    app = app_over(sandbox)
    start = app._start_journal_recovery

    async def start_then_quit(pilot) -> None:
        start()
        app.exit()

    assert await run_and_quit(app, start_then_quit) == []


async def test_a_refresh_started_then_quit(sandbox) -> None:
    app = app_over(sandbox)

    async def start_then_quit(pilot) -> None:
        screen = app.screen
        assert isinstance(screen, BalancesScreen)
        screen.action_refresh()
        screen.action_refresh()  # the second cancels the first's workers before they run
        app.exit()

    assert await run_and_quit(app, start_then_quit) == []
