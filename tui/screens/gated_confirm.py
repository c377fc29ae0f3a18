"""What the org-write confirmation modals share (a payment order, a payment action, a
settings change): a request rebuilt from the inputs on every change, shown as summary
rows (or the reason it is refused, Confirm disabled), then Confirm journals it and sends
it once through the session's mover and its approvals gate
(:func:`tui.org_writes.gated_send`), and the outcome line replaces Confirm.

A modal subclasses :class:`GatedConfirmScreen`, composes its own inputs followed by
``yield from self.compose_outcome()`` and implements :meth:`GatedConfirmScreen.build`.
It dismisses with the journal entry (None when cancelled, blocked or held back).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from tui.screens.modal import ModalBase, cancel_binding

__all__ = ["GatedConfirmScreen", "send_bindings", "show_close", "summary_text"]


def send_bindings(tooltip: str) -> list[BindingType]:
    """Ctrl+S confirms (``tooltip`` says what is sent); Esc cancels, or closes once the
    outcome is shown."""
    return [
        Binding("ctrl+s", "confirm", "Confirm", priority=True, tooltip=tooltip),
        cancel_binding("Cancel before sending, or close after the outcome", "Cancel / close",
                       action="close"),
    ]


def summary_text(rows: Iterable[tuple[str, str]]) -> str:
    """The (label, value) rows as lines, the labels padded to one width."""
    rows = list(rows)
    width = max((len(k) for k, _ in rows), default=0)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def show_close(modal: Screen[Any]) -> None:
    """After a send: the Cancel button becomes Close (enabled, focused), Confirm goes."""
    cancel = modal.query_one("#cancel", Button)
    cancel.label = "Close  (esc)"
    cancel.disabled = False
    cancel.focus()
    modal.query_one("#confirm", Button).display = False


class GatedConfirmScreen(ModalBase[Any]):
    """A request built from the modal's inputs, summarised, confirmed and sent once.

    ``BUILD_ERRORS`` are the exceptions :meth:`build` raises for a request that is not
    acceptable yet (its text is the reason shown); ``ENTER_TO_CONFIRM`` moves the focus
    to Confirm when Enter is pressed in an input (it never sends by itself).
    """

    TONE = "warning"

    BUILD_ERRORS: ClassVar[tuple[type[Exception], ...]] = (ValueError,)
    ENTER_TO_CONFIRM: ClassVar[bool] = True

    DEFAULT_CSS = """
    GatedConfirmScreen #summary { margin-top: 1; height: auto; }
    GatedConfirmScreen #problem { color: $error; height: auto; }
    GatedConfirmScreen #gate { color: $text-muted; height: auto; }
    GatedConfirmScreen #outcome { margin-top: 1; height: auto; text-style: bold; }
    """

    def __init__(self, session: Any) -> None:
        super().__init__()
        self.session = session
        self.request: Any = None
        self.sent = False
        """True from the first press of Confirm: nothing is ever sent twice."""
        self.entry: Any = None
        """The journal entry once the send has finished."""

    # -- for subclasses -------------------------------------------------------------------

    def build(self) -> Any:
        """The request from the inputs as they are; raises one of ``BUILD_ERRORS``."""
        raise NotImplementedError

    def problem_text(self, error: Exception) -> str:
        """The reason shown for a request :meth:`build` refused."""
        return str(error)

    def compose_outcome(self, gate: str | None = None) -> ComposeResult:
        """The summary, problem, (``gate`` note,) outcome lines and the buttons row."""
        yield Static("", id="summary", markup=False)
        yield Static("", id="problem", markup=False)
        if gate is not None:
            yield Static(gate, id="gate", markup=False)
        yield Static("", id="outcome", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Cancel  (esc)", id="cancel")
            yield Button("Confirm  (ctrl+s)", id="confirm", variant="warning", disabled=True)

    # -- the request ----------------------------------------------------------------------

    def rebuild(self) -> None:
        """Build the request again and show its summary, or why it is refused."""
        if self.sent:
            return
        try:
            self.request = self.build()
            problem = ""
        except self.BUILD_ERRORS as exc:
            self.request = None
            problem = self.problem_text(exc)
        summary = self.request.summary() if self.request is not None else []
        self.query_one("#summary", Static).update(summary_text(summary))
        self.query_one("#problem", Static).update(problem)
        self.query_one("#confirm", Button).disabled = self.request is None

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.rebuild()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if not self.ENTER_TO_CONFIRM:
            return
        confirm = self.query_one("#confirm", Button)
        if not confirm.disabled:
            confirm.focus()

    # -- sending --------------------------------------------------------------------------

    def action_confirm(self) -> None:
        """Journal and send the request, once."""
        if self.sent or self.request is None:
            return
        self.sent = True
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#cancel", Button).disabled = True
        field: Widget
        for field in self.query("Input, Select"):
            field.disabled = True
        self._send(self.request)

    @work(exclusive=True, group="gated-send", exit_on_error=False)
    async def _send(self, request: Any) -> None:
        from tui.approvals.identity import ApprovalsError
        from tui.journal_ui import mover_for
        from tui.org_writes import gated_send, outcome_text

        try:
            self.entry = await gated_send(mover_for(self.session), request)
            text = outcome_text(self.entry)
        except ApprovalsError as exc:  # blocked, or held for approval (journaled)
            text = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown; the journal has the entry
            text = f"could not send: {exc}"
        self.query_one("#outcome", Static).update(text)
        show_close(self)

    def action_close(self) -> None:
        """Cancel before sending; close once the outcome is shown; nothing while sending."""
        if self.sent and self.query_one("#cancel", Button).disabled:
            return
        self.dismiss(self.entry)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_close()
