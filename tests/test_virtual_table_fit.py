"""The virtual table never cuts an amount: numeric columns widen to the widest value in
view, and when the line is too narrow, columns are left out by their drop order (and
named on the status line) instead. Pilot tests against a small in-memory source."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.app import App, ComposeResult

from tui.stores.holdings_source import group_digits
from tui.stores.table_query import Column, Query, Record
from tui.widgets.virtual_table import VirtualTable

WIDE = Decimal("9989877135.2712837511")
COLUMNS = (
    Column("uid", "UID", 9),
    Column("coin", "Coin", 6),
    Column("account", "Account", 12, sortable=False, drop=3),
    Column("available", "Available", 10, numeric=True, drop=1),
    Column("frozen", "Frozen", 10, numeric=True, drop=2),
    Column("total", "Total", 10, numeric=True),
)


class ListSource:
    """Rows in a list, paged by position (enough for a few screens of rows)."""

    columns = COLUMNS

    def __init__(self, amounts: list[Decimal]) -> None:
        self.rows = [Record((i,), (str(10_000 + i), "BTC", "201 normal a long name",
                                   group_digits(format(a, "f")), "0",
                                   group_digits(format(a, "f"))), (i,))
                     for i, a in enumerate(amounts)]

    def check(self, query: Query) -> None:
        pass

    def page(self, query: Query, after: Any, *, forward: bool, limit: int,
             inclusive: bool = False) -> list[Record]:
        rows = self.rows if forward else list(reversed(self.rows))
        if after is not None:
            position = [r.key for r in rows].index(after)
            rows = rows[position if inclusive else position + 1:]
        return rows[:limit]

    def count(self, query: Query) -> int:
        return len(self.rows)


class FitApp(App):
    def __init__(self, source: ListSource) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield VirtualTable(self.source, sort="total", id="table")


async def loaded(app: FitApp, pilot) -> VirtualTable:
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.query_one(VirtualTable)


def screen_lines(table: VirtualTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_a_wide_amount_shows_every_digit_when_the_line_is_wide_enough() -> None:
    app = FitApp(ListSource([WIDE, Decimal("1.5")]))
    async with app.run_test(size=(140, 10)) as pilot:
        table = await loaded(app, pilot)
        lines = screen_lines(table)
        assert "9,989,877,135.2712837511" in lines[1]
        assert "…" not in "".join(lines[1:3]).replace("201 normal a …", "")
        assert [c.key for c, _ in table.layout()] == [c.key for c in COLUMNS]
        assert "too narrow" not in table.status_text()


async def test_a_narrow_line_leaves_columns_out_by_drop_order_never_cutting_digits() -> None:
    app = FitApp(ListSource([WIDE, Decimal("1.5")]))
    async with app.run_test(size=(80, 10)) as pilot:
        table = await loaded(app, pilot)
        shown = [c.key for c, _ in table.layout()]
        assert "account" not in shown and "total" in shown and "uid" in shown
        lines = screen_lines(table)
        assert lines[1].count("9,989,877,135.2712837511") == shown.count("available") + 1
        assert "…" not in lines[1]
        assert "too narrow for Account" in table.status_text()


async def test_a_dropped_column_that_fits_again_is_put_back() -> None:
    table = VirtualTable(ListSource([WIDE]), sort="total")
    table.window = table.window.__class__(tuple(ListSource([WIDE]).rows), 0, 0)
    widths = {c.key: w for c, w in table.layout(200)}
    assert widths["total"] == widths["available"] == len("9,989,877,135.2712837511")
    assert widths["account"] == len("201 normal a long name")
    # too narrow for all: account (drop 3) and frozen (drop 2) go, available stays
    need_all = sum(widths.values()) + len(widths) - 1
    width = need_all - 1
    shown = [c.key for c, _ in table.layout(width)]
    assert "account" not in shown and "total" in shown
    assert "available" in shown
    # only the always-shown columns left: uid, coin and total, total whole
    tight = [c for c, w in table.layout(9 + 6 + len("9,989,877,135.2712837511") + 2)]
    assert [c.key for c in tight] == ["uid", "coin", "total"]
