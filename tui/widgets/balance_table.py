"""The balances table: every profile's balances in one DataTable, rebuilt from memory.

The widget keeps no state of its own beyond what it is told to show: the screen hands it
a list of :class:`~tui.widgets.balance_rows.Row` and it renders them, one table row each
(no widget per row). Amounts are right-aligned and never rounded unless compact mode is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from tui.widgets.balance_rows import Row, SortKey, display_amount
from tui.widgets.text_cells import TextCellsMixin

__all__ = ["BalanceTable", "COLUMNS"]

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

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, **kwargs)
        self.rows_shown: list[Row] = []
        self._by_key: dict[str, Row] = {}
        self._layout: tuple | None = None
        self._cached_keys: frozenset[str] = frozenset()

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
        changed nothing is: a full rebuild re-renders every visible cell."""
        cached_keys = frozenset(row.key for row in rows
                                if row.kind == "balance" and row.profile in cached_profiles)
        layout = (tuple(rows), quote, compact, sort_key, reverse)
        if layout == self._layout:
            for key in cached_keys ^ self._cached_keys:
                row = self._by_key[key]
                self.update_cell(key, SortKey.PROFILE.value,
                                 self._profile_cell(row, key in cached_keys))
            self._cached_keys = cached_keys
            return
        current = self.current_row()
        self.clear(columns=True)
        columns = list(COLUMNS) + ([SortKey.VALUE] if quote else [])
        for column in columns:
            label = f"value {quote}" if column is SortKey.VALUE else column.value
            if column is sort_key:
                label += " ▲" if reverse == column.numeric else " ▼"
            justify = "right" if column.numeric else "left"
            self.add_column(Text(GAP + label, justify=justify), key=column.value)
        self.rows_shown = list(rows)
        self._by_key = {row.key: row for row in rows}
        for row in rows:
            self.add_row(*self._cells(row, columns, compact, quote, row.key in cached_keys),
                         key=row.key)
        self._layout, self._cached_keys = layout, cached_keys
        if current is not None and current.key in self._by_key:
            self.move_cursor(row=self.get_row_index(current.key), animate=False)

    def current_row(self) -> Row | None:
        """The row under the cursor, or None when the table is empty."""
        if not self.rows_shown or self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # the cursor may point past a table that just shrank
            return None
        return self._by_key.get(key or "")

    def row_for_key(self, key: str) -> Row | None:
        """The row shown under ``key``."""
        return self._by_key.get(key)

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
