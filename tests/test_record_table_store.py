"""RecordTable on its store: the DataTable holds only the rows in view, paging by key
crosses every window boundary without skipping or repeating a record, sorts are exact and
stable (ties in load order, reversed the exact reverse), filters match the in-memory rule,
and a 100,000-record table opens with one screen of rows in the grid."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from tui.stores.record_store import sort_value
from tui.widgets.record_table import Column, RecordTable, cell_text


@dataclass(frozen=True)
class Row:
    id: int
    coin: str
    amount: Decimal
    note: str | None


COLUMNS = [Column("id", "id", numeric=True), Column("coin", "coin"),
           Column("amount", "amount", numeric=True), Column("note", "note")]
COINS = ("BTC", "eth", "USDT", "doge")


def make_rows(count: int) -> list[Row]:
    return [Row(i, COINS[i % 4], Decimal(i % 7) / Decimal(4) - 1,
                None if i % 5 == 0 else f"n{i % 3}") for i in range(count)]


def old_sort_key(value):
    """The in-memory table's sort rule (numbers, then text case-folded, then blanks)."""
    if value is None or value == "":
        return (2, "")
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return (0, value)
    return (1, cell_text(value).casefold())


class TableApp(App):
    def __init__(self, rows) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield RecordTable(COLUMNS, record_key=lambda r: r.id, name="rows")

    def on_mount(self) -> None:
        self.query_one(RecordTable).set_records(self.rows)


async def started(app: TableApp, pilot) -> RecordTable:
    await pilot.pause()
    await pilot.pause()
    table = app.query_one(RecordTable)
    table.focus_table()
    return table


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.none(), st.just(""), st.integers(-10**30, 10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: d == 0 or abs(d.adjusted()) < 400),
    st.text(max_size=6)), max_size=30))
def test_store_sort_keys_order_exactly_like_the_in_memory_rule(values) -> None:
    by_store = sorted(range(len(values)), key=lambda i: (sort_value(values[i], cell_text), i))
    by_memory = sorted(range(len(values)), key=lambda i: (old_sort_key(values[i]), i))
    assert [old_sort_key(values[i]) for i in by_store] == \
        [old_sort_key(values[i]) for i in by_memory]


async def test_the_grid_holds_one_screen_and_paging_sees_every_record_once() -> None:
    rows = make_rows(1_000)
    app = TableApp(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await started(app, pilot)
        height = table.view_height
        assert table.grid.row_count == height < 40
        seen = [table.current.id]
        for step in range(len(rows) - 1):
            table.move_cursor_by(1)
            seen.append(table.current.id)
            assert table.grid.row_count == height
            assert table.grid.cursor_row == table.window.cursor
        assert seen == list(range(1_000))
        for _ in range(len(rows) - 1):
            table.move_cursor_by(-1)
        assert table.current.id == 0 and table.window.offset == 0


async def test_pages_home_end_and_wheel_cross_the_window_edges() -> None:
    rows = make_rows(500)
    app = TableApp(rows)
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        height = table.view_height
        await pilot.press("end")
        assert table.current.id == 499 and table.window.offset == 500 - height
        assert f"rows {500 - height + 1}–500" in table.query_one(".rt-info").render().plain
        await pilot.press("pageup")
        assert table.current.id == 499 - height
        await pilot.press("home")
        assert table.current.id == 0
        await pilot.press("pagedown", "pagedown")
        assert table.current.id == 2 * height
        await pilot.press("k")
        assert table.current.id == 2 * height - 1
        first = table.window.rows[0].record.id
        table.scroll_rows(3)
        assert table.window.rows[0].record.id == first + 3
        assert table.current.id == 2 * height - 1  # the cursor stays on its record
        table.scroll_rows(-3)
        assert table.window.rows[0].record.id == first


async def test_sorts_are_stable_exact_and_reverse_exactly() -> None:
    rows = make_rows(300)
    app = TableApp(rows)
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        for key in ("amount", "coin", "note"):
            table.sort_by(key)
            expected = sorted(rows, key=lambda r: old_sort_key(getattr(r, key)))
            assert list(table.shown) == expected  # ties keep load order
            table.sort_by(key, reverse=True)
            assert list(table.shown) == list(reversed(expected))
            await pilot.press("end")
            assert table.current == expected[0]
            await pilot.press("home")
            assert table.current == expected[-1]
        table.sort_by(None)
        assert list(table.shown) == rows == table.records


async def test_filters_match_every_word_like_the_in_memory_table() -> None:
    rows = make_rows(400)
    app = TableApp(rows)
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        table.set_filter("ETH n1")
        expected = [r for r in rows if r.coin == "eth" and r.note == "n1"]
        assert list(table.shown) == expected and len(table.shown) == len(expected)
        assert table.current == expected[0]
        info = table.query_one(".rt-info").render().plain
        assert info.startswith(f"{len(expected)} of 400 rows")
        table.set_filter("nothing-like-this")
        assert table.current is None and len(table.shown) == 0
        assert "no rows match" in table.query_one(".rt-state").render().plain


async def test_refreshes_keep_the_cursor_and_add_records_skips_known_keys() -> None:
    rows = make_rows(200)
    app = TableApp(rows)
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        assert table.select_key(150)
        assert table.current.id == 150
        table.set_records(rows)  # a refresh
        assert table.current.id == 150
        added = table.add_records(make_rows(210))
        assert added == 10 and len(table.records) == 210
        assert table.records[-1].id == 209 and table.records[0].id == 0
        assert not table.select_key(999)


async def test_a_hundred_thousand_records_open_with_one_screen_in_the_grid() -> None:
    rows = make_rows(100_000)
    app = TableApp(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await started(app, pilot)
        while table.busy:  # so many load in a worker thread (test_record_table_background.py)
            await app.workers.wait_for_complete()
            await pilot.pause()
        del rows
        app.rows = []
        assert table.grid.row_count == table.view_height
        assert len(table.records) == 100_000
        table.sort_by("amount", reverse=True)
        await pilot.press("end")
        assert table.current.amount == Decimal(-1)
        assert table.current.id == 0  # the reversed sort's last: the first tie loaded
        assert table.grid.row_count == table.view_height


async def test_the_mouse_wheel_scrolls_the_window_by_key() -> None:
    from textual import events

    rows = make_rows(300)
    app = TableApp(rows)
    async with app.run_test(size=(100, 24)) as pilot:
        table = await started(app, pilot)
        grid = table.grid
        grid.post_message(events.MouseScrollDown(grid, 1, 2, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert table.window.rows[0].record.id == 3 and table.window.offset == 3
        assert table.current.id == 3  # the cursor's record scrolled away: the top row
        grid.post_message(events.MouseScrollUp(grid, 1, 2, 0, -1, 0, False, False, False))
        await pilot.pause()
        assert table.window.rows[0].record.id == 0 and table.current.id == 3
