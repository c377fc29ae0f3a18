"""The History screen: deposits, withdrawals and transfers, and the balance flow.

Only profiles with the DEPOSIT_HISTORY or WITHDRAW_HISTORY capability are offered; the
Balance flow tab shows only for adapters that list one. Each tab's list is one of the
adapter's ``history_pages(kind)`` walks, newest first: the first page loads when the tab
is first shown, and "load more" (``m``) pulls the walk's next, older page — the adapters
page exactly as their venue documents (exclusive ``from_id``, time windows), and the
table drops any record it already holds, so nothing is shown twice. Statuses are words
coloured by theme variables ($success done, $warning pending, $error failed/cancelled).
Every request runs in a worker (group ``history:<tab>``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import TabbedContent, TabPane

from tui.core.errors import CoinsoleError
from tui.core.moves import MoveStatus
from tui.screens.profile_tabs import ProfileTabsScreen, next_profile_binding, tab_bindings
from tui.session import Session
from tui.venues.base import Capability
from tui.venues.registry import adapter_class, capabilities
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav
from tui.widgets.record_table import Column, RecordTable, time_column
from tui.widgets.title_bar import TitleBar

__all__ = ["HistoryScreen", "RECORD_COLUMNS", "FLOW_COLUMNS", "PAGE_SIZE", "status_style"]

PAGE_SIZE = 20
"""Records per page; "load more" fetches the next older page."""


def status_style(status: MoveStatus) -> str:
    """The theme variable colouring a status: success, warning or error."""
    if status is MoveStatus.DONE:
        return "success"
    if status is MoveStatus.PENDING:
        return "warning"
    return "error"


def _sign_style(value: Any) -> str | None:
    if value is None or value == 0:
        return None
    return "success" if value > 0 else "error"


RECORD_COLUMNS: tuple[Column, ...] = (
    time_column(),
    Column("kind", "kind", value=lambda r: r.kind.label),
    Column("coin", "coin"),
    Column("amount", "amount", numeric=True,
           style=lambda r: "success" if r.direction == "in" else None),
    Column("fee", "fee", numeric=True, drop=3),
    Column("status", "status", style=lambda r: status_style(r.status)),
    Column("network", "network", drop=4),
    Column("id", "id", drop=6),
    Column("address", "address", drop=5),
    Column("counterparty", "counterparty", drop=7),
    Column("tx hash", "tx_hash", drop=8),
    Column("venue status", "venue_status", drop=9),
)
"""Deposits, withdrawals and transfers."""

FLOW_COLUMNS: tuple[Column, ...] = (
    time_column(),
    Column("coin", "coin"),
    Column("type", "flow_type"),
    Column("change", "change", numeric=True, style=lambda r: _sign_style(r.change)),
    Column("balance after", "total", numeric=True),
    Column("account", "account_id", drop=5),
    Column("id", "id", drop=6),
)
"""Balance-flow records."""

_TABS: dict[str, tuple[str, str, tuple[Column, ...], str]] = {
    # table id: (kind for history_pages, title, columns, empty text)
    "deposits": ("deposits", "deposits", RECORD_COLUMNS, "no deposits"),
    "withdrawals": ("withdrawals", "withdrawals and transfers", RECORD_COLUMNS,
                    "no withdrawals or transfers"),
    "flow": ("flow", "balance flow", FLOW_COLUMNS, "no balance changes"),
}


def _has_flow(venue: str) -> bool:
    return callable(getattr(adapter_class(venue), "balance_flow", None))


class HistoryScreen(ProfileTabsScreen):
    """Deposits, withdrawals and transfers, and balance flow of one profile, paged."""

    SUB_TITLE = "history"
    PROFILE_CAPABILITIES = frozenset({Capability.DEPOSIT_HISTORY, Capability.WITHDRAW_HISTORY})

    BINDINGS: list[BindingType] = [
        Binding("m", "load_more", "Load more", tooltip="Fetch the next older page of this list"),
        Binding("r", "refresh", "Refresh", tooltip="Reload this list from its newest page"),
        *tab_bindings(),
        next_profile_binding("Switch to the next profile with histories"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.walks: dict[str, AsyncIterator[list[Any]]] = {}
        """Per tab: the adapter's page walk in progress (its next page is the next older)."""
        self.exhausted: set[str] = set()
        """Tabs whose walk has no older page."""
        self.loaded: set[str] = set()

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("history")
        yield self.profile_bar(self.bar_note("newest first · m loads older"))
        if not self.profiles:
            yield self.no_profiles("No profile has deposit or withdrawal history: add a "
                                   "profile whose venue offers it.")
        with TabbedContent(id="tabs", initial="tab-deposits"):
            with TabPane("Deposits", id="tab-deposits"):
                yield self._table("deposits")
            with TabPane("Withdrawals and transfers", id="tab-withdrawals"):
                yield self._table("withdrawals")
            with TabPane("Balance flow", id="tab-flow"):
                yield self._table("flow")
        yield KeyFooter()

    def _table(self, table_id: str) -> RecordTable:
        _, title, columns, empty = _TABS[table_id]
        return RecordTable(columns, record_key=lambda r: r.id, name=title,
                           export_prefix="history", empty_text=empty, id=table_id)

    def on_mount(self) -> None:
        if self.profile is None:
            self.query_one("#tabs").display = False
            return
        self._profile_tabs()
        self.load("deposits")
        self.table("deposits").focus_table()

    def table(self, table_id: str) -> RecordTable:
        """The table of tab ``table_id`` (deposits, withdrawals, flow)."""
        return self.query_one(f"#{table_id}", RecordTable)

    @property
    def tabs_shown(self) -> list[str]:
        """The tabs the chosen profile has."""
        if self.profile is None:
            return []
        venue = self.session.profile(self.profile).venue
        caps = capabilities(venue)
        shown = []
        if Capability.DEPOSIT_HISTORY in caps:
            shown.append("deposits")
        if Capability.WITHDRAW_HISTORY in caps:
            shown.append("withdrawals")
        if _has_flow(venue):
            shown.append("flow")
        return shown

    def _profile_tabs(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        shown = self.tabs_shown
        for table_id in _TABS:
            if table_id in shown:
                tabs.show_tab(f"tab-{table_id}")
            else:
                tabs.hide_tab(f"tab-{table_id}")
        if shown and tabs.active.removeprefix("tab-") not in shown:
            tabs.active = f"tab-{shown[0]}"

    @property
    def active_table_id(self) -> str:
        """The id of the tab showing now."""
        return self.query_one("#tabs", TabbedContent).active.removeprefix("tab-")

    # -- loading ------------------------------------------------------------------------

    def load(self, table_id: str, *, more: bool = False) -> None:
        """Load the newest page of ``table_id`` (or, with ``more``, its next older page)
        in a worker."""
        if self.profile is None or table_id not in self.tabs_shown:
            return
        table = self.table(table_id)
        if not more:
            self.walks.pop(table_id, None)
            self.exhausted.discard(table_id)
            table.set_records([])
        table.show_loading()
        self.run_worker(partial(self._load, table_id, self.profile, more),
                        group=f"history:{table_id}", exclusive=True, exit_on_error=False)

    async def _load(self, table_id: str, profile: str, more: bool) -> None:
        table = self.table(table_id)
        kind = _TABS[table_id][0]
        walk = self.walks.get(table_id)
        if walk is None:
            walk = self.session.adapter(profile).history_pages(kind, page_size=PAGE_SIZE)
            self.walks[table_id] = walk
        try:
            page = await anext(walk)
        except StopAsyncIteration:
            page = None
        except asyncio.CancelledError:
            raise
        except CoinsoleError as exc:
            self._failed(table_id, profile, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one list failing must not take the app down
            self._failed(table_id, profile, f"unexpected {type(exc).__name__}: {exc}")
            return
        if profile != self.profile:
            return
        self.loaded.add(table_id)
        if page is None or len(page) < PAGE_SIZE:
            self.exhausted.add(table_id)
            self.walks.pop(table_id, None)
        added = table.add_records(page or [])
        if more:
            self.notify(f"{added} older {table.table_name} loaded" if added
                        else f"no older {table.table_name}", timeout=3)
        table.set_note("all loaded" if table_id in self.exhausted else "m loads older")

    def _failed(self, table_id: str, profile: str, message: str) -> None:
        self.walks.pop(table_id, None)
        if profile == self.profile:
            self.table(table_id).show_error(message)

    # -- actions ------------------------------------------------------------------------

    def action_load_more(self) -> None:
        """Fetch the next older page of the list on screen."""
        table_id = self.active_table_id
        if table_id not in self.loaded:
            self.load(table_id)
        elif table_id in self.exhausted:
            self.notify(f"every {self.table(table_id).table_name} record is loaded",
                        timeout=3)
        else:
            self.load(table_id, more=True)

    def action_refresh(self) -> None:
        """Reload the list on screen from its newest page."""
        self.load(self.active_table_id)

    def tab_order(self) -> list[str]:
        """The tabs the chosen profile has, in order."""
        return self.tabs_shown

    def select_tab(self, table_id: str) -> None:
        """Show the tab of ``table_id``."""
        self.query_one("#tabs", TabbedContent).active = f"tab-{table_id}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("load_more", "refresh"):
            return self.profile is not None
        return super().check_action(action, parameters)

    # -- events -------------------------------------------------------------------------

    def profile_switched(self) -> None:
        """Forget every list and load the new profile's tab on screen."""
        self.walks.clear()
        self.exhausted.clear()
        self.loaded.clear()
        for table_id in _TABS:
            self.table(table_id).set_records([])
        self._profile_tabs()
        self.load(self.active_table_id)

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        table_id = self.active_table_id
        if self.profile is not None and table_id not in self.loaded:
            self.load(table_id)
        self.call_after_refresh(self.table(table_id).focus_table)

    # -- command palette ----------------------------------------------------------------

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries: each tab and each profile."""
        for table_id in self.tabs_shown:
            title = _TABS[table_id][1]
            yield f"History: {title}", f"Show the {title} tab", \
                lambda t=table_id: self.select_tab(t)
        for name in self.profiles:
            yield f"History of {name}", f"Show the histories of profile {name}", \
                lambda n=name: self.choose_profile(n)
        yield "Export this table to CSV", "Every shown row, exact decimals", \
            lambda: self.table(self.active_table_id).action_export()

