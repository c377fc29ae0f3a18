"""Issue 12, missing: local-time display in the TUI, chosen by `--time local` or
`time_zone = "local"` in settings.toml; exports stay in UTC."""

from __future__ import annotations

import os
import time

import pytest
from test_app_support import wait_loaded

from tui.app import CoinsoleApp
from tui.core import times
from tui.demo import demo_session
from tui.ui_settings import settings_file
from tui.widgets.record_table import RecordTable


@pytest.fixture
def india(monkeypatch):
    """A local zone 5:30 ahead of UTC; the display zone back to UTC afterwards."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()
    times.set_display_zone("utc")


def test_display_time_follows_the_zone(india) -> None:
    stamp = 1_764_000_000  # 2025-11-24 16:00:00 UTC
    assert times.display_time(stamp) == "2025-11-24 16:00:00"
    times.set_display_zone("local")
    assert times.display_time(stamp) == "2025-11-24 21:30:00"
    assert times.iso_time_ms(stamp * 1000) == "2025-11-24T16:00:00.000Z"
    with pytest.raises(ValueError):
        times.set_display_zone("mars")


def test_the_flag_wins_over_the_saved_zone(india) -> None:
    from tui.cli import _apply_time_zone

    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[tui]\ntime_zone = "local"\n', encoding="utf-8")
    _apply_time_zone(None)
    assert times.display_zone() == "local"
    _apply_time_zone("utc")
    assert times.display_zone() == "utc"


async def test_history_shows_local_time_and_exports_utc(india) -> None:
    times.set_display_zone("local")
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(200, 40)) as pilot:
        await wait_loaded(pilot)
        await app.run_action("switch_main('history')")
        await wait_loaded(pilot)
        await pilot.pause()
        table = next(t for t in app.screen.query(RecordTable) if t.display and t.records)
        grid = table.grid
        headers = [str(c.label) for c in grid.columns.values()]
        assert headers[0].startswith("time (local)"), headers
        record = table.shown[0]
        shown = str(grid.get_row_at(0)[0])
        expected = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.time_ms // 1000))
        assert shown == expected
        assert shown != time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(record.time_ms // 1000))
        rows = table.csv_rows()
        assert rows[0][0] == "time (UTC)"
        assert rows[1][0] == times.iso_time_ms(record.time_ms)
    assert os.environ["TZ"] == "Asia/Kolkata"
