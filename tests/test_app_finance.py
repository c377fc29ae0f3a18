"""Pilot tests of the Finance screen against the demo sandbox: opened from the palette
action, a file refused with its problems by line, a batch previewed, confirmed, journaled,
sent with the progress bar filled, every row's outcome in the table and exported as CSV."""

from __future__ import annotations

import csv

import pytest
from test_app_orders import capture_notices
from test_app_support import screen_text, wait_loaded
from textual.widgets import Input, ProgressBar

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.journal_ui import journal_for
from tui.screens.finance import FinanceScreen
from tui.widgets.record_table import RecordTable

SIZE = (130, 36)
A, B = "482698709891649537", "482698709891649538"


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


def finance_app() -> CoinsoleApp:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    capture_notices(app)
    return app


async def open_finance(pilot) -> FinanceScreen:
    await wait_loaded(pilot)
    assert pilot.app.finance_profiles() == ["bhex-demo"]
    await pilot.app.run_action("open_finance")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FinanceScreen)
    return screen


async def type_path(pilot, screen: FinanceScreen, path) -> None:
    field = screen.query_one("#path", Input)
    field.focus()
    field.value = str(path)
    await pilot.press("enter")
    await wait_loaded(pilot)


async def test_refused_file_lists_problems_and_sends_nothing(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"uid,coin,amount\n{A},AT,1e3\n{B},AT,1\n", encoding="utf-8")
    app = finance_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_finance(pilot)
        await type_path(pilot, screen, path)
        text = screen_text(app)
        assert "bad.csv is refused; nothing was sent" in text
        assert "line 2: amount '1e3' is written with an exponent" in text
        assert screen.request is None and not screen.check_action("send", ())
        assert journal_for(app.session).entries() == []


async def test_prepare_preview_send_results_export(tmp_path) -> None:
    path = tmp_path / "drop.csv"
    path.write_text(f"uid,coin,amount,lock\n{A},AT,1.5,true\n7,AT,2,\n{B},AT,0.25,\n",
                    encoding="utf-8")
    app = finance_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_finance(pilot)
        await type_path(pilot, screen, path)
        assert "AT  total 3.75  available 15000" in screen_text(app)
        assert screen.check_action("send", ())
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        assert screen.entry is not None and screen.entry.state.value == "ACCEPTED"
        (entry,) = journal_for(app.session).entries()
        assert entry.request.row_count == 3
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.progress == bar.total == 1
        table = screen.query_one(RecordTable)
        assert [(r.line, r.ok) for r in table.records] == [(2, True), (3, False), (4, True)]
        assert "2 done, 1 failed, 0 not known yet" in screen_text(app)
        assert not screen.check_action("send", ())
        await pilot.press("e")
        await wait_loaded(pilot)
        with open(table.last_export, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [(r["line"], r["amount"], r["outcome"]) for r in rows] == [
            ("2", "1.5", "done"), ("3", "2", "failed: user information wrong (31009)"),
            ("4", "0.25", "done")]


async def test_escape_closes() -> None:
    app = finance_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_finance(pilot)
        screen.set_focus(None)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FinanceScreen)


async def test_the_palette_offers_finance_and_opens_it() -> None:
    from test_app_palette_themes import palette_names

    app = finance_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        names = [n.strip() for n in await palette_names(pilot, "finance")]
        assert "Finance" in names, names
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, FinanceScreen)
