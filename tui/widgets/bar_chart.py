"""A horizontal bar chart drawn in text, exact: bar lengths come from Decimal arithmetic
(no binary floating point), in eighths of a cell, and every bar carries its value.

:func:`bar_lines` is the pure drawing; :class:`BarChart` shows it with a title. A bar's
value is written exactly by default; :func:`chart_amount` writes it short instead (three
significant digits, ``K``/``M``/``B``/``T``/``Q``, ``≈`` where that is not the exact value),
for a chart beside a table that shows the exact figures and must keep its width.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from rich.text import Text
from textual.widgets import Static

from tui.core.money import plain

__all__ = ["BarChart", "bar_lines", "chart_amount", "APPROX", "EIGHTHS"]

EIGHTHS = " ▏▎▍▌▋▊▉"
"""A cell filled by 0/8 .. 7/8, left to right; a full cell is █."""


APPROX = "≈"
"""Marks a chart value that is rounded (the table beside the chart has every digit)."""

_SUFFIXES = ((15, "Q"), (12, "T"), (9, "B"), (6, "M"), (3, "K"))
"""Powers of ten written as a letter, largest first."""
_SIGNIFICANT = 3
"""Significant digits a short chart value keeps."""
_SMALLEST = -5
"""The smallest power of ten a short value shows digits at (0.0000953); anything nearer
zero is written ``<0.00001`` (``>-0.00001`` below zero)."""


def chart_amount(value: Decimal) -> str:
    """``value`` short, for a chart's label: three significant digits (rounded half to
    even, in Decimal), thousands and up as ``K``, ``M``, ``B``, ``T``, ``Q`` (past that a
    power of ten, ``e21``), prefixed ``≈`` unless that is exactly ``value``. At most 11
    characters, so a chart of such values has a bounded width. Never for a table: a table
    shows money with every digit (:func:`tui.core.amounts.table_amount`)."""
    if not value.is_finite():
        return str(value)
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size.adjusted() < _SMALLEST:
        bound = f"0.{'0' * (-_SMALLEST - 1)}1"
        return f">-{bound}" if sign else f"<{bound}"
    with localcontext() as context:
        context.prec = _SIGNIFICANT
        context.rounding = ROUND_HALF_EVEN
        rounded = +size  # three significant digits, rounded in Decimal
    mark = "" if rounded == size else APPROX
    power, suffix = next(((p, s) for p, s in _SUFFIXES if rounded.adjusted() >= p), (0, ""))
    if rounded.adjusted() >= 18:
        power, suffix = rounded.adjusted(), f"e{rounded.adjusted()}"
    scaled = rounded.scaleb(-power)
    digits = f"{scaled:f}" if mark else _trimmed(scaled)
    return f"{mark}{sign}{digits}{' ' if suffix and not suffix.startswith('e') else ''}{suffix}"


def _trimmed(value: Decimal) -> str:
    """``value`` in plain digits without trailing fractional zeros (``12.50`` -> ``12.5``)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
