"""The balances screen: every profile's balances in one table, each profile loading on its own.

Each profile loads in its own worker (group ``profile:<name>``, exclusive within the
group), so a slow or failing venue shows its own state in the status strip and never holds
up the others; rows appear as each profile finishes. The table is rebuilt from the
in-memory list of balances whenever the data, filter, sort, grouping or compact mode
changes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from tui.balance_cache import BalanceCache, CachedBalances
from tui.core.models import Balance
from tui.session import Session
from tui.widgets.balance_rows import SORT_KEYS, GroupBy, SortKey, build_rows, valuation_quote
from tui.widgets.balance_table import BalanceTable
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav
from tui.widgets.profile_status import LoadState, ProfileStatusStrip
from tui.widgets.title_bar import TitleBar

__all__ = ["BalancesScreen", "LOCKED_PREFIX"]

DEFAULT_AUTO_REFRESH_S = 30
"""Seconds between automatic reloads when ``A`` turns them on without ``--refresh``."""

LOCKED_PREFIX = "vault is locked"
"""How a profile's error starts when its credentials wait in the locked vault."""


def wall_clock() -> float:
    """Now, in epoch seconds (tests replace it to keep snapshots steady)."""
    return time.time()


def clock_text(seconds: float) -> str:  # float-ok: a wall-clock time, not money
    """``hh:mm:ss`` of ``seconds`` (epoch) in the display zone, as "updated ..." shows
    it."""
    from tui.core.times import display_time

    return display_time(int(seconds), "%H:%M:%S")


def _now_ms() -> int:
    return int(wall_clock() * 1000)


def _age(since_ms: int | None) -> str:
    """How long ago ``since_ms`` was, in words (``just now``, ``5 min ago``...)."""
    if since_ms is None:
        return "earlier"
    return CachedBalances([], since_ms).age_text()


class BalancesScreen(Screen[None]):
    """One table of balances across every profile and account of a session."""

    SUB_TITLE = "balances"

    BINDINGS: list[BindingType] = [
        Binding("r", "refresh", "Refresh", tooltip="Reload every profile"),
        Binding("g", "cycle_group", "Group", tooltip="Group rows: none → by coin → by venue"),
        Binding("s", "cycle_sort", "Sort", tooltip="Sort by the next column (or click a header)"),
        Binding("S", "reverse_sort", "Reverse", show=False, tooltip="Reverse the sort order"),
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="Filter by profile, venue, account or coin"),
        Binding("c", "toggle_compact", "Compact",
                tooltip="Shorten amounts to each coin's precision (… marks hidden digits)"),
        Binding("C", "choose_columns", "Columns", key_display="C",
                tooltip="Choose the columns to show"),
        Binding("A", "toggle_auto_refresh", "Auto refresh", show=False,
                tooltip="Reload every profile on a timer (--refresh SECONDS; default "
                        f"{DEFAULT_AUTO_REFRESH_S} s) or stop doing so"),
        Binding("escape", "clear_filter", "Clear filter", show=False,
                tooltip="Clear the filter and go back to the table"),
    ]

    DEFAULT_CSS = """
    BalancesScreen #filter {
        display: none;
        height: 3;
        border: tall $primary;
    }
    BalancesScreen #filter.-shown { display: block; }
    BalancesScreen #notices { height: auto; }
    BalancesScreen .notice {
        color: $error;
        background: $error 10%;
        padding: 0 1;
    }
    BalancesScreen .notice.-calm {
        color: $text-muted;
        background: $panel;
    }
    BalancesScreen #state {
        display: none;
        color: $text-muted;
        text-style: italic;
        padding: 1 2;
    }
    BalancesScreen #state.-shown { display: block; }
    BalancesScreen #info {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.balances: dict[str, list[Balance]] = {}
        """Loaded balances per profile name; a failed profile has none."""
        self.errors: dict[str, str] = {}
        """Error text per failed profile."""
        self.states: dict[str, LoadState] = {p.name: LoadState.IDLE for p in session.profiles}
        self.group_by = GroupBy.NONE
        self._group_before_g: GroupBy | None = None
        self.sort_key: SortKey | None = None
        self.sort_reverse = False
        self.compact = False
        self.filter_text = ""
        self._notice_texts: list[str] = []
        self.cache = BalanceCache()
        self.cached: dict[str, CachedBalances] = {}
        """Profiles whose rows are still last run's numbers, shown until the live load."""
        self.fresh_at: dict[str, int] = {}
        """Per profile: when (ms) the rows shown were loaded live."""
        self.stale: dict[str, int] = {}
        """Profiles whose last load failed, still showing rows loaded at this time (ms)."""
        self.locked: set[str] = set()
        """Profiles whose credentials wait in the locked vault (not counted as errors)."""
        self.auto_refresh_s: int | None = None
        """Seconds between automatic reloads, or None when they are off."""
        self._auto_timer: Timer | None = None
        self.updated_at: float | None = None  # float-ok: time.time() of the last load
        """When (epoch seconds) a profile last loaded successfully."""

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("balances")
        yield ProfileStatusStrip(((p.name, p.venue) for p in self.session.profiles), id="strip")
        yield Vertical(id="notices")
        yield Static(id="state", markup=False)
        yield BalanceTable(id="balances")
        yield Static(id="info", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(BalanceTable)
        hidden = getattr(self.app, "hidden_balance_columns", None)
        if hidden is None:
            hidden = saved_hidden_columns()
            self.app.hidden_balance_columns = hidden  # type: ignore[attr-defined]
        table.user_hidden = frozenset(hidden)
        table.focus()
        seconds = getattr(self.app, "auto_refresh_seconds", None)
        if seconds:
            self.set_auto_refresh(int(seconds))
        if self._show_cached():
            self.call_after_refresh(self.action_refresh)  # paint last run's numbers first
        else:
            self.action_refresh()

    def _show_cached(self) -> bool:
        """Show every profile's balances from its last successful load, marked as cached;
        True when there were any."""
        for profile in self.session.profiles:
            cached = self.cache.load(profile)
            if cached is not None:
                self.cached[profile.name] = cached
                self.balances[profile.name] = cached.balances
                self.fresh_at[profile.name] = cached.saved_at_ms
        if self.cached:
            self.rebuild()
        return bool(self.cached)

    @property
    def table(self) -> BalanceTable:
        """The balances table."""
        return self.query_one(BalanceTable)

    # -- loading ------------------------------------------------------------------------

    def load_profile(self, name: str) -> None:
        """Start (or restart) loading one profile in its own worker."""
        self.states[name] = LoadState.LOADING
        cached = self.cached.get(name)
        age = cached.age_text() if cached is not None else None
        if name in self.stale:
            age = _age(self.stale[name])
        self.query_one(ProfileStatusStrip).status(name).set_loading(age)
        # The coroutine function, not a coroutine: a worker cancelled (by a newer load) or
        # dropped (by quitting) before it starts then leaves no coroutine never awaited.
        self.run_worker(
            partial(self._load, name),
            name=f"balances:{name}",
            group=f"profile:{name}",
            exclusive=True,
            exit_on_error=False,
        )

    async def _load(self, name: str) -> None:
        try:
            result = await self.session.load_balances(name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # load_balances promises not to raise; stay up if it does
            self._finish(name, [], f"unexpected {type(exc).__name__}: {exc}")
            return
        self._finish(name, result.balances, str(result.error) if result.error else None)

    def _finish(self, name: str, balances: list[Balance], error: str | None) -> None:
        status = self.query_one(ProfileStatusStrip).status(name)
        self.cached.pop(name, None)
        if error is None:
            if name not in self.session.acting_for:  # the profile's own user's numbers only
                self.cache.save(self.session.profile(name), balances)
            self.balances[name] = list(balances)
            self.errors.pop(name, None)
            self.stale.pop(name, None)
            self.locked.discard(name)
            self.fresh_at[name] = _now_ms()
            self.updated_at = wall_clock()
            self.states[name] = LoadState.OK
            status.set_ok(len(balances))
            self.rebuild()
            return
        # A failed load keeps the rows shown before (last run's or the last live ones),
        # marked stale with their age: the table never drops a profile it had.
        kept = name in self.balances
        if kept:
            self.stale[name] = self.fresh_at.get(name, _now_ms())
        if error.startswith(LOCKED_PREFIX):
            self.locked.add(name)
            self.errors.pop(name, None)
            self.states[name] = LoadState.LOCKED
            status.set_locked(_age(self.stale[name]) if kept else None)
        else:
            self.locked.discard(name)
            self.errors[name] = error
            if kept:
                self.states[name] = LoadState.STALE
                status.set_stale(error, _age(self.stale[name]))
            else:
                self.states[name] = LoadState.ERROR
                status.set_error(error)
        self.rebuild()

    @property
    def loading(self) -> bool:
        """True while any profile is still loading."""
        return any(state is LoadState.LOADING for state in self.states.values())

    def all_balances(self) -> list[Balance]:
        """Every loaded balance, in profile order."""
        return [b for p in self.session.profiles for b in self.balances.get(p.name, [])]

    # -- rendering ----------------------------------------------------------------------

    def rebuild(self) -> None:
        """Re-render notices, table, empty/loading state and the info line from memory."""
        balances = self.all_balances()
        quote = valuation_quote(balances)
        rows = build_rows(
            balances,
            filter_text=self.filter_text,
            group_by=self.group_by,
            sort_key=self.sort_key,
            reverse=self.sort_reverse,
            quote=quote,
        )
        self.table.show(rows, quote=quote, compact=self.compact,
                        sort_key=self.sort_key, reverse=self.sort_reverse,
                        cached_profiles=frozenset(self.cached) | frozenset(self.stale))
        self._show_notices()
        state = self.query_one("#state", Static)
        if rows:
            state.remove_class("-shown")
        else:
            if self.filter_text and balances:
                text = f"no balances match “{self.filter_text}”"
            elif self.loading:
                text = "loading balances…"
            else:
                text = "no balances"
            state.update(text)
            state.add_class("-shown")
        self._show_info()

    def _show_notices(self) -> None:
        texts = [self._error_line(p.name) for p in self.session.profiles
                 if p.name in self.errors]
        calm = self._locked_line()
        if calm:
            texts.append(calm)
        if texts == self._notice_texts:
            return
        self._notice_texts = texts
        notices = self.query_one("#notices", Vertical)
        notices.remove_children()
        notices.mount_all(
            Static(text, classes="notice -calm" if text == calm else "notice", markup=False)
            for text in texts)

    def _error_line(self, name: str) -> str:
        """A failed profile's notice: its error, and the age of the rows it still shows."""
        line = f"✗ {name}: {self.errors[name]}"
        if name in self.stale:
            line += f" (showing balances from {_age(self.stale[name])})"
        return line

    def _locked_line(self) -> str:
        """One calm line for every profile waiting for the vault ("" when none is)."""
        if not self.locked:
            return ""
        count = len(self.locked)
        shown = sum(name in self.stale for name in self.locked)
        what = (f"{count} profile{'s' if count != 1 else ''} waiting for it")
        if shown:
            what += f", {shown} showing cached balances (italic)"
        return f"🔒 vault is locked: {what} · ctrl+u unlocks"

    def _show_info(self) -> None:
        """The line under the table: what it shows, how, and what it leaves out."""
        shown = sum(row.kind == "balance" for row in self.table.rows_shown)
        loaded = len(self.all_balances())
        parts = [f"{shown} of {loaded} balances" if shown != loaded else f"{loaded} balances"]
        parts.append(f"group: {self.group_by.value}")
        hidden = self.table.hidden_column
        if self.sort_key is not None:
            column_hidden = " (column hidden)" if hidden and self.sort_key is SortKey.VALUE else ""
            parts.append(f"sort: {self.sort_key.value}{' reversed' if self.sort_reverse else ''}"
                         f"{column_hidden}")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        if self.cached:
            parts.append(f"{len(self.cached)} profile{'s' if len(self.cached) != 1 else ''} "
                         "still showing cached balances (italic), refreshing")
        stale = len(set(self.stale) - self.locked)
        if stale:
            parts.append(f"{stale} profile{'s' if stale != 1 else ''} stale (italic)")

        parts.append("compact (c shows every digit)" if self.compact else "every digit shown")
        if self.table.user_hidden:
            parts.append("you hid " + ", ".join(c.value for c in sorted(
                self.table.user_hidden, key=list(SortKey).index)) + " (C)")
        if self.table.stacked:
            parts.append("too narrow for columns: one row per balance")
        if hidden is not None:
            parts.append(self._hidden_note(hidden, self.table.shortfall))
        if self.updated_at is not None:
            parts.append(f"updated {clock_text(self.updated_at)}")
        if self.auto_refresh_s:
            parts.append(f"auto refresh {self.auto_refresh_s} s")
        self.query_one("#info", Static).update(" · ".join(parts))

    def _hidden_note(self, column: str, shortfall: int) -> str:
        """Why ``column`` is not in the table, and how to see its figures anyway."""
        what = "value" if column.startswith("value") and "," not in column else "details"
        ways = (f"⏎ shows a row's {what}" if self.compact
                else f"c compacts, ⏎ shows a row's {what}")
        return f"{column} hidden: {shortfall} column{'s' if shortfall != 1 else ''} short ({ways})"

    # -- actions ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Reload every profile, each in its own worker; while the vault is locked, the
        profiles waiting for it keep their rows and the user is told to unlock first."""
        waiting = self.locked if getattr(self.app, "vault_locked", False) else set()
        if waiting:
            self.notify("vault is locked: unlock it first (ctrl+u); the other profiles "
                        "are refreshing", timeout=4)
        for profile in self.session.profiles:
            if profile.name not in waiting:
                self.load_profile(profile.name)
        self.rebuild()

    def set_auto_refresh(self, seconds: int | None) -> None:
        """Reload every profile each ``seconds`` (None: stop)."""
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None
        self.auto_refresh_s = seconds
        if seconds:
            self._auto_timer = self.set_interval(seconds, self._timed_reload,
                                                 name="balances-auto-refresh")
        if self.is_mounted:
            self._show_info()

    def _timed_reload(self) -> None:
        """One timed reload: the profiles not waiting for the vault and not still loading."""
        for profile in self.session.profiles:
            name = profile.name
            if name not in self.locked and self.states.get(name) is not LoadState.LOADING:
                self.load_profile(name)
        self.rebuild()

    def action_toggle_auto_refresh(self) -> None:
        """Turn the timed reload on (``--refresh`` seconds, or the default) or off."""
        if self.auto_refresh_s:
            self.set_auto_refresh(None)
            self.notify("auto refresh off", timeout=3)
        else:
            seconds = getattr(self.app, "auto_refresh_seconds", None) or DEFAULT_AUTO_REFRESH_S
            self.set_auto_refresh(int(seconds))
            self.notify(f"auto refresh every {seconds} s", timeout=3)

    def action_cycle_group(self) -> None:
        """Step the grouping: none, by coin, by venue; ``g g`` (the table's "first row")
        puts back the grouping the first ``g`` changed."""
        if self.table.double_g() and self._group_before_g is not None:
            self.set_group(self._group_before_g)
            self._group_before_g = None
            self.table.action_scroll_top()
            return
        self._group_before_g = self.group_by
        self.set_group(self.group_by.next())

    def set_group(self, group_by: GroupBy) -> None:
        """Group the table by ``group_by``."""
        self.group_by = group_by
        self.rebuild()

    def _sort_columns(self) -> list[SortKey]:
        has_value = valuation_quote(self.all_balances()) is not None
        return [k for k in SORT_KEYS if k is not SortKey.VALUE or has_value]

    def action_cycle_sort(self) -> None:
        """Sort by the next column; after the last column, back to load order."""
        columns = self._sort_columns()
        if self.sort_key is None or self.sort_key not in columns:
            index = 0 if self.sort_key is None else len(columns)
        else:
            index = columns.index(self.sort_key) + 1
        self.sort_key = columns[index] if index < len(columns) else None
        self.sort_reverse = False
        self.rebuild()

    def action_reverse_sort(self) -> None:
        """Reverse the current sort order."""
        if self.sort_key is not None:
            self.sort_reverse = not self.sort_reverse
            self.rebuild()

    def action_toggle_compact(self) -> None:
        """Switch between every digit and amounts shortened to each coin's precision."""
        self.compact = not self.compact
        self.rebuild()

    def action_choose_columns(self) -> None:
        """Open the column chooser; the choice is saved (settings.toml) for next start."""
        from tui.screens.columns import ColumnChooserScreen

        table = self.table
        has_value = valuation_quote(self.all_balances()) is not None
        columns = [c for c in table.COLUMN_CHOICES if c is not SortKey.VALUE or has_value]

        def chosen(hidden: frozenset[SortKey] | None) -> None:
            if hidden is not None:
                table.choose_columns(hidden)
                self.app.hidden_balance_columns = hidden  # type: ignore[attr-defined]
                self._show_info()
                problem = save_hidden_columns(hidden)
                if problem:
                    self.notify(f"the column choice holds for this session only: {problem}",
                                severity="warning", timeout=6)

        self.app.push_screen(ColumnChooserScreen(columns, table.user_hidden), callback=chosen)

    @property
    def filter_field(self) -> Input | None:
        """The filter input, once ``/`` has been pressed (it is mounted then, not at start:
        the first frame is quicker without it)."""
        return next(iter(self.query("#filter").results(Input)), None)

    async def action_filter(self) -> None:
        """Show the filter input and focus it."""
        field = self.filter_field
        if field is None:
            field = Input(placeholder="filter: profile, venue, account or coin · enter keeps "
                          "it · esc clears", id="filter")
            await self.mount(field, before="#notices")
        field.add_class("-shown")
        field.focus()

    def action_clear_filter(self) -> None:
        """Clear and hide the filter, and return to the table."""
        field = self.filter_field
        if field is not None:
            field.value = ""
            field.remove_class("-shown")
        self.table.focus()
        if self.filter_text:
            self.filter_text = ""
            self.rebuild()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            field = self.filter_field
            # Let Esc fall through to "back" when there is no filter to clear.
            return bool(self.filter_text or (field is not None and field.has_class("-shown")))
        if action == "reverse_sort":
            return self.sort_key is not None
        return True

    # -- events -------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.rebuild()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.remove_class("-shown")
        self.table.focus()

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.column_key.value not in {k.value for k in SortKey}:
            return  # the stacked layout's headers sort nothing
        key = SortKey(event.column_key.value)
        if key is self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = key, False
        self.rebuild()

    @on(BalanceTable.Fitted)
    def _table_fitted(self, event: BalanceTable.Fitted) -> None:
        self._show_info()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        from tui.screens.detail import BalanceDetailScreen

        row = self.table.row_for_key(event.row_key.value or "")
        if row is not None and row.kind in ("balance", "total"):
            self.app.push_screen(BalanceDetailScreen(row))

    # -- command palette ----------------------------------------------------------------

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries beyond this screen's bindings: (name, help, callback)."""
        yield "Group by coin", "Per-coin rows with exact totals across venues", lambda: self.set_group(GroupBy.COIN)
        yield "Group by venue", "Rows under a heading per venue", lambda: self.set_group(GroupBy.VENUE)
        yield "No grouping", "One flat list of balances", lambda: self.set_group(GroupBy.NONE)
        for key in self._sort_columns():
            yield f"Sort by {key.value}", f"Order rows by {key.value}", lambda k=key: self._sort_by(k)
        yield "Clear filter", "Show every balance again", self.action_clear_filter

    def _sort_by(self, key: SortKey) -> None:
        self.sort_key, self.sort_reverse = key, False
        self.rebuild()


def saved_hidden_columns() -> frozenset[SortKey]:
    """The balances columns hidden with the column chooser in an earlier run."""
    from tui.ui_settings import load_ui_settings

    known = {key.value: key for key in BalanceTable.COLUMN_CHOICES}
    return frozenset(known[name] for name in load_ui_settings().hidden_balance_columns
                     if name in known)


def save_hidden_columns(hidden: Iterable[SortKey]) -> str | None:
    """Keep the column choice for the next run; the problem in one line if it cannot."""
    from tui.ui_settings import update_ui_settings

    try:
        update_ui_settings(hidden_balance_columns=frozenset(key.value for key in hidden))
    except OSError as exc:
        return str(exc)
    return None
