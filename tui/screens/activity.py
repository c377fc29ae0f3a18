"""The Activity screen: every journaled money movement, newest first, with live status.

The table is read from the session's journal (:func:`tui.journal_ui.journal_for`) in a
worker on an interval, after every action and when the screen is shown again; accepted
entries whose venue status is not final are looked at again (``Mover.reconcile``) in the
same worker. Enter opens the detail (request, every event, receipt, evidence); ``c``
cancels where the venue allows it, ``s`` settles an UNKNOWN entry and shows the evidence
found, ``S`` settles them all, ``a`` resolves a NONE-settlement unknown by hand.
"""

from __future__ import annotations

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
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tui.core.money import plain
from tui.core.moves import Settlement
from tui.journal import EntryState, JournalEntry, JournalEvent
from tui.journal_ui import MOVE_KIND_WORDS, journal_for, mover_for, time_text
from tui.screens.modal import ModalBase, cancel_binding, close_binding
from tui.session import Session
from tui.widgets.key_footer import KeyFooter
from tui.widgets.table_keys import RowTable
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


class ActivityScreen(Screen[None]):
    """Journal entries with live status, and the actions that settle or cancel them."""

    SUB_TITLE = "activity"

    refresh_seconds: float | None = 5.0  # float-ok: seconds
    """How often the table refreshes on its own (None: only after actions)."""
    reconcile_pending: bool = True
    """Whether a refresh asks the venue about accepted entries that are still pending."""

    BINDINGS: list[BindingType] = [
        Binding("enter", "open_detail", "Detail", tooltip="Show the request, its history and "
                                                           "the evidence"),
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
        self.entries: list[JournalEntry] = []
        """Every journal entry, newest first, as last read."""
        self.filter_text = ""
        self.busy = ""
        self.loaded = False
        """Whether the journal has been read once (until then the screen says loading)."""
        self.checking = 0
        """How many pending entries are being checked at their venues right now."""

    @property
    def journal(self) -> Any:
        """The session's journal."""
        return journal_for(self.session)

    @property
    def mover(self) -> Any:
        """The session's mover."""
        return mover_for(self.session)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("activity")
        yield Input(placeholder="filter: profile, kind, coin, destination or state · esc clears",
                    id="filter")
        yield Static(EMPTY_TEXT, id="empty", markup=False)
        table: DataTable[Any] = RowTable(id="activity", cursor_type="row", zebra_stripes=True)
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
        self.entries = list(reversed(self.journal.entries()))
        self.loaded = True
        pending = [e for e in self.journal.entries([EntryState.ACCEPTED]) if _pending(e)] \
            if self.reconcile_pending else []
        self.checking = len(pending)
        self.rebuild()
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
        self.entries = list(reversed(self.journal.entries()))
        self.rebuild()

    def shown_entries(self) -> list[JournalEntry]:
        """The entries that pass the filter, newest first."""
        needle = self.filter_text.strip().lower()
        if not needle:
            return list(self.entries)
        return [e for e in self.entries if needle in " ".join(entry_cells(e, full=True)).lower()]

    def rebuild(self) -> None:
        """Redraw the table from :attr:`entries`, keeping the cursor on the same entry."""
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        selected = self.selected_id()
        colours = self.app.get_css_variables()
        table.clear()
        shown = self.shown_entries()
        for entry in shown:
            cells: list[Any] = entry_cells(entry)
            colour = colours.get(_STATE_COLOUR.get(entry.state, "warning"), "")
            cells[4] = Text(cells[4], justify="right")
            cells[6] = Text(cells[6], style=f"bold {colour}".strip())
            table.add_row(*cells, key=str(entry.id))
        if selected is not None:
            for index, entry in enumerate(shown):
                if entry.id == selected:
                    table.move_cursor(row=index)
                    break
        empty = self.query_one("#empty", Static)
        if self.entries and not shown:
            empty.update(f"no entries match “{self.filter_text}”")
        elif not self.loaded:
            empty.update("loading the journal…")
        else:
            empty.update(EMPTY_TEXT)
        empty.set_class(not shown, "-shown")
        unknown = sum(1 for e in self.entries if e.state is EntryState.UNKNOWN)
        parts = [f"{len(shown)} of {len(self.entries)} entries" if len(shown) != len(self.entries)
                 else f"{len(self.entries)} entries"]
        if unknown:
            parts.append(f"{unknown} unknown (s settles, S settles all)")
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
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - no row
            return None
        return int(key) if key else None

    def selected(self) -> JournalEntry | None:
        """The entry under the cursor, fresh from the journal."""
        entry_id = self.selected_id()
        return None if entry_id is None else self.journal.get(entry_id)

    def select_entry(self, entry_id: int) -> None:
        """Put the cursor on entry ``entry_id`` (if shown)."""
        table = self.query_one(DataTable)
        for index, entry in enumerate(self.shown_entries()):
            if entry.id == entry_id:
                table.move_cursor(row=index)
                return

    # -- actions --------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Move to the next entry."""
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Move to the previous entry."""
        self.query_one(DataTable).action_cursor_up()

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
    def _row_highlighted(self, _: DataTable.RowHighlighted) -> None:
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
            self.rebuild()
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
        self.rebuild()

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
        if action in ("settle", "cancel_move", "resolve", "open_detail"):
            entry_id = self.selected_id()
            entry = next((e for e in self.entries if e.id == entry_id), None)
            if entry is None:
                return False
            if action == "settle":
                return entry.state in (EntryState.UNKNOWN, EntryState.SUBMITTING)
            if action == "cancel_move":
                return _pending(entry) and bool(entry.venue_ref)
            if action == "resolve":
                return _resolvable(entry)
        if action == "settle_all":
            return any(e.state is EntryState.UNKNOWN for e in self.entries)
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


class TradePasswordScreen(ModalBase[SecretStr | None]):
    """Asks (masked) for the trade password a keyed BHEX resend needs; never stored."""

    TONE = "warning"

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "send", "Resend", priority=True,
                tooltip="Resend with this trade password (enter too)"),
        cancel_binding("Do not resend"),
    ]

    DEFAULT_CSS = """
    TradePasswordScreen > Vertical { width: 70; }
    TradePasswordScreen .text { color: $foreground; margin-bottom: 1; }
    """

    def __init__(self, entry: JournalEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Resend entry {self.entry.id}"
            yield Static("This withdrawal is resent with the same key; the venue needs the "
                         "trade password again (used once, never stored). ctrl+s or enter "
                         "sends · esc does not resend.",
                         classes="text", markup=False)
            yield Input(placeholder="trade password", password=True, id="password", compact=True)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_send()

    def action_send(self) -> None:
        """Close with the typed password (None when nothing was typed)."""
        field = self.query_one("#password", Input)
        value, field.value = field.value, ""
        self.dismiss(SecretStr(value) if value else None)

    def clear_secrets(self) -> None:
        """Forget what was typed (the app calls this when it locks)."""
        self.query_one("#password", Input).value = ""
