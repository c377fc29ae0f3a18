"""A reusable table of records: columns declared as data, sort, filter, CSV export.

:class:`RecordTable` is what the Orders, Deposit and History screens show their lists in.
A screen declares its :class:`Column` list once and hands the widget plain records
(pydantic models, dataclasses, anything picklable with attributes). The widget keeps them
in a private temporary SQLite store (:mod:`tui.stores.record_store`), not in memory, and
its DataTable holds only the rows in view: moving past the first or last row reads the
next ones by key (keyset paging, the virtual table's window arithmetic), so a table of a
million records mounts, sorts and scrolls in the memory of one screen. It owns:

- sorting (``s`` steps through the columns, ``S`` reverses, a header click sorts by that
  column): numbers exactly, then text case-folded, then blanks, ties in load order;
  reversed is the exact reverse;
- filtering (``/`` opens the filter, Enter keeps it, Esc clears it): a record is shown when
  every word of the filter appears in one of its cells;
- CSV export (``e``): every shown row, every column, amounts exactly as the venue sent
  them (:func:`tui.core.amounts.exact_amount`), times as ISO 8601 UTC, written in a worker to the export directory under the
  user's data directory, and the path notified;
- loading / error / empty states, and an info line counting what is shown.

Amounts are right-aligned and written with :func:`tui.core.amounts.table_amount` (padded
to the record's coin's precision), never
rounded. Colours come from theme variables only: a column's ``style`` names a variable
(``"success"``, ``"warning"``, ``"error"``...), resolved against the current theme and
re-resolved when the theme changes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual import events
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from tui.core.amounts import exact_amount, table_amount
from tui.core.times import display_time, display_zone, iso_time_ms, utc_clock, zone_label
from tui.paths import app_paths
from tui.stores import table_query
from tui.stores.record_store import LOAD_ORDER, RecordSource, RecordStore, StoredRecord, \
    sort_value
from tui.stores.table_query import Query, Window
from tui.widgets.windowed_rows import WindowedRowKeys
from tui.widgets.table_keys import TOP_BOTTOM_BINDINGS, TopBottomKeys
from tui.widgets.text_cells import TextCellsMixin

__all__ = ["Column", "RecordTable", "export_dir", "format_time_ms", "iso_time_ms", "time_column",
           "cell_text", "columns_that_fit"]


def format_time_ms(value: int | None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in the display zone (UTC unless the user chose local
    time: :mod:`tui.core.times`) for a millisecond epoch time ("" for None)."""
    if value is None:
        return ""
    seconds = int(value) // 1000
    if display_zone() == "utc":
        return utc_clock(seconds)  # the same text, fast for a table of 100,000 times
    return display_time(seconds)


def cell_text(value: Any) -> str:
    """The exact, unformatted text of a value, as CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return exact_amount(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column of a :class:`RecordTable`.

    ``title`` is the header; ``key`` the record attribute it shows (and its id);
    ``numeric`` right-aligns it and formats Decimals with thousands separators;
    ``value`` reads the cell's value from a record (default ``getattr(record, key)``);
    ``formatter`` turns that value into display text (default: amounts through
    :func:`~tui.core.amounts.table_amount` for the record's ``coin``, enums by value, ``None`` as blank);
    ``export`` turns it into the CSV text (default :func:`cell_text`: exact, unformatted);
    ``style`` names a theme variable to colour the cell with, per record (or None);
    ``width`` fixes the column's width (None: fit the content);
    ``drop`` is when the column gives way in a narrow window: 0 never (a key column),
    else higher numbers go first (the table drops columns rather than scroll sideways
    or cut a figure; CSV export and the filter still use every column).
    """

    title: str
    key: str
    numeric: bool = False
    formatter: Callable[[Any], str] | None = None
    value: Callable[[Any], Any] | None = None
    export: Callable[[Any], str] | None = None
    style: Callable[[Any], str | None] | None = None
    width: int | None = None
    drop: int = 0

    def get(self, record: Any) -> Any:
        """This column's value for ``record``."""
        if self.value is not None:
            return self.value(record)
        return getattr(record, self.key, None)

    def display(self, record: Any) -> str:
        """The text shown in the table for ``record``."""
        return self.shown_text(self.get(record), record)

    def shown_text(self, value: Any, record: Any) -> str:
        """The text shown for ``value``, this column's value of ``record``."""
        if self.formatter is not None:
            return self.formatter(value)
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return table_amount(value, getattr(record, "coin", None))
        return cell_text(value)

    def shown_title(self) -> str:
        """The header on screen: a time column names the display zone (the CSV header
        keeps ``title``: exports are always UTC)."""
        return self.title.replace("(UTC)", f"({zone_label()})")

    def csv(self, record: Any) -> str:
        """The exact text written to CSV for ``record``."""
        return self.exact(self.get(record))

    def exact(self, value: Any) -> str:
        """The exact text written to CSV for ``value``, this column's value of a record."""
        return self.export(value) if self.export is not None else cell_text(value)


def time_column(title: str = "time (UTC)", key: str = "time_ms", *, drop: int = 0) -> Column:
    """A time column: shown as ``YYYY-MM-DD HH:MM:SS`` UTC, exported as ISO 8601 UTC."""
    return Column(title, key, formatter=format_time_ms, export=iso_time_ms, drop=drop)


def columns_that_fit(widths: Sequence[int], drops: Sequence[int], room: int) -> list[int]:
    """The indexes of the columns to show in ``room`` cells: droppable columns give way,
    highest ``drop`` first (the rightmost of equals first), until the rest fit, then any
    dropped column that fits the room left comes back (lowest ``drop`` first); key
    columns (``drop`` 0) always stay."""
    shown = list(range(len(widths)))
    order = sorted((i for i in shown if drops[i] > 0), key=lambda i: (drops[i], i),
                   reverse=True)
    total = sum(widths)
    dropped = []
    for index in order:
        if total <= room:
            break
        shown.remove(index)
        dropped.append(index)
        total -= widths[index]
    for index in reversed(dropped):  # a narrower column dropped early may fit again
        if total + widths[index] <= room:
            shown.append(index)
            total += widths[index]
    return sorted(shown)


def export_dir() -> Path:
    """Where CSV exports go: ``exports/`` under the user's data directory (created)."""
    paths = app_paths()
    return paths.ensure(paths.data_dir / "exports")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "table"


class _Grid(WindowedRowKeys, TopBottomKeys, TextCellsMixin, DataTable):
    """The data grid inside a :class:`RecordTable`: row cursor, zebra stripes, j/k.

    It holds only the rows in view; moving past either end (keys, pages, Home/End, the
    mouse wheel) asks the table for the next rows instead of scrolling."""

    HELP_SECTION = "table"

    BINDINGS: list[BindingType] = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next row"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous row"),
        *TOP_BOTTOM_BINDINGS,
    ]

    DEFAULT_CSS = """
    _Grid { height: 1fr; scrollbar-size-vertical: 1; }
    """

    stripe_offset = 0
    """The absolute position of the first row held, so stripes stay with their rows."""

    @property
    def owner(self) -> "RecordTable":
        """The table whose rows these are."""
        return self.query_ancestor(RecordTable)

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        if row_index >= 0 and self.zebra_stripes:
            row_index += self.stripe_offset
        return super()._get_row_style(row_index, base_style)

    def wheel(self, rows: int) -> None:
        """The wheel scrolls the window by ``rows`` and leaves the cursor where it is."""
        self.owner.scroll_rows(rows)

    def on_resize(self, event: events.Resize) -> None:
        self.owner.fit_height()
        self.owner.grid_resized()


BACKGROUND_LOAD_AT = 5_000
"""From this many records, :meth:`RecordTable.set_records` fills a new store in a worker
thread (about 20 µs a record: each one's sort keys and search text are worked out as it
goes in) while the rows already shown stay, and swaps it in when done: the app keeps
answering keys through a 100,000-record load."""
DEFAULT_HEIGHT = 40
"""Rows read before the table has a size."""


class _RecordView(Sequence[Any]):
    """The records of a query, read from the store on demand (``len``, iteration,
    indexing, equality with a list); holds none of them."""

    def __init__(self, source: RecordSource, query: Query) -> None:
        self._source = source
        self._query = query

    def __len__(self) -> int:
        return self._source.count(self._query)

    def __iter__(self) -> Iterator[Any]:
        return self._source.walk(self._query)

    def __getitem__(self, index: Any) -> Any:  # type: ignore[override]
        if isinstance(index, slice):
            return list(self)[index]
        return self._source.at(self._query, index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, _RecordView)):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<{len(self)} records>"


class RecordTable(Vertical):
    """A sortable, filterable, CSV-exportable table of records (see the module doc).

    ``columns`` declares the table; ``record_key`` gives each record's unique id (rows
    keep the cursor across refreshes by it); ``name`` names the CSV file (with the
    screen's name, ``export_prefix``); ``empty_text`` is shown when there are no records.
    """

    HELP_SECTION = "table"

    BINDINGS: list[BindingType] = [
        Binding("s", "cycle_sort", "Sort", tooltip="Sort by the next column (or click a header)"),
        Binding("S", "reverse_sort", "Reverse", show=False, tooltip="Reverse the sort order"),
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="Show only rows containing the words typed"),
        Binding("escape", "clear_filter", "Clear filter", show=False,
                tooltip="Clear the filter and go back to the table"),
        Binding("e", "export", "Export CSV",
                tooltip="Write every shown row, exact decimals, to a CSV file"),
    ]

    DEFAULT_CSS = """
    RecordTable { height: 1fr; }
    RecordTable > .rt-filter {
        display: none;
        height: 3;
        border: tall $primary;
    }
    RecordTable > .rt-filter.-shown { display: block; }
    RecordTable > .rt-state {
        display: none;
        height: auto;
        color: $text-muted;
        text-style: italic;
        padding: 1 2;
    }
    RecordTable > .rt-state.-error { color: $error; text-style: bold; }
    RecordTable > .rt-state.-shown { display: block; }
    RecordTable > .rt-info {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    """

    class Highlighted(Message):
        """The cursor moved onto a record (``record`` None when the table is empty)."""

        def __init__(self, table: "RecordTable", record: Any) -> None:
            super().__init__()
            self.table = table
            self.record = record

        @property
        def control(self) -> "RecordTable":
            """The table the cursor moved in."""
            return self.table

    class Selected(Message):
        """Enter was pressed on a record."""

        def __init__(self, table: "RecordTable", record: Any) -> None:
            super().__init__()
            self.table = table
            self.record = record

        @property
        def control(self) -> "RecordTable":
            """The table the record was chosen in."""
            return self.table

    class Exported(Message):
        """A CSV export finished: ``path`` written with ``rows`` rows."""

        def __init__(self, table: "RecordTable", path: Path, rows: int) -> None:
            super().__init__()
            self.table = table
            self.path = path
            self.rows = rows

    def __init__(self, columns: Sequence[Column], *, record_key: Callable[[Any], Hashable],
                 name: str = "records", export_prefix: str = "",
                 empty_text: str = "no records", id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: list[Column] = list(columns)
        self.record_key = record_key
        self.table_name = name
        self.export_prefix = export_prefix
        self.empty_text = empty_text
        self.store = self._new_store()
        self.source = self._source_of(self.store)
        self._loading: int | None = None
        """The number of the background load under way (see :data:`BACKGROUND_LOAD_AT`)."""
        self._loads = 0
        self._arrived_while_loading: list[Any] = []
        self.window = Window()
        """The records in view (the DataTable holds these and no others)."""
        self.total_shown = 0
        """How many records the filter lets through."""
        self.filter_text = ""
        self.sort_index: int | None = None
        self.sort_reverse = False
        self.busy = False
        """True while the table's records are being (re)loaded."""
        self.error_text: str | None = None
        """The table's error, shown above its rows."""
        self.note = ""
        """Extra text for the info line (e.g. "m loads older")."""
        self.last_export: Path | None = None
        self.export_profile: str | None = None
        """The profile named in export file names (None: the screen's ``profile``)."""
        self.hidden_columns: list[Column] = []
        """Columns left out because the window is too narrow for them (see ``drop``)."""
        self._fitted_width = -1
        self._widest: list[int] = [0] * len(self.columns)
        """Each column's widest cell seen since the records were set (the fit only ever
        drops more columns while scrolling, never flaps)."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter · enter keeps it · esc clears", classes="rt-filter")
        yield Static(classes="rt-state", markup=False)
        yield _Grid(cursor_type="row", zebra_stripes=True, cell_padding=1)
        yield Static(classes="rt-info", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self.rebuild(), init=False)
        # After the mount completes: during on_mount ``is_mounted`` is still False, so a
        # table never loaded (Fills before an order is chosen) would stay without header.
        self.call_after_refresh(self.rebuild)

    # -- public API ---------------------------------------------------------------------

    @property
    def grid(self) -> DataTable:
        """The DataTable the rows are drawn in."""
        return self.query_one(_Grid)

    def focus_table(self) -> None:
        """Move keyboard focus to the rows."""
        self.grid.focus()

    @property
    def records(self) -> Sequence[Any]:
        """Every record loaded, in load order (read from the store on demand)."""
        return _RecordView(self.source, Query(LOAD_ORDER))

    @property
    def shown(self) -> Sequence[Any]:
        """The records shown: filtered and sorted, top to bottom (read on demand)."""
        return _RecordView(self.source, self.current_query())

    def set_records(self, records: Iterable[Any]) -> None:
        """Show ``records`` (replacing what was there); clears the loading/error state.
        Many records (:data:`BACKGROUND_LOAD_AT`) load in a worker thread: the table says
        "loading…" over the rows it had until they are in."""
        batch = records if isinstance(records, list) else list(records)
        self._loads += 1
        self._loading = None
        self._arrived_while_loading = []
        if len(batch) >= BACKGROUND_LOAD_AT and self.is_mounted:
            self._loading = self._loads
            self.show_loading()
            # run_worker with a description: @work would repr() every record to name it
            self.run_worker(partial(self._fill_new_store, batch, self._loads), thread=True,
                            group="record-table-load", exit_on_error=False,
                            description=f"load {len(batch):,} records")
            return
        self._widest = [0] * len(self.columns)
        self.store.clear()
        self.store.add(self._stored(batch))
        self.busy = False
        self.error_text = None
        self.rebuild()

    def _new_store(self) -> RecordStore:
        return RecordStore(len(self.columns), sorts=self._sort_of, search=self._search_of,
                           derive=self._derived)

    def _source_of(self, store: RecordStore) -> RecordSource:
        return RecordSource(store, [table_query.Column(c.key, c.title, c.width or 0, c.numeric)
                                    for c in self.columns])

    def _fill_new_store(self, batch: list[Any], load: int) -> None:
        store = self._new_store()
        try:
            store.add(self._stored(batch))
        except Exception as exc:  # a record that cannot be stored: said, the app goes on
            store.close()
            self.app.call_from_thread(self._load_failed, load, str(exc))
            return
        self.app.call_from_thread(self._swap_in, load, store)

    def _swap_in(self, load: int, store: RecordStore) -> None:
        if load != self._loading:  # a newer set_records came meanwhile
            store.close()
            return
        # the old store is left to the garbage collector: an export may still be reading it
        self.store, self.source = store, self._source_of(store)
        self._loading = None
        self._widest = [0] * len(self.columns)
        arrived, self._arrived_while_loading = self._arrived_while_loading, []
        if arrived:
            self.store.add(self._stored(arrived), skip_known=True)
        self.busy = False
        self.error_text = None
        self.rebuild()

    def _load_failed(self, load: int, message: str) -> None:
        if load == self._loading:
            self._loading = None
            self.show_error(f"could not load the records: {message.splitlines()[0]}")

    def add_records(self, records: Iterable[Any]) -> int:
        """Append records not already present (by ``record_key``); returns how many were new
        (during a background load: how many were handed over, added when it is in)."""
        if self._loading is not None:
            batch = list(records)
            self._arrived_while_loading.extend(batch)
            return len(batch)
        added = self.store.add(self._stored(records), skip_known=True)
        self.busy = False
        self.error_text = None
        self.rebuild()
        return added

    def _stored(self, records: Iterable[Any]) -> Iterator[tuple[str, Any]]:
        record_key = self.record_key
        for record in records:
            yield str(record_key(record)), record

    def _sort_of(self, record: Any, column: int) -> tuple[int, str]:
        return sort_value(self.columns[column].get(record), cell_text)

    def _search_of(self, record: Any) -> str:
        return " ".join(c.display(record) + " " + c.csv(record) for c in self.columns).casefold()

    def _derived(self, record: Any) -> tuple[str, list[tuple[int, str]]]:
        """``record``'s search text and its sort key per column, each value read once (as
        it is loaded: the first sort or filter then has nothing to work out)."""
        texts, sorts = [], []
        for column in self.columns:
            value = column.get(record)
            if type(value) is str and column.formatter is None and column.export is None:
                texts.append(value)  # shown and exported as it is
                sorts.append((1, value.casefold()) if value else (2, ""))
                continue
            shown, exact = column.shown_text(value, record), column.exact(value)
            texts.append(shown)
            if exact != shown:  # words never span two texts: once is enough
                texts.append(exact)
            sorts.append(sort_value(value, cell_text))
        return " ".join(texts).casefold(), sorts

    def show_loading(self) -> None:
        """Show the loading state (kept rows stay visible)."""
        self.busy = True
        self.error_text = None
        self.rebuild()

    def show_error(self, message: str) -> None:
        """Show ``message`` as this table's error (kept rows stay visible below it)."""
        self.busy = False
        self.error_text = message
        self.rebuild()

    def set_note(self, note: str) -> None:
        """Set the extra text at the end of the info line."""
        self.note = note
        self._show_info()

    @property
    def current(self) -> Any:
        """The record under the cursor, or None."""
        row = self.window.current
        return None if row is None else row.record  # type: ignore[attr-defined]

    def current_query(self) -> Query:
        """The sort and filter in force, as a store query."""
        sort = LOAD_ORDER if self.sort_index is None else self.columns[self.sort_index].key
        words = tuple(self.filter_text.casefold().split())
        return Query(sort, self.sort_reverse and self.sort_index is not None, (), words)

    def select_key(self, key: Hashable) -> bool:
        """Put the cursor on the record with ``key``; False if it is not shown."""
        query = self.current_query()
        found = self.source.position(query, key)
        if found is None:
            return False
        record, position = found
        self._show_window(self._around(query, record, position, self.window.cursor))
        return True

    @property
    def view_height(self) -> int:
        """How many rows the grid shows (what one window holds)."""
        if not self.is_mounted:
            return DEFAULT_HEIGHT
        grid = self.grid
        height = grid.scrollable_content_region.height - (grid.header_height
                                                          if grid.show_header else 0)
        return max(height, 1) if grid.size.height else DEFAULT_HEIGHT

    def set_filter(self, text: str) -> None:
        """Show only records whose cells contain every word of ``text``."""
        self.filter_text = text
        self.rebuild()

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        """Sort by the column ``key`` (None: load order)."""
        self.sort_index = None if key is None else [c.key for c in self.columns].index(key)
        self.sort_reverse = reverse
        self.rebuild()

    def csv_rows(self) -> list[list[str]]:
        """The header and every shown row as exact text, as the CSV file gets them."""
        rows = [[c.title for c in self.columns]]
        rows += [[c.csv(r) for c in self.columns] for r in self.shown]
        return rows

    # -- the window -----------------------------------------------------------------------

    def move_cursor_by(self, steps: int) -> None:
        """Move the cursor ``steps`` rows (negative: up), reading only rows that come
        into view."""
        if not self.window.rows or not steps:
            return
        query, height = self.current_query(), self.view_height
        if steps > 0:
            window = table_query.down(self.source, query, self.window, height, steps)
        else:
            window = table_query.up(self.source, query, self.window, height, -steps)
        self._show_window(window)

    def scroll_rows(self, steps: int) -> None:
        """Scroll the view ``steps`` rows (the wheel), the cursor staying on its record
        while that is in view (else on the nearest row)."""
        window, height = self.window, self.view_height
        if not window.rows or not steps:
            return
        query = self.current_query()
        if steps > 0:
            edge = Window(window.rows, window.offset, len(window.rows) - 1)
            moved = table_query.down(self.source, query, edge, height, steps)
            fallback = 0
        else:
            moved = table_query.up(self.source, query, Window(window.rows, window.offset, 0),
                                   height, -steps)
            fallback = len(moved.rows) - 1
        current = window.rows[window.cursor].ident
        idents = [row.ident for row in moved.rows]
        cursor = idents.index(current) if current in idents else fallback
        self._show_window(Window(moved.rows, moved.offset, cursor))

    def jump(self, *, end: bool) -> None:
        """Put the cursor on the first (or last) row."""
        query, height = self.current_query(), self.view_height
        if end:
            window = table_query.end(self.source, query, height, self.total_shown)
        else:
            window = table_query.top(self.source, query, height)
        self._show_window(window)

    def fit_height(self) -> None:
        """Read the window again when the grid's height changed."""
        if self.window.rows and len(self.window.rows) != min(self.view_height,
                                                             self.total_shown):
            self._show_window(table_query.reload(self.source, self.current_query(),
                                                 self.window, self.view_height))

    def _around(self, query: Query, record: StoredRecord, position: int,
                cursor_at: int) -> Window:
        """The window with ``record`` (at ``position``) under the cursor, ``cursor_at``
        rows from the top where there are rows enough above it."""
        height = self.view_height
        above = min(max(cursor_at, 0), height - 1)
        before = tuple(reversed(self.source.page(query, record.key, forward=False,
                                                 limit=above))) if above else ()
        after = tuple(self.source.page(query, record.key, forward=True,
                                       limit=height - len(before), inclusive=True))
        if len(before) + len(after) < height and len(before) == above:
            first = before[0].key if before else record.key
            more = tuple(reversed(self.source.page(
                query, first, forward=False, limit=height - len(before) - len(after))))
            before = more + before
        return Window(before + after, max(position - len(before), 0), len(before))

    def _show_window(self, window: Window, *, columns: bool = False) -> None:
        """Show ``window``'s rows in the grid (re-drawn only when they changed) and put
        the grid's cursor on its cursor."""
        grid = self.grid
        if columns or window.rows != self.window.rows or not grid.columns:
            self.window = window
            self._fill(grid)
        else:
            self.window = window
        if window.rows:
            grid.move_cursor(row=window.cursor, animate=False)
        self._show_info()

    def _fill(self, grid: DataTable) -> None:
        grid.stripe_offset = self.window.offset or 0  # type: ignore[attr-defined]
        grid.clear(columns=True)
        labels = []
        for index, column in enumerate(self.columns):
            label = column.shown_title()
            if index == self.sort_index:
                label += " ▲" if self.sort_reverse == column.numeric else " ▼"
            labels.append(label)
        records = [row.record for row in self.window.rows]  # type: ignore[attr-defined]
        texts = [[column.display(record) for column in self.columns] for record in records]
        visible = self._fit(labels, texts)
        self.hidden_columns = [c for i, c in enumerate(self.columns) if i not in visible]
        for index in visible:
            column = self.columns[index]
            grid.add_column(Text(labels[index], justify="right" if column.numeric else "left"),
                            key=column.key, width=column.width)
        for row, record, cells_text in zip(self.window.rows, records, texts):
            cells = []
            for index in visible:
                column = self.columns[index]
                style = self._style(column.style(record)) if column.style else ""
                cells.append(Text(cells_text[index], style=style,
                                  justify="right" if column.numeric else "left"))
            grid.add_row(*cells, key=str(row.ident[0]))

    # -- rendering ----------------------------------------------------------------------

    def _style(self, name: str | None) -> Style | str:
        if not name:
            return ""
        variables = self.app.get_css_variables()
        colour = variables.get(name.lstrip("$"))
        return Style.parse(colour) if colour else ""

    def rebuild(self) -> None:
        """Re-read the rows in view, the state line and the info line from the store,
        keeping the cursor on the record it was on."""
        if not self.is_mounted:
            return
        current = self.current
        query = self.current_query()
        self.total_shown = self.source.count(query)
        window = None
        if current is not None:
            found = self.source.position(query, self.record_key(current))
            if found is not None:
                window = self._around(query, found[0], found[1], self.window.cursor)
        if window is None:
            window = table_query.top(self.source, query, self.view_height)
        self._show_window(window, columns=True)
        self._show_state()

    def _fit(self, labels: list[str], texts: list[list[str]]) -> list[int]:
        """The indexes of the columns that fit the grid's width now (every column before
        the grid has a size)."""
        from rich.cells import cell_len

        grid = self.grid
        self._fitted_width = grid.size.width
        if grid.size.width <= 0:
            return list(range(len(self.columns)))
        padding = 2 * grid.cell_padding
        widths = []
        for index, column in enumerate(self.columns):
            natural = max([cell_len(labels[index]), self._widest[index]]
                          + [cell_len(row[index]) for row in texts])
            self._widest[index] = natural
            widths.append((column.width or natural) + padding)
        room = grid.size.width - grid.styles.scrollbar_size_vertical
        return columns_that_fit(widths, [c.drop for c in self.columns], room)

    def grid_resized(self) -> None:
        """The grid changed size: fit the columns again when its width changed."""
        if self.is_mounted and self.grid.size.width != self._fitted_width:
            self._show_window(self.window, columns=True)

    def _show_state(self) -> None:
        state = self.query_one(".rt-state", Static)
        state.remove_class("-error")
        if self.error_text:
            state.update(f"✗ {self.error_text}")
            state.add_class("-error", "-shown")
        elif self.total_shown:
            state.remove_class("-shown")
        else:
            if self.busy:
                text = "loading…"
            elif self.filter_text and len(self.store):
                text = f"no rows match “{self.filter_text}”"
            else:
                text = self.empty_text
            state.update(text)
            state.add_class("-shown")

    def _show_info(self) -> None:
        if not self.is_mounted:
            return
        total, shown = len(self.store), self.total_shown
        noun = "row" if total == 1 else "rows"
        parts = [f"{shown} of {total} {noun}" if shown != total else f"{total} {noun}"]
        rows, offset = self.window.rows, self.window.offset
        if len(rows) < shown and offset is not None:
            parts.append(f"rows {offset + 1:,}–{offset + len(rows):,}")
        if self.busy:
            parts.append("loading…")
        if self.sort_index is not None:
            parts.append(f"sort: {self.columns[self.sort_index].title}"
                         f"{' reversed' if self.sort_reverse else ''}")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        if self.hidden_columns:
            names = [c.title for c in self.hidden_columns]
            more = f" +{len(names) - 2}" if len(names) > 2 else ""
            parts.append(f"hidden: {', '.join(names[:2])}{more} (narrow; e exports all)")
        if self.note:
            parts.append(self.note)
        self.query_one(".rt-info", Static).update(" · ".join(parts))

    # -- actions ------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        """Sort by the next column; after the last one, back to load order."""
        if self.sort_index is None:
            self.sort_index = 0
        elif self.sort_index + 1 < len(self.columns):
            self.sort_index += 1
        else:
            self.sort_index = None
        self.sort_reverse = False
        self.rebuild()

    def action_reverse_sort(self) -> None:
        """Reverse the current sort order."""
        if self.sort_index is not None:
            self.sort_reverse = not self.sort_reverse
            self.rebuild()

    def action_filter(self) -> None:
        """Show the filter input and focus it."""
        field = self.query_one(".rt-filter", Input)
        field.add_class("-shown")
        field.focus()

    def action_clear_filter(self) -> None:
        """Clear and hide the filter, and go back to the rows."""
        field = self.query_one(".rt-filter", Input)
        field.value = ""
        field.remove_class("-shown")
        self.grid.focus()
        if self.filter_text:
            self.set_filter("")

    def export_name(self) -> str:
        """The CSV file name: view (``export_prefix``), profile, table, UTC time stamp.

        The profile is ``export_profile`` when set, else the screen's chosen ``profile``."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%fZ")
        profile = self.export_profile or getattr(self.screen, "profile", None)
        parts = [self.export_prefix, profile, self.table_name]
        return "-".join(_slug(p) for p in parts if p) + f"-{stamp}.csv"

    def action_export(self) -> None:
        """Write every shown row to a CSV file (in a worker) and notify its path."""
        self._export(self.export_name(), self.csv_rows())

    @work(thread=True, exit_on_error=False, group="record-table-export")
    def _export(self, name: str, rows: list[list[str]]) -> None:
        try:
            path = export_dir() / name
            with path.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(rows)
        except OSError as exc:
            self.app.call_from_thread(self.app.notify, f"export failed: {exc}",
                                      severity="error")
            return
        self.app.call_from_thread(self._exported, path, len(rows) - 1)

    def _exported(self, path: Path, rows: int) -> None:
        self.last_export = path
        self.app.notify(f"exported {rows} rows to {path}", title="CSV export", timeout=6)
        self.post_message(self.Exported(self, path, rows))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            if not self.is_mounted:
                return False
            field = self.query_one(".rt-filter", Input)
            # Let Esc fall through to "back" when there is no filter to clear.
            return bool(self.filter_text or field.has_class("-shown"))
        if action == "reverse_sort":
            return self.sort_index is not None
        return True

    # -- events -------------------------------------------------------------------------

    @on(Input.Changed, ".rt-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_filter(event.value)

    @on(Input.Submitted, ".rt-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            event.input.remove_class("-shown")
        self.grid.focus()

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        index = [c.key for c in self.columns].index(str(event.column_key.value))
        if index == self.sort_index:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_index, self.sort_reverse = index, False
        self.rebuild()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self, self.current))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record = self.current
        if record is not None:
            self.post_message(self.Selected(self, record))
