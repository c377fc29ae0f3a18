"""QA: the Statistics download modal showed a running (indeterminate) progress bar
before anything was asked for, as if a download were under way; now it reads 0% until
Enter starts one."""

from __future__ import annotations

from test_app_statistics import _home, open_statistics, stats_app  # noqa: F401 - fixture
from textual.widgets import ProgressBar

from tui.screens.stats_download import DownloadScreen


async def test_the_bar_is_idle_until_enter() -> None:
    app = stats_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_statistics(pilot)
        await pilot.press("d")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, DownloadScreen)
        bar = modal.query_one("#dl-progress", ProgressBar)
        assert bar.total is not None and bar.percentage == 0
