"""The Finance screen: a BHEX org's finance tasks prepared from a CSV file, previewed, sent
with a progress bar, and every row's outcome in a table.

Opened from the command palette ("Finance", or "Org" and then Finance) for profiles whose
adapter runs finance tasks; the profile Select (or ``p``) switches between them and starts
afresh. Escape closes it. Type the file's path and press Enter: the rows are checked
(:mod:`tui.finance.batch`; a refused file lists its problems by line) and the preview shows
per-coin totals against the operating account. ``ctrl+s`` sends it after a confirmation: the
batch is journaled with every task's ``client_order_id`` first (the approvals policy in
force holds or blocks it, as for every money movement), the tasks are sent with a progress
bar, then their results polled into the table (``e`` exports it as CSV). ``o`` goes back
to the path. Nothing here blocks the screen: preparing and sending run in workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, ProgressBar, Select, Static

from tui.core.errors import CoinsoleError
from tui.screens.org_screen import OrgScreen, adapter_has, back_binding
from tui.screens.profile_tabs import next_profile_binding
from tui.session import Session
from tui.widgets.key_footer import KeyFooter
from tui.widgets.record_table import Column, RecordTable
from tui.widgets.title_bar import TitleBar

__all__ = ["FinanceScreen", "has_finance", "OPS", "ROWS_SHOWN"]

OPS = ("airdrop", "batch-lock", "batch-unlock", "lock", "unlock")
ROWS_SHOWN = 5_000
"""Beyond this many rows the table shows the rows not done (the export has every row)."""
RESULTS = (Column("line", "line", numeric=True), Column("uid", "uid"),
           Column("coin", "coin"), Column("amount", "amount", numeric=True),
           Column("outcome", "outcome",
                  style=lambda r: "success" if r.ok else "error" if r.ok is False
                  else "warning"),
           Column("client_order_id", "client_order_id"))


def has_finance(venue: str) -> bool:
    """Whether ``venue``'s adapter runs org finance tasks."""
    return adapter_has(venue, FinanceScreen.ORG_CALL)


class FinanceScreen(OrgScreen):
    """Prepare, preview, send and follow one finance batch of a BHEX profile."""

    SUB_TITLE = "finance"
    ORG_CALL = "finance_send_text"

    DEFAULT_CSS = """
    FinanceScreen #op { width: 20; }
    FinanceScreen #profile { width: 24; }
    FinanceScreen #path { width: 1fr; }
    FinanceScreen #preview { padding: 0 2; height: auto; max-height: 12; }
    FinanceScreen #progress { padding: 0 2; height: 1; }
    FinanceScreen RecordTable { height: 1fr; }
    """

    BINDINGS: list[BindingType] = [
        back_binding(),
        Binding("o", "focus_path", "File", tooltip="Type the CSV file's path"),
        Binding("ctrl+s", "send", "Send", key_display="^s",
                tooltip="Confirm, journal and send the prepared batch"),
        next_profile_binding("Switch to the next profile with finance tasks"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.batch: Any = None
        """The prepared batch (a :class:`~tui.finance.batch.PreparedBatch`) or None."""
        self.request: Any = None
        """Its journal request, planned when prepared."""
        self.entry: Any = None
        """The journal entry once sent."""
        self.rows: list[Any] = []
        """Every row's outcome after sending."""
        self.busy = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield self.profile_bar(
            Label("operation"),
            Select([(op, op) for op in OPS], value="airdrop", allow_blank=False, id="op"),
            Input(placeholder="path of FILE.csv (uid,coin,amount[,lock][,subject]) "
                              "· enter checks it", id="path"))
        yield Static("Type a CSV file's path and press Enter: every row is checked and "
                     "previewed before anything is sent.", id="preview", markup=False)
        yield ProgressBar(total=1, show_eta=False, id="progress")
        yield RecordTable(RESULTS, record_key=lambda r: r.line, name="finance results",
                          export_prefix="finance", empty_text="no results yet")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self.query_one(RecordTable).export_profile = self.profile

    # -- actions ---------------------------------------------------------------------

    def action_focus_path(self) -> None:
        """Focus the path field."""
        self.query_one("#path", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``ctrl+s`` only for a prepared batch not yet sent."""
        if action == "send":
            return self.request is not None and self.entry is None and not self.busy
        if action == "next_profile":
            return len(self.profiles) > 1 and not self.busy
        return super().check_action(action, parameters)

    def profile_switched(self) -> None:
        """Another profile: what was prepared for the last one is dropped, the table
        emptied (a batch being sent carries on under its own profile)."""
        if self.busy:
            return
        self.batch = self.request = self.entry = None
        self.rows = []
        table = self.query_one(RecordTable)
        table.export_profile = self.profile
        table.set_records([])
        table.set_note("")
        self.query_one("#progress", ProgressBar).update(total=1, progress=0)
        self.say(f"profile {self.profile}: type a CSV file's path and press Enter.")
        self.refresh_bindings()

    def say(self, text: str) -> None:
        """Show ``text`` in the preview area."""
        self.query_one("#preview", Static).update(text)

    @on(Input.Submitted, "#path")
    def _prepare_typed(self, event: Input.Submitted) -> None:
        if self.profile is None:
            self.say("No BHEX profile: finance tasks need BHEX's Org API.")
            return
        if not event.value.strip():
            self.say("Type the CSV file's path first.")
            return
        self.prepare(Path(event.value.strip()).expanduser(),
                     str(self.query_one("#op", Select).value))

    @work(exclusive=True, group="finance:prepare")
    async def prepare(self, path: Path, op_name: str) -> None:
        """Check ``path`` for ``op_name`` and show the preview (or every problem)."""
        from tui.finance.batch import BatchRefused, prepare_csv
        from tui.finance.checks import batch_checks
        from tui.finance.request import TASK_ROWS, plan_batch
        from tui.venues.bhex_finance import FinanceOp

        op = FinanceOp(op_name)
        self.batch = self.request = self.entry = None
        self.refresh_bindings()
        self.say(f"checking {path.name} …")
        adapter = self.session.adapter(self.profile)  # type: ignore[arg-type]
        try:
            checks = await batch_checks(adapter, path, op)
            index = checks.pop("_index")
            try:
                batch = prepare_csv(op, path, **checks)
            finally:
                index.close()
        except BatchRefused as exc:
            self.say("\n".join([f"{path.name} is refused; nothing was sent:",
                                *exc.problems[:10],
                                *([f"… and {len(exc.problems) - 10} more"]
                                  if len(exc.problems) > 10 else [])]))
            return
        except CoinsoleError as exc:
            self.say(f"cannot check the batch: {exc}")
            return
        request = plan_batch(batch, profile=self.profile,  # type: ignore[arg-type]
                             task_rows=TASK_ROWS)
        lines = batch.preview_lines() + [f"  {len(request.tasks)} tasks · ctrl+s sends"]
        short = batch.shortfalls()
        if short:
            lines.append("the operating account lacks " + ", ".join(
                f"{format(v, 'f')} {c}" for c, v in sorted(short.items()))
                + "; it cannot be sent")
        else:
            self.batch, self.request = batch, request
        self.say("\n".join(lines))
        self.refresh_bindings()
        if not short:
            self.query_one(RecordTable).focus_table()

    def action_send(self) -> None:
        """Confirm, then journal and send the prepared batch."""
        from tui.screens.confirm import ConfirmScreen

        if self.request is None or self.entry is not None or self.busy:
            return
        summary = "\n".join(f"{k}: {v}" for k, v in self.request.summary())

        def answered(yes: bool | None) -> None:
            if yes:
                self.send()

        self.app.push_screen(ConfirmScreen(f"Send this {self.request.op.value}?", summary,
                                           confirm_label="Send"), answered)

    @work(exclusive=True, group="finance:send")
    async def send(self) -> None:
        """Journal the batch (every task first), send it with progress, poll the results."""
        from tui.approvals.service import HeldForApproval, PolicyBlocked
        from tui.core.moves import Settlement
        from tui.finance import send
        from tui.journal import EntryState
        from tui.journal_ui import mover_for

        request = self.request
        self.busy = True
        self.query_one("#profile", Select).disabled = True
        self.refresh_bindings()
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(request.tasks), progress=0)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(total=total, progress=done)

        send.PROGRESS[request.client_key] = progress
        mover = mover_for(self.session)
        try:
            try:
                entry = mover.approve(mover.record(request, Settlement.KEYED))
            except PolicyBlocked as exc:
                self.say(str(exc))
                return
            except HeldForApproval as exc:
                self.entry = exc.entry
                self.say(f"{exc}; the Approvals screen (8) follows it")
                return
            entry = await mover.submit(entry)
            self.entry = entry
            if entry.state not in (EntryState.ACCEPTED, EntryState.RECONCILED):
                self.say(f"journal entry {entry.id} is {entry.state.value}: "
                         f"{entry.last_error or entry.note}")
                return
            self.say(f"sent: {entry.receipt.venue_status}; journal entry {entry.id} · "
                     "reading every row's result …")
            rows = await send.collect_results(self.session.adapter(request.profile),
                                              request, entry.receipt)
            self.show_rows(rows)
        except CoinsoleError as exc:
            self.say(f"coinsole: {exc}")
        finally:
            send.PROGRESS.pop(request.client_key, None)
            self.busy = False
            self.query_one("#profile", Select).disabled = False
            self.refresh_bindings()

    def show_rows(self, rows: list[Any]) -> None:
        """Show every row's outcome (beyond :data:`ROWS_SHOWN`, the rows not done)."""
        self.rows = rows
        done = sum(1 for r in rows if r.ok)
        failed = sum(1 for r in rows if r.ok is False)
        shown = rows if len(rows) <= ROWS_SHOWN else [r for r in rows if not r.ok]
        table = self.query_one(RecordTable)
        table.set_records(shown)
        hidden = "" if shown is rows else f" · {len(rows) - len(shown)} done rows not listed"
        table.set_note(f"{done} done, {failed} failed, {len(rows) - done - failed} not "
                       f"known yet{hidden} · e exports")
        entry = self.entry
        self.say(f"{entry.receipt.venue_status}; journal entry {entry.id} · {done} of "
                 f"{len(rows)} rows done, {failed} failed")
        table.focus_table()
