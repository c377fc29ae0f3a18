"""Issue 15: the Activity screen reads the journal a page at a time by key, newest first;
its filter is a query. Pilot tests over 50,000 entries written straight into a real
SQLite journal (tests/journal_fill.py)."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from journal_fill import coin_of, fill, kind_of, state_of
from test_app_support import screen_text, wait_loaded
from textual.widgets import DataTable

from tui.app import CoinsoleApp
from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind
from tui.demo import demo_session
from tui.journal import EntryState
from tui.journal_ui import attach_journal
from tui.screens.activity import ActivityScreen

COUNT = 50_000
SIZE = (120, 36)


@pytest.fixture(scope="module")
def journal_file(tmp_path_factory):
    """A journal file of :data:`COUNT` entries, made once for the module."""
    path = tmp_path_factory.mktemp("journal") / "journal.sqlite"
    fill(path, COUNT).close()
    return path


@pytest.fixture
def app(journal_file, monkeypatch, tmp_path):
    """The demo app over a copy of the big journal (no timer refresh, no venue checks)."""
    from tui.journal import Journal

    copy = tmp_path / "journal.sqlite"
    shutil.copyfile(journal_file, copy)
    monkeypatch.setattr(ActivityScreen, "refresh_seconds", None)
    monkeypatch.setattr(ActivityScreen, "reconcile_pending", False)
    session = demo_session()
    journal = Journal(copy)
    attach_journal(session, journal)
    yield CoinsoleApp(session, demo=True)
    journal.close()


async def open_activity(pilot) -> ActivityScreen:
    await wait_loaded(pilot)
    await pilot.press("4")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ActivityScreen)
    return screen


def ids(screen: ActivityScreen) -> list[int]:
    return [entry.id for entry in screen.entries]


async def test_opens_newest_first_holding_one_screen(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activity(pilot)
        height = screen.view_height
        assert ids(screen) == list(range(COUNT, COUNT - height, -1))
        table = screen.query_one(DataTable)
        assert table.row_count == height < 40  # one screenful, not 50,000 rows
        text = screen_text(app)
        assert "50,000 entries" in text and "50 unknown" in text, text
        assert f"rows 1–{height}" in text


async def test_pages_to_the_end_and_back_seeing_every_entry_once(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activity(pilot)
        height = screen.view_height
        seen = ids(screen)
        for _ in range(5):  # page down: each screen continues where the last ended
            await pilot.press("pagedown")
            await pilot.pause()
            window = ids(screen)
            assert window == list(range(window[0], window[0] - len(window), -1))
        assert screen.selected_id() == COUNT - 5 * height
        await pilot.press("end")
        await pilot.pause()
        assert screen.selected_id() == 1
        assert ids(screen)[-1] == 1 and screen.window.offset == COUNT - height
        assert f"rows {COUNT - height + 1:,}–{COUNT:,}" in screen_text(app)
        await pilot.press("up")
        await pilot.pause()
        assert screen.selected_id() == 2
        await pilot.press("down", "down")  # stays on the last entry
        await pilot.pause()
        assert screen.selected_id() == 1
        await pilot.press("home")
        await pilot.pause()
        assert screen.selected_id() == COUNT and screen.window.offset == 0
        await pilot.press("j", "j")
        await pilot.pause()
        assert screen.selected_id() == COUNT - 2
        assert seen[0] == COUNT


async def test_filter_runs_as_a_query(app) -> None:
    expected = [i for i in range(COUNT, 0, -1)
                if kind_of(i) is MoveKind.WITHDRAW and coin_of(i) == "ETH"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activity(pilot)
        await pilot.press("slash")
        for char in "withdraw eth":
            await pilot.press(char)
        await wait_loaded(pilot)
        height = screen.view_height
        assert ids(screen) == expected[:height]
        assert screen.total == len(expected)
        assert f"{len(expected):,} of 50,000 entries" in screen_text(app)
        await pilot.press("enter")  # keeps the filter, back to the table
        await pilot.press("end")
        await pilot.pause()
        assert ids(screen) == expected[-height:][:len(ids(screen))] or \
            ids(screen)[-1] == expected[-1]
        assert screen.selected_id() == expected[-1]
        for entry in screen.entries:
            assert entry.request.coin == "ETH" and entry.kind == "withdraw"


async def test_filter_by_state_word_and_nothing_matching(app) -> None:
    unknown = [i for i in range(COUNT, 0, -1) if state_of(i) is EntryState.UNKNOWN]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activity(pilot)
        await pilot.press("slash")
        for char in "unknown":
            await pilot.press(char)
        await wait_loaded(pilot)
        assert ids(screen) == unknown[:screen.view_height]
        assert screen.total == len(unknown) == 50
        await pilot.press("ctrl+a")
        for char in "nosuchthing":
            await pilot.press(char)
        await wait_loaded(pilot)
        assert screen.entries == [] and screen.total == 0
        assert "no entries match" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert screen.total == COUNT and screen.selected_id() == COUNT


async def test_a_new_entry_appears_on_refresh_and_the_cursor_stays(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activity(pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        assert screen.selected_id() == COUNT - 2
        mover = screen.mover
        request, settlement = mover.build(
            kind=MoveKind.TRANSFER, profile="fcoin-demo", coin="BTC", amount=Decimal("0.25"),
            from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
            to_account=AccountRef(kind=AccountKind.SPOT))
        entry = screen.journal.add(request, settlement)
        table = screen.query_one(DataTable)
        await pilot.press("r")
        await wait_loaded(pilot)
        assert ids(screen)[0] == entry.id  # shown above, the cursor on the same entry
        assert screen.selected_id() == COUNT - 2
        assert table.row_count == screen.view_height
        assert "50,001 entries" in screen_text(app)
