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

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Static

from tui.screens.gated_confirm import GatedConfirmScreen, send_bindings

__all__ = ["SettingConfirmScreen"]


class SettingConfirmScreen(GatedConfirmScreen):
    """Confirm one settings change titled ``title``; ``inputs`` are (id, label, value)."""

    BINDINGS: list[BindingType] = send_bindings("Journal the change and send it (once)")

    DEFAULT_CSS = """
    SettingConfirmScreen > Vertical { width: 80; max-height: 100%; }
    SettingConfirmScreen Grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: 1;
                                grid-gutter: 0 1; height: auto; margin-top: 1; }
    SettingConfirmScreen Grid Label { color: $text-muted; }
    """

    def __init__(self, session: Any, title: str, note: str,
                 build: Callable[[dict[str, str]], Any],
                 inputs: Sequence[tuple[str, str, str]] = ()) -> None:
        super().__init__(session)
        self.title_text = title
        self.note = note
        self.make_request = build
        self.inputs = list(inputs)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(self.note, markup=False)
            if self.inputs:
                with Grid():
                    for field_id, label, value in self.inputs:
                        yield Label(label)
                        yield Input(value=value, id=field_id, compact=True)
            yield from self.compose_outcome()

    def on_mount(self) -> None:
        self.rebuild()
        for field in self.query(Input):
            field.focus()
            break

    def build(self) -> Any:
        """The change from the typed inputs (``ValueError``: why not yet)."""
        return self.make_request({i.id or "": i.value.strip() for i in self.query(Input)})
