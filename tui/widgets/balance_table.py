"""The balances table: every profile's balances in one DataTable, rebuilt from memory.

The widget keeps no state of its own beyond what it is told to show: the screen hands it
a list of :class:`~tui.widgets.balance_rows.Row` and it renders them, one table row each
(no widget per row). Amounts are right-aligned and never rounded unless compact mode is on.

Balances are never cut to fit: when every column at its natural width (the widest of its
header and its cells) is wider than the table, columns are left out instead, in
:data:`DROP_ORDER` (the value column, derived figures, first; then profile, venue and
account, which the detail modal still shows), and shown again once they fit. When even
coin and the three amounts do not fit side by side, the table falls back to one
(three-line) row per balance: who and which coin on the left, every figure in full on the
right. The user may also leave columns out (:meth:`BalanceTable.choose_columns`, the
column chooser). The widths come from the cells' text, not from DataTable's measurements
(made later, on idle); the decision is made again on every resize. Before the first
layout the size is unknown: the table is drawn without the value column, and the first
resize decides.
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
from tui.widgets.table_keys import TOP_BOTTOM_BINDINGS, TopBottomKeys
from tui.widgets.text_cells import TextCellsMixin

__all__ = ["BalanceTable", "COLUMNS", "DROP_ORDER", "STACKED", "natural_widths"]

COLUMNS: tuple[SortKey, ...] = (
    SortKey.PROFILE, SortKey.VENUE, SortKey.ACCOUNT, SortKey.COIN,
    SortKey.AVAILABLE, SortKey.FROZEN, SortKey.TOTAL,
)
"""The table's columns, left to right; the value column follows when a venue supplied
valuations."""

DROP_ORDER: tuple[SortKey, ...] = (
    SortKey.VALUE, SortKey.PROFILE, SortKey.VENUE, SortKey.ACCOUNT,
)
"""Columns left out, first to last, while the table is too narrow for the rest."""

STACKED = "stacked"
"""The layout name of the narrowest fallback: one four-line row per balance."""

STACKED_AMOUNTS = ((SortKey.AVAILABLE, "available"), (SortKey.FROZEN, "frozen"),
                   (SortKey.TOTAL, "total"))

ACCOUNT_WIDTH = 16
"""Longest account label the table shows in full; longer ones end in "…" (the detail
modal shows the whole label)."""

GAP = " "
"""Space before every cell: one column between cells, so wide amounts fit at 120 columns."""


def _text_width(text: Text) -> int:
    """The widest line of ``text``, in terminal cells."""
    if "\n" not in text.plain:
        return text.cell_len
    return max(line.cell_len for line in text.split("\n"))


def natural_widths(labels: Sequence[Text], rows: Iterable[Sequence[Text]]) -> list[int]:
    """Each column's width when nothing in it is cut: the widest of its header label and its
    cells, in terminal cells (the gap is part of every label and cell)."""
    widths = [_text_width(label) for label in labels]
    for cells in rows:
        widths = [max(width, _text_width(cell)) for width, cell in zip(widths, cells)]
    return widths


class BalanceTable(TopBottomKeys, TextCellsMixin, DataTable):
    """A read-only, row-cursor table of balances with vim-style movement (cells drawn by
    :class:`~tui.widgets.text_cells.TextCellsMixin`)."""

    HELP_SECTION = "table"

    BINDINGS: list[BindingType] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("enter", "select_cursor", "Details", tooltip="Show the exact values of this row"),
        *TOP_BOTTOM_BINDINGS,
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

    COLUMN_CHOICES: tuple[SortKey, ...] = (
        SortKey.PROFILE, SortKey.VENUE, SortKey.ACCOUNT,
        SortKey.AVAILABLE, SortKey.FROZEN, SortKey.TOTAL, SortKey.VALUE,
    )
    """Columns the user may leave out with the column chooser (coin always stays)."""

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
        self._widths: list[int] = []
        self._compact = False
        self.user_hidden: frozenset[SortKey] = frozenset()
        """Columns the user left out with the column chooser."""
        self._drawn: tuple | None = None
        """The drawn layout: the shown columns' indexes, or :data:`STACKED`; None before
        the table is drawn."""
        self._fit: tuple[tuple, int] | None = None
        """The decision for the last known size: (layout, cells the table lacks to show
        every column); None until the size is known."""

    @property
    def stacked(self) -> bool:
        """True when the table shows one four-line row per balance (too narrow for the
        amounts side by side)."""
        return self._drawn == (STACKED,)

    @property
    def dropped_columns(self) -> list[SortKey]:
        """Columns left out to fit the table's width (not those the user left out)."""
        if self._fit is None:
            return []
        layout = self._fit[0]
        if layout == (STACKED,):  # profile, coin, account and the amounts stay
            return [c for c in self._columns if c not in self.user_hidden
                    and c in (SortKey.VENUE, SortKey.VALUE)]
        return [c for i, c in enumerate(self._columns)
                if i not in layout and c not in self.user_hidden]

    def _header(self, column: SortKey) -> str:
        return f"value {self._quote}" if column is SortKey.VALUE else column.value

    @property
    def hidden_column(self) -> str | None:
        """The headers of the columns left out to fit the table's width ("value usd",
        "value usd, profile"), or None when every column is shown."""
        dropped = self.dropped_columns
        if not dropped:
            return None
        return ", ".join(self._header(column) for column in dropped)

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
        self._quote, self._columns, self._compact = quote, columns, compact
        self._labels = [self._label(column, quote, sort_key, reverse) for column in columns]
        self._row_cells = {
            row.key: self._cells(row, columns, compact, quote, row.key in cached_keys)
            for row in rows}
        self._widths = natural_widths(self._labels, self._row_cells.values())
        self._natural_width = sum(self._widths)
        self.rows_shown = list(rows)
        self._by_key = {row.key: row for row in rows}
        self._layout, self._cached_keys = layout, cached_keys
        self._drawn = self._fit = None
        self._refit()

    def choose_columns(self, hidden: Iterable[SortKey]) -> None:
        """Leave ``hidden`` out of the table (the column chooser's choice); coin stays."""
        self.user_hidden = frozenset(c for c in hidden if c is not SortKey.COIN)
        if self._layout is not None:
            self._drawn = self._fit = None
            self._refit()

    def _mark_cached(self, cached_keys: frozenset[str]) -> None:
        """Redraw just the profile cells whose cached marking changed."""
        for key in cached_keys ^ self._cached_keys:
            row = self._by_key[key]
            cell = self._profile_cell(row, key in cached_keys)
            self._row_cells[key][0] = cell
            if SortKey.PROFILE.value in {c.value for c in self.columns}:
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

    def _choose_layout(self, room: int) -> tuple:
        """The columns (indexes) that fit in ``room`` cells, dropping :data:`DROP_ORDER`
        one by one, or ``(STACKED,)`` when coin and the amounts alone do not fit."""
        shown = [i for i, c in enumerate(self._columns) if c not in self.user_hidden]
        for column in (None, *DROP_ORDER):
            if column is not None and column in self._columns:
                index = self._columns.index(column)
                if index in shown:
                    shown.remove(index)
            if sum(self._widths[i] for i in shown) <= room:
                return tuple(shown)
        return (STACKED,)

    def _refit(self) -> bool:
        """Decide from the table's size which columns fit, and redraw when the table drawn
        differs. True when the decision or the shortfall changed.

        Before the first layout (size unknown) nothing is decided: the table is drawn
        without the value column, so the first frame has the balances and nothing cut."""
        room = self._room()
        if room is None:
            fit = None
            layout = tuple(i for i, c in enumerate(self._columns)
                           if c is not SortKey.VALUE and c not in self.user_hidden)
        else:
            shown = sum(w for w, c in zip(self._widths, self._columns)
                        if c not in self.user_hidden)
            shortfall = max(0, shown - room)
            layout = self._choose_layout(room)
            fit = (layout, shortfall)
        if layout != self._drawn:
            self._draw(layout)
        changed, self._fit = fit != self._fit, fit
        return changed

    def _draw(self, layout: tuple) -> None:
        """Rebuild the table from the stored cells with the columns of ``layout`` (or one
        three-line row per balance), keeping the cursor on the same row when it is still
        there."""
        current = self._cursor_key()
        self.clear(columns=True)
        if layout == (STACKED,):
            self.add_column(Text(GAP + "balance · coin · account / amounts"), key="stacked")
            for key, row in self._by_key.items():
                height = 1 + sum(c not in self.user_hidden for c, _ in STACKED_AMOUNTS)
                self.add_row(self._stacked_cell(row), key=key, height=height)
        else:
            for index in layout:
                self.add_column(self._labels[index], key=self._columns[index].value)
            for key, cells in self._row_cells.items():
                self.add_row(*(cells[i] for i in layout), key=key)
        self._drawn = layout
        if current in self._by_key:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def _stacked_cell(self, row: Row) -> Text:
        """A balance in the stacked layout, one cell of four lines: profile, coin and
        account, then available, frozen and total, each in full and right-aligned."""
        who = f"{row.profile} · {row.coin}" + (f" · {row.account}" if row.account else "")
        lines = []
        for column, name in STACKED_AMOUNTS:
            if column in self.user_hidden:
                continue
            value = getattr(row, column.value)
            text = "" if value is None else display_amount(value, row.coin,
                                                           compact=self._compact)
            lines.append((name, text))
        width = max([len(who)] + [len(n) + 1 + len(t) for n, t in lines])
        body = [who.ljust(width)] + [n + t.rjust(width - len(n)) for n, t in lines]
        return Text("\n".join(GAP + line for line in body), style=self._row_style(row))

    def on_resize(self, event: events.Resize) -> None:
        """Re-decide the columns for the new size."""
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
