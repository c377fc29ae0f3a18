"""The Org holdings screen: every account row of a ChainUp org (or every user account's
holding of a BHEX org, from ``statistics/token_hold_detail``), from the local store.

The table (a :class:`~tui.widgets.virtual_table.VirtualTable`) reads the org holdings
store (:mod:`tui.stores.org_holdings`) and holds only the rows on screen, so a million
rows open as fast as ten. Account types are named (``201 normal``, ``202 frozen``...), coins
shown by their ``showName``. Beside it: each coin's exact totals (available, frozen,
total) and the largest accounts of the coin under the cursor.

On opening, the table shows what the store already holds at once, and a sync runs in a
worker (a full pull the first time, else only what changed; an interrupted pull resumes):
its progress (rows, rows/s, ETA) is on the profile bar and the table re-reads as pages
land. Keys: ``/`` filter (``coin=BTC total>1000 uid=...`` or any words), ``u`` this user's
rows, ``c`` this coin's rows, ``x`` clear the filter, ``r`` sync now, ``s``/``S`` sort.
Opened from a user's card (Users, ``h``), it shows that user's rows, and ``h`` or esc goes
back to the card.
"""

from __future__ import annotations

import time
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from tui.core.errors import CoinsoleError
from tui.session import Session
from tui.stores.holdings_source import HoldingsSource, group_digits
from tui.stores.org_holdings import HoldingsStore, StoreError, holdings_path
from tui.stores.table_query import FilterError
from tui.venues.base import Capability
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav
from tui.widgets.title_bar import TitleBar
from tui.widgets.virtual_table import VirtualTable

from tui.screens.profile_tabs import ProfileScreen, next_profile_binding

__all__ = ["OrgHoldingsScreen", "progress_text"]

RELOAD_EVERY_S = 1
"""While a sync runs, the table and totals re-read at most this often (seconds)."""
BY_UID_NOTE = " · by uid until indexed"
"""Added to the bar while a first pull shows the rows landed so far in uid order."""
TOP_HOLDERS = 5
SIDE_TEXT = 37
"""Characters a line of the side panel holds."""
NARROW = 100
"""Below this many columns the table and the totals panel do not both fit (an amount
would be cut): the table has the whole width and ``t`` swaps it with the totals."""


def progress_text(progress: Any) -> str:
    """A sync's progress as the bar shows it: ``syncing 120,000 rows · 52,000 rows/s ·
    ETA 17 s`` (``synced · N rows`` once done)."""
    if progress.done:
        return f"synced · {progress.rows:,} rows merged"
    if progress.phase == "indexing":
        return f"building indexes · {progress.rows:,} rows"
    parts = [f"syncing {progress.rows:,} rows", f"{int(progress.rows_per_s):,} rows/s"]
    if progress.eta_s is not None:
        parts.append(f"ETA {progress.eta_s} s")
    return " · ".join(parts)


class OrgHoldingsScreen(ProfileScreen):
    """Every user's ChainUp account rows, sorted, filtered and summed (see the module)."""

    SUB_TITLE = "org holdings"
    PROFILE_CAPABILITIES = frozenset({Capability.ORG_BALANCES})
    PROFILE_PROMPT = "no org profile"

    DEFAULT_CSS = """
    OrgHoldingsScreen #org-body { height: 1fr; }
    OrgHoldingsScreen #org-table { width: 1fr; }
    OrgHoldingsScreen #org-side { width: 40; padding: 0 1; border-left: solid $panel; }
    OrgHoldingsScreen #org-totals { height: auto; }
    OrgHoldingsScreen #org-top { height: auto; padding-top: 1; }
    OrgHoldingsScreen #org-filter { display: none; }
    OrgHoldingsScreen #org-filter.open { display: block; }
    OrgHoldingsScreen.-narrow #org-side { display: none; }
    OrgHoldingsScreen.-narrow.-totals #org-side { display: block; width: 1fr;
                                                   border-left: none; }
    OrgHoldingsScreen.-narrow.-totals #org-table { display: none; }
    """

    BINDINGS: list[BindingType] = [
        Binding("slash", "open_filter", "Filter", key_display="/",
                tooltip="Filter: coin=BTC total>1000 uid=... or any words"),
        Binding("u", "user_rows", "User", tooltip="Show only this user's rows"),
        Binding("c", "coin_rows", "Coin", show=False, tooltip="Show only this coin's rows"),
        Binding("x", "clear_filter", "Clear", tooltip="Clear the filter"),
        Binding("h", "back_to_user", "Back to user",
                tooltip="Back to the Users card this view was opened from (esc too)"),
        Binding("r", "sync", "Sync", tooltip="Bring the org's rows up to date now"),
        Binding("e", "export('csv')", "Export", tooltip="Export the filtered rows to CSV"),
        Binding("E", "export('parquet')", "Parquet", show=False,
                tooltip="Export the filtered rows to Parquet"),
        Binding("t", "toggle_totals", "Totals",
                tooltip="Narrow terminal: swap the table and the coin totals"),
        next_profile_binding("Switch to the next org profile"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        # the org APIs this screen syncs: ChainUp's accounts and BHEX's statistics
        self.profiles = [p.name for p in session.profiles if p.venue in ("chainup", "bhex")]
        self.profile = self.profiles[0] if self.profiles else None
        self.store: HoldingsStore | None = None
        """The store the sync writes (its reader serves the table)."""
        self.source: HoldingsSource | None = None
        self.note = ""
        self._last_reload = 0.0  # float-ok: monotonic seconds
        self._sort_before_pull: tuple[str, bool] | None = None
        self._landing = False
        """A first pull's rows are being shown as they land (no sort indexes yet)."""
        """The table's order while a first pull shows its rows by uid (see _show_landing)."""
        self._pending_filter: str | None = None
        self._top_coin: str | None = None
        self.return_mode: str | None = None
        """The main screen to go back to (``h`` or esc) when a user's card opened this view."""

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("holdings")
        yield self.profile_bar(self.bar_note(""))
        if not self.profiles:
            yield self.no_profiles("No ChainUp org profile: add a profile for the ChainUp "
                                   "platform API to see every user's holdings.")
        yield Input(placeholder="coin=BTC total>1000 uid=...  (Enter applies, Esc closes)",
                    id="org-filter")
        with Horizontal(id="org-body"):
            yield Vertical(id="org-table")
            with VerticalScroll(id="org-side"):
                yield Static("", id="org-totals", markup=False)
                yield Static("", id="org-top", markup=False)
        yield KeyFooter()

    def on_resize(self, event: events.Resize) -> None:
        """Give the table the whole width when the totals panel beside it would cut it."""
        self.set_class(event.size.width < NARROW, "-narrow")
        self.refresh_bindings()

    def action_toggle_totals(self) -> None:
        """On a narrow terminal: show the coin totals instead of the table, or back."""
        self.toggle_class("-totals")
        if self.has_class("-totals"):
            self.query_one("#org-side").focus()  # the arrows scroll the totals
        elif self.table is not None:
            self.table.focus()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW, "-narrow")
        if self.profile is None:
            self.query_one("#org-body").display = False
            return
        self._open(self.profile)

    def profile_switched(self) -> None:
        """Show the newly chosen profile's org."""
        self.workers.cancel_group(self, "org-sync")
        self.run_worker(self._switch(), group="org-switch", exclusive=True)

    async def _switch(self) -> None:
        await self.query(VirtualTable).remove()
        self._close()
        self._sort_before_pull, self._landing = None, False
        self._set_note("")
        if self.profile is not None:
            self._open(self.profile)

    @property
    def table(self) -> VirtualTable | None:
        """The table of the org shown now."""
        found = self.query(VirtualTable)
        return found.first() if found else None

    # -- the store and the sync -------------------------------------------------------

    def _open(self, profile: str) -> None:
        """Open the profile's store (the table shows it at once) and start a sync."""
        try:
            adapter = self.session.adapter(profile)
            venue = self.session.profile(profile).venue
            if venue == "bhex":
                from tui.venues.bhex_org_sync import bhex_org_key, bhex_type_name

                path, describe = holdings_path(bhex_org_key(adapter), "bhex"), bhex_type_name
            else:
                path, describe = holdings_path(adapter.org_key), _type_name  # type: ignore[attr-defined]
            self.store = HoldingsStore.open(path)
            self.source = HoldingsSource(self.store.reader(), describe_type=describe,
                                         ensure_index=self._ensure_index)
        except (CoinsoleError, StoreError, OSError) as exc:
            self._set_note(f"cannot open the org's holdings: {exc}")
            return
        sort, descending = "total", True
        if self._bulk():  # an interrupted first pull: its rows by uid until it is indexed
            self._sort_before_pull, self._landing = (sort, descending), True
            sort, descending = "uid", False
        table = VirtualTable(self.source, sort=sort, descending=descending, id="holdings")
        self.query_one("#org-table").mount(table)
        table.focus()
        if self._pending_filter is not None:
            self.call_after_refresh(self.apply_filter, self._pending_filter)
            self._pending_filter = None
        self._show_side()
        self.action_sync()

    def _ensure_index(self, key: str) -> bool:
        """Build an amount's sort index the first time the table sorts by it (called in
        the table's worker thread); the bar says so while it builds."""
        from tui.stores.org_holdings import ON_DEMAND_INDEXES

        store = self.store
        if store is None:
            return False
        if store.has_index(ON_DEMAND_INDEXES[key]):
            return True
        before = self.note
        building = f"indexing {key.removesuffix('_key')} (once; about a second a million rows)…"
        self.app.call_from_thread(self._set_note, building)
        try:
            return store.ensure_index(key)
        finally:  # unless a sync's progress replaced it meanwhile
            self.app.call_from_thread(
                lambda: self.note == building and self._set_note(before))

    def _close(self) -> None:
        for store in (self.source.store if self.source else None, self.store):
            if store is not None:
                store.close()
        self.store = self.source = None

    def on_unmount(self) -> None:
        self._close()

    def action_sync(self) -> None:
        """Bring the store up to date with the venue (in a worker)."""
        if self.profile is None or self.store is None:
            return
        self.run_worker(self._sync(self.profile, self.store), group="org-sync",
                        exclusive=True, exit_on_error=False)

    async def _sync(self, profile: str, store: HoldingsStore) -> None:
        from tui.venues.bhex_org_sync import BhexOrgSync
        from tui.venues.chainup_org_sync import OrgSync

        adapter = self.session.adapter(profile)
        self._set_note("syncing…")
        try:
            if self.session.profile(profile).venue == "bhex":
                merged = await BhexOrgSync(adapter, store).run()
                self._set_note(f"synced · {merged:,} rows merged (token_hold_detail)")
            else:
                await OrgSync(adapter, store, on_progress=self._progress).run()  # type: ignore[arg-type]
        except (CoinsoleError, StoreError) as exc:
            self._set_note(f"sync failed: {exc}")
        if not self._bulk():
            self._end_landing()
        self._reload()

    def _progress(self, progress: Any) -> None:
        bulk = progress.bulk
        self._set_note(progress_text(progress) + (BY_UID_NOTE if bulk else ""))
        now = time.monotonic()
        if progress.phase == "changes" or now - self._last_reload >= RELOAD_EVERY_S:
            self._last_reload = now
            if bulk:
                self._show_landing()
            else:
                self._reload()

    def _show_landing(self) -> None:
        """During a first pull (no sort indexes yet): the rows landed so far, in uid order
        (the primary key's), so the desk can start before the pull ends; the table's own
        order comes back when the indexes are built (:meth:`_end_landing`)."""
        table = self.table
        if table is None or self.source is None:
            return
        self._landing = True
        if self._sort_before_pull is None and table.query.sort != "uid":
            self._sort_before_pull = (table.query.sort, table.query.descending)
            self.source.refresh_names()
            table.set_sort("uid", descending=False)
        else:
            self._reload()

    def _end_landing(self) -> None:
        """Give the table back the order it had before the first pull showed it by uid
        (unless the user sorted it otherwise meanwhile)."""
        saved, self._sort_before_pull = self._sort_before_pull, None
        self._landing = False
        table = self.table
        if saved is not None and table is not None and table.query.sort == "uid":
            table.set_sort(*saved)

    def _bulk(self) -> bool:
        """Whether a first pull is loading without indexes (the table waits for them)."""
        return bool(self.store is not None and self.store.sync_state().get("bulk"))

    def _reload(self) -> None:
        if self.source is None or self.table is None:
            return
        self.source.refresh_names()
        self.table.reload()
        self._show_side()

    def _set_note(self, text: str) -> None:
        self.note = text
        for note in self.query("#bar-note"):
            note.update(text)  # type: ignore[attr-defined]

    # -- side panel -------------------------------------------------------------------

    def _show_side(self) -> None:
        if self.source is None:
            return
        lines = ["coin totals (exact)"]
        for total in self.source.store.totals():
            lines.append(f"{self.source.label(total.coin)} · {total.rows:,} rows")
            for name, value in (("available", total.available), ("frozen", total.frozen),
                                ("total", total.total)):
                text = group_digits(format(value, "f"))
                if len(text) + 12 <= SIDE_TEXT:
                    lines.append(f"  {name:<9} {text}")
                else:  # every digit stays: the value takes a line of its own
                    lines += [f"  {name}", f"   {text}"]
        self.query_one("#org-totals", Static).update("\n".join(lines))
        self._top_coin = None
        self._show_top()

    def _show_top(self) -> None:
        table = self.table
        if self.source is None or table is None or table.window.current is None:
            self.query_one("#org-top", Static).update("")
            return
        coin = table.window.current.ident[1]
        if coin == self._top_coin:
            return
        self._top_coin = coin
        lines = [f"largest {self.source.label(coin)} accounts"]
        if self._landing:  # no (coin, total) index yet: that would scan the coin's rows
            self.query_one("#org-top", Static).update("\n".join(
                [*lines, "  shown once the first pull is indexed"]))
            return
        for row in self.source.store.top_holders(coin, TOP_HOLDERS):
            lines.append(f"  {row.uid:<10} {group_digits(row.balance)}")
        self.query_one("#org-top", Static).update("\n".join(lines))

    @on(VirtualTable.Moved)
    def _moved(self) -> None:
        self._show_top()

    # -- export -----------------------------------------------------------------------

    def action_export(self, kind: str) -> None:
        """Export the rows the table shows (its filter and order) in a worker thread."""
        table, source = self.table, self.source
        if table is None or source is None:
            return
        from datetime import UTC, datetime

        from tui.widgets.record_table import export_dir

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = export_dir() / f"org-holdings-{stamp}.{kind}"
        query, total = table.query, table.total
        self._set_note(f"exporting to {path.name}…")

        def progress(count: int) -> None:
            of = f" of {total:,}" if total else ""
            self.app.call_from_thread(self._set_note,
                                      f"exporting to {path.name}: {count:,}{of} rows…")

        def work() -> None:
            from tui.stores.holdings_export import export_csv, export_parquet

            try:
                if kind == "csv":
                    count, note = export_csv(source, query, path, progress), \
                        "exact decimal text"
                else:
                    count, note = export_parquet(source, query, path, progress)
            except (StoreError, OSError, RuntimeError) as exc:
                self.app.call_from_thread(self._set_note, f"export failed: {exc}")
                return
            done = f"exported {count:,} rows to {path} ({note})"
            self.app.call_from_thread(self._set_note, done)
            # the bar may cut a long path: the notice wraps, so the whole path is seen
            self.app.call_from_thread(self.notify, done, timeout=10)

        self.run_worker(work, thread=True, group="org-export", exit_on_error=False)

    # -- filter -----------------------------------------------------------------------

    def action_open_filter(self) -> None:
        """Show the filter line."""
        field = self.query_one("#org-filter", Input)
        field.add_class("open")
        if self.table is not None:
            field.value = self.table.query.text
        field.focus()

    @on(Input.Submitted, "#org-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self.apply_filter(event.value):
            event.input.remove_class("open")
            if self.table is not None:
                self.table.focus()

    def apply_filter(self, text: str) -> bool:
        """Filter the table by ``text``; a refused filter is a one-line note, nothing
        changed. Returns whether it applied."""
        if self.table is None:
            return False
        try:
            self.table.set_filter(text)
        except FilterError as exc:
            self._set_note(f"filter refused: {exc}")
            return False
        return True

    def key_escape(self) -> None:
        field = self.query_one("#org-filter", Input)
        if field.has_class("open"):
            field.remove_class("open")
            if self.table is not None:
                self.table.focus()
        elif self.return_mode is not None:
            self.action_back_to_user()

    def on_screen_suspend(self) -> None:
        # left for another screen: a later visit is not a trip from the card any more
        self.return_mode = None

    def action_back_to_user(self) -> None:
        """Back to the screen (the Users card) that opened this view on one user."""
        mode, self.return_mode = self.return_mode, None
        if mode is not None:
            self.app.switch_mode(mode)

    def show_user(self, uid: str, profile: str | None = None, *,
                  return_mode: str | None = None) -> None:
        """Show only user ``uid``'s rows (of ``profile``'s org when given): what the Users
        card calls to open a user's holdings; ``x`` shows every row again, and ``h`` (or
        esc) goes back to ``return_mode`` when given."""
        self.return_mode = return_mode
        if profile is not None and profile != self.profile and profile in self.profiles:
            self._pending_filter = f"uid={uid}"
            self.choose_profile(profile)
            return
        self.apply_filter(f"uid={uid}")

    def action_user_rows(self) -> None:
        """Only the rows of the user under the cursor."""
        if self.table is not None and self.table.window.current is not None:
            self.apply_filter(f"uid={self.table.window.current.ident[0]}")

    def action_coin_rows(self) -> None:
        """Only the rows of the coin under the cursor."""
        if self.table is not None and self.table.window.current is not None:
            self.apply_filter(f"coin={self.table.window.current.ident[1]}")

    def action_clear_filter(self) -> None:
        """Show every row again."""
        self.apply_filter("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``h`` (back to the user's card) only when a card opened this view."""
        if action == "back_to_user":
            return self.return_mode is not None
        if action == "toggle_totals":
            return self.has_class("-narrow")
        return super().check_action(action, parameters)


def _type_name(type_: str) -> str:
    from tui.venues.chainup_org_sync import type_name

    return type_name(type_)
