"""Faster cell rendering for DataTables whose cells are one-line ``rich.text.Text``.

Textual's DataTable renders every cell through Rich's general layout path (``Styled``
around ``Padding`` around the cell, then ``Console.render_lines``), and it forgets every
rendered cell whenever any cell changes. For a table of one-line Text cells that costs
~0.13 ms a cell: about 30 ms for one screen of the balances table, paid again on every
update. :class:`TextCellsMixin` renders such a cell straight from Rich's own text layout
(``Text.wrap`` and ``Text.render``) into the same segments, and keeps each rendered cell
for as long as the cell object itself is in the table, so an update re-renders only the
cells that changed. Any other cell (headers, row labels, fixed cells, multi-line or
non-Text cells, rows taller than one line) goes through DataTable's own path.

``tests/test_text_cells.py`` checks that both paths produce identical segments.

The mixin also mends a DataTable race. New rows are measured on the table's next idle;
a frame drawn before that has the cells cut to the old column widths, and DataTable keeps
those lines (in its own line cache and the widget's) unless the measurement changes the
table's overall size. A rebuilt table (cleared, then the same rows added again, as the
balances screen does on each load) measures to the size it had, so it went on showing
cut cells, in about one run in five of the snapshot tests on a busy machine. Here a
measurement that changes any column width invalidates those lines and redraws.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache

__all__ = ["TextCellsMixin", "render_text_line"]

_CACHE_SIZE = 10_000
"""Rendered cells kept per table: a few screens of cells in every cursor/hover state."""

_NULL = Style.null()
_JOINER = Text("\n")
_EMPTY = Text()


def render_text_line(cell: Text, width: int, console: Console, *, padding: int,
                     justify: str | None, overflow: str | None, style: Style,
                     post_style: Style) -> list[Segment]:
    """One line of ``width`` cells holding ``cell`` (a one-line Text) between ``padding``
    spaces on each side, as DataTable would draw it with ``style`` under and
    ``post_style`` over its own styles. ``width`` must exceed ``2 * padding``.

    ``justify`` and ``overflow`` are the console options' (Rich's defaults when None)."""
    inner = width - 2 * padding
    if not cell:
        cell = _EMPTY  # as DataTable does: an empty cell renders as a plain empty Text
    lines = cell.wrap(
        console, inner,
        justify=cell.justify or justify or "default",
        overflow=cell.overflow or overflow or "fold",
        tab_size=console.tab_size if cell.tab_size is None else cell.tab_size,
        no_wrap=True,
    )
    # Joined as Rich joins wrapped lines: that turns the line's own style into a span
    # (``Text.render`` alone ignores the base style of a Text without spans).
    segments = list(_JOINER.join(lines).render(console))
    line = Segment.adjust_line_length(segments, inner, style=_NULL, pad=True)
    if padding:
        pad = Segment(" " * padding, _NULL)
        line = [pad, *line, pad]
    return list(Segment.apply_style(line, style, post_style))


class TextCellsMixin:
    """Mix into a DataTable subclass (before DataTable) to render one-line Text cells fast
    and keep them across updates; see the module docstring."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._text_cells: LRUCache[tuple, tuple[Text, list[list[Segment]]]] = LRUCache(
            _CACHE_SIZE)

    def _update_dimensions(self, new_rows) -> None:
        widths = [column.get_render_width(self) for column in self.columns.values()]
        super()._update_dimensions(new_rows)
        if widths != [column.get_render_width(self) for column in self.columns.values()]:
            self._update_count += 1  # part of every DataTable render cache key
            self.refresh()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        cell = None
        if row_index >= self.fixed_rows and column_index >= self.fixed_columns:
            row_key = self._row_locations.get_key(row_index)
            row = self.rows.get(row_key)
            if row is not None and row.height == 1:
                column_key = self._column_locations.get_key(column_index)
                cell = self._data[row_key].get(column_key)
        if type(cell) is not Text or "\n" in cell.plain or width <= 2 * self.cell_padding:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        key = (id(cell), row_index, column_index, width, base_style, component_style,
               post_style)
        cached = self._text_cells.get(key)
        if cached is not None and cached[0] is cell:
            return cached[1]
        options = self.app.console_options
        style = (base_style + Style.from_meta({"row": row_index, "column": column_index})
                 + component_style)
        lines = [render_text_line(cell, width, self.app.console, padding=self.cell_padding,
                                  justify=options.justify,
                                  overflow=options.overflow, style=style,
                                  post_style=post_style)]
        # The cell object is kept with its lines, so its id cannot be reused while cached.
        self._text_cells[key] = (cell, lines)
        return lines
