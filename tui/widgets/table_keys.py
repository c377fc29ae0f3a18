"""Keys every coinsole table shares: ``g g``/Home to the first row, ``G``/End to the last.

Textual's DataTable scrolls sideways on Home and End; in a row-cursor table a user
expects the top and the bottom, as ``ctrl+home``/``ctrl+end`` already do. ``g g`` is the
vim spelling: the first ``g`` arms, a second one within :data:`G_WINDOW` seconds jumps.
"""

from __future__ import annotations

from time import monotonic

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

__all__ = ["G_WINDOW", "TOP_BOTTOM_BINDINGS", "RowTable", "TopBottomKeys"]

G_WINDOW = 0.8
"""Seconds within which a second ``g`` makes ``g g`` (go to the first row)."""

TOP_BOTTOM_BINDINGS: list[BindingType] = [
    Binding("home", "scroll_top", "Top", show=False, tooltip="First row"),
    # "g g" is no key Textual sends: this line only names the pair in help and the
    # palette; TopBottomKeys watches the key events for it (a "g" binding would hide a
    # screen's own "g", as Balances' Group).
    Binding("g g", "scroll_top", "Top", show=False, key_display="g g", tooltip="First row"),
    Binding("end,G", "scroll_bottom", "Bottom", show=False, key_display="end",
            tooltip="Last row"),
]
"""Add to a :class:`TopBottomKeys` table's BINDINGS (they override DataTable's sideways
Home/End)."""


class TopBottomKeys:
    """Mix into a DataTable subclass (before DataTable) that lists
    :data:`TOP_BOTTOM_BINDINGS`: ``g g`` goes to the first row.

    Each ``g`` is also passed on, so a screen that binds ``g`` itself still sees it.
    """

    _last_g: float = 0.0  # float-ok: monotonic seconds
    _g_completed: float = 0.0  # float-ok: monotonic seconds

    async def _on_key(self, event: events.Key) -> None:
        """First ``g``: arm. Second ``g`` within :data:`G_WINDOW`: go to the first row.

        The event goes on either way (nothing is stopped), so a screen's own ``g``
        binding still runs; :meth:`double_g` tells it the press completed ``g g``."""
        if event.key == "g":
            now = monotonic()
            if now - self._last_g <= G_WINDOW:
                self._last_g = 0.0
                self._g_completed = now
                self.action_scroll_top()  # type: ignore[attr-defined]
            else:
                self._last_g = now
        await super()._on_key(event)  # type: ignore[misc]

    def double_g(self) -> bool:
        """Did the ``g`` being handled right now complete ``g g``?"""
        return monotonic() - self._g_completed <= G_WINDOW and self._last_g == 0.0


class RowTable(TopBottomKeys, DataTable):
    """A DataTable whose ``g g``/Home and ``G``/End go to the first/last row."""

    BINDINGS = TOP_BOTTOM_BINDINGS
