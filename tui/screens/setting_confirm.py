"""The modal confirming one org settings change: the current value and what it becomes
(the request's summary), with the inputs the change needs (the four price limits), then
Confirm journals and sends it once through the session's mover and its approvals gate.

``build`` turns the typed inputs into the journal request, raising ``ValueError`` with
the reason while they are not acceptable (Confirm stays disabled). Dismisses with the
journal entry (None when cancelled or held back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from tui.screens.modal import ModalBase, cancel_binding

__all__ = ["SettingConfirmScreen"]


class SettingConfirmScreen(ModalBase[Any]):
    """Confirm one settings change titled ``title``; ``inputs`` are (id, label, value)."""

    TONE = "warning"

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "confirm", "Confirm", priority=True,
                tooltip="Journal the change and send it (once)"),
        cancel_binding("Cancel before sending, or close after the outcome", "Cancel / close",
                       action="close"),
    ]

    DEFAULT_CSS = """
    SettingConfirmScreen > Vertical { width: 80; max-height: 100%; }
    SettingConfirmScreen Grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: 1;
                                grid-gutter: 0 1; height: auto; margin-top: 1; }
    SettingConfirmScreen Grid Label { color: $text-muted; }
    SettingConfirmScreen #summary { margin-top: 1; height: auto; }
    SettingConfirmScreen #problem { color: $error; height: auto; }
    SettingConfirmScreen #outcome { margin-top: 1; height: auto; text-style: bold; }
    """

    def __init__(self, session: Any, title: str, note: str,
                 build: Callable[[dict[str, str]], Any],
                 inputs: Sequence[tuple[str, str, str]] = ()) -> None:
        super().__init__()
        self.session = session
        self.title_text = title
        self.note = note
        self.build = build
        self.inputs = list(inputs)
        self.request: Any = None
        self.sent = False
        self.entry: Any = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(self.note, markup=False)
            if self.inputs:
                with Grid():
                    for field_id, label, value in self.inputs:
                        yield Label(label)
                        yield Input(value=value, id=field_id, compact=True)
            yield Static("", id="summary", markup=False)
            yield Static("", id="problem", markup=False)
            yield Static("", id="outcome", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel  (esc)", id="cancel")
                yield Button("Confirm  (ctrl+s)", id="confirm", variant="warning",
                             disabled=True)

    def on_mount(self) -> None:
        self._rebuild()
        for field in self.query(Input):
            field.focus()
            break

    def _rebuild(self) -> None:
        if self.sent:
            return
        values = {i.id or "": i.value.strip() for i in self.query(Input)}
        try:
            self.request = self.build(values)
            problem = ""
        except ValueError as exc:
            self.request = None
            problem = str(exc)
        summary = self.request.summary() if self.request is not None else []
        width = max((len(k) for k, _ in summary), default=0)
        self.query_one("#summary", Static).update(
            "\n".join(f"{k.ljust(width)}  {v}" for k, v in summary))
        self.query_one("#problem", Static).update(problem)
        self.query_one("#confirm", Button).disabled = self.request is None

    @on(Input.Changed)
    def _changed(self) -> None:
        self._rebuild()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        confirm = self.query_one("#confirm", Button)
        if not confirm.disabled:
            confirm.focus()

    def action_confirm(self) -> None:
        """Journal and send the change, once."""
        if self.sent or self.request is None:
            return
        self.sent = True
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#cancel", Button).disabled = True
        for field in self.query(Input):
            field.disabled = True
        self._send(self.request)

    @work(exclusive=True, group="setting-send", exit_on_error=False)
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
        cancel = self.query_one("#cancel", Button)
        cancel.label = "Close  (esc)"
        cancel.disabled = False
        cancel.focus()
        self.query_one("#confirm", Button).display = False

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
