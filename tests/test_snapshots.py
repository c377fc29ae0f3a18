"""Snapshot tests: how the screens look at 120x36 with the deterministic demo data.

Every capture waits until each profile has finished loading, so no spinner is on screen.
Update the baselines with ``pytest tests/test_snapshots.py --snapshot-update`` and look at
them (``tests/__snapshots__/``) before committing.
"""

from __future__ import annotations

from test_app_support import wait_loaded

from tui.app import CoinsoleApp
from tui.demo import demo_session

SIZE = (120, 36)


def demo_app(*, down: str | None = None) -> CoinsoleApp:
    session = demo_session()
    if down:
        session.sandbox.faults.down(down)
    return CoinsoleApp(session, demo=True)


def test_welcome(snap_compare) -> None:
    assert snap_compare(CoinsoleApp(None), terminal_size=SIZE)


def test_balances(snap_compare) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=wait_loaded)


def test_balances_grouped_by_coin_compact(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("g", "c")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_balances_with_failing_venue(snap_compare) -> None:
    assert snap_compare(demo_app(down="bitz"), terminal_size=SIZE, run_before=wait_loaded)


def test_balance_detail(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        table = pilot.app.screen.table
        index = next(i for i, r in enumerate(table.rows_shown)
                     if r.profile == "fcoin-demo" and r.coin == "ETH")
        table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_balances_light_theme(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        pilot.app.theme = "coinsole-light"
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_balances_high_contrast_theme(snap_compare) -> None:
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        pilot.app.theme = "coinsole-high-contrast"
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)
