"""The column chooser: a modal of checkboxes, one per balances column the user may hide.

Dismisses with the set of columns to leave out (``None`` when cancelled). The balances
screen saves the choice for the next start; coin is always shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Checkbox, Static

from tui.screens.modal import ModalBase, cancel_binding
from tui.widgets.balance_rows import SortKey

__all__ = ["ColumnChooserScreen"]


class ColumnChooserScreen(ModalBase[frozenset[SortKey]]):
    """Tick the columns to show: space toggles the focused box, enter applies, esc keeps
    the columns as they were."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s,enter", "apply", "Apply", key_display="^s/⏎", priority=True,
                tooltip="Show the ticked columns"),
        cancel_binding("Keep the columns as they were"),
    ]

    DEFAULT_CSS = """
    ColumnChooserScreen > Vertical { width: 44; }
    ColumnChooserScreen Checkbox { border: none; padding: 0; height: 1; }
    """

    def __init__(self, columns: Iterable[SortKey], hidden: Iterable[SortKey],
                 labels: dict[SortKey, str] | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self.hidden = frozenset(hidden)
        self.labels = labels or {}

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Columns"
            for column in self.columns:
                yield Checkbox(self.labels.get(column, column.value),
                               value=column not in self.hidden, id=f"col-{column.value}")
            yield Static("space ticks · ctrl+s or ⏎ applies · esc cancels. Coin is always shown; "
                         "columns that do not fit are still left out.", classes="hint")

    def on_mount(self) -> None:
        self.query(Checkbox).first().focus()

    def action_apply(self) -> None:
        """Close, leaving out the unticked columns."""
        hidden = frozenset(column for column in self.columns
                           if not self.query_one(f"#col-{column.value}", Checkbox).value)
        self.dismiss(hidden)
