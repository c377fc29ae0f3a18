"""Keys every coinsole table shares: Home/End (and G) go to the first/last row.

Textual's DataTable scrolls sideways on Home and End; in a row-cursor table a user
expects the top and the bottom, as ``ctrl+home``/``ctrl+end`` already do.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

__all__ = ["TOP_BOTTOM_BINDINGS", "RowTable"]

TOP_BOTTOM_BINDINGS: list[BindingType] = [
    Binding("home", "scroll_top", "Top", show=False, tooltip="First row"),
    Binding("end,G", "scroll_bottom", "Bottom", show=False, key_display="end",
            tooltip="Last row"),
]
"""Add to a DataTable subclass's BINDINGS (they override DataTable's sideways Home/End)."""


class RowTable(DataTable):
    """A DataTable whose Home/End (and G) go to the first/last row."""

    BINDINGS = TOP_BOTTOM_BINDINGS
