"""Pilot tests of the History screen against the demo sandbox: records listed with status
words, "load more" walking older pages with no record twice, balance flow where the venue
has one, and CSV export with exact decimals."""

from __future__ import annotations

import csv
import re

import pytest
from test_app_orders import capture_notices
from test_app_support import screen_text, wait_loaded
from textual.widgets import Select

from tui.app import CoinsoleApp
from tui.core.moves import MoveStatus
from tui.demo import demo_session
from tui.screens.history import PAGE_SIZE, HistoryScreen
from tui.widgets.record_table import iso_time_ms

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def open_history(pilot, profile: str | None = None) -> HistoryScreen:
    """Switch to the History screen (key 6), optionally pick ``profile``, and wait."""
    await wait_loaded(pilot)
    await pilot.press("6")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    if profile is not None:
        screen.query_one("#profile", Select).value = profile
        await pilot.pause()
        await wait_loaded(pilot)
    return screen


def history_app() -> CoinsoleApp:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    capture_notices(app)
    return app


async def test_records_are_listed_with_status_words() -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert "bitunix-demo" in screen.profiles and "fcoin-demo" not in screen.profiles
        records = screen.table("deposits").records
        assert records and all(r.status in MoveStatus for r in records)
        text = screen_text(app)
        assert records[0].id in text and "done" in text
        await pilot.press("]")
        await wait_loaded(pilot)
        assert screen.active_table_id == "withdrawals"
        table = screen.table("withdrawals")
        assert table.records or table.error_text is None, table.error_text


async def test_load_more_adds_older_records_without_duplicates() -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, "bhex-demo")
        assert "flow" in screen.tabs_shown
        table = screen.table("deposits")
        first = list(table.records)
        assert len(first) == PAGE_SIZE
        await pilot.press("m")
        await wait_loaded(pilot)
        more = table.records
        assert len(more) > len(first)
        ids = [r.id for r in more]
        assert len(ids) == len(set(ids))
        assert more[:PAGE_SIZE] == first
        oldest_first_page = min(int(r.id) for r in first)
        assert all(int(r.id) < oldest_first_page for r in more[PAGE_SIZE:])
        assert any("older deposits loaded" in n for n in app.notices)
        # Walk to the end: every record once, then "every ... record is loaded".
        for _ in range(20):
            if "deposits" in screen.exhausted:
                break
            await pilot.press("m")
            await wait_loaded(pilot)
        assert "deposits" in screen.exhausted
        ids = [r.id for r in table.records]
        assert len(ids) == len(set(ids))
        venue = app.session.adapter("bhex-demo")
        assert ids == [r.id for r in await venue.deposit_history()]
        await pilot.press("m")
        await pilot.pause()
        assert "every deposits record is loaded" in app.notices[-1]


async def test_balance_flow_tab() -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, "bhex-demo")
        await pilot.press("]", "]")
        await wait_loaded(pilot)
        assert screen.active_table_id == "flow"
        assert "balance after" in screen_text(app)


async def test_export_writes_exact_decimals() -> None:
    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, "bhex-demo")
        await pilot.press("e")
        await wait_loaded(pilot)
        table = screen.table("deposits")
        path = table.last_export
        assert path is not None and path.name.startswith("history-bhex-demo-deposits-")
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["id"] for r in rows] == [r.id for r in table.shown]
        for row, record in zip(rows, table.shown):
            # ISO 8601 UTC, never epoch milliseconds.
            assert row["time (UTC)"] == iso_time_ms(record.time_ms)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                                row["time (UTC)"])
        for row, record in zip(rows, table.shown):
            assert row["amount"] == format(record.amount, "f")
            assert "," not in row["amount"]
            assert row["status"] == record.status.value
