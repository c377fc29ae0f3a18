"""The Orders screen: open orders refreshing live, order history, fills, trades, and a
Contracts tab with open orders, history and positions (unrealised PnL, liquidation price).

Only profiles whose adapter has the ORDERS capability are offered (the screen asks for the
capability, never for a venue). Every list loads in its own worker (group
``orders:<table>``), so a slow list never holds up another, and the open orders are
reloaded on a timer (:attr:`OrdersScreen.REFRESH_SECONDS`) while the screen is showing,
without ever waiting on the network in the event loop. When an order leaves the open
list (filled or cancelled), the history and trades are reloaded too.

Orders are placed through :class:`~tui.screens.order_form.OrderFormScreen` (checked against
the symbol's rules as the user types, confirmed before sending) and cancelled after a
confirmation showing the order, both through the journal (written before sending; an
unknown outcome is settled from Activity by ``order/get``); a batch cancel of a symbol is
confirmed too, and the adapter's once-per-10-seconds limit is shown as the "wait N s" it raises.
"""

from __future__ import annotations

import asyncio
from functools import partial
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static, TabbedContent, TabPane

from tui.core.errors import CoinsoleError
from tui.core.money import plain
from tui.core.orders import Fill, Order, OrderRequest, OrderStatus, OrderType
from tui.screens.profile_tabs import ProfileTabsScreen, next_profile_binding, tab_bindings
from tui.session import Session
from tui.venues.base import Capability
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav
from tui.widgets.record_table import Column, RecordTable, time_column
from tui.widgets.title_bar import TitleBar

__all__ = ["OrdersScreen", "ORDER_COLUMNS", "HISTORY_COLUMNS", "FILL_COLUMNS",
           "POSITION_COLUMNS", "CONTRACT_ORDER_COLUMNS", "order_summary", "PAGE_SIZE"]

PAGE_SIZE = 50
"""Records per page of the history and trades lists ("load more" fetches the next page)."""


def status_style(status: OrderStatus) -> str:
    """The theme variable colouring an order status."""
    if status is OrderStatus.FILLED:
        return "success"
    if status in (OrderStatus.CANCELED, OrderStatus.REJECTED):
        return "error"
    return "warning"


def side_style(record: Any) -> str:
    """Buys in the theme's success colour, sells in its error colour."""
    return "success" if record.side.is_buy else "error"


def _pnl_style(value: Any) -> str | None:
    if value is None or value == 0:
        return None
    return "success" if value > 0 else "error"


_TIME = time_column(drop=2)
_SYMBOL = Column("symbol", "symbol_id")
_SIDE = Column("side", "side", style=side_style)
_TYPE = Column("type", "type", drop=3)
_STATUS = Column("status", "status", style=lambda o: status_style(o.status))

ORDER_COLUMNS: tuple[Column, ...] = (
    _TIME, _SYMBOL, _SIDE, _TYPE,
    Column("price", "price", numeric=True),
    Column("quantity", "orig_qty", numeric=True),
    Column("filled", "executed_qty", numeric=True, drop=4),
    Column("remaining", "remaining", numeric=True, value=lambda o: o.remaining_qty, drop=1),
    _STATUS,
    Column("order id", "order_id", drop=6),
    Column("client id", "client_order_id", drop=7),
)
"""Open spot orders."""

HISTORY_COLUMNS: tuple[Column, ...] = (
    _TIME, _SYMBOL, _SIDE, _TYPE,
    Column("price", "price", numeric=True),
    Column("quantity", "orig_qty", numeric=True),
    Column("filled", "executed_qty", numeric=True, drop=4),
    Column("avg price", "avg_price", numeric=True, drop=1),
    Column("fees", "fees", value=lambda o: " ".join(f"{plain(f.amount)} {f.coin}"
                                                    for f in o.fees), drop=5),
    _STATUS,
    Column("order id", "order_id", drop=6),
)
"""Finished spot orders."""

FILL_COLUMNS: tuple[Column, ...] = (
    _TIME, _SYMBOL, _SIDE,
    Column("price", "price", numeric=True),
    Column("quantity", "quantity", numeric=True),
    Column("fee", "fee", numeric=True, drop=3),
    Column("fee coin", "fee_coin", drop=3),
    Column("trade id", "trade_id", drop=6),
    Column("order id", "order_id", drop=7),
)
"""Fills (trades) of orders."""

CONTRACT_ORDER_COLUMNS: tuple[Column, ...] = (
    _TIME, _SYMBOL, _SIDE, _TYPE,
    Column("price", "price", numeric=True),
    Column("quantity", "orig_qty", numeric=True),
    Column("filled", "executed_qty", numeric=True, drop=4),
    Column("leverage", "leverage", numeric=True, drop=5),
    Column("margin", "margin", numeric=True, drop=5),
    _STATUS,
    Column("order id", "order_id", drop=6),
)
"""Contract orders, open or finished."""

POSITION_COLUMNS: tuple[Column, ...] = (
    Column("symbol", "symbol_id"),
    Column("side", "is_long", formatter=lambda v: "long" if v else "short",
           export=lambda v: "long" if v else "short",
           style=lambda p: "success" if p.is_long else "error"),
    Column("contracts", "total", numeric=True),
    Column("avg price", "avg_price", numeric=True, drop=2),
    Column("index price", "index_price", numeric=True, drop=3),
    Column("liq. price", "liquidation_price", numeric=True, drop=1),
    Column("margin", "margin", numeric=True, drop=4),
    Column("leverage", "leverage", numeric=True, drop=5),
    Column("unrealised PnL", "unrealised_pnl", numeric=True,
           style=lambda p: _pnl_style(p.unrealised_pnl)),
    Column("realised PnL", "realised_pnl", numeric=True,
           style=lambda p: _pnl_style(p.realised_pnl), drop=6),
)
"""Open contract positions."""


FILLS_HINT = ("no order chosen: press enter (or f) on an order in Open orders or History "
              "to see its fills")
"""What the Fills tab says until an order is chosen."""


def order_summary(order: Order) -> str:
    """One line saying exactly what an order is: side, quantity, symbol, price, type."""
    qty = plain(order.orig_qty)
    base = order.base or order.symbol_id
    price = "at market" if order.type is OrderType.MARKET else \
        f"at {plain(order.price)} {order.quote}".rstrip()
    return f"{order.side.value} {qty} {base} {price} · {order.type.value} · {order.symbol_id}"


# Tables: id -> (title, columns, record key, empty text, pageable)
_TABLES: dict[str, tuple[str, tuple[Column, ...], Callable[[Any], str], str]] = {
    "open": ("open orders", ORDER_COLUMNS, lambda o: o.order_id, "no open orders"),
    "history": ("order history", HISTORY_COLUMNS, lambda o: o.order_id, "no finished orders"),
    "fills": ("fills", FILL_COLUMNS, lambda f: f.trade_id,
              "pick an order (enter on an order) to see its fills"),
    "trades": ("trades", FILL_COLUMNS, lambda f: f.trade_id, "no trades"),
    "c-positions": ("positions", POSITION_COLUMNS, lambda p: p.position_id,
                    "no open positions"),
    "c-open": ("contract open orders", CONTRACT_ORDER_COLUMNS, lambda o: o.order_id,
               "no open contract orders"),
    "c-history": ("contract order history", CONTRACT_ORDER_COLUMNS, lambda o: o.order_id,
                  "no finished contract orders"),
}
_PAGED = {"history", "trades", "c-history"}
_LIVE = ("open", "c-open", "c-positions")


class OrdersScreen(ProfileTabsScreen):
    """Open orders, history, fills, trades and contracts of one trading profile."""

    SUB_TITLE = "orders"
    PROFILE_CAPABILITIES = frozenset({Capability.ORDERS})
    PROFILE_PROMPT = "no trading profile"
    REFRESH_SECONDS = 2.0  # float-ok: seconds
    """How often the open orders (and, on the Contracts tab, positions) reload."""

    BINDINGS: list[BindingType] = [
        Binding("n", "new_order", "New order",
                tooltip="Place an order: checked against the symbol's rules, then confirmed"),
        Binding("x", "cancel_order", "Cancel",
                tooltip="Cancel the selected open order (asks first)"),
        Binding("B", "batch_cancel", "Batch cancel",
                tooltip="Cancel every open order of the selected order's symbol (asks first; "
                        "once per 10 s)"),
        Binding("r", "refresh", "Refresh", tooltip="Reload every list of this profile"),
        Binding("m", "load_more", "Load more", show=False,
                tooltip="Fetch the next older page of this list"),
        Binding("f", "show_fills", "Fills", show=False, tooltip="Show the fills of the selected order"),
        *tab_bindings(),
        next_profile_binding("Switch to the next trading profile"),
    ]

    DEFAULT_CSS = """
    OrdersScreen #fills-title { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.fills_order: Order | None = None
        """The order whose fills the Fills tab shows."""
        self.selected_order: Order | None = None
        """The order last under the cursor in an order list."""
        self.cursors: dict[str, str | None] = {}
        """Per pageable table: the ``from_id`` of its next older page (None: no more)."""
        self.loaded: set[str] = set()

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("orders")
        yield self.profile_bar(self.bar_note())
        if not self.profiles:
            yield self.no_profiles("No profile can trade: orders need a profile whose venue "
                                   "offers the orders capability (e.g. a BHEX Org API profile).")
        with TabbedContent(id="tabs", initial="tab-open"):
            with TabPane("Open orders", id="tab-open"):
                yield self._table("open")
            with TabPane("History", id="tab-history"):
                yield self._table("history")
            with TabPane("Fills", id="tab-fills"):
                yield Static(FILLS_HINT, id="fills-title", markup=False)
                yield self._table("fills")
            with TabPane("Trades", id="tab-trades"):
                yield self._table("trades")
            with TabPane("Contracts", id="tab-contracts"):
                with TabbedContent(id="contract-tabs", initial="tab-c-positions"):
                    with TabPane("Positions", id="tab-c-positions"):
                        yield self._table("c-positions")
                    with TabPane("Open orders", id="tab-c-open"):
                        yield self._table("c-open")
                    with TabPane("History", id="tab-c-history"):
                        yield self._table("c-history")
        yield KeyFooter()

    def _table(self, table_id: str) -> RecordTable:
        title, columns, key, empty = _TABLES[table_id]
        return RecordTable(columns, record_key=key, name=title, export_prefix="orders",
                           empty_text=empty, id=table_id)

    def on_mount(self) -> None:
        if not self.profiles:
            self.query_one("#tabs").display = False
            return
        self.table("open").focus_table()
        self.action_refresh()
        self.set_interval(self.REFRESH_SECONDS, self.live_refresh, name="orders-live")

    def table(self, table_id: str) -> RecordTable:
        """The table ``table_id`` (open, history, fills, trades, c-positions, c-open,
        c-history)."""
        return self.query_one(f"#{table_id}", RecordTable)

    @property
    def active_table_id(self) -> str:
        """The id of the table on the tab showing now."""
        outer = self.query_one("#tabs", TabbedContent).active.removeprefix("tab-")
        if outer == "contracts":
            return self.query_one("#contract-tabs", TabbedContent).active.removeprefix("tab-")
        return outer

    @property
    def active_table(self) -> RecordTable:
        """The table on the tab showing now."""
        return self.table(self.active_table_id)

    def adapter(self) -> Any:
        """The adapter of the chosen profile."""
        assert self.profile is not None
        return self.session.adapter(self.profile)

    # -- loading ------------------------------------------------------------------------

    def load(self, table_id: str, *, more: bool = False, quiet: bool = False) -> None:
        """(Re)load ``table_id`` in its own worker; ``more`` fetches the next older page;
        ``quiet`` (the live refresh) keeps the rows without showing "loading"."""
        if self.profile is None:
            return
        table = self.table(table_id)
        if not quiet:
            table.show_loading()
        self.run_worker(partial(self._load, table_id, self.profile, more), name=f"orders:{table_id}",
                        group=f"orders:{table_id}", exclusive=True, exit_on_error=False)

    def _fetch(self, table_id: str, profile: str, more: bool) -> Awaitable[list[Any]] | None:
        venue = self.session.adapter(profile)
        cursor = self.cursors.get(table_id) if more else None
        if table_id == "open":
            return venue.all_open_orders(limit=100)
        if table_id == "history":
            return venue.trade_orders(limit=PAGE_SIZE, from_id=cursor)
        if table_id == "trades":
            return venue.my_trades(limit=PAGE_SIZE, from_id=cursor)
        if table_id == "fills":
            order = self.fills_order
            if order is None:
                return None
            if order.leverage is not None:  # a contract order: its trades, every page
                return self._contract_fills(venue, order)
            return venue.match_info(order.order_id)
        if table_id == "c-positions":
            return venue.contract_position()
        if table_id == "c-open":
            return venue.contract_open_orders(limit=100)
        if table_id == "c-history":
            return venue.contract_trade_orders(limit=PAGE_SIZE, from_id=cursor)
        raise KeyError(table_id)

    @staticmethod
    async def _contract_fills(venue: Any, order: Order) -> list[Fill]:
        """Every trade of contract ``order``, not only those among the newest 500."""
        return await venue.contract_order_fills(order)  # type: ignore[no-any-return]

    async def _load(self, table_id: str, profile: str, more: bool) -> None:
        table = self.table(table_id)
        try:
            fetch = self._fetch(table_id, profile, more)
            records = [] if fetch is None else await fetch
        except asyncio.CancelledError:
            raise
        except CoinsoleError as exc:
            if profile == self.profile:
                table.show_error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one list failing must not take the app down
            if profile == self.profile:
                table.show_error(f"unexpected {type(exc).__name__}: {exc}")
            return
        if profile != self.profile:
            return
        self.loaded.add(table_id)
        if table_id in _PAGED:
            key = _TABLES[table_id][2]
            if len(records) >= PAGE_SIZE:
                self.cursors[table_id] = str(min(int(key(r)) for r in records))
            else:
                self.cursors[table_id] = None
        if more:
            added = table.add_records(records)
            self.notify(f"{added} older {table.table_name} loaded" if added
                        else f"no older {table.table_name}", timeout=3)
        else:
            before = {o.order_id for o in table.records} if table_id == "open" else set()
            table.set_records(records)
            if table_id == "open" and before - {o.order_id for o in records}:
                # An order left the open list (filled or cancelled): history moved on.
                for other in ("history", "trades"):
                    self.load(other, quiet=True)
        if table_id in _PAGED:
            table.set_note("m loads older" if self.cursors.get(table_id) else "all loaded")
        if table_id == "open":
            self.query_one("#bar-note", Static).update(
                f"open orders refresh every {self.REFRESH_SECONDS:g} s")

    def live_refresh(self) -> None:
        """Reload the live lists (open orders; positions and contract open orders on the
        Contracts tab) quietly, unless a load of them is still running."""
        if self.profile is None or not self.is_current:
            return
        wanted = ["open"]
        if self.active_table_id.startswith("c-"):
            wanted += ["c-open", "c-positions"]
        running = {w.group for w in self.workers if not w.is_finished}
        for table_id in wanted:
            if f"orders:{table_id}" not in running:
                self.load(table_id, quiet=True)

    # -- actions ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Reload every list of the chosen profile."""
        for table_id in _TABLES:
            if table_id == "fills" and self.fills_order is None:
                continue
            self.load(table_id)

    def action_load_more(self) -> None:
        """Fetch the next older page of the history, trades or contract history list."""
        table_id = self.active_table_id
        if table_id not in _PAGED:
            self.notify("this list shows everything at once; m loads older pages of "
                        "History, Trades and contract History", timeout=3)
            return
        if table_id in self.loaded and self.cursors.get(table_id) is None:
            self.notify(f"every {self.table(table_id).table_name} record is loaded", timeout=3)
            return
        self.load(table_id, more=table_id in self.loaded, quiet=True)

    def select_tab(self, table_id: str) -> None:
        """Show the tab of ``table_id`` (a contract table opens the Contracts tab too)."""
        self._select_tab(f"tab-{table_id}")

    def _select_tab(self, tab_id: str) -> None:
        if tab_id.startswith("tab-c-"):
            self.query_one("#tabs", TabbedContent).active = "tab-contracts"
            self.query_one("#contract-tabs", TabbedContent).active = tab_id
        else:
            self.query_one("#tabs", TabbedContent).active = tab_id
        self.call_after_refresh(self.active_table.focus_table)

    _ORDER_TABS = ("tab-open", "tab-history", "tab-fills", "tab-trades", "tab-c-positions",
                   "tab-c-open", "tab-c-history")

    def tab_order(self) -> list[str]:
        """Every table in tab order (the contract tables count one each)."""
        return [tab_id.removeprefix("tab-") for tab_id in self._ORDER_TABS]

    def action_show_fills(self, order: Order | None = None) -> None:
        """Show the fills of ``order`` (default: the selected order) on the Fills tab."""
        order = order or self._current_order() or self.selected_order
        if order is None:
            self.notify("select an order first", severity="warning", timeout=3)
            return
        self.fills_order = order
        self.query_one("#fills-title", Static).update(f"fills of {order_summary(order)} · "
                                                      f"order {order.order_id}")
        self.table("fills").set_records([])
        self.load("fills")
        self._select_tab("tab-fills")

    def _current_order(self) -> Order | None:
        record = self.active_table.current
        return record if isinstance(record, Order) else None

    def action_cancel_order(self) -> None:
        """Cancel the selected open order after a confirmation showing it."""
        from tui.screens.confirm import ConfirmScreen

        order = self._current_order()
        if order is None or not order.is_open:
            self.notify("select an open order to cancel (Open orders tab)", severity="warning",
                        timeout=3)
            return
        if order.leverage is not None:
            self.notify("contract orders cannot be cancelled from here yet",
                        severity="warning", timeout=4)
            return
        message = (f"{order_summary(order)}\nfilled {plain(order.executed_qty)} of "
                   f"{plain(order.orig_qty)} · order {order.order_id}"
                   + (f" · client id {order.client_order_id}" if order.client_order_id else ""))
        self.app.push_screen(
            ConfirmScreen(f"Cancel this {order.symbol_id} order?", message,
                          confirm_label="Cancel order", cancel_label="Keep", danger=True),
            callback=lambda yes: yes and self._cancel(order),
        )

    def _cancel(self, order: Order) -> None:
        assert self.profile is not None
        self.run_worker(partial(self._send_cancel, self.profile, order), group="orders:cancel",
                        exit_on_error=False)

    async def _send_cancel(self, profile: str, order: Order) -> None:
        from tui.journal.dispatch import cancel_order, cancel_request_for, order_outcome_text
        from tui.journal.states import EntryState
        from tui.journal_ui import mover_for

        try:
            venue = self.session.adapter(profile).venue_id
            entry = await cancel_order(mover_for(self.session),
                                       cancel_request_for(order, profile=profile, venue=venue))
        except CoinsoleError as exc:
            from tui.approvals.held import gate_outcome, submitted_text

            gated = gate_outcome(exc)
            if gated is not None and gated[0] == "held":
                self.notify(f"cancel of order {order.order_id}: {submitted_text(gated[1])}",
                            title="Submitted for approval", timeout=8)
            else:
                self.notify(f"cancel of order {order.order_id} not sent: "
                            f"{gated[1] if gated else exc}", severity="error", timeout=8)
        else:
            if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
                self.notify(f"cancelled {order_summary(order)}", title="Order cancelled",
                            timeout=5)
            elif entry.state is EntryState.REJECTED:
                self.notify(f"cancel of order {order.order_id} failed: {entry.last_error}",
                            severity="error", timeout=8)
            else:
                self.notify(order_outcome_text(entry), title="Cancel outcome unknown",
                            severity="warning", timeout=10)
        self.load("open", quiet=True)
        self.load("history", quiet=True)

    def action_batch_cancel(self) -> None:
        """Cancel every open spot order of the selected order's symbol after a
        confirmation, each through the journal as its own cancel (as ``coinsole orders
        cancel-all`` does), so an unknown outcome is settled like a single cancel."""
        from tui.screens.confirm import ConfirmScreen

        order = self._current_order() or self.selected_order
        if order is None and not self.table("open").records:
            self.notify("nothing to cancel: no open orders are listed", title="Batch cancel",
                        timeout=5)
            return
        if order is None or order.leverage is not None:
            self.notify("select a spot order: its symbol's open orders are cancelled",
                        severity="warning", timeout=3)
            return
        symbol = order.symbol_id
        count = sum(1 for o in self.table("open").records
                    if o.symbol_id == symbol and o.is_open and o.leverage is None)
        if not count:
            self.notify(f"nothing to cancel: no open {symbol} orders are listed "
                        "(r reloads the list)", title="Batch cancel", timeout=5)
            return
        self.app.push_screen(
            ConfirmScreen(f"Cancel EVERY open order on {symbol}?",
                          f"Every open {symbol} spot order of this profile is cancelled, "
                          f"each as its own journal entry ({count} of them shown).",
                          confirm_label="Cancel all", cancel_label="Keep", danger=True),
            callback=lambda yes: yes and self._batch(symbol),
        )

    def _batch(self, symbol: str) -> None:
        assert self.profile is not None
        self.run_worker(partial(self._send_batch, self.profile, symbol), group="orders:batch",
                        exit_on_error=False)

    async def _send_batch(self, profile: str, symbol: str) -> None:
        from tui.journal.dispatch import cancel_order, cancel_request_for
        from tui.journal.states import EntryState
        from tui.journal_ui import mover_for

        try:
            adapter = self.session.adapter(profile)
            found = await adapter.all_open_orders(symbol_id=symbol)
        except CoinsoleError as exc:
            self.notify(f"batch cancel of {symbol}: cannot list the open orders: {exc}",
                        severity="error", timeout=8)
            return
        open_orders = [o for o in found if o.is_open and o.leverage is None]
        if not open_orders:
            self.notify(f"no open {symbol} orders to cancel", title="Batch cancel", timeout=5)
        else:
            mover = mover_for(self.session)
            done = refused = unknown = held = 0
            errors: list[str] = []
            for order in open_orders:
                try:
                    entry = await cancel_order(mover, cancel_request_for(
                        order, profile=profile, venue=adapter.venue_id))
                except CoinsoleError as exc:
                    from tui.approvals.held import gate_outcome

                    gated = gate_outcome(exc)
                    if gated is not None and gated[0] == "held":
                        held += 1
                    else:
                        errors.append(f"order {order.order_id}: {gated[1] if gated else exc}")
                    continue
                if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
                    done += 1
                elif entry.state is EntryState.REJECTED:
                    refused += 1
                else:
                    unknown += 1
            self._batch_report(symbol, done, refused, unknown, errors, held)
        self.load("open", quiet=True)
        self.load("history", quiet=True)

    def _batch_report(self, symbol: str, done: int, refused: int, unknown: int,
                      errors: list[str], held: int = 0) -> None:
        """One notice for a batch cancel: how many were cancelled, refused, unknown,
        submitted for approval (a policy rule holds them) or failed (the first named)."""
        if held and not refused and not unknown and not errors:
            self.notify(f"batch cancel of {symbol}: {done} cancelled, {held} submitted for "
                        "approval (see Approvals, 8)", title="Batch cancel", timeout=8)
            return
        if not refused and not unknown and not errors:
            self.notify(f"every open {symbol} order cancelled ({done})", title="Batch cancel",
                        timeout=5)
            return
        text = (f"batch cancel of {symbol}: {done} cancelled, {refused} refused, "
                f"{unknown} outcome unknown")
        if unknown:
            text += " (in the journal: settle them from Activity (4))"
        if held:
            text += f"; {held} submitted for approval"
        if errors:
            text += f"; {len(errors)} failed, first {errors[0]}"
        self.notify(text, title="Batch cancel", severity="warning", timeout=10)

    def action_new_order(self) -> None:
        """Open the new-order form (the symbols' rules are fetched first, in a worker)."""
        if self.profile is None:
            return
        self.run_worker(partial(self._open_form, self.profile), group="orders:form", exclusive=True,
                        exit_on_error=False)

    async def _open_form(self, profile: str) -> None:
        from tui.screens.order_context import order_form_context
        from tui.screens.order_form import OrderFormScreen

        venue = self.session.adapter(profile)
        try:
            rules = await venue.basic_symbols()
        except CoinsoleError as exc:
            self.notify(f"cannot load the symbols' rules: {exc}", severity="error", timeout=8)
            return
        current = self._current_order() or self.selected_order
        symbol = current.symbol_id if current is not None and current.symbol_id in rules \
            else None
        available, last_prices = await order_form_context(venue)

        async def submit(request: OrderRequest) -> Any:
            from tui.journal.dispatch import place_order, place_request_for
            from tui.journal_ui import mover_for

            rule = rules[request.symbol_id]
            return await place_order(mover_for(self.session), place_request_for(
                request, rule, profile=profile, venue=venue.venue_id))

        def placed(entry: Any) -> None:
            from tui.journal.dispatch import order_outcome_text

            if entry is None:
                return
            if entry.state.value == "PENDING_APPROVAL":
                from tui.approvals.held import submitted_text

                self.notify(f"{entry.request.destination}: {submitted_text(entry)}",
                            title="Submitted for approval", timeout=8)
                return
            self.notify(f"{entry.request.destination}: {order_outcome_text(entry)}",
                        title="Order placed", timeout=6)
            self.load("open", quiet=True)
            self.load("history", quiet=True)
            self.load("trades", quiet=True)

        self.app.push_screen(OrderFormScreen(rules, submit, symbol=symbol,
                                             client_order_id=venue.new_client_order_id(),
                                             new_client_order_id=venue.new_client_order_id,
                                             available=available, last_prices=last_prices),
                             callback=placed)

    # -- events -------------------------------------------------------------------------

    def profile_switched(self) -> None:
        """Forget every list and the chosen order, and reload for the new profile."""
        self.fills_order = self.selected_order = None
        self.cursors.clear()
        self.loaded.clear()
        for table_id in _TABLES:
            self.table(table_id).set_records([])
        self.action_refresh()

    @on(RecordTable.Highlighted)
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        if isinstance(event.record, Order):
            self.selected_order = event.record

    @on(RecordTable.Selected)
    def _selected(self, event: RecordTable.Selected) -> None:
        if isinstance(event.record, Order):
            self.action_show_fills(event.record)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        table_id = self.active_table_id
        if self.profile is not None and table_id not in self.loaded and table_id != "fills":
            self.load(table_id)
        self.call_after_refresh(self.active_table.focus_table)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_order", "cancel_order", "batch_cancel", "refresh", "load_more",
                      "show_fills"):
            return self.profile is not None
        return super().check_action(action, parameters)

    # -- command palette ----------------------------------------------------------------

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries beyond this screen's bindings: (name, help, callback)."""
        names = {"tab-open": "Open orders", "tab-history": "Order history",
                 "tab-fills": "Fills", "tab-trades": "Trades",
                 "tab-c-positions": "Contract positions", "tab-c-open": "Contract open orders",
                 "tab-c-history": "Contract order history"}
        for tab_id, title in names.items():
            yield f"Orders: {title}", f"Show the {title.lower()} tab", \
                lambda t=tab_id: self._select_tab(t)
        for name in self.profiles:
            yield f"Orders of {name}", f"Show the orders of profile {name}", \
                lambda n=name: self.choose_profile(n)
        yield "Export this table to CSV", "Every shown row, exact decimals", \
            lambda: self.active_table.action_export()
