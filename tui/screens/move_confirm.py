"""The confirmation modal for moving money: shows exactly what will be sent, then sends it.

The operator sees the exact amount (every digit), fee, arrival amount, destination,
profile and venue, and how an unknown outcome would be settled. A withdrawal asks for the
last 4 characters of the address before Confirm enables; a BHEX withdrawal also asks for
the trade password (masked, used for this one send and then dropped). Confirm journals
the request and sends it once in a worker (the button is disabled at the first press);
the modal then shows the outcome and dismisses with the journal entry (None when
cancelled before sending).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from pydantic import SecretStr

from tui.core.addresses import tail_matches
from tui.core.moves import MoveKind, MoveRequest, Settlement
from tui.journal import EntryState, JournalEntry, Mover
from tui.journal_ui import send_move, settlement_words, state_class
from tui.screens.gated_confirm import send_bindings, show_close
from tui.screens.modal import ModalBase

__all__ = ["MoveConfirmScreen", "outcome_text"]

_TITLES = {MoveKind.TRANSFER: "Confirm transfer",
           MoveKind.INTERNAL_TRANSFER: "Confirm internal transfer",
           MoveKind.WITHDRAW: "Confirm withdrawal"}


def outcome_text(entry: JournalEntry) -> str:
    """One line saying how a send ended: accepted (venue ref and status), rejected (the
    venue's message) or unknown (what to do)."""
    receipt = entry.receipt
    if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
        ref = receipt.venue_ref if receipt and receipt.venue_ref else "-"
        status = (receipt.venue_status or receipt.status.value) if receipt else "accepted"
        return f"✓ {entry.state.value}: venue ref {ref}, status {status} · journal entry {entry.id}"
    if entry.state is EntryState.PENDING_APPROVAL:
        from tui.approvals.held import submitted_text

        return f"✓ {submitted_text(entry)}"
    if entry.state is EntryState.REJECTED:
        return f"✗ REJECTED by the venue: {entry.last_error or entry.note} · journal entry {entry.id}"
    return (f"? {entry.state.value}: outcome unknown ({entry.last_error or 'no reply'}): see "
            f"Activity (4), settle now (s) · journal entry {entry.id}")


class MoveConfirmScreen(ModalBase[JournalEntry | None]):
    """Confirm one move, send it once, and show the outcome.

    ``summary`` is the (label, text) pairs to show; ``tail`` the 4 characters the
    operator must type (withdrawals); ``ask_password`` adds a masked trade-password input,
    and ``check_password`` checks it first: a wrong one is asked for again, nothing sent.
    """

    TONE = "warning"

    BINDINGS: list[BindingType] = send_bindings("Journal the request and send it (once)")

    DEFAULT_CSS = """
    MoveConfirmScreen > Vertical { width: 96; max-height: 100%; padding: 0 2; }
    MoveConfirmScreen Grid {
        grid-size: 2;
        grid-columns: 12 1fr;
        grid-gutter: 0 1;
        height: auto;
        margin-top: 1;
    }
    MoveConfirmScreen .field { color: $text-muted; }
    MoveConfirmScreen .value { color: $foreground; text-style: bold; }
    MoveConfirmScreen #settlement { color: $text-muted; margin-top: 1; }
    MoveConfirmScreen .prompt { margin-top: 1; color: $foreground; }
    MoveConfirmScreen Input { width: 40; }
    MoveConfirmScreen #tail-error, MoveConfirmScreen #password-error {
        color: $error; height: auto;
    }
    MoveConfirmScreen #progress { color: $text-muted; height: auto; margin-top: 1; }
    MoveConfirmScreen #outcome { height: auto; margin-top: 1; text-style: bold; }
    MoveConfirmScreen #tail-error, MoveConfirmScreen #progress, MoveConfirmScreen #outcome,
    MoveConfirmScreen #password-error {
        display: none;
    }
    MoveConfirmScreen #tail-error.-shown, MoveConfirmScreen #progress.-shown,
    MoveConfirmScreen #password-error.-shown,
    MoveConfirmScreen #outcome.-shown { display: block; }
    MoveConfirmScreen #outcome.-ok { color: $success; }
    MoveConfirmScreen #outcome.-bad { color: $error; }
    MoveConfirmScreen #outcome.-warn { color: $warning; }
    MoveConfirmScreen .buttons { margin: 1 0; }
    """

    def __init__(self, mover: Mover, request: MoveRequest, settlement: Settlement,
                 summary: list[tuple[str, str]], *, tail: str | None = None,
                 ask_password: bool = False,
                 check_password: Callable[[SecretStr], Awaitable[bool | None]] | None = None
                 ) -> None:
        super().__init__()
        self.check_password = check_password
        """Checks the typed trade password with the venue before anything is journaled
        (False: asked again); None where the venue offers no such check."""
        self.mover = mover
        self.request = request
        self.settlement = settlement
        self.summary = summary
        self.tail = tail
        self.ask_password = ask_password
        self.sent = False
        """True from the first press of Confirm: nothing is ever sent twice."""
        self.entry: JournalEntry | None = None
        """The journal entry once the send has finished."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _TITLES[self.request.kind]
            with Grid():
                for name, text in self.summary:
                    yield Label(name, classes="field", markup=False)
                    yield Label(text, classes="value", markup=False,
                                id=f"confirm-{name.replace(' ', '-')}")
            yield Static(f"settlement {self.settlement.value}: "
                         f"{settlement_words(self.settlement)}", id="settlement", markup=False)
            if self.tail is not None:
                yield Static("Type the last 4 characters of the address to confirm:",
                             classes="prompt", markup=False)
                yield Input(placeholder="last 4 characters", id="tail", max_length=4,
                            compact=True)
                yield Static("", id="tail-error", markup=False)
            if self.ask_password:
                yield Static("Trade password (sent as its MD5 for this withdrawal only, "
                             "never stored):", classes="prompt", markup=False)
                yield Input(placeholder="trade password", id="password", password=True,
                            compact=True)
                yield Static("", id="password-error", markup=False)
            yield Static("", id="progress", markup=False)
            yield Static("", id="outcome", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel  (esc)", id="cancel")
                yield Button("Confirm  (ctrl+s)", id="confirm", variant="warning",
                             disabled=not self._ready())

    def on_mount(self) -> None:
        if self.tail is not None:
            self.query_one("#tail", Input).focus()
        elif self.ask_password:
            self.query_one("#password", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    # -- readiness ------------------------------------------------------------------------

    def _typed(self, selector: str) -> str:
        found = self.query(selector)
        return found.first(Input).value if found else ""

    def _ready(self) -> bool:
        if self.sent:
            return False
        if not self.is_mounted:
            return self.tail is None and not self.ask_password
        if self.tail is not None and not self._tail_ok(self._typed("#tail")):
            return False
        if self.ask_password and not self._typed("#password"):
            return False
        return True

    def _tail_ok(self, typed: str) -> bool:
        """The typed last 4 match the address (case-insensitively where its encoding is)."""
        address = self.request.address or self.tail or ""
        if not address.strip().endswith(self.tail or ""):
            address = self.tail or ""
        return tail_matches(address, typed)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id == "tail":
            typed = event.value.strip()
            error = ""
            if len(typed) == 4 and not self._tail_ok(typed):
                error = "these are not the last 4 characters of the address"
            self._say("#tail-error", error)
        self.query_one("#confirm", Button).disabled = not self._ready()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "tail" and self.ask_password:
            self.query_one("#password", Input).focus()
        elif self._ready():
            self.action_confirm()

    # -- actions --------------------------------------------------------------------------

    def action_confirm(self) -> None:
        """Send the request, once: later presses do nothing."""
        if not self._ready():
            if not self.sent:
                self.notify("type what is asked before confirming", severity="warning",
                            timeout=3)
            return
        self.sent = True
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#cancel", Button).disabled = True
        password: SecretStr | None = None
        if self.ask_password:
            field = self.query_one("#password", Input)
            password = SecretStr(field.value)
            field.value = ""
            field.disabled = True
        if self.tail is not None:
            self.query_one("#tail", Input).disabled = True
        self._send(password)

    @work(exclusive=True, group="move-send", exit_on_error=False)
    async def _send(self, password: SecretStr | None) -> None:
        def progress(text: str) -> None:
            self._say("#progress", text)

        if password is not None and self.check_password is not None:
            progress("checking the trade password…")
            if await self.check_password(password) is False:
                password = None
                self._ask_password_again()
                return
            progress("")
        try:
            entry = await send_move(self.mover, self.request, self.settlement,
                                    trade_password=password, progress=progress)
        except Exception as exc:  # noqa: BLE001 - shown; the journal has the entry
            from tui.approvals.held import gate_outcome

            gated = gate_outcome(exc)
            if gated is not None and gated[0] == "held":
                progress("")
                self._finish(gated[1])
                return
            if gated is not None:  # blocked by a policy rule: its reason, nothing sent
                progress("")
                self.query_one("#outcome", Static).set_classes("-bad")
                self._say("#outcome", f"✗ {gated[1]}")
            else:
                progress(f"could not send: {exc}")
            self._finish(None)
            return
        finally:
            password = None
        progress("done")
        self._finish(entry)

    def _ask_password_again(self) -> None:
        """A wrong trade password: nothing was journaled; the form is open again."""
        from tui.core.trade_password import WRONG_TRADE_PASSWORD

        self.sent = False
        self._say("#progress", "")
        self._say("#password-error", WRONG_TRADE_PASSWORD)
        if self.tail is not None:
            self.query_one("#tail", Input).disabled = False
        field = self.query_one("#password", Input)
        field.disabled = False
        field.focus()
        self.query_one("#cancel", Button).disabled = False
        self.query_one("#confirm", Button).disabled = not self._ready()

    def _say(self, selector: str, text: str) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.set_class(bool(text), "-shown")

    def _finish(self, entry: JournalEntry | None) -> None:
        self.entry = entry
        outcome = self.query_one("#outcome", Static)
        if entry is not None:
            outcome.update(outcome_text(entry))
            held = entry.state is EntryState.PENDING_APPROVAL
            outcome.set_classes(f"{'-ok' if held else state_class(entry.state)} -shown")
        show_close(self)

    def action_close(self) -> None:
        """Cancel before sending; close once the outcome is shown; nothing while sending."""
        if self.sent and self.query_one("#cancel", Button).disabled:  # still sending
            return
        self.clear_secrets()
        self.dismiss(self.entry)

    def clear_secrets(self) -> None:
        """Forget a typed trade password (the app calls this when it locks)."""
        for field in self.query("#password"):
            if isinstance(field, Input):
                field.value = ""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_close()
