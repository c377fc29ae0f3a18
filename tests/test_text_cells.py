"""TextCellsMixin draws exactly what DataTable draws, and redraws only changed cells."""

from __future__ import annotations

import random

import pytest

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable

from tui.widgets.text_cells import TextCellsMixin


class FastTable(TextCellsMixin, DataTable):
    """The mixin over a plain DataTable."""


class TableApp(App):
    def __init__(self, cell_padding: int = 0) -> None:
        super().__init__()
        self.cell_padding = cell_padding

    def compose(self) -> ComposeResult:
        yield FastTable(cursor_type="row", zebra_stripes=True, cell_padding=self.cell_padding)


def _random_cells(count: int) -> list[Text]:
    rnd = random.Random(7)
    cells = []
    for _ in range(count):
        text = Text(
            rnd.choice(["", " a", "  12.345", "x" * 30, "日本語テキスト", "ab\tc", " 0.00000001 ",
                        "trail   ", "1234567.000000000000000001"]),
            style=rnd.choice(["", "bold", "dim", "italic", "bold red on blue"]),
            justify=rnd.choice([None, "left", "right", "center"]),
        )
        if rnd.random() < 0.3:
            text.stylize("underline", 0, 2)
        if rnd.random() < 0.2:
            text.overflow = rnd.choice(["ellipsis", "crop", "fold"])
        cells.append(text)
    return cells


@pytest.mark.parametrize("cell_padding", [0, 1, 2])
async def test_fast_cells_equal_datatable_cells(cell_padding: int) -> None:
    app = TableApp(cell_padding)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(FastTable)
        cells = _random_cells(120)
        table.add_columns("a", "b")
        for index in range(0, len(cells), 2):
            table.add_row(cells[index], cells[index + 1])
        table.add_row("a [b]markup[/b] string", 12)  # not Text: DataTable's own path
        await pilot.pause()
        compared = 0
        for row in range(table.row_count):
            for column in range(2):
                for width in (1, 3, 8, 12, 40):
                    for cursor, hover in ((False, False), (True, False), (False, True)):
                        for base in (Style(), Style(bgcolor="grey11"), Style(bold=True)):
                            table._cell_render_cache.clear()  # its key has no width
                            expected = DataTable._render_cell(table, row, column, base, width,
                                                              cursor, hover)
                            got = table._render_cell(row, column, base, width, cursor, hover)
                            assert got == expected, (row, column, width, cursor, hover, base)
                            compared += 1
        assert compared == table.row_count * 2 * 5 * 3 * 3


async def test_an_update_redraws_only_the_changed_cell(monkeypatch) -> None:
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(FastTable)
        table.add_columns("a", "b")
        for index in range(20):
            table.add_row(Text(f"row {index}"), Text(str(index), justify="right"), key=str(index))
        await pilot.pause()
        drawn: list[str] = []
        import tui.widgets.text_cells as text_cells

        real = text_cells.render_text_line
        monkeypatch.setattr(text_cells, "render_text_line",
                            lambda cell, *a, **k: (drawn.append(cell.plain), real(cell, *a, **k))[1])
        table.update_cell("5", table.ordered_columns[1].key, Text("99", justify="right"))
        await pilot.pause()
        assert drawn == ["99"]
        assert "".join(s.text for s in table.render_line(6)).startswith("row 5 99")


async def test_lines_drawn_before_new_rows_are_measured_are_not_kept() -> None:
    """A rebuilt table (cleared, the same columns and rows added again, as the balances
    screen does on every load) is measured on its next idle; a frame drawn before that
    shows the cells cut to the header widths. Once measured, the next frame must draw
    them whole even though the table's overall size is what it was before the rebuild
    (DataTable alone kept serving the cut lines from the widget's line cache)."""
    app = TableApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(FastTable)

        def fill() -> None:
            table.clear(columns=True)
            table.add_columns("p", "amount")
            table.add_row(Text("fcoin-demo"), Text("32,934.951247512771511524"), key="r")

        def frame_line() -> str:  # the row as a frame draws it (through the line caches)
            region = Region(0, 0, table.size.width, 2)
            return "".join(s.text for s in table.render_lines(region)[1])

        whole = "fcoin-demo32,934.951247512771511524"
        fill()
        await pilot.pause()
        assert frame_line().startswith(whole)
        fill()
        assert not frame_line().startswith(whole)  # drawn before the measuring idle
        await pilot.pause()
        assert table.ordered_columns[0].content_width == len("fcoin-demo")
        assert frame_line().startswith(whole)
