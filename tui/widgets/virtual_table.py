"""A table whose rows live in a store: it holds only the rows on screen.

:class:`VirtualTable` shows a :class:`~tui.stores.table_query.RowSource` (the org holdings
store, or any other) one screenful at a time. Every move asks the source for just the rows
that come into view, by key (keyset paging: no OFFSET, so the end of a million rows is as
near as the start); sorting and filtering are the source's indexed queries. Memory does not
grow with the row count: the widget keeps one window of rows and a count.

Keys: up/down (k/j) move, PageUp/PageDown a screen, Home/End (g/G) jump to the top or the
end, ``s`` sorts by the next sortable column, ``S`` reverses the order, Enter posts
:class:`VirtualTable.Selected`. Queries run in a worker thread; the newest request wins.
The last line says where the view is: ``rows 1–40 of 1,000,000 · total ↓ · coin=BTC``.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from tui.stores.table_query import (
    Column,
    FilterError,
    Query,
    Record,
    RowSource,
    Window,
    down,
    end,
    parse_filter,
    reload,
    top,
    up,
)

__all__ = ["VirtualTable", "FilterError"]


class VirtualTable(Widget, can_focus=True):
    """Rows of a :class:`RowSource`, fetched a screen at a time (see the module text)."""

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
    }
    VirtualTable > .virtual-table--header {
        text-style: bold;
        color: $accent;
    }
    VirtualTable > .virtual-table--cursor {
        background: $boost;
        text-style: reverse;
    }
    VirtualTable > .virtual-table--status {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES = {"virtual-table--header", "virtual-table--cursor",
                         "virtual-table--status"}

    BINDINGS: list[BindingType] = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,g", "top", "Top", show=False),
        Binding("end,G", "end", "End", show=False),
        Binding("s", "next_sort", "Sort"),
        Binding("S", "reverse", "Reverse"),
        Binding("enter", "select", "Open", show=False),
    ]

    total: reactive[int | None] = reactive(None, layout=False)
    """How many rows match the filter (None while counting)."""

    class Selected(Message):
        """Enter on a row: ``record`` is the row under the cursor."""

        def __init__(self, table: VirtualTable, record: Record) -> None:
            super().__init__()
            self.table = table
            self.record = record

    class Moved(Message):
        """The window changed (a move, a sort, a filter, new data)."""

        def __init__(self, table: VirtualTable) -> None:
            super().__init__()
            self.table = table

    def __init__(self, source: RowSource, *, sort: str, descending: bool = False,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.source = source
        self.query = Query(sort, descending)
        self.window = Window()
        self.error: str | None = None
        """Why the last read failed (shown on the status line), or None."""
        self._generation = 0
        self._count_owed = False
        """A recount was asked for and not yet shown: the next read counts too."""
        self._window_query: Query | None = None
        """The order and filter the window shown was read in."""
        self._fit_cache: tuple[tuple[object, ...], list[tuple[Column, int]]] | None = None

    # -- what the screen calls --------------------------------------------------------

    @property
    def height_rows(self) -> int:
        """How many rows fit (the height less the header and status lines)."""
        return max(self.size.height - 2, 1) if self.size.height else 20

    def set_filter(self, text: str) -> None:
        """Filter by ``text`` (``coin=BTC total>1000 uid=...`` and free words); raises
        :class:`FilterError` (nothing changed) when it cannot be applied."""
        predicates, words = parse_filter(text, self.source.columns)
        query = Query(self.query.sort, self.query.descending, predicates, words, text.strip())
        self.source.check(query)
        self._start(query, "top")

    def set_sort(self, column: str, descending: bool | None = None) -> None:
        """Order by ``column`` (its own direction kept unless ``descending`` is given)."""
        keep = self.query.descending if descending is None else descending
        query = Query(column, keep, self.query.predicates, self.query.words, self.query.text)
        self.source.check(query)
        self._start(query, "top")

    def reload(self) -> None:
        """Read the same place again and recount (after the store changed)."""
        self._start(self.query, "reload")

    # -- actions ----------------------------------------------------------------------

    def action_move(self, steps: int) -> None:
        """Move the cursor ``steps`` rows (negative: up)."""
        self._start(self.query, "down" if steps > 0 else "up", abs(steps), count=False)

    def action_page(self, direction: int) -> None:
        """Move a screenful down (1) or up (-1)."""
        self.action_move(direction * self.height_rows)

    def action_top(self) -> None:
        """Jump to the first row."""
        self._start(self.query, "top", count=False)

    def action_end(self) -> None:
        """Jump to the last row."""
        self._start(self.query, "end", count=False)

    def action_next_sort(self) -> None:
        """Sort by the next sortable column."""
        keys = [c.key for c in self.source.columns if c.sortable]
        following = keys[(keys.index(self.query.sort) + 1) % len(keys)] \
            if self.query.sort in keys else keys[0]
        self.set_sort(following)

    def action_reverse(self) -> None:
        """Reverse the order."""
        self.set_sort(self.query.sort, not self.query.descending)

    def action_select(self) -> None:
        """Post :class:`Selected` for the row under the cursor."""
        if self.window.current is not None:
            self.post_message(self.Selected(self, self.window.current))

    # -- loading ------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._start(self.query, "top")

    def on_resize(self, event: Resize) -> None:
        if len(self.window.rows) != self.height_rows:
            self._start(self.query, "reload", count=False)

    def _start(self, query: Query, how: str, steps: int = 0, *, count: bool = True) -> None:
        """Fetch the window for ``how`` in a worker thread; the newest call wins."""
        self._generation += 1
        # a newer read supersedes an older one: it takes over a recount still owed
        count = count or self.total is None or self._count_owed
        self._count_owed = count
        generation, window, height = self._generation, self.window, self.height_rows
        if query != self._window_query:
            # the window shown is of another order or filter (maybe one still being read):
            # its keys mean nothing in this one
            window = Window()
        self.query = query
        total = self.total if not count else None
        source = self.source

        def work() -> None:
            try:
                fetch()
            except Exception as exc:  # a store that failed: say so, keep the app running
                if not get_current_worker().is_cancelled:
                    self.app.call_from_thread(self._failed, generation, str(exc))

        def fetch() -> None:
            if count:
                total_now: int | None = source.count(query)
            else:
                total_now = total
            if how == "top" or not window.rows:
                fetched = end(source, query, height, total_now) if how == "end" \
                    else top(source, query, height)
            elif how == "end":
                fetched = end(source, query, height, total_now)
            elif how == "down":
                fetched = down(source, query, window, height, steps)
            elif how == "up":
                fetched = up(source, query, window, height, steps)
            else:
                fetched = reload(source, query, window, height)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._apply, generation, fetched, total_now, query)

        self.run_worker(work, thread=True, group="virtual-table", exclusive=True)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.error = message.splitlines()[0] if message else "the store failed"
            self.refresh()

    def _apply(self, generation: int, window: Window, total: int | None,
               query: Query) -> None:
        if generation != self._generation:
            return
        self._window_query = query
        self.error = None
        self.window = window
        self.total = total
        self._count_owed = False
        self.refresh()
        self.post_message(self.Moved(self))

    # -- rendering --------------------------------------------------------------------

    def status_text(self) -> str:
        """``rows 1–40 of 1,000,000 · total ↓ · coin=BTC`` (the last line)."""
        if self.error is not None:
            return f"could not read rows: {self.error}"
        rows, offset, total = self.window.rows, self.window.offset, self.total
        count = "…" if total is None else f"{total:,}"
        if not rows:
            place = f"no rows of {count}" if total is not None else "loading…"
        elif offset is None:
            place = f"{len(rows)} rows of {count}"
        else:
            place = f"rows {offset + 1:,}–{offset + len(rows):,} of {count}"
        arrow = "↓" if self.query.descending else "↑"
        parts = [place, f"{self.query.sort} {arrow}"]
        if self.query.text:
            parts.append(self.query.text)
        hidden = self.hidden_columns
        if hidden:
            parts.append(f"too narrow for {', '.join(hidden)}")
        return " · ".join(parts)

    def layout(self, width: int | None = None) -> list[tuple[Column, int]]:
        """The columns shown and their widths for a line of ``width`` cells (the
        widget's own by default).

        Every column takes its widest text in view (the header included, never less
        than its declared width). When they do not all fit, columns are left out by
        their ``drop`` order (the highest first), then any left out that fits again is
        put back; an amount is never cut. Only when the
        always-shown columns alone are too wide does a text column fall back to its
        declared width, its text cut with "…"."""
        width = self.size.width if width is None else width
        cache_key = (width, self.window, self.query.sort, self.query.descending)
        if self._fit_cache is not None and self._fit_cache[0] == cache_key:
            return self._fit_cache[1]
        columns = list(self.source.columns)
        natural = {}
        for index, column in enumerate(columns):
            widest = max((len(record.cells[index]) for record in self.window.rows
                          if index < len(record.cells)), default=0)
            natural[column.key] = max(column.width, widest,
                                      len(column.title + self._sort_mark(column.key)))
        shown = list(columns)

        def needed(chosen: list[Column]) -> int:
            return sum(natural[c.key] for c in chosen) + max(len(chosen) - 1, 0)

        dropped = []
        for column in sorted((c for c in columns if c.drop), key=lambda c: -c.drop):
            if needed(shown) <= width:
                break
            shown.remove(column)
            dropped.append(column)
        for column in reversed(dropped):  # a narrower one left out later may fit back
            trial = [c for c in columns if c in shown or c is column]
            if needed(trial) <= width:
                shown = trial
        if needed(shown) > width:  # last resort: text columns back to their own width
            for column in shown:
                if not column.numeric:
                    natural[column.key] = max(column.width,
                                              len(column.title + self._sort_mark(column.key)))
        result = [(column, natural[column.key]) for column in shown]
        self._fit_cache = (cache_key, result)
        return result

    @property
    def hidden_columns(self) -> list[str]:
        """Titles of the columns left out to fit the width (the status line names them)."""
        shown = {column.key for column, _ in self.layout()}
        return [c.title for c in self.source.columns if c.key not in shown]

    def render_line(self, y: int) -> Strip:
        """Line 0 the header, then the window's rows, the last line the status."""
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("virtual-table--header")
            return self._strip({c.key: c.title + self._sort_mark(c.key)
                                for c in self.source.columns}, style, width)
        if y == self.size.height - 1:
            style = self.get_component_rich_style("virtual-table--status")
            return Strip([Segment(self.status_text()[:width].ljust(width), style)])
        index = y - 1
        if index < len(self.window.rows):
            record = self.window.rows[index]
            style = (self.get_component_rich_style("virtual-table--cursor")
                     if index == self.window.cursor else self.rich_style)
            return self._strip(dict(zip((c.key for c in self.source.columns), record.cells)),
                               style, width)
        return Strip([Segment(" " * width, self.rich_style)])

    def _sort_mark(self, key: str) -> str:
        if key != self.query.sort:
            return ""
        return " ↓" if self.query.descending else " ↑"

    def _strip(self, cells: dict[str, str], style: Style, width: int) -> Strip:
        parts = []
        for column, size in self.layout(width):
            text = cells.get(column.key, "")
            if len(text) > size and not column.numeric:
                text = text[:size - 1] + "…"
            parts.append(text.rjust(size) if column.numeric else text.ljust(size))
        line = " ".join(parts)[:width].ljust(width)
        return Strip([Segment(line, style)])
