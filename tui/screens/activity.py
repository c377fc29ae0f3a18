"""The Activity screen: every journaled money movement, newest first, with live status.

The table is read from the session's journal (:func:`tui.journal_ui.journal_for`) in a
worker on an interval, after every action and when the screen is shown again; accepted
entries whose venue status is not final are looked at again (``Mover.reconcile``) in the
same worker. Enter opens the detail (request, every event, receipt, evidence); ``c``
cancels where the venue allows it, ``s`` settles an UNKNOWN entry and shows the evidence
found, ``S`` settles them all, ``a`` resolves a NONE-settlement unknown by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

from pydantic import SecretStr
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from rich.style import Style
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tui.core.money import plain
from tui.core.moves import MoveStatus, Settlement
from tui.journal import EntryState, JournalEntry, JournalEvent
from tui.journal_ui import MOVE_KIND_WORDS, journal_for, mover_for, time_text
from tui.screens.modal import ModalBase, cancel_binding, close_binding
from tui.screens.trade_password import TradePasswordPrompt
from tui.session import Session
from tui.stores import table_query
from tui.stores.journal_source import NEWEST_FIRST, JournalSource
from tui.stores.table_query import Query, Window
from tui.widgets.key_footer import KeyFooter
from tui.widgets.table_keys import RowTable
from tui.widgets.windowed_rows import WindowedRowKeys
from tui.widgets.main_nav import MainNav
from tui.widgets.title_bar import TitleBar

__all__ = ["ActivityScreen", "ActivityDetailScreen", "ResolveScreen", "TradePasswordScreen",
           "entry_cells", "EMPTY_TEXT"]

EMPTY_TEXT = "no money has moved yet — press 3 to move money"
"""What the screen says when the journal is empty."""

COLUMNS = ("#", "time", "profile", "kind", "amount", "destination", "state", "venue status")

_STATE_COLOUR = {EntryState.ACCEPTED: "success", EntryState.RECONCILED: "success",
                 EntryState.REJECTED: "error"}


DESTINATION_WIDTH = 22
"""Longer destinations are shortened in the table (with …); the detail shows them whole."""


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def entry_cells(entry: JournalEntry, *, full: bool = False) -> list[str]:
    """The text of an entry's row, column by column (``full``: nothing shortened)."""
    request = entry.request
    receipt = entry.receipt
    status = (receipt.venue_status or receipt.status.value) if receipt else ""
    destination = request.destination if full else _shorten(request.destination,
                                                            DESTINATION_WIDTH)
    return [str(entry.id), time_text(entry.created_ms, short=not full), entry.profile,
            MOVE_KIND_WORDS.get(entry.kind, entry.kind), f"{plain(request.amount)} {request.coin}",
            destination, entry.state.value.replace("_", " "),
            _shorten(status, 12) if not full else status]


def _pending(entry: JournalEntry) -> bool:
    return (entry.state is EntryState.ACCEPTED and entry.receipt is not None
            and not entry.receipt.status.final)


class _EntryGrid(WindowedRowKeys, RowTable):
    """Activity's rows: a DataTable holding only the entries in view. Moving past either
    end (keys, pages, Home/End, the wheel) asks the screen for the next entries by key."""

    @property
    def owner(self) -> "ActivityScreen":
        """The screen whose entries these are."""
        screen = self.screen
        assert isinstance(screen, ActivityScreen)
        return screen

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        if row_index >= 0 and self.zebra_stripes:
            row_index += self.owner.window.offset or 0
        return super()._get_row_style(row_index, base_style)

    def on_resize(self, _: events.Resize) -> None:
        self.owner.fit_height()


DEFAULT_HEIGHT = 40
"""Entries read before the table has a size."""
INDEX_CHUNK = 2000
"""Entries added to the filter's search cache per step (about 20 ms) after the screen
opens."""
INDEX_BREATH_S = 0.02  # float-ok: seconds
"""The pause between two steps of filling the search cache."""
FILTER_PAUSE_S = 0.15  # float-ok: seconds
"""The filter is queried once typing pauses this long."""


class ActivityScreen(Screen[None]):
    """Journal entries with live status, and the actions that settle or cancel them.

    The journal is read a screenful at a time by key, newest first
    (:class:`~tui.stores.journal_source.JournalSource`); the filter is a query; a refresh
    re-reads the entries in view only when the journal changed, and redraws only the rows
    that did."""

    SUB_TITLE = "activity"

    refresh_seconds: float | None = 5.0  # float-ok: seconds
    """How often the table refreshes on its own (None: only after actions)."""
    reconcile_pending: bool = True
    """Whether a refresh asks the venue about accepted entries that are still pending."""
    reconcile_limit = 200
    """At most this many pending entries are asked about per refresh (the newest)."""

    BINDINGS: list[BindingType] = [
        # priority: the entry table's own (hidden) Enter would otherwise hide this one
        # from the footer; with no entry selected, or the filter focused, it is disabled
        # and Enter goes on (to the table, or submits the filter).
        Binding("enter", "open_detail", "Detail", priority=True,
                tooltip="Show the request, its history and the evidence"),
        Binding("s", "settle", "Settle now", tooltip="Settle the selected UNKNOWN entry by its "
                                                     "endpoint's rule and show the evidence"),
        Binding("S", "settle_all", "Settle all", tooltip="Settle every UNKNOWN entry"),
        Binding("c", "cancel_move", "Cancel", tooltip="Ask the venue to cancel the selected "
                                                      "pending movement"),
        Binding("a", "resolve", "Resolve", tooltip="Decide an UNKNOWN entry that is never "
                                                   "resent or that the venue could not find "
                                                   "(accepted or rejected, with a note)"),
        Binding("r", "refresh", "Refresh", tooltip="Read the journal and the venues' status again"),
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="Filter by profile, kind, coin, destination or state"),
        Binding("escape", "clear_filter", "Clear filter", show=False,
                tooltip="Clear the filter and go back to the table"),
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next entry"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous entry"),
    ]

    DEFAULT_CSS = """
    ActivityScreen #filter { display: none; height: 3; border: tall $primary; }
    ActivityScreen #filter.-shown { display: block; }
    ActivityScreen #empty { display: none; color: $text-muted; text-style: italic; padding: 1 2; }
    ActivityScreen #empty.-shown { display: block; }
    ActivityScreen #activity { height: 1fr; }
    ActivityScreen #info { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.window = Window()
        """The entries in view (the table holds these and no others)."""
        self.total = 0
        """How many entries pass the filter."""
        self.all_count = 0
        """How many entries the journal holds."""
        self.unknown = 0
        """How many entries are UNKNOWN."""
        self.filter_text = ""
        self.busy = ""
        self.loaded = False
        """Whether the journal has been read once (until then the screen says loading)."""
        self.checking = 0
        """How many pending entries are being checked at their venues right now."""
        self._mark: tuple[int, int, int] | None = None
        self._indexing = False
        self._source: JournalSource | None = None

    @property
    def journal(self) -> Any:
        """The session's journal."""
        return journal_for(self.session)

    @property
    def mover(self) -> Any:
        """The session's mover."""
        return mover_for(self.session)

    @property
    def source(self) -> JournalSource:
        """The journal as pages of rows."""
        journal = self.journal
        if self._source is None or self._source.journal is not journal:
            self._source = JournalSource(journal, entry_cells, [], MOVE_KIND_WORDS)
        return self._source

    @property
    def entries(self) -> list[JournalEntry]:
        """The entries in view, newest first (a screenful, never the whole journal)."""
        return [row.entry for row in self.window.rows]  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("activity")
        yield Input(placeholder="filter: profile, kind, coin, destination or state · esc clears",
                    id="filter")
        yield Static(EMPTY_TEXT, id="empty", markup=False)
        table: DataTable[Any] = _EntryGrid(id="activity", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="info", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        table.focus()
        self.watch(self.app, "theme", lambda _: self.rebuild(), init=False)
        if self.refresh_seconds:
            self.set_interval(self.refresh_seconds, self.action_refresh, name="activity-refresh")
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.query(DataTable):
            self.action_refresh()

    # -- reading --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Read the journal (and pending venue statuses) again, in a worker."""
        self.run_worker(self._refresh, group="activity-refresh", exclusive=True,
                        exit_on_error=False)

    async def _refresh(self) -> None:
        # The journal first, at once; then the venues (slow ones take seconds) for the
        # status of pending movements, saying so on the info line meanwhile.
        self.loaded = True
        self.read_journal()
        if not self._indexing:
            self._indexing = True
            self.run_worker(self._index, group="activity-index", exit_on_error=False)
        pending = self.pending_entries() if self.reconcile_pending else []
        self.checking = len(pending)
        self.show_info()
        if not pending:
            return
        try:
            for entry in pending:
                try:
                    await self.mover.reconcile(entry)
                except Exception:  # noqa: BLE001 - the status stays as it was
                    pass
        finally:
            self.checking = 0
        self.read_journal()
        self.show_info()

    async def _index(self) -> None:
        """Fill the filter's search cache a chunk at a time between frames, so the first
        filter finds it made (a filter typed sooner makes the rest itself)."""
        await asyncio.sleep(INDEX_BREATH_S * 10)  # the first screenful paints first
        while self.is_mounted and self.source.index(limit=INDEX_CHUNK):
            await asyncio.sleep(INDEX_BREATH_S)  # keys and frames go between chunks

    def pending_entries(self) -> list[JournalEntry]:
        """Accepted entries whose venue status is not final yet, newest first (at most
        :attr:`reconcile_limit`), found by a query on the journal."""
        found = self.journal.select(
            "state = ? AND json_extract(receipt_json, '$.status') = ?",
            [EntryState.ACCEPTED.value, MoveStatus.PENDING.value], order="id DESC",
            limit=self.reconcile_limit)
        return [entry for entry in found if _pending(entry)]

    def read_journal(self, *, force: bool = False) -> None:
        """Re-read the entries in view when the journal changed since the last read (or
        ``force``), keeping the cursor on the same entry; unchanged rows are not redrawn."""
        if not self.is_mounted:
            return
        mark = self.journal.change_mark()
        if mark == self._mark and not force:
            return
        self._mark = mark
        self.all_count = mark[0]
        self.unknown = self.journal.count("state = ?", [EntryState.UNKNOWN.value])
        query = self.query_now()
        self.total = self.source.count(query)
        window = None if self.total else Window()
        selected = self.selected_id() if self.total else None
        if selected is not None:
            cursor = self.window.cursor if self.window.offset != 0 else None
            window = self._around(query, selected, cursor)
        if window is None:
            window = table_query.top(self.source, query, self.view_height)
        self.show_window(window)

    def query_now(self) -> Query:
        """The order (newest first) and the filter's words, as a query."""
        return Query(NEWEST_FIRST.sort, NEWEST_FIRST.descending, (),
                     tuple(self.filter_text.split()), self.filter_text)

    def shown_entries(self) -> list[JournalEntry]:
        """The entries in view that pass the filter, newest first."""
        return self.entries

    @property
    def view_height(self) -> int:
        """How many rows the table shows (what one window holds)."""
        if not self.is_mounted:
            return DEFAULT_HEIGHT
        grid = self.query_one(DataTable)
        height = grid.scrollable_content_region.height - (grid.header_height
                                                          if grid.show_header else 0)
        return max(height, 1) if grid.size.height else DEFAULT_HEIGHT

    def _around(self, query: Query, entry_id: int, cursor_at: int | None) -> Window | None:
        """The window with entry ``entry_id`` under the cursor, ``cursor_at`` rows from the
        top (None: as far down as the entries newer than it reach); None when not shown."""
        source, height = self.source, self.view_height
        after = source.page(query, (entry_id,), forward=True, limit=height, inclusive=True)
        if not after or after[0].entry.id != entry_id:  # type: ignore[union-attr]
            return None
        position = source.newer(query, entry_id)
        above = min(position if cursor_at is None else max(cursor_at, 0), height - 1)
        before = list(reversed(source.page(query, (entry_id,), forward=False, limit=above))) \
            if above else []
        rows = before + after[:height - len(before)]
        if len(rows) < height and len(before) == above:
            first = rows[0].key
            more = list(reversed(source.page(query, first, forward=False,
                                             limit=height - len(rows))))
            before, rows = more + before, more + rows
        return Window(tuple(rows), max(position - len(before), 0), len(before))

    def move_cursor_by(self, steps: int) -> None:
        """Move the cursor ``steps`` entries (negative: up), reading only those that come
        into view."""
        if not self.window.rows or not steps:
            return
        query, height = self.query_now(), self.view_height
        if steps > 0:
            window = table_query.down(self.source, query, self.window, height, steps)
        else:
            window = table_query.up(self.source, query, self.window, height, -steps)
        self.show_window(window)

    def jump(self, *, end: bool) -> None:
        """Put the cursor on the newest (or, ``end``, the oldest) entry."""
        query, height = self.query_now(), self.view_height
        window = (table_query.end(self.source, query, height, self.total) if end
                  else table_query.top(self.source, query, height))
        self.show_window(window)

    def fit_height(self) -> None:
        """Read the window again when the table's height changed."""
        if self.window.rows and len(self.window.rows) != min(self.view_height, self.total):
            self.show_window(table_query.reload(self.source, self.query_now(), self.window,
                                                self.view_height))

    def show_window(self, window: Window) -> None:
        """Show ``window``: rows whose text changed are redrawn, new ones added, gone ones
        removed; the cursor put on the window's."""
        table = self.query_one(DataTable)
        old = {row.ident[0]: row for row in self.window.rows}
        self.window = window
        idents = [row.ident[0] for row in window.rows]
        held = [int(key.value) for key in table.rows if key.value is not None]
        colours = self.app.get_css_variables()
        if held == idents:  # the same entries: only the cells that changed
            for row in window.rows:
                before = old.get(row.ident[0])
                if before is None or before.cells != row.cells \
                        or before.entry.state is not row.entry.state:  # type: ignore[attr-defined]
                    for name, cell in zip(COLUMNS, self._styled(row.entry, colours)):  # type: ignore[attr-defined]
                        table.update_cell(str(row.ident[0]), name, cell)
        else:
            table.clear()
            for row in window.rows:
                table.add_row(*self._styled(row.entry, colours),  # type: ignore[attr-defined]
                              key=str(row.ident[0]))
        if window.rows:
            table.move_cursor(row=window.cursor, animate=False)
        self.show_info()

    @staticmethod
    def _styled(entry: JournalEntry, colours: dict[str, str]) -> list[Any]:
        cells: list[Any] = entry_cells(entry)
        colour = colours.get(_STATE_COLOUR.get(entry.state, "warning"), "")
        cells[4] = Text(cells[4], justify="right")
        cells[6] = Text(cells[6], style=f"bold {colour}".strip())
        return cells

    def rebuild(self) -> None:
        """Read the entries in view again and redraw them (after the filter or the theme
        changed), keeping the cursor on the same entry."""
        if not self.is_mounted or not self.loaded:
            self.show_info()
            return
        self.query_one(DataTable).clear()  # every row redrawn (new colours)
        self.read_journal(force=True)

    def show_info(self) -> None:
        """The empty-state text and the info line (counts, what is going on)."""
        if not self.is_mounted:
            return
        shown = self.total
        empty = self.query_one("#empty", Static)
        if self.all_count and not shown:
            empty.update(f"no entries match “{self.filter_text}”")
        elif not self.loaded:
            empty.update("loading the journal…")
        else:
            empty.update(EMPTY_TEXT)
        empty.set_class(not shown, "-shown")
        parts = [f"{shown:,} of {self.all_count:,} entries" if shown != self.all_count
                 else f"{self.all_count:,} entries"]
        rows, offset = self.window.rows, self.window.offset
        if len(rows) < shown and offset is not None:
            parts.append(f"rows {offset + 1:,}–{offset + len(rows):,}")
        if self.unknown:
            parts.append(f"{self.unknown:,} unknown (s settles, S settles all)")
        if self.busy:
            parts.append(self.busy)
        if self.checking:
            parts.append(f"checking {self.checking} pending at the venue…")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        self.query_one("#info", Static).update(" · ".join(parts))
        self.refresh_bindings()

    def selected_id(self) -> int | None:
        """The id of the entry under the cursor."""
        row = self.window.current
        return None if row is None else int(row.ident[0])

    def selected(self) -> JournalEntry | None:
        """The entry under the cursor, fresh from the journal."""
        entry_id = self.selected_id()
        return None if entry_id is None else self.journal.get(entry_id)

    def select_entry(self, entry_id: int) -> None:
        """Put the cursor on entry ``entry_id`` (if shown)."""
        window = self._around(self.query_now(), entry_id, self.window.cursor)
        if window is not None:
            self.show_window(window)

    # -- actions --------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Move to the next entry."""
        self.move_cursor_by(1)

    def action_cursor_up(self) -> None:
        """Move to the previous entry."""
        self.move_cursor_by(-1)

    def action_open_detail(self) -> None:
        """Open the detail of the selected entry."""
        entry = self.selected()
        if entry is not None:
            self.app.push_screen(ActivityDetailScreen(entry, self.journal.events(entry.id)))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_detail()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # a click moves the DataTable's cursor: the window's follows it (a message from
        # before the rows were redrawn no longer matches the table's cursor: ignored)
        table = self.query_one(DataTable)
        if self.window.rows and event.cursor_row == table.cursor_row \
                and event.cursor_row != self.window.cursor \
                and 0 <= event.cursor_row < len(self.window.rows):
            self.window = Window(self.window.rows, self.window.offset, event.cursor_row)
        self.refresh_bindings()

    def can_cancel(self, entry: JournalEntry | None) -> bool:
        """Whether ``entry`` is accepted, still pending, and cancellable at its venue."""
        if entry is None or not _pending(entry) or not entry.venue_ref:
            return False
        try:
            return bool(self.session.adapter(entry.profile).cancellable(entry.request))
        except Exception:  # noqa: BLE001
            return False

    def action_cancel_move(self) -> None:
        """Ask (with a confirmation) the venue to cancel the selected pending movement."""
        from tui.screens.confirm import ConfirmScreen

        entry = self.selected()
        if not self.can_cancel(entry):
            self.notify("only an accepted, still pending movement the venue lets you cancel "
                        "can be cancelled", severity="warning", timeout=4)
            return
        assert entry is not None
        question = (f"Cancel {MOVE_KIND_WORDS.get(entry.kind, entry.kind)} #{entry.id}: "
                    f"{plain(entry.request.amount)} {entry.request.coin} to "
                    f"{entry.request.destination}?")
        self.app.push_screen(
            ConfirmScreen(question, f"{entry.venue} is asked to cancel order "
                                    f"{entry.venue_ref}; it refuses once it is no longer pending.",
                          confirm_label="Cancel it", cancel_label="Keep it", danger=True),
            callback=lambda yes: yes and self._run(partial(self._cancel, entry.id), "cancelling…"))

    async def _cancel(self, entry_id: int) -> None:
        try:
            entry = await self.mover.cancel(entry_id)
        except Exception as exc:  # noqa: BLE001 - the venue's refusal is shown
            self.notify(f"cancel refused: {exc}", severity="error", timeout=6)
            return
        self.notify(f"entry {entry.id}: {entry.note or entry.state.value}", timeout=5)

    def action_settle(self) -> None:
        """Settle the selected UNKNOWN entry and show the evidence found."""
        entry = self.selected()
        if entry is None or entry.state not in (EntryState.UNKNOWN, EntryState.SUBMITTING):
            self.notify("select an UNKNOWN entry to settle", severity="warning", timeout=3)
            return
        if entry.needs_password and entry.settlement is Settlement.KEYED:
            self.app.push_screen(
                TradePasswordScreen(entry),
                callback=lambda password: password is not None and self._run(
                    partial(self._settle, entry.id, password), "settling…"))
            return
        self._run(partial(self._settle, entry.id, None), "settling…")

    async def _settle(self, entry_id: int, password: SecretStr | None) -> None:
        from tui.journal.executor import skipped_line

        try:
            entry = await self.mover.settle(entry_id, trade_password=password)
            skipped = skipped_line(entry)
            if skipped is not None:
                self.notify(skipped, severity="warning", timeout=6)
                return
            if entry.state is EntryState.ACCEPTED:
                entry = await self.mover.reconcile(entry)
        except Exception as exc:  # noqa: BLE001
            self.notify(f"settle failed: {exc}", severity="error", timeout=6)
            return
        finally:
            password = None
        self.notify(f"entry {entry.id} is {entry.state.value}: {entry.note}", timeout=6)
        self.app.push_screen(ActivityDetailScreen(entry, self.journal.events(entry.id)))

    def action_settle_all(self) -> None:
        """Settle every UNKNOWN entry."""
        self._run(self._settle_all, "settling every unknown entry…")

    async def _settle_all(self) -> None:
        try:
            settled = await self.mover.settle_all()
        except Exception as exc:  # noqa: BLE001
            self.notify(f"settle failed: {exc}", severity="error", timeout=6)
            return
        left = sum(1 for e in settled if e.state is EntryState.UNKNOWN)
        failures = getattr(self.mover, "failures", {})
        text = (f"settled {len(settled) - left} of {len(settled)}; {left} still unknown"
                if settled else "nothing to settle")
        if failures:
            first = next(iter(failures.items()))
            text += f"; could not settle {len(failures)} (entry {first[0]}: {first[1]})"
        self.notify(text, severity="warning" if failures else "information", timeout=6)

    def action_resolve(self) -> None:
        """Resolve a NONE-settlement UNKNOWN entry as accepted or rejected, with a note."""
        entry = self.selected()
        if entry is None or not _resolvable(entry):
            self.notify("only an UNKNOWN entry that is never resent or that the venue could "
                        "not find by lookup is resolved by hand; settle the others (s)",
                        severity="warning", timeout=5)
            return
        self.app.push_screen(ResolveScreen(entry),
                             callback=lambda answer: answer and self._confirm_resolve(entry, *answer))

    def _confirm_resolve(self, entry: JournalEntry, outcome: str, note: str) -> None:
        from tui.screens.confirm import ConfirmScreen

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                resolved = self.mover.resolve(entry.id, outcome, note)
            except Exception as exc:  # noqa: BLE001
                self.notify(str(exc), severity="error", timeout=6)
                return
            self.notify(f"entry {resolved.id} is now {resolved.state.value}", timeout=4)
            self.action_refresh()

        self.app.push_screen(ConfirmScreen(
            f"Resolve entry {entry.id} as {outcome}?",
            f"{plain(entry.request.amount)} {entry.request.coin} to {entry.request.destination}. "
            f"Note: {note}. This is final.", confirm_label=f"Mark {outcome}"), callback=done)

    def _run(self, work: Callable[[], Awaitable[None]], busy: str) -> None:
        async def run() -> None:
            self.busy = busy
            self.show_info()
            try:
                await work()
            finally:
                self.busy = ""
                await self._refresh()

        self.run_worker(run, group="activity-action", exclusive=False, exit_on_error=False)

    def action_filter(self) -> None:
        """Show the filter input and focus it."""
        field = self.query_one("#filter", Input)
        field.add_class("-shown")
        field.focus()

    def action_clear_filter(self) -> None:
        """Clear and hide the filter, and return to the table."""
        field = self.query_one("#filter", Input)
        field.value = ""
        field.remove_class("-shown")
        self.query_one(DataTable).focus()
        if self.filter_text:
            self.filter_text = ""
            self.rebuild()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.run_worker(self._apply_filter, group="activity-filter", exclusive=True,
                        exit_on_error=False)

    async def _apply_filter(self) -> None:
        await asyncio.sleep(FILTER_PAUSE_S)  # typing on: only the last text is queried
        if self.loaded:
            self.window = Window()  # a new filter starts at the newest entry it shows
            self.read_journal(force=True)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            event.input.remove_class("-shown")
        self.query_one(DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or not self.query(DataTable):
            return True
        if action == "clear_filter":
            return bool(self.filter_text or self.query_one("#filter", Input).has_class("-shown"))
        if action == "open_detail" and isinstance(self.focused, Input):
            return False
        if action in ("settle", "cancel_move", "resolve", "open_detail"):
            row = self.window.current
            entry = None if row is None else row.entry  # type: ignore[attr-defined]
            if entry is None:
                return False
            if action == "settle":
                return entry.state in (EntryState.UNKNOWN, EntryState.SUBMITTING)
            if action == "cancel_move":
                return _pending(entry) and bool(entry.venue_ref)
            if action == "resolve":
                return _resolvable(entry)
        if action == "settle_all":
            return self.unknown > 0
        return True

    ROW_ACTIONS = ("settle", "cancel_move", "resolve")
    """Actions on the selected entry: their keys are hidden on rows they do not apply to,
    and pressed there anyway they say why (the action's own warning) instead of nothing."""

    def on_key(self, event: events.Key) -> None:
        """A row action's key on a row it does not apply to: run the action, which says
        why it does nothing here (:meth:`check_action` hides it, so no binding would)."""
        if isinstance(self.focused, Input) or self.selected() is None:
            return
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action in self.ROW_ACTIONS \
                    and event.key in binding.key.split(","):
                if not self.check_action(binding.action, ()):
                    event.stop()
                    event.prevent_default()
                    getattr(self, f"action_{binding.action}")()
                return

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Palette entries beyond the bindings."""
        yield "Clear filter", "Show every journal entry again", self.action_clear_filter


def _resolvable(entry: JournalEntry) -> bool:
    """Whether the operator may decide ``entry`` by hand, as `coinsole journal resolve`
    does: an UNKNOWN entry never resent (settlement none) or one settled by lookup, which
    stays UNKNOWN when the venue cannot find it. Keyed entries settle by a safe resend."""
    return entry.state is EntryState.UNKNOWN and entry.settlement in (Settlement.NONE,
                                                                      Settlement.LOOKUP)


class ActivityDetailScreen(ModalBase[None]):
    """One journal entry in full: the request, the receipt, the note and every event."""

    BINDINGS: list[BindingType] = [
        close_binding(),
    ]

    DEFAULT_CSS = """
    ActivityDetailScreen > VerticalScroll { width: 110; max-height: 100%; padding: 0 1; }
    ActivityDetailScreen Grid { grid-size: 2; grid-columns: 14 1fr; height: auto; }
    ActivityDetailScreen .field { color: $text-muted; }
    ActivityDetailScreen .value { color: $foreground; }
    ActivityDetailScreen .section { color: $accent; text-style: bold; margin-top: 1; }
    ActivityDetailScreen .event { color: $foreground; }
    """

    def __init__(self, entry: JournalEntry, events: list[JournalEvent]) -> None:
        super().__init__()
        self.entry = entry
        self.events = events

    def fields(self) -> list[tuple[str, str]]:
        """The (label, text) pairs of the request and receipt."""
        e, r = self.entry, self.entry.request
        pairs = [("state", f"{e.state.value} ({e.settlement.value} settlement)"),
                 ("kind", MOVE_KIND_WORDS.get(e.kind, e.kind)),
                 ("amount", f"{plain(r.amount)} {r.coin}"),
                 ("destination", r.destination),
                 ("profile", f"{e.profile} (venue {e.venue})"
                             + (f", for user {r.user_id}" if getattr(r, "user_id", None)
                                else "")),
                 ("key", e.client_key), ("venue ref", e.venue_ref or "-"),
                 ("attempts", str(e.attempts))]
        if r.miner_fee is not None:
            pairs.append(("miner fee", plain(r.miner_fee)))
        if r.remark:
            pairs.append(("remark", r.remark))
        if e.receipt is not None:
            rc = e.receipt
            pairs.append(("venue status", rc.venue_status or rc.status.value))
            if rc.fee is not None:
                pairs.append(("fee", f"{plain(rc.fee)} {rc.fee_coin or ''}".rstrip()))
            if rc.arrival is not None:
                pairs.append(("arrival", f"{plain(rc.arrival)} {r.coin}"))
            if rc.evidence:
                pairs.append(("evidence", rc.evidence))
        if e.last_error:
            pairs.append(("last error", e.last_error))
        if e.note:
            pairs.append(("note", e.note))
        return pairs

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"Journal entry {self.entry.id}"
            with Grid():
                for name, text in self.fields():
                    yield Label(name, classes="field", markup=False)
                    yield Static(text, classes="value", markup=False,
                                 id=f"detail-{name.replace(' ', '-')}")
            yield Static("history", classes="section", markup=False)
            for event in self.events:
                change = (f"{event.from_state.value} -> {event.to_state.value}"
                          if event.from_state and event.from_state is not event.to_state
                          else event.to_state.value)
                yield Static(f"{time_text(event.at_ms)}  {change}  {event.detail}",
                             classes="event", markup=False)
            yield Static("esc closes", classes="hint", markup=False)


class ResolveScreen(ModalBase[tuple[str, str] | None]):
    """Asks how an UNKNOWN entry ended (accepted or rejected) and why; dismisses with
    ``(outcome, note)`` or None."""

    TONE = "warning"

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "done", "Resolve", tooltip="Record the decision (a note is needed)"),
        cancel_binding("Leave it unknown"),
    ]

    DEFAULT_CSS = """
    ResolveScreen > Vertical { width: 80; }
    ResolveScreen .text { color: $foreground; margin-bottom: 1; }
    ResolveScreen Select, ResolveScreen Input { margin-bottom: 1; }
    ResolveScreen .buttons { margin-top: 0; }
    """

    def __init__(self, entry: JournalEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        r = self.entry.request
        with Vertical() as box:
            box.border_title = f"Resolve entry {self.entry.id}"
            yield Static(f"{plain(r.amount)} {r.coin} to {r.destination} via {self.entry.profile}."
                         f" Evidence: {self.entry.note or 'none yet (settle first)'}",
                         classes="text", markup=False)
            yield Select([("it was applied (accepted)", "accepted"),
                          ("it was not applied (rejected)", "rejected")],
                         prompt="what happened?", id="outcome", compact=True)
            yield Input(placeholder="note: the evidence you checked", id="note", compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Cancel  (esc)", id="cancel", compact=True)
                yield Button("Resolve  (ctrl+s)", id="done", variant="warning", compact=True)

    def action_done(self) -> None:
        """Dismiss with the outcome and note, when both are given."""
        outcome = self.query_one("#outcome", Select).selection
        note = self.query_one("#note", Input).value.strip()
        if outcome is None or not note:
            self.notify("choose what happened and write a note", severity="warning", timeout=3)
            return
        self.dismiss((outcome, note))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "done":
            self.action_done()
        else:
            self.action_cancel()


class TradePasswordScreen(TradePasswordPrompt):
    """Asks (masked) for the trade password a keyed BHEX resend needs; never stored."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "send", "Resend", priority=True,
                tooltip="Resend with this trade password (enter too)"),
        cancel_binding("Do not resend"),
    ]

    prompt_text = ("This withdrawal is resent with the same key; the venue needs the trade "
                   "password again (used once, never stored). ctrl+s or enter sends · esc "
                   "does not resend.")

    def __init__(self, entry: JournalEntry) -> None:
        super().__init__()
        self.entry = entry
        self.prompt_title = f"Resend entry {entry.id}"
