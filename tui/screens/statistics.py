"""The Statistics screen: a BHEX broker's org-wide figures, read-only.

Offered for profiles whose adapter has the org statistics (:mod:`tui.venues.bhex_stats`);
opened from the command palette ("Statistics") and closed with Escape. Tabs: holdings per
token, the top holders of the token under the Holdings cursor (with a chart of their
totals), the broker-audit worklist (withdrawals at status 1), withdrawals, deposits and
trading fees per symbol, each an exact table (``e`` exports it to CSV); withdrawals and
deposits have a chart of how many there were per day beside them. The range Select
in the profile bar sets the days the time-ranged tabs cover (UTC days, today included).
``d`` downloads one of the venue's history files with a progress bar. Every tab loads
in a worker (group ``stats:<tab>``) the first time it is shown; ``r``
reloads it. A failure shows in its table and touches nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Label, Select, TabbedContent, TabPane

from tui.core.errors import CoinsoleError
from tui.screens.profile_tabs import ProfileTabsScreen, next_profile_binding, tab_bindings
from tui.session import Session
from tui.venues.bhex_stats import walk_pages
from tui.venues.registry import adapter_class
from tui.core.amounts import table_amount
from tui.widgets.bar_chart import BarChart, chart_amount
from tui.widgets.key_footer import KeyFooter
from tui.widgets.record_table import Column, RecordTable, time_column
from tui.widgets.title_bar import TitleBar

__all__ = ["StatisticsScreen", "has_statistics", "RANGES", "day_range", "per_day"]

RANGES = (7, 30, 90)
"""The day ranges offered, the first the default."""
_DAY_MS = 86_400_000


def has_statistics(venue: str) -> bool:
    """Whether ``venue``'s adapter reads org statistics."""
    return callable(getattr(adapter_class(venue), "stats_token_hold_summary", None))


def day_range(days: int, now: datetime | None = None) -> tuple[int, int]:
    """The closed milliseconds of the last ``days`` UTC days, today included."""
    today = (now or datetime.now(timezone.utc)).date()
    first = today - timedelta(days=days - 1)
    start = int(datetime(first.year, first.month, first.day, tzinfo=timezone.utc).timestamp())
    end = int(datetime(today.year, today.month, today.day, tzinfo=timezone.utc).timestamp())
    return start * 1000, end * 1000 + _DAY_MS - 1


def per_day(records: Iterable[Any], days: int,
            now: datetime | None = None) -> list[tuple[str, Decimal]]:
    """How many of ``records`` were created on each of the last ``days`` UTC days, oldest
    first, labelled ``MM-DD``."""
    start, _ = day_range(days, now)
    counts = [0] * days
    for record in records:
        index = (record.create_time - start) // _DAY_MS
        if 0 <= index < days:
            counts[index] += 1
    first = datetime.fromtimestamp(start // 1000, timezone.utc).date()
    return [((first + timedelta(days=n)).strftime("%m-%d"), Decimal(count))
            for n, count in enumerate(counts)]


def _audit_style(record: Any) -> str | None:
    return "warning" if record.awaiting_broker_audit else None


SUMMARY = (Column("token", "token_id"), Column("total", "total", numeric=True),
           Column("available", "available", numeric=True),
           Column("lock", "lock", numeric=True))
# Beside the holders' chart the id, lock, available and account columns give way (in
# that order) so user and total stay whole, every digit.
HOLDERS = (Column("user", "user_id"), Column("account", "account_id", drop=2),
           Column("total", "total", numeric=True),
           Column("available", "available", numeric=True, drop=3),
           Column("lock", "lock", numeric=True, drop=4), Column("id", "id", drop=5))
TOP = 20
"""How many holders the Top holders tab shows."""
# On a narrow terminal the tx id, address, arrives and order id columns give way (in
# that order, see RecordTable's ``drop``) so user, token and quantity stay readable.
WITHDRAWALS = (time_column(key="create_time"),
               Column("order id", "order_id", drop=2), Column("user", "user_id"),
               Column("token", "token_id"), Column("quantity", "total_quantity", numeric=True),
               Column("arrives", "arrive_quantity", numeric=True, drop=3),
               Column("status", "status", value=lambda r: r.status_text, style=_audit_style),
               Column("address", "address", drop=4), Column("tx id", "tx_id", drop=5))
DEPOSITS = (time_column(key="create_time"),
            Column("order id", "order_id", drop=2), Column("user", "user_id"),
            Column("token", "token_id"), Column("quantity", "quantity", numeric=True),
            Column("status", "status", value=lambda r: r.status_text),
            Column("address", "address", drop=4), Column("tx id", "tx_id", drop=5))
FEES = (Column("symbol", "symbol_id"), Column("fee token", "fee_token_id"),
        Column("fees", "fee_total", numeric=True))

_TABS: dict[str, tuple[str, tuple[Column, ...], Callable[[Any], Any], str]] = {
    # table id: (title, columns, record key, empty text)
    "holdings": ("holdings", SUMMARY, lambda r: r.token_id, "no holdings"),
    "top": ("top holders", HOLDERS, lambda r: r.id, "no holders"),
    "audit": ("awaiting audit", WITHDRAWALS, lambda r: r.order_id,
              "no withdrawal awaits the broker's audit"),
    "withdrawals": ("withdrawals", WITHDRAWALS, lambda r: r.order_id, "no withdrawals"),
    "deposits": ("deposits", DEPOSITS, lambda r: r.order_id, "no deposits"),
    "fees": ("fees", FEES, lambda r: (r.symbol_id, r.fee_token_id), "no fees"),
}
_CHARTED = ("top", "withdrawals", "deposits")
"""The tabs with a per-day chart beside their table."""
_TITLES = {"holdings": "Holdings", "top": "Top holders", "audit": "Awaiting audit", "withdrawals": "Withdrawals",
           "deposits": "Deposits", "fees": "Fees"}


class StatisticsScreen(ProfileTabsScreen):
    """Org-wide holdings, the broker-audit worklist, withdrawals, deposits and fees of one
    BHEX profile."""

    SUB_TITLE = "statistics"
    PROFILE_PROMPT = "no BHEX profile"

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns (``-narrow``) the per-day charts give their width to the table,
    and the holders' chart moves under its table (which keeps the whole width)."""

    DEFAULT_CSS = """
    StatisticsScreen.-narrow #withdrawals-chart, StatisticsScreen.-narrow #deposits-chart {
        display: none;
    }
    StatisticsScreen #top-chart { max-width: 46; }
    StatisticsScreen.-narrow #tab-top .with-chart { layout: vertical; }
    StatisticsScreen.-narrow #top-chart { width: 1fr; max-width: 46; height: auto;
                                          max-height: 50%; border-left: none;
                                          border-top: solid $panel-lighten-2; }
    StatisticsScreen #range { width: 20; }
    StatisticsScreen .with-chart { height: 1fr; }
    StatisticsScreen .with-chart RecordTable { width: 1fr; }
    StatisticsScreen BarChart { overflow-y: auto; }
    """

    BINDINGS: list[BindingType] = [
        Binding("escape", "close", "Close", tooltip="Back to the screen before"),
        Binding("r", "refresh", "Refresh", tooltip="Reload this tab"),
        Binding("d", "download", "Download", tooltip="Save one of the venue's history files "
                                                      "(.xlsx) with a progress bar"),
        *tab_bindings(),
        next_profile_binding("Switch to the next profile with org statistics"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.profiles = [p.name for p in session.profiles if has_statistics(p.venue)]
        self.profile = self.profiles[0] if self.profiles else None
        self.days = RANGES[0]
        """The days the time-ranged tabs cover."""
        self.loaded: set[str] = set()
        self.top_for: str | None = None
        """The token the Top holders tab shows."""

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield self.profile_bar(
            Label("range"),
            Select([(f"last {d} days", d) for d in RANGES], id="range", value=self.days,
                   allow_blank=False),
            self.bar_note("org-wide · UTC days · e exports"))
        if not self.profiles:
            yield self.no_profiles("No profile reads org statistics: add a BHEX org profile.")
        with TabbedContent(id="tabs", initial="tab-holdings"):
            for table_id, title in _TITLES.items():
                with TabPane(title, id=f"tab-{table_id}"):
                    if table_id in _CHARTED:
                        with Horizontal(classes="with-chart"):
                            yield self._table(table_id)
                            yield self._chart(table_id, title)
                    else:
                        yield self._table(table_id)
        yield KeyFooter()

    @staticmethod
    def _chart(table_id: str, title: str) -> BarChart:
        """The chart beside ``table_id``: the holders' totals written short (≈, so the
        chart's width is bounded and the table keeps every digit), else counts per day."""
        if table_id == "top":
            return BarChart("Holders' totals (≈ rounded)", id="top-chart",
                            value_text=chart_amount)
        return BarChart(f"{title} per day (UTC)", id=f"{table_id}-chart",
                        value_text=table_amount)

    def _table(self, table_id: str) -> RecordTable:
        title, columns, key, empty = _TABS[table_id]
        return RecordTable(columns, record_key=key, name=title, export_prefix="stats",
                           empty_text=empty, id=table_id)

    def on_mount(self) -> None:
        if self.profile is None:
            self.query_one("#tabs").display = False
            return
        self.load("holdings")
        self.table("holdings").focus_table()

    def chart(self, table_id: str) -> BarChart:
        """The per-day chart beside ``table_id`` (deposits, withdrawals)."""
        return self.query_one(f"#{table_id}-chart", BarChart)

    def table(self, table_id: str) -> RecordTable:
        """The table of tab ``table_id``."""
        return self.query_one(f"#{table_id}", RecordTable)

    @property
    def active_table_id(self) -> str:
        """The id of the tab showing now."""
        return self.query_one("#tabs", TabbedContent).active.removeprefix("tab-")

    def tab_order(self) -> list[str]:
        """Every tab, in order."""
        return list(_TABS) if self.profile is not None else []

    def select_tab(self, table_id: str) -> None:
        """Show the tab of ``table_id``."""
        self.query_one("#tabs", TabbedContent).active = f"tab-{table_id}"

    # -- loading ------------------------------------------------------------------------

    def _fetch(self, table_id: str, adapter: Any) -> Awaitable[list[Any]]:
        start, end = day_range(self.days)
        if table_id == "holdings":
            return adapter.stats_token_hold_summary()
        if table_id == "fees":
            return adapter.stats_trade_fee(start, end)
        if table_id == "top":
            return self._top(adapter)
        method = adapter.stats_deposit_order if table_id == "deposits" \
            else adapter.stats_withdraw_order

        async def walk() -> list[Any]:
            rows = await walk_pages(lambda cursor, size: method(start, end, from_id=cursor,
                                                                limit=size),
                                    lambda r: r.order_id)
            if table_id == "audit":
                rows = [r for r in rows if r.awaiting_broker_audit]
            return rows

        return walk()

    def top_token(self) -> str | None:
        """The token the Top holders tab is for: the one under the Holdings cursor
        (else the first holding)."""
        holdings = self.table("holdings")
        current = holdings.current or (holdings.shown[0] if holdings.shown else None)
        return current.token_id if current is not None else None

    async def _top(self, adapter: Any) -> list[Any]:
        token = self.top_token()
        if token is None:
            summary = await adapter.stats_token_hold_summary()
            token = summary[0].token_id if summary else None
        self.top_for = token
        return [] if token is None else await adapter.stats_token_hold_top(token, top=TOP)

    def load(self, table_id: str) -> None:
        """Load ``table_id`` afresh in a worker."""
        if self.profile is None:
            return
        table = self.table(table_id)
        table.set_records([])
        table.show_loading()
        self.run_worker(partial(self._load, table_id, self.profile, self.days),
                        group=f"stats:{table_id}", exclusive=True, exit_on_error=False)

    async def _load(self, table_id: str, profile: str, days: int) -> None:
        try:
            records = await self._fetch(table_id, self.session.adapter(profile))
        except asyncio.CancelledError:
            raise
        except CoinsoleError as exc:
            self._failed(table_id, profile, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one tab failing must not take the app down
            self._failed(table_id, profile, f"unexpected {type(exc).__name__}: {exc}")
            return
        if profile != self.profile or days != self.days:
            return
        self.loaded.add(table_id)
        table = self.table(table_id)
        table.set_records(records)
        if table_id == "top":
            self.chart("top").set_bars([(f"…{r.user_id[-6:]}", r.total) for r in records])
            table.set_note(f"{self.top_for or 'no token'} · top {TOP}")
            return
        if table_id in _CHARTED:
            self.chart(table_id).set_bars(per_day(records, days))
        table.set_note("now" if table_id == "holdings" else f"last {days} days")

    def _failed(self, table_id: str, profile: str, message: str) -> None:
        if profile == self.profile:
            self.table(table_id).show_error(message)

    def _reload(self) -> None:
        self.loaded.clear()
        for table_id in _TABS:
            self.table(table_id).set_records([])
        self.load(self.active_table_id)

    # -- actions ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Reload the tab on screen."""
        self.load(self.active_table_id)

    def action_download(self) -> None:
        """Open the history-file download modal for the profile shown."""
        from tui.screens.stats_download import DownloadScreen

        if self.profile is not None:
            self.app.push_screen(DownloadScreen(self.session.adapter(self.profile)))

    def action_close(self) -> None:
        """Back to the screen before."""
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("refresh", "download"):
            return self.profile is not None
        return super().check_action(action, parameters)

    # -- events -------------------------------------------------------------------------

    def profile_switched(self) -> None:
        """Forget every tab and load the new profile's tab on screen."""
        self._reload()

    @on(Select.Changed, "#range")
    def _range_picked(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK or event.value == self.days:
            return
        self.days = int(event.value)  # type: ignore[arg-type]
        self._reload()

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        table_id = self.active_table_id
        stale_top = table_id == "top" and self.top_for != self.top_token()
        if self.profile is not None and (table_id not in self.loaded or stale_top):
            self.load(table_id)
        self.call_after_refresh(self.table(table_id).focus_table)

    # -- command palette ----------------------------------------------------------------

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries: each tab and each profile."""
        for table_id, title in _TITLES.items():
            yield f"Statistics: {title}", f"Show the {title.lower()} tab", \
                lambda t=table_id: self.select_tab(t)
        for name in self.profiles:
            yield f"Statistics of {name}", f"Show the org statistics of profile {name}", \
                lambda n=name: self.choose_profile(n)
        yield "Export this table to CSV", "Every shown row, exact decimals", \
            lambda: self.table(self.active_table_id).action_export()
