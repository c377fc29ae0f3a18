"""Pilot tests of the Statistics screen against the demo sandbox: opened from the palette
action, holdings with exact totals, the broker-audit worklist, the range picker, fees,
CSV export with exact decimals, and a failing venue shown in its tab only."""

from __future__ import annotations

import csv

import pytest
from test_app_orders import capture_notices
from test_app_support import screen_text, wait_loaded
from textual.widgets import Select

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.sandbox.bhex_stats import SEEDED_WITHDRAWALS
from tui.screens.statistics import StatisticsScreen, day_range

SIZE = (140, 36)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


def stats_app() -> CoinsoleApp:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    capture_notices(app)
    return app


async def open_statistics(pilot) -> StatisticsScreen:
    await wait_loaded(pilot)
    assert pilot.app.statistics_profiles() == ["bhex-demo"]
    await pilot.app.run_action("open_statistics")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatisticsScreen)
    return screen


async def test_holdings_and_worklist() -> None:
    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_statistics(pilot)
        assert screen.profiles == ["bhex-demo"]
        holdings = screen.table("holdings").records
        venue = app.session.adapter("bhex-demo")
        assert holdings == await venue.stats_token_hold_summary()
        assert "USDT" in screen_text(app)
        screen.select_tab("audit")
        await wait_loaded(pilot)
        audit = screen.table("audit").records
        assert {str(w.total_quantity) for w in audit} == {"300582.13173", "12.5"}
        assert "awaiting broker audit" in screen_text(app)
        await pilot.press("]")
        await wait_loaded(pilot)
        assert screen.active_table_id == "withdrawals"
        assert len(screen.table("withdrawals").records) == len(SEEDED_WITHDRAWALS)


async def test_range_picker_and_fees() -> None:
    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_statistics(pilot)
        screen.select_tab("fees")
        await wait_loaded(pilot)
        week = {(f.symbol_id, f.fee_token_id): f.fee_total for f in screen.table("fees").records}
        screen.query_one("#range", Select).value = 90
        await pilot.pause()
        await wait_loaded(pilot)
        assert screen.days == 90
        quarter = {(f.symbol_id, f.fee_token_id): f.fee_total
                   for f in screen.table("fees").records}
        venue = app.session.adapter("bhex-demo")
        expected = await venue.stats_trade_fee(*day_range(90))
        assert quarter == {(f.symbol_id, f.fee_token_id): f.fee_total for f in expected}
        assert all(quarter[k] >= week.get(k, 0) for k in quarter)
        assert sum(quarter.values()) > sum(week.values())


async def test_export_writes_exact_decimals() -> None:
    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_statistics(pilot)
        await pilot.press("e")
        await wait_loaded(pilot)
        table = screen.table("holdings")
        path = table.last_export
        assert path is not None and path.name.startswith("stats-")
        assert "holdings" in path.name
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["total"] for r in rows] == [format(r.total, "f") for r in table.shown]


async def test_failure_stays_in_its_tab_and_escape_closes() -> None:
    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_statistics(pilot)
        app.session.sandbox.faults.configure("bhex", error_rate=1.0)
        screen.select_tab("deposits")
        await wait_loaded(pilot)
        assert screen.table("deposits").error_text
        assert screen.table("holdings").records  # the other tab keeps its figures
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatisticsScreen)


async def test_per_day_chart_beside_withdrawals() -> None:
    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_statistics(pilot)
        screen.select_tab("withdrawals")
        await wait_loaded(pilot)
        bars = screen.chart("withdrawals").bars
        assert len(bars) == screen.days
        assert sum(value for _, value in bars) == len(screen.table("withdrawals").records)
        assert "per day" in screen_text(app) and "█" in screen_text(app)


def status(modal) -> str:
    from textual.widgets import Static

    return str(modal.query_one("#dl-status", Static).render())


async def test_download_modal_saves_with_progress(tmp_path) -> None:
    from textual.widgets import Input, ProgressBar

    from tui.sandbox.bhex_stats import download_bytes
    from tui.screens.stats_download import DownloadScreen

    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_statistics(pilot)
        await pilot.press("d")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DownloadScreen)
        tmp_path = tmp_path / "exports"
        tmp_path.mkdir()
        modal.directory = tmp_path
        modal.query_one("#dl-date", Input).value = "2999-01-01"
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert "no balance file" in status(modal) and not list(tmp_path.iterdir())
        modal.query_one("#dl-date", Input).value = "2020-13-01"
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert "yyyy-MM-dd" in status(modal)
        modal.query_one("#dl-date", Input).value = "2020-01-02"
        await pilot.press("enter")
        await wait_loaded(pilot)
        saved = tmp_path / "balance-2020-01-02.xlsx"
        assert modal.saved == saved
        assert saved.read_bytes() == download_bytes("balance", "2020-01-02")
        bar = modal.query_one("#dl-progress", ProgressBar)
        assert bar.progress == bar.total == saved.stat().st_size
        await pilot.press("enter")  # again: never overwrites
        await wait_loaded(pilot)
        assert modal.saved == tmp_path / "balance-2020-01-02-1.xlsx"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StatisticsScreen)


async def test_top_holders_follow_the_holdings_cursor() -> None:
    app = stats_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_statistics(pilot)
        holdings = screen.table("holdings")
        tokens = [r.token_id for r in holdings.shown]
        assert screen.top_token() == tokens[0]
        holdings.select_key("USDT")
        await pilot.pause()
        screen.select_tab("top")
        await wait_loaded(pilot)
        venue = app.session.adapter("bhex-demo")
        expected = await venue.stats_token_hold_top("USDT", top=20)
        assert screen.table("top").records == expected
        assert [v for _, v in screen.chart("top").bars] == [h.total for h in expected]
        screen.select_tab("holdings")
        await pilot.pause()
        holdings.select_key("BTC")
        await pilot.pause()
        screen.select_tab("top")
        await wait_loaded(pilot)
        assert screen.top_for == "BTC"
        assert screen.table("top").records == await venue.stats_token_hold_top("BTC", top=20)
