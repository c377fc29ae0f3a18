"""The balances table: every profile's balances in one DataTable, rebuilt from memory.

The widget keeps no state of its own beyond what it is told to show: the screen hands it
a list of :class:`~tui.widgets.balance_rows.Row` and it renders them, one table row each
(no widget per row). Amounts are right-aligned and never rounded unless compact mode is on.

Balances are never cut to fit: when every column at its natural width (the widest of its
header and its cells) is wider than the table, the value column (valuations: derived
figures) is left out instead, and shown again once it fits. The widths come from the
cells' text, not from DataTable's measurements (made later, on idle); the decision is
made again on every resize. Before the first layout the size is unknown: the table is
drawn without the value column, and the first resize decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from tui.widgets.balance_rows import Row, SortKey, display_amount
from tui.widgets.text_cells import TextCellsMixin

__all__ = ["BalanceTable", "COLUMNS", "natural_widths"]

COLUMNS: tuple[SortKey, ...] = (
    SortKey.PROFILE, SortKey.VENUE, SortKey.ACCOUNT, SortKey.COIN,
    SortKey.AVAILABLE, SortKey.FROZEN, SortKey.TOTAL,
)
"""The table's columns, left to right; the value column follows when a venue supplied
valuations."""

ACCOUNT_WIDTH = 16
"""Longest account label the table shows in full; longer ones end in "…" (the detail
modal shows the whole label)."""

GAP = " "
"""Space before every cell: one column between cells, so wide amounts fit at 120 columns."""


def natural_widths(labels: Sequence[Text], rows: Iterable[Sequence[Text]]) -> list[int]:
    """Each column's width when nothing in it is cut: the widest of its header label and its
    cells, in terminal cells (the gap is part of every label and cell)."""
    widths = [label.cell_len for label in labels]
    for cells in rows:
        widths = [max(width, cell.cell_len) for width, cell in zip(widths, cells)]
    return widths


class BalanceTable(TextCellsMixin, DataTable):
    """A read-only, row-cursor table of balances with vim-style movement (cells drawn by
    :class:`~tui.widgets.text_cells.TextCellsMixin`)."""

    HELP_SECTION = "table"

    BINDINGS: list[BindingType] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("enter", "select_cursor", "Details", tooltip="Show the exact values of this row"),
    ]

    DEFAULT_CSS = """
    BalanceTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    """

    class Fitted(Message):
        """Posted when a resize changed :attr:`BalanceTable.hidden_column` or
        :attr:`BalanceTable.shortfall` (:meth:`BalanceTable.show` posts nothing: its caller
        can read them as soon as it returns)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, **kwargs)
        self.rows_shown: list[Row] = []
        self._by_key: dict[str, Row] = {}
        self._layout: tuple | None = None
        self._cached_keys: frozenset[str] = frozenset()
        self._quote: str | None = None
        self._columns: list[SortKey] = []
        self._labels: list[Text] = []
        self._row_cells: dict[str, list[Text]] = {}
        self._natural_width = 0
        self._drawn_hidden: bool | None = None
        """Whether the drawn table leaves out the value column; None before it is drawn."""
        self._fit: tuple[bool, int] | None = None
        """The decision for the last known size: (value column hidden, cells the table
        lacks to show every column); None until the size is known."""

    @property
    def hidden_column(self) -> str | None:
        """The header of the column left out to fit the table's width ("value usd"), or
        None when every column is shown."""
        if self._fit is None or not self._fit[0]:
            return None
        return f"value {self._quote}"

    @property
    def shortfall(self) -> int:
        """How many more cells across the table needs to show every column; 0 when it has
        room for them all."""
        return 0 if self._fit is None else self._fit[1]

    @property
    def natural_width(self) -> int:
        """The table's width with every column at its natural width."""
        return self._natural_width

    def show(
        self,
        rows: Sequence[Row],
        *,
        quote: str | None,
        compact: bool,
        sort_key: SortKey | None,
        reverse: bool,
        cached_profiles: frozenset[str] = frozenset(),
    ) -> None:
        """Show ``rows``, keeping the cursor on the same row when it is still there.

        Rows of ``cached_profiles`` (last run's numbers, shown until the live load lands)
        have their profile cell in italics. When only that marking changed (a live load
        that brought the same numbers) just those cells are redrawn, and when nothing
        changed nothing is: a full rebuild re-renders every visible cell. The value column
        is left out when the table is too narrow for every column (see
        :attr:`hidden_column`)."""
        cached_keys = frozenset(row.key for row in rows
                                if row.kind == "balance" and row.profile in cached_profiles)
        layout = (tuple(rows), quote, compact, sort_key, reverse)
        if layout == self._layout:
            self._mark_cached(cached_keys)
            return
        columns = list(COLUMNS) + ([SortKey.VALUE] if quote else [])
        self._quote, self._columns = quote, columns
        self._labels = [self._label(column, quote, sort_key, reverse) for column in columns]
        self._row_cells = {
            row.key: self._cells(row, columns, compact, quote, row.key in cached_keys)
            for row in rows}
        self._natural_width = sum(natural_widths(self._labels, self._row_cells.values()))
        self.rows_shown = list(rows)
        self._by_key = {row.key: row for row in rows}
        self._layout, self._cached_keys = layout, cached_keys
        self._drawn_hidden = self._fit = None
        self._refit()

    def _mark_cached(self, cached_keys: frozenset[str]) -> None:
        """Redraw just the profile cells whose cached marking changed."""
        for key in cached_keys ^ self._cached_keys:
            row = self._by_key[key]
            cell = self._profile_cell(row, key in cached_keys)
            self._row_cells[key][0] = cell
            self.update_cell(key, SortKey.PROFILE.value, cell)
        self._cached_keys = cached_keys

    def _room(self) -> int | None:
        """Cells across the table can show without scrolling sideways (its width less the
        vertical scrollbar when the rows overflow), or None before the first layout."""
        width, height = self.outer_size - self.styles.gutter.totals  # as of the last layout
        if width <= 0:
            return None
        header = self.header_height if self.show_header else 0
        if header + len(self._row_cells) > height:
            width -= self.styles.scrollbar_size_vertical
        return width

    def _refit(self) -> bool:
        """Decide from the table's size whether the value column fits, and redraw when the
        table drawn differs. True when the decision or the shortfall changed.

        Before the first layout (size unknown) nothing is decided: the table is drawn
        without the value column, so the first frame has the balances and nothing cut."""
        has_value = self._columns[-1:] == [SortKey.VALUE]
        room = self._room()
        if room is None:
            fit = None
            hidden = has_value
        else:
            shortfall = max(0, self.natural_width - room)
            fit = (has_value and shortfall > 0, shortfall)
            hidden = fit[0]
        if hidden != self._drawn_hidden:
            self._draw(hidden=hidden)
        changed, self._fit = fit != self._fit, fit
        return changed

    def _draw(self, *, hidden: bool) -> None:
        """Rebuild the table from the stored cells, without the value column when
        ``hidden``, keeping the cursor on the same row when it is still there."""
        current = self._cursor_key()
        count = len(self._columns) - hidden
        self.clear(columns=True)
        for column, label in zip(self._columns[:count], self._labels):
            self.add_column(label, key=column.value)
        for key, cells in self._row_cells.items():
            self.add_row(*cells[:count], key=key)
        self._drawn_hidden = hidden
        if current in self._by_key:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def on_resize(self, event: events.Resize) -> None:
        """Re-decide the value column for the new size."""
        if self._layout is not None and self._refit():
            self.post_message(self.Fitted())

    def _cursor_key(self) -> str | None:
        """The key of the row under the cursor, or None when there is none."""
        if self.row_count == 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # the cursor may point past a table that just shrank
            return None

    def current_row(self) -> Row | None:
        """The row under the cursor, or None when the table is empty."""
        key = self._cursor_key()
        return None if key is None else self._by_key.get(key)

    def row_for_key(self, key: str) -> Row | None:
        """The row shown under ``key``."""
        return self._by_key.get(key)

    @staticmethod
    def _label(column: SortKey, quote: str | None, sort_key: SortKey | None,
               reverse: bool) -> Text:
        label = f"value {quote}" if column is SortKey.VALUE else column.value
        if column is sort_key:
            label += " ▲" if reverse == column.numeric else " ▼"
        return Text(GAP + label, justify="right" if column.numeric else "left")

    @staticmethod
    def _row_style(row: Row) -> str:
        return {"total": "bold", "header": "bold italic"}.get(row.kind, "")

    @classmethod
    def _profile_cell(cls, row: Row, cached: bool) -> Text:
        style = cls._row_style(row) or ("italic" if cached else "")
        return Text(GAP + row.profile, style=style)

    @classmethod
    def _cells(cls, row: Row, columns: Sequence[SortKey], compact: bool, quote: str | None,
               cached: bool = False) -> list[Text]:
        style = cls._row_style(row)
        cells: list[Text] = []
        for column in columns:
            value = getattr(row, column.value)
            if column is SortKey.PROFILE:
                cells.append(cls._profile_cell(row, cached))
            elif column.numeric:
                coin = (quote or "") if column is SortKey.VALUE else row.coin
                text = "" if value is None else display_amount(value, coin, compact=compact)
                cell_style = style or ("dim" if value == Decimal(0) else "")
                cells.append(Text(GAP + text, style=cell_style, justify="right"))
            else:
                text = str(value)
                if column is SortKey.ACCOUNT and len(text) > ACCOUNT_WIDTH:
                    text = text[: ACCOUNT_WIDTH - 1] + "…"
                cells.append(Text(GAP + text, style=style))
        return cells
