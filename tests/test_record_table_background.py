"""A RecordTable given many records (BACKGROUND_LOAD_AT or more) fills a new store in a
worker thread: the rows it had stay on screen under "loading…", a newer set_records wins
over a load still under way, and records added meanwhile are kept."""

from __future__ import annotations

import threading
from decimal import Decimal

from test_record_table_store import TableApp, make_rows, started
from tui.stores.record_store import RecordStore
from tui.widgets.record_table import BACKGROUND_LOAD_AT


class Gate:
    """Holds RecordStore.add calls made off the main thread until opened."""

    def __init__(self, monkeypatch) -> None:
        self.open = threading.Event()
        add = RecordStore.add

        def held(store, rows, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                self.open.wait(timeout=30)
            return add(store, rows, **kwargs)

        monkeypatch.setattr(RecordStore, "add", held)


async def loaded(app, pilot, table) -> None:
    while table.busy:
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_many_records_load_behind_the_rows_already_shown(monkeypatch) -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        assert len(table.records) == 50 and not table.busy
        gate = Gate(monkeypatch)
        many = make_rows(BACKGROUND_LOAD_AT + 10)
        table.set_records(many)
        await pilot.pause()
        assert table.busy and len(table.records) == 50  # the old rows, said to be loading
        assert "loading…" in str(table.query_one(".rt-info").render())
        await pilot.press("down")  # the app answers keys meanwhile
        gate.open.set()
        await loaded(app, pilot, table)
        assert len(table.records) == BACKGROUND_LOAD_AT + 10
        assert table.total_shown == BACKGROUND_LOAD_AT + 10
        table.sort_by("amount", reverse=True)
        assert table.shown[0].amount == max(r.amount for r in many)


async def test_a_newer_set_records_wins_over_a_load_under_way(monkeypatch) -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        gate = Gate(monkeypatch)
        table.set_records(make_rows(BACKGROUND_LOAD_AT))
        table.set_records(make_rows(7))  # few: at once, and the pending load is dropped
        assert len(table.records) == 7 and not table.busy
        gate.open.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(table.records) == 7


async def test_records_added_during_a_load_are_kept(monkeypatch) -> None:
    app = TableApp(make_rows(10))
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        gate = Gate(monkeypatch)
        rows = make_rows(BACKGROUND_LOAD_AT + 3)
        table.set_records(rows[:BACKGROUND_LOAD_AT])
        table.add_records(rows[BACKGROUND_LOAD_AT - 1:])  # one known, three new
        gate.open.set()
        await loaded(app, pilot, table)
        assert [r.id for r in table.records][-4:] == [BACKGROUND_LOAD_AT - 1 + i
                                                      for i in range(4)]
        assert len(table.records) == BACKGROUND_LOAD_AT + 3
        assert sum((r.amount for r in table.records), Decimal(0)) == \
            sum((r.amount for r in rows), Decimal(0))
