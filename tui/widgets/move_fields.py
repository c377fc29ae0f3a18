"""Form rows for the Move money screen: a label, its control(s), a hint, and the error
message shown under the row while the input is invalid."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

__all__ = ["FormField"]


class FormField(Vertical):
    """One labelled row of a form with its error line underneath.

    ``field`` names the row (it matches :attr:`tui.core.validation.Problem.field`);
    ``controls`` are the widgets on the row (an Input, a Select, a Max button...);
    ``hint`` is muted text after them (the available balance, the fee).

    The controls share the row with the hint: they shrink (down to 14 cells) before the
    hint does, so at 80 columns the hint wraps between words, never letter by letter.
    """

    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 1; }
    FormField > Horizontal { height: auto; }
    FormField .label { width: 18; color: $text-muted; }
    FormField Input { width: 1fr; min-width: 14; max-width: 52; }
    FormField Select { width: 1fr; min-width: 14; max-width: 52; }
    FormField Button { margin-left: 1; width: auto; min-width: 7; }
    FormField .hint { color: $text-muted; width: 1fr; min-width: 22; padding-left: 2;
                      height: auto; }
    FormField .error { color: $error; padding-left: 18; height: auto; display: none; }
    FormField .error.-shown { display: block; }
    """

    def __init__(self, label: str, *controls: Widget, field: str, hint: str = "",
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.field = field
        self.label_text = label
        self.controls = controls
        self.hint_text = hint
        self.error_text = ""
        """The error shown now ("" when none)."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label_text, classes="label", markup=False)
            yield from self.controls
            yield Static(self.hint_text, classes="hint", markup=False)
        yield Static("", classes="error", markup=False)

    def set_hint(self, text: str) -> None:
        """Replace the muted text after the controls."""
        self.hint_text = text
        if self.is_mounted:
            self.query_one(".hint", Static).update(text)

    def set_error(self, text: str) -> None:
        """Show ``text`` under the row ("" hides the error line)."""
        self.error_text = text
        if not self.is_mounted:
            return
        error = self.query_one(".error", Static)
        error.update(text)
        error.set_class(bool(text), "-shown")
