"""Keys and wheel for a DataTable that holds only the rows in view (a window over a
store): every move past what it holds is asked of its ``owner``, which reads the next rows
by key instead of scrolling. Shared by RecordTable's grid and Activity's entry grid."""

from __future__ import annotations

from typing import Any

from textual import events

__all__ = ["WindowedRowKeys"]


class WindowedRowKeys:
    """Mixin for a DataTable subclass whose ``owner`` has ``move_cursor_by(n)``,
    ``view_height`` and ``jump(end=...)``. The wheel moves the cursor by default
    (override :meth:`wheel` to scroll without moving it)."""

    owner: Any
    _set_hover_cursor: Any  # DataTable's, which this mixin comes before

    def wheel(self, rows: int) -> None:
        """The mouse wheel turned by ``rows`` (negative: up)."""
        self.owner.move_cursor_by(rows)

    def action_cursor_down(self) -> None:
        self._set_hover_cursor(False)
        self.owner.move_cursor_by(1)

    def action_cursor_up(self) -> None:
        self._set_hover_cursor(False)
        self.owner.move_cursor_by(-1)

    def action_page_down(self) -> None:
        self._set_hover_cursor(False)
        self.owner.move_cursor_by(self.owner.view_height)

    def action_page_up(self) -> None:
        self._set_hover_cursor(False)
        self.owner.move_cursor_by(-self.owner.view_height)

    def action_scroll_top(self) -> None:
        self._set_hover_cursor(False)
        self.owner.jump(end=False)

    def action_scroll_bottom(self) -> None:
        self._set_hover_cursor(False)
        self.owner.jump(end=True)

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        event.prevent_default()
        self.wheel(3)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        event.prevent_default()
        self.wheel(-3)
