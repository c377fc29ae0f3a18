"""Finance screen: focus starts outside the path field, so the footer shows the screen's
keys and ? opens help; o goes to the path field."""

from __future__ import annotations

import pytest
from test_app_finance import finance_app, open_finance
from test_app_support import screen_text
from textual.widgets import Input

from tui.screens.help import HelpScreen

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def test_footer_keys_and_help_reachable_at_80_columns() -> None:
    app = finance_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_finance(pilot)
        path = screen.query_one("#path", Input)
        assert app.focused is not path
        footer = screen_text(app).rstrip().splitlines()[-1]
        for shown in ("esc Close", "o File", "? Help"):
            assert shown in footer, footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and path.value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("o")
        await pilot.pause()
        assert app.focused is path and path.value == ""
