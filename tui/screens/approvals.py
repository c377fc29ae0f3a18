"""The Approvals screen: the queue of requests a policy rule holds for approval.

Rows come from :class:`~tui.screens.approvals_model.ApprovalsModel` (oldest first, a
:data:`~tui.screens.approvals_model.PAGE_SIZE` page at a time, the next page read as the
cursor nears the end; the info line counts them all):
age, initiator, action, amount and coin (exact), destination, matched rule, votes
(``2/3``), expiry countdown and state. ``j``/``k`` move, Enter opens the detail (every
wire parameter, the rule and why, velocity, each signature verified or not, with a short
fingerprint, never the signature), ``a`` approves (unlocking the vault for this
operator's key first; at or above the rule's amount threshold the destination's last 4
characters are typed), ``r`` rejects with a reason, ``x`` executes an APPROVED request,
``f`` steps through the filters (waiting for me, mine, all, history).

Live: every second the countdown cells of the rows in view are redrawn, and the store
is asked cheaply whether anything changed (SQLite ``data_version``); the store's change
feed (``watch()``: SQLite's ``data_version`` polled in a thread, PostgreSQL
LISTEN/NOTIFY) is followed as well, so another operator's vote shows at once, and its
connection loss is shown in the status line and retried. The count of requests
waiting for me is shown on the screen bar.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from pydantic import SecretStr
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, ScreenStackError
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Static

from tui.approvals.identity import ApprovalsError
from tui.approvals.service import FILTERS, Detail, QueueItem
from tui.journal_ui import time_text
from tui.core.money import plain
from tui.screens import approvals_model
from tui.screens.approvals_params import batch_summary, full_text, param_lines, param_text
from tui.screens.approvals_model import (
    FILTER_LABELS,
    NO_POLICY_TEXT,
    ApprovalsModel,
    QueueView,
    age_text,
    amount_text,
    countdown_text,
    exact_text,
)
from tui.screens.modal import ModalBase, cancel_binding, close_binding
from tui.screens.trade_password import TradePasswordPrompt
from tui.session import Session
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav, set_nav_badge
from tui.widgets.table_keys import RowTable
from tui.widgets.title_bar import TitleBar

__all__ = ["ApprovalsScreen", "ApprovalDetailScreen", "ApproveScreen", "RejectScreen",
           "ExecutePasswordScreen",
           "COLUMNS", "gate_demo_moves", "EMPTY_TEXTS", "row_cells", "track_waiting"]

COLUMNS = ("age", "initiator", "action", "amount", "votes", "expires", "state", "destination",
           "rule")
"""What decides a vote first, so an 80-column terminal shows it; the rule follows."""
_AMOUNT, _EXPIRES, _STATE = (COLUMNS.index(c) for c in ("amount", "expires", "state"))
DESTINATION_WIDTH = 20
READ_AHEAD = 20
"""The next page is read when the cursor comes this close to the last row read."""
EMPTY_TEXTS = {
    "waiting-for-me": "nothing waits for your approval — f shows mine, all or history",
    "mine": "you have no request waiting — f shows the others",
    "all": "no request is waiting for approval — moves above a policy threshold show here",
    "history": "no rejected, expired or executed request yet",
}
"""What the screen says when a filter has no rows (a policy file is in force)."""

_STATE_STYLE = {"APPROVED": "success", "DONE": "success", "REJECTED": "error",
                "EXPIRED": "error", "EXECUTING": "accent"}
_STATE_WORDS = {"PENDING_APPROVAL": "pending", "APPROVED": "approved", "REJECTED": "rejected",
                "EXPIRED": "expired", "EXECUTING": "executing", "DONE": "done"}


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


_param_text = param_text  # the name the tests and older callers use


def row_cells(item: QueueItem, now_ms: int, loaded_ms: int) -> list[str]:
    """The text of ``item``'s row, column by column (the destination shortened)."""
    return [age_text(item, now_ms, loaded_ms), item.initiator, item.action.replace("_", " "),
            amount_text(item), item.votes, countdown_text(item, now_ms, loaded_ms),
            _STATE_WORDS.get(item.state, item.state),
            _shorten(item.destination, DESTINATION_WIDTH), item.rule]


class ApprovalsScreen(Screen[None]):
    """The approvals queue, live, and the keys that vote on and execute requests."""

    SUB_TITLE = "approvals"

    tick_seconds: float | None = 1.0  # float-ok: seconds
    """How often the countdown redraws and the store is polled (None: never, for tests)."""
    clock: Callable[[], int] = staticmethod(_now_ms)
    """Wall clock (ms) for the countdowns."""

    BINDINGS: list[BindingType] = [
        # priority: the queue table's own (hidden) Enter would otherwise hide this one
        # from the footer; with no request selected it is disabled and Enter goes on.
        Binding("enter", "open_detail", "Detail", priority=True,
                tooltip="Every wire parameter, the rule, and each signature verified"),
        Binding("a", "approve", "Approve", tooltip="Sign an approval with your operator key"),
        Binding("r", "reject", "Reject", tooltip="Sign a rejection, with a reason"),
        Binding("x", "execute", "Execute", tooltip="Send an approved request (re-verified "
                                                   "here first)"),
        Binding("f", "cycle_filter", "Filter", tooltip="Waiting for me, mine, all, history"),
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next request"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous request"),
    ]

    DEFAULT_CSS = """
    ApprovalsScreen #empty { display: none; color: $text-muted; text-style: italic; padding: 1 2; }
    ApprovalsScreen #empty.-shown { display: block; }
    ApprovalsScreen #empty.-error { color: $error; text-style: bold; }
    ApprovalsScreen #queue { height: 1fr; }
    ApprovalsScreen #status { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    ApprovalsScreen #status.-error { color: $error; }
    """

    def __init__(self, session: Session, model: ApprovalsModel | None = None) -> None:
        super().__init__()
        self.session = session
        self.model = model or ApprovalsModel.for_session(
            session, demo=bool(getattr(self.app, "demo_approvals", False)))
        self.filter = "all"
        self.view: QueueView | None = None
        self.busy = ""
        self.connection_note = ""
        self._token: Any = None
        self._watcher: Any = None
        self._ticks = 0
        self._key_from_vault = False
        self._shown_ids: list[str] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("approvals")
        yield Static("loading the approvals queue…", id="empty", classes="-shown", markup=False)
        table: DataTable[Any] = RowTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(Text(name, justify="right") if name == "amount" else name, key=name)
        table.focus()
        self.watch(self.app, "theme", lambda _: self.rebuild(), init=False)
        # After the first frame: the queue is read once the screen (and its loading line)
        # shows, so opening the screen never waits on the store.
        self.call_after_refresh(self.reload)
        if self.tick_seconds:
            self.set_interval(self.tick_seconds, self.tick, name="approvals-tick")

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self.reload()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    # -- reading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the queue again and redraw (keeps the cursor on the same request)."""
        try:
            # as many rows as are shown already, so the cursor stays where it is
            self.view = self.model.load(self.filter, limit=max(approvals_model.PAGE_SIZE,
                                                             len(self._shown_ids)))
            self._token = self.model.change_token()
            self.connection_note = ""
        except ApprovalsError as exc:
            self.view = None
            self._show_error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - the store failed: shown, retried next tick
            self.connection_note = f"store unavailable: {exc} — retrying"
            self._show_status()
            return
        set_nav_badge(self.app, "approvals", str(self.view.waiting) if self.view.waiting else "")
        self.rebuild()
        self._start_watch()

    def _start_watch(self) -> None:
        """Follow a store's change feed (PostgreSQL LISTEN/NOTIFY) when it has one; a
        failure to start is shown and tried again on the next tick."""
        if self._watcher is not None:
            return
        watch = getattr(self.model.service.store, "watch", None)
        if watch is None:
            return
        try:
            self._watcher = watch(self._on_change)
        except Exception as exc:  # noqa: BLE001 - shown; the tick tries again
            self.connection_note = f"{exc}"
            self._show_status()

    class StoreChanged(Message):
        """The store's change feed said something (posted from the watcher's thread)."""

        def __init__(self, change: Any) -> None:
            super().__init__()
            self.change = change

    def _on_change(self, change: Any) -> None:
        """From the watcher's thread: queue the change for the app's thread. Never waits
        (unlike ``call_from_thread``), so stopping the watcher never waits on the app."""
        self.post_message(self.StoreChanged(change))

    def on_approvals_screen_store_changed(self, message: "ApprovalsScreen.StoreChanged") -> None:
        self._changed(message.change)

    def _changed(self, change: Any) -> None:
        if getattr(change, "kind", "") == "unreachable":
            self.connection_note = getattr(change, "detail", "") or "team store unreachable, retrying"
            self._show_status()
            return
        self.connection_note = ""
        self.reload()

    def tick(self) -> None:
        """Redraw the countdowns in view; reload when the store changed or a row expired."""
        if self.view is None:
            if self.model.error is None:
                self.reload()
            return
        try:
            token = self.model.change_token()
        except Exception as exc:  # noqa: BLE001 - shown, retried on the next tick
            self.connection_note = f"store unavailable: {exc} — retrying"
            self._show_status()
            return
        self._ticks += 1
        polled = token is None and self._watcher is None and self._ticks % 5 == 0
        if token != self._token or polled or (self.connection_note and self._watcher is None):
            self.reload()
            return
        now = self.clock()
        expired = any(countdown_text(i, now, self.view.loaded_ms) == "expired"
                      and i.state in ("PENDING_APPROVAL", "APPROVED") for i in self.view.items)
        if expired:
            self.reload()
            return
        self._redraw_times(now)

    def _redraw_times(self, now: int) -> None:
        table = self.query_one(DataTable)
        view = self.view
        if view is None or not table.row_count:
            return
        first = table.scroll_offset.y
        last = min(first + table.size.height, len(view.items))
        colours = self._colours()
        for index in range(max(first - 1, 0), last):
            item = view.items[index]
            table.update_cell(item.id, "age", age_text(item, now, view.loaded_ms))
            table.update_cell(item.id, "expires", self._expires_cell(item, now, colours))

    def _expires_cell(self, item: QueueItem, now: int, colours: dict[str, str] | None = None
                      ) -> Text:
        loaded = self.view.loaded_ms if self.view else now
        text = countdown_text(item, now, loaded)
        left = item.expires_in_ms - (now - loaded)
        soon = text == "expired" or 0 < left < 3_600_000
        style = (colours or self._colours()).get("error", "") if soon else ""
        return Text(text, style=style)

    def _colours(self) -> dict[str, str]:
        return self.app.get_css_variables()

    def rebuild(self) -> None:
        """Redraw the table from the last load."""
        if not self.is_mounted or self.view is None:
            return
        table = self.query_one(DataTable)
        selected = self.selected_id()
        table.clear()
        now = self.clock()
        view = self.view
        rows = []
        colours = self._colours()
        for item in view.items:
            rows.append(self._cells(item, now, colours))
        keys = [item.id for item in view.items]
        for cells, key in zip(rows, keys):
            table.add_row(*cells, key=key)
        self._shown_ids = keys
        if selected in keys:
            table.move_cursor(row=keys.index(selected), animate=False)
        empty = self.query_one("#empty", Static)
        empty.remove_class("-error")
        if not view.items:
            empty.update(EMPTY_TEXTS[view.filter] if self.model.policy_active else NO_POLICY_TEXT)
        empty.set_class(not view.items, "-shown")
        self._show_status()
        self.refresh_bindings()

    def _cells(self, item: QueueItem, now: int, colours: dict[str, str]) -> list[Any]:
        """The styled cells of ``item``'s row."""
        loaded = self.view.loaded_ms if self.view else now
        cells: list[Any] = row_cells(item, now, loaded)
        cells[_AMOUNT] = Text(cells[_AMOUNT], justify="right")
        cells[_EXPIRES] = self._expires_cell(item, now, colours)
        colour = colours.get(_STATE_STYLE.get(item.state, "warning"), "")
        cells[_STATE] = Text(cells[_STATE], style=f"bold {colour}".strip())
        return cells

    def read_more(self) -> None:
        """Read the next page of the queue and append its rows (the cursor nears the end)."""
        view = self.view
        if view is None or not view.more:
            return
        try:
            self.view = self.model.more(view)
        except Exception as exc:  # noqa: BLE001 - shown; the next reload tries again
            self.connection_note = f"store unavailable: {exc} — retrying"
            self._show_status()
            return
        table = self.query_one(DataTable)
        now = self.clock()
        colours = self._colours()
        for item in self.view.items[len(view.items):]:
            table.add_row(*self._cells(item, now, colours), key=item.id)
            self._shown_ids.append(item.id)
        self._show_status()

    def _show_error(self, message: str) -> None:
        empty = self.query_one("#empty", Static)
        empty.update(f"✗ {message}")
        empty.add_class("-shown", "-error")
        self.query_one(DataTable).clear()
        self._show_status()
        self.refresh_bindings()

    def _show_status(self) -> None:
        if not self.is_mounted:
            return
        parts = [f"filter: {FILTER_LABELS[self.filter]} (f)"]
        view = self.view
        if view is not None:
            if view.paged:
                parts.append(f"{view.total:,} requests, the oldest {len(view.items):,} read "
                             "(more as you scroll)")
            else:
                parts.append(f"{view.total:,} request{'s' if view.total != 1 else ''}")
            parts.append(f"{view.waiting} waiting for me")
        try:
            me = self.model.me
        except ApprovalsError:
            me = None
        if me:
            parts.append(f"operator {me}{'' if self.model.has_key else ' (locked)'}")
        elif view is not None and self.model.policy_active:
            parts.append("no operator: run `coinsole operator init NAME`")
        if self.busy:
            parts.append(self.busy)
        status = self.query_one("#status", Static)
        if self.connection_note:
            parts.insert(0, self.connection_note)
        status.set_class(bool(self.connection_note), "-error")
        status.update(" · ".join(parts))

    def selected_id(self) -> str | None:
        """The id of the request under the cursor."""
        table = self.query_one(DataTable)
        if not table.row_count or not self._shown_ids:
            return None
        row = table.cursor_row
        return self._shown_ids[row] if 0 <= row < len(self._shown_ids) else None

    def selected(self) -> QueueItem | None:
        """The request under the cursor, as last loaded."""
        rid = self.selected_id()
        if rid is None or self.view is None:
            return None
        return next((i for i in self.view.items if i.id == rid), None)

    # -- actions ----------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Next request."""
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous request."""
        self.query_one(DataTable).action_cursor_up()

    def action_cycle_filter(self) -> None:
        """Waiting for me → mine → all → history → waiting for me."""
        self.set_filter(FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)])

    def set_filter(self, name: str) -> None:
        """Show filter ``name`` (one of :data:`~tui.approvals.service.FILTERS`)."""
        self.filter = name
        self._shown_ids = []  # another filter: its first page
        self.reload()

    def action_open_detail(self) -> None:
        """Open the selected request's detail."""
        item = self.selected()
        if item is None:
            return
        try:
            detail, prints = self.model.detail(item.id)
        except ApprovalsError as exc:
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.app.push_screen(ApprovalDetailScreen(detail, prints, self.clock()))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_detail()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        view = self.view
        if view is not None and view.more and event.cursor_row >= len(view.items) - READ_AHEAD:
            self.read_more()

    def _with_key(self, then: Callable[[], object]) -> None:
        """Run ``then`` once this operator's key is loaded: unlock the vault if needed."""
        if self.model.has_key:
            then()
            return
        app: Any = self.app
        request_vault = getattr(app, "request_vault", None)
        if request_vault is None:
            self.notify("no operator key: unlock the vault first", severity="error")
            return

        def unlocked(ok: bool) -> None:
            if not ok:
                self.notify("the vault stays locked: nothing signed", severity="warning",
                            timeout=4)
                return
            from tui.approvals.identity import load_key

            try:
                self.model.set_operator(load_key(app.vault, self.model.me))
                self._key_from_vault = True
            except ApprovalsError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self._show_status()
            then()

        request_vault(unlocked, reason="to sign with your operator key")

    def action_approve(self) -> None:
        """Approve the selected request (after the vault and last-4 checks)."""
        item = self.selected()
        if item is None or item.state != "PENDING_APPROVAL":
            self.notify("select a pending request to approve", severity="warning", timeout=3)
            return
        self._with_key(lambda: self._ask_approve(item))

    def _ask_approve(self, item: QueueItem) -> None:
        tail = item.destination[-4:] if self.model.tail_needed(item) else None
        self.app.push_screen(ApproveScreen(item, tail),
                             callback=lambda yes: yes and self._vote(item, "approve", ""))

    def action_reject(self) -> None:
        """Reject the selected request, with a reason typed in a modal."""
        item = self.selected()
        if item is None or item.state not in ("PENDING_APPROVAL", "APPROVED"):
            self.notify("select a pending or approved request to reject", severity="warning",
                        timeout=3)
            return
        self._with_key(lambda: self.app.push_screen(
            RejectScreen(item),
            callback=lambda reason: reason and self._vote(item, "reject", reason)))

    def _vote(self, item: QueueItem, decision: str, reason: str) -> None:
        try:
            if decision == "approve":
                after = self.model.approve(item.id)
            else:
                after = self.model.reject(item.id, reason)
        except ApprovalsError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            self.reload()
            return
        if decision == "approve":
            text = (f"request {after.id} approved: quorum met, x executes it"
                    if after.state == "APPROVED" else f"approved: {after.votes} votes")
        else:
            text = f"request {after.id} rejected"
        self.notify(text, timeout=5)
        self.reload()

    def action_execute(self) -> None:
        """Execute the selected APPROVED request; the outcome is shown."""
        item = self.selected()
        if item is None or item.state != "APPROVED":
            self.notify("only an APPROVED request can be executed", severity="warning",
                        timeout=4)
            return
        from tui.journal_ui import needs_trade_password

        if item.action == "withdraw" and needs_trade_password(item.venue):
            self.app.push_screen(ExecutePasswordScreen(item), callback=lambda password:
                                 password is not None and self._execute(item, password))
            return
        self._execute(item, None)

    @work(exclusive=True, group="approvals-execute", exit_on_error=False)
    async def _execute(self, item: QueueItem, password: SecretStr | None) -> None:
        from tui.journal_ui import mover_for

        self.busy = f"executing {item.id}…"
        self._show_status()
        try:
            entry = await self.model.execute(item.id, mover_for(self.session),
                                             trade_password=password)
        except ApprovalsError as exc:
            self.notify(str(exc), severity="error", timeout=10)
        except Exception as exc:  # noqa: BLE001 - the outcome is unknown: shown, see Activity
            self.notify(f"request {item.id}: sent, outcome unknown ({exc}); see Activity (4)",
                        severity="warning", timeout=10)
        else:
            self.notify(f"request {item.id} executed: journal entry {entry.id} is "
                        f"{entry.state.value}", timeout=8)
        finally:
            password = None
            self.busy = ""
            self.reload()

    def vault_changed(self) -> None:
        """The app's vault locked or unlocked: drop the key when it locked."""
        app: Any = self.app
        if self._key_from_vault and not getattr(app, "vault_unlocked", False):
            self.model.forget_operator()
            self._key_from_vault = False
        self._show_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or not self.query(DataTable):
            return True
        item = self.selected() if action in ("approve", "reject", "execute", "open_detail") \
            else None
        if action == "open_detail":
            return item is not None
        if action == "approve":
            return item is not None and item.state == "PENDING_APPROVAL"
        if action == "reject":
            return item is not None and item.state in ("PENDING_APPROVAL", "APPROVED")
        if action == "execute":
            return item is not None and item.state == "APPROVED"
        return True

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """One palette entry per filter."""
        for name in FILTERS:
            yield (f"Approvals: {FILTER_LABELS[name]}", f"Show {FILTER_LABELS[name]}",
                   lambda n=name: self.set_filter(n))


def track_waiting(app: Any, period: float = 2.0) -> None:  # float-ok: seconds
    """Keep the bar's "waiting for me" count for ``app`` while no Approvals screen is
    open: a cheap change check every ``period`` seconds, and a count when the store
    changed (or 30 s passed: requests expire with time)."""
    demo = bool(getattr(app, "demo_approvals", False))
    if demo:
        gate_demo_moves(app.session)
    model = ApprovalsModel.for_session(app.session, demo=demo)
    state: dict[str, Any] = {"token": object(), "at": 0.0}

    def poll() -> None:
        try:
            screen = app.screen
        except ScreenStackError:
            return  # the app is closing: its screens are gone, there is no bar to badge
        if isinstance(screen, ApprovalsScreen):
            return  # the screen keeps the count itself
        try:
            token = model.change_token()
            now = time.monotonic()
            if token is not None and token == state["token"] and now - state["at"] < 30:
                return
            if token is None and now - state["at"] < 10:
                return  # no cheap check (PostgreSQL): count every 10 s
            view = model.load("waiting-for-me", limit=0)
        except Exception:  # noqa: BLE001 - no count rather than a crash; the screen says why
            return
        state.update(token=token, at=now)
        set_nav_badge(app, "approvals", str(view.waiting) if view.waiting else "")

    poll()
    app.set_interval(period, poll, name="approvals-badge")


def gate_demo_moves(session: Any) -> None:
    """In the demo, the forms (Move money, Orders) ask the demo's policy before sending, as
    a real session's ask ``policy.toml``: a big withdrawal is submitted for approval."""
    from tui.approvals.demo import demo_service
    from tui.approvals.service import policy_gate
    from tui.journal_ui import journal_for, mover_for

    journal = journal_for(session)
    mover_for(session).policy_gate = policy_gate(journal, lambda: demo_service(journal=journal))


class ApprovalDetailScreen(ModalBase[None]):
    """One request in full: wire parameters, rule and why, velocity, signatures checked.
    Long parameters (a finance batch's thousands of rows) are summed up; ``v`` shows every
    one in full (:class:`ParamsFullScreen`). ``a``, ``r`` and ``x`` close it and approve,
    reject or execute the request, as the queue's keys do."""

    BINDINGS: list[BindingType] = [
        close_binding(),
        Binding("v", "view_all", "All parameters", tooltip="Every wire parameter in full"),
        Binding("a", "act('approve')", "Approve", tooltip="Close and approve this request"),
        Binding("r", "act('reject')", "Reject", tooltip="Close and reject this request"),
        Binding("x", "act('execute')", "Execute", tooltip="Close and execute this request"),
    ]

    DEFAULT_CSS = """
    ApprovalDetailScreen > VerticalScroll { width: 110; max-height: 100%; padding: 0 1; }
    ApprovalDetailScreen Grid { grid-size: 2; grid-columns: 18 1fr; height: auto; }
    ApprovalDetailScreen .field { color: $text-muted; }
    ApprovalDetailScreen .section { color: $accent; text-style: bold; margin-top: 1; }
    ApprovalDetailScreen .bad { color: $error; }
    ApprovalDetailScreen .good { color: $success; }
    """

    def __init__(self, detail: Detail, prints: list[str], now_ms: int) -> None:
        super().__init__()
        self.detail = detail
        self.prints = prints
        self.now_ms = now_ms

    def fields(self) -> list[tuple[str, str]]:
        """The (label, text) pairs about the request."""
        d, i = self.detail, self.detail.item
        left = countdown_text(i, self.now_ms, self.now_ms)
        pairs = [("state", i.state + (f" ({i.outcome})" if i.outcome else "")),
                 ("action", i.action.replace("_", " ")),
                 ("amount", exact_text(i)),
                 ("destination", i.destination or "-"),
                 ("profile", f"{i.profile} (venue {i.venue})"),
                 ("initiator", i.initiator),
                 ("rule", i.rule), ("why", "; ".join(d.why) or "-"),
                 *([("rule now", f"{d.rule_now} ({d.outcome_now}): execution re-evaluates, "
                                 "this rule applies")]
                   if d.rule_now and d.rule_now != i.rule else []),
                 ("quorum", f"{i.quorum} — votes {i.votes}"
                            f"{' (met)' if d.quorum_met else ''}: {d.quorum_note}"),
                 ("expires in", left or "-"),
                 ("request hash", f"{d.request_hash[:16]}…  "
                                  f"{'matches the request' if d.hash_ok else 'DOES NOT MATCH'}"),
                 ("policy", f"{d.policy_hash[:16]}…  "
                            f"{'current' if d.policy_current else 'CHANGED since proposed'}")]
        if d.velocity_used is not None:
            left = d.velocity_left if d.velocity_left is not None else Decimal(0)
            pairs.append(("velocity", f"used {plain(d.velocity_used)}, left {plain(left)} "
                                      f"{i.coin} (as the policy counts now)"))
        else:
            pairs.append(("velocity", "no velocity limit on this rule"))
        return pairs

    def compose(self) -> ComposeResult:
        d = self.detail
        with VerticalScroll() as box:
            box.border_title = f"Approval request {d.item.id}"
            with Grid():
                for name, text in self.fields():
                    yield Label(name, classes="field", markup=False)
                    yield Static(text, markup=False, id=f"detail-{name.replace(' ', '-')}")
            batch = batch_summary(d.params)
            if batch is not None:
                yield Static("batch", classes="section", markup=False)
                with Grid(id="batch"):
                    for name, text in batch:
                        yield Label(name, classes="field", markup=False)
                        yield Static(text, markup=False)
            lines = param_lines(d.params)
            collapsed = sum(1 for line in lines if line.collapsed)
            yield Static("wire parameters" + (f" ({collapsed} shortened: v shows all)"
                                              if collapsed else ""),
                         classes="section", markup=False, id="params-title")
            with Grid(id="params"):
                for line in lines:
                    yield Label(line.key, classes="field", markup=False)
                    yield Static(line.text, markup=False)
            yield Static("signatures", classes="section", markup=False)
            if not d.signatures:
                yield Static("none yet", classes="field", markup=False)
            for n, s in enumerate(d.signatures):
                mark = "✓ verified" if s.verified else "✗ NOT verified"
                fp = self.prints[n] if n < len(self.prints) else "?"
                reason = f" — “{s.reason}”" if s.reason else ""
                yield Static(f"{s.operator:<10} {s.decision:<8} {time_text(s.time_ms)}  {mark}"
                             f"  sig {fp}  {s.note}{reason}",
                             classes="good" if s.verified and s.note == "counts" else
                             "bad" if not s.verified else "", markup=False)
            yield Static("a approves · r rejects · x executes · v every parameter in full · "
                         "esc closes", classes="hint", markup=False)

    def action_act(self, name: str) -> None:
        """Close the detail, then run the queue's ``name`` action on the request shown."""
        queue = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        self.dismiss(None)
        if isinstance(queue, ApprovalsScreen):
            queue.call_after_refresh(getattr(queue, f"action_{name}"))

    def action_view_all(self) -> None:
        """Every wire parameter in full, in a scrollable view."""
        self.app.push_screen(ParamsFullScreen(self.detail.item.id, self.detail.params))


class ParamsFullScreen(ModalBase[None]):
    """Every wire parameter of one request in full, read-only and scrollable (JSON, keys
    sorted): what the request hash covers, however long."""

    BINDINGS: list[BindingType] = [close_binding(keys="escape,q")]

    DEFAULT_CSS = """
    ParamsFullScreen > Vertical { width: 120; height: 90%; }
    ParamsFullScreen TextArea { height: 1fr; }
    """

    def __init__(self, request_id: str, params: dict) -> None:
        super().__init__()
        self.request_id = request_id
        self.params = params

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        with Vertical() as box:
            box.border_title = f"Wire parameters of request {self.request_id}"
            yield TextArea(full_text(self.params), read_only=True, soft_wrap=False,
                           show_line_numbers=True, id="params-full")
            yield Static("arrows / page keys scroll · esc closes", classes="hint", markup=False)

    def on_mount(self) -> None:
        from textual.widgets import TextArea

        self.query_one(TextArea).focus()


class ApproveScreen(ModalBase[bool]):
    """Confirms an approval; above the rule's threshold the destination's last 4
    characters must be typed first. Dismisses with True to sign."""

    TONE = "warning"
    CANCEL_RESULT = False

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "confirm", "Approve", tooltip="Sign the approval"),
        cancel_binding("Do not approve"),
    ]

    DEFAULT_CSS = """
    ApproveScreen > Vertical { width: 76; }
    ApproveScreen .text { color: $foreground; margin-bottom: 1; }
    ApproveScreen #tail-error { color: $error; height: auto; }
    """

    def __init__(self, item: QueueItem, tail: str | None) -> None:
        super().__init__()
        self.item = item
        self.tail = tail

    def compose(self) -> ComposeResult:
        i = self.item
        with Vertical() as box:
            box.border_title = f"Approve request {i.id}"
            yield Static(f"{i.action.replace('_', ' ')} of {exact_text(i)} by {i.initiator} "
                         f"via {i.profile}\nto {i.destination or '-'}\nrule {i.rule}: needs "
                         f"{i.quorum}; votes so far {i.votes}", classes="text", markup=False)
            if self.tail is not None:
                yield Static("Type the last 4 characters of the destination to approve:",
                             markup=False)
                yield Input(placeholder="last 4 characters", id="tail", max_length=4,
                            compact=True)
                yield Static("", id="tail-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel  (esc)", id="cancel", compact=True)
                yield Button("Approve  (ctrl+s)", id="confirm", variant="warning", compact=True)

    def on_mount(self) -> None:
        if self.tail is not None:
            self.query_one("#tail", Input).focus()
        else:
            self.query_one("#confirm", Button).focus()

    def action_confirm(self) -> None:
        """Sign, when the last 4 characters (if asked) are right; else say so and stay."""
        if self.tail is not None:
            typed = self.query_one("#tail", Input).value.strip()
            if typed != self.tail:
                self.query_one("#tail-error", Static).update(
                    "these are not the last 4 characters of the destination; nothing signed")
                return
        self.dismiss(True)

    @on(Input.Submitted, "#tail")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()


class ExecutePasswordScreen(TradePasswordPrompt):
    """Asks (masked) for the trade password a BHEX withdrawal needs to be sent; used once,
    never stored or shown. Dismisses with it, or None."""

    BINDINGS: list[BindingType] = [cancel_binding("Do not execute")]

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item
        self.prompt_title = f"Execute request {item.id}"
        self.prompt_text = (f"{item.venue} needs the trade password to send this withdrawal "
                            f"of {exact_text(item)} (used once, never stored). Enter executes.")


class RejectScreen(ModalBase[str | None]):
    """Asks why a request is rejected; dismisses with the reason (never empty) or None."""

    TONE = "warning"

    BINDINGS: list[BindingType] = [cancel_binding("Do not reject")]

    DEFAULT_CSS = """
    RejectScreen > Vertical { width: 76; }
    RejectScreen .text { color: $foreground; margin-bottom: 1; }
    RejectScreen #reason-error { color: $error; height: auto; }
    """

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        i = self.item
        with Vertical() as box:
            box.border_title = f"Reject request {i.id}"
            yield Static(f"{i.action.replace('_', ' ')} of {exact_text(i)} by {i.initiator}. "
                         "The reason is signed with your rejection and shown to the "
                         "initiator. Enter rejects.", classes="text", markup=False)
            yield Input(placeholder="reason", id="reason", max_length=500, compact=True)
            yield Static("", id="reason-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.query_one("#reason-error", Static).update("say why: a rejection needs a reason")
            return
        self.dismiss(reason)
