"""A horizontal bar chart drawn in text, exact: bar lengths come from Decimal arithmetic
(no binary floating point), in eighths of a cell, and every bar carries its exact value.

:func:`bar_lines` is the pure drawing; :class:`BarChart` shows it with a title.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from rich.text import Text
from textual.widgets import Static

from tui.core.money import plain

__all__ = ["BarChart", "bar_lines", "EIGHTHS"]

EIGHTHS = " ▏▎▍▌▋▊▉"
"""A cell filled by 0/8 .. 7/8, left to right; a full cell is █."""


def _bar(value: Decimal, most: Decimal, width: int) -> str:
    """``value``'s bar: its share of ``most`` over ``width`` cells, in eighths."""
    if most <= 0 or value <= 0:
        return ""
    eighths = int((value * width * 8 / most).to_integral_value(rounding=ROUND_HALF_EVEN))
    eighths = max(eighths, 1)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def bar_lines(bars: Sequence[tuple[str, Decimal]], width: int,
              value_text: Callable[[Decimal], str] = plain) -> list[str]:
    """One line per ``(label, value)``: the label padded, the bar (at most ``width``
    cells, the largest value filling it), then the value written by ``value_text`` (the
    exact value by default). Negative values draw no bar."""
    if not bars:
        return []
    most = max(value for _, value in bars)
    label_width = max(len(label) for label, _ in bars)
    return [f"{label.ljust(label_width)} {_bar(value, most, width).ljust(width)} {value_text(value)}"
            .rstrip() for label, value in bars]


class BarChart(Static):
    """A titled horizontal bar chart; :meth:`set_bars` replaces its bars."""

    DEFAULT_CSS = """
    BarChart { width: auto; max-width: 64; height: 1fr; padding: 0 1;
               border-left: solid $panel-lighten-2; }
    """

    def __init__(self, title: str, *, bar_width: int = 20, id: str | None = None,
                 value_text: Callable[[Decimal], str] = plain) -> None:
        super().__init__("", id=id, markup=False)
        self.title = title
        self.bar_width = bar_width
        self.value_text = value_text
        """How each bar's value is written (e.g. a table's grouped amount)."""
        self.bars: list[tuple[str, Decimal]] = []

    def set_bars(self, bars: Sequence[tuple[str, Decimal]]) -> None:
        """Show ``bars`` (label, exact value), in the given order."""
        self.bars = list(bars)
        text = Text(self.title, style="bold")
        lines = bar_lines(self.bars, self.bar_width, self.value_text) or ["nothing to chart"]
        text.append("\n\n" + "\n".join(lines))
        self.update(text)
