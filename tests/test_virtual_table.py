"""The virtual table's keyset paging against a store of 1,000,000 generated rows: every
page boundary, ties broken by the primary key, jumps to both ends, filters; the widget in
a pilot; exact totals of the whole store against a plain Decimal sum."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from textual.app import App, ComposeResult

from org_fixture import build_store
from tui.stores.holdings_source import HoldingsSource
from tui.stores.table_query import FilterError, Query, down, end, parse_filter, top, up
from tui.venues.chainup_org_sync import type_name
from tui.widgets.virtual_table import VirtualTable

ROWS = 1_000_000
ORDER_SQL = {
    ("total", False): "total_key, uid, coin, type",
    ("total", True): "total_key DESC, uid DESC, coin DESC, type DESC",
    ("uid", False): "uid, coin, type",
    ("coin", True): "coin DESC, total_key DESC, uid DESC, type DESC",
    ("available", False): "available_key, uid, coin, type",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    built = build_store(tmp_path_factory.mktemp("org") / "org.sqlite", ROWS // 4)
    yield built
    built.close()


@pytest.fixture(scope="module")
def source(store):
    return HoldingsSource(store.reader(), describe_type=type_name,
                          ensure_index=store.ensure_index)


def query(source, sort="total", descending=False, text="") -> Query:
    predicates, words = parse_filter(text, source.columns)
    return Query(sort, descending, predicates, words, text)


def oracle(store, sort, descending, offset, limit, where="1"):
    """The rows at ``offset`` in that order, read with OFFSET (the test's reference only)."""
    return [tuple(r) for r in store.query(
        f"SELECT uid, coin, type FROM holdings WHERE {where} "
        f"ORDER BY {ORDER_SQL[(sort, descending)]} LIMIT ? OFFSET ?", (limit, offset))]


def idents(window):
    return [record.ident for record in window.rows]


def test_the_store_holds_a_million_rows(store, source) -> None:
    assert store.count() == ROWS == source.count(query(source))


@pytest.mark.parametrize("sort,descending", list(ORDER_SQL))
def test_moving_down_crosses_every_page_boundary_without_skipping(store, source, sort,
                                                                  descending) -> None:
    q, height = query(source, sort, descending), 7
    window = top(source, q, height)
    assert idents(window) == oracle(store, sort, descending, 0, height)
    seen = [window.current.ident]
    for step in (1, 1, 5, 6, 7, 8, 13, 1, 20):  # inside, onto, across and beyond a screen
        window = down(source, q, window, height, step)
        seen.append(window.current.ident)
        assert idents(window) == oracle(store, sort, descending, window.offset, height)
    positions = [0, 1, 2, 7, 13, 20, 28, 41, 42, 62]
    assert seen == [oracle(store, sort, descending, p, 1)[0] for p in positions]


def test_ties_keep_the_primary_key_order_across_pages(store, source) -> None:
    zeros = int(store.query("SELECT COUNT(*) FROM holdings WHERE total_key = 'O'")[0][0])
    assert zeros > 10_000  # many equal keys: every zero balance
    q = query(source, "total")
    negatives = int(store.query("SELECT COUNT(*) FROM holdings WHERE total_key < 'O'")[0][0])
    walked, after = [], None
    while len(walked) < 3_000:
        page = source.page(q, after, forward=True, limit=37)
        walked += page
        after = page[-1].key
    assert negatives == 0
    assert [r.ident for r in walked] == sorted(r.ident for r in walked)  # zeros by key
    assert len({r.ident for r in walked}) == len(walked)


def test_a_whole_walk_by_keyset_sees_every_row_exactly_once(store, source) -> None:
    q = query(source, "total", True)
    count, after, previous = 0, None, None
    while True:
        page = source.page(q, after, forward=True, limit=5000)
        if not page:
            break
        if previous is not None:
            assert page[0].key < previous
        keys = [r.key for r in page]
        assert keys == sorted(keys, reverse=True)
        count += len(page)
        after = previous = page[-1].key
    assert count == ROWS


@pytest.mark.parametrize("sort,descending", list(ORDER_SQL))
def test_end_and_back_up_across_the_last_boundary(store, source, sort, descending) -> None:
    q, height = query(source, sort, descending), 9
    window = end(source, q, height, ROWS)
    assert window.offset == ROWS - height
    assert idents(window) == oracle(store, sort, descending, ROWS - height, height)
    assert down(source, q, window, height, 1) == window  # nothing after the last row
    window = up(source, q, window, height, height + 3)
    assert window.current.ident == oracle(store, sort, descending, ROWS - 13, 1)[0]
    assert idents(window) == oracle(store, sort, descending, window.offset, height)
    first = top(source, q, height)
    assert up(source, q, first, height, 1) == first  # nothing before the first row


def test_filters(store, source) -> None:
    btc = query(source, "total", True, "coin=BTC")
    expected = store.query("SELECT COUNT(*) FROM holdings WHERE coin IN ('BTC', 'BTC1658')")
    assert source.count(btc) == expected[0][0] > 0
    window = down(source, btc, top(source, btc, 30), 30, 45)
    assert all(r.cells[1] in ("BTC", "BTC (BTC1658)") for r in window.rows)
    big = query(source, "uid", False, "total>1000")
    rows = down(source, big, top(source, big, 50), 50, 120).rows
    assert all(Decimal(r.cells[5].replace(",", "")) > 1000 for r in rows)
    one = query(source, "total", True, "uid=30100000")
    assert [r.ident[0] for r in top(source, one, 20).rows] == ["30100000"] * 4
    assert source.count(one) == 4
    both = query(source, "total", False, "coin=usdt frozen>=0 account=201")
    rows = top(source, both, 40).rows
    assert rows and all(r.cells[1] in ("USDT", "USDT (USDT1658)") and
                        r.cells[2].startswith("201") for r in rows)
    words = query(source, "uid", False, "3012345")
    found = top(source, words, 60).rows
    assert {str(u) for u in range(30123450, 30123460)} <= {r.ident[0] for r in found}
    assert all("3012345" in r.ident[0] or "3012345" in r.cells[5].replace(",", "")
               for r in found)


@pytest.mark.parametrize("bad,message", [
    ("colour=red", "unknown column 'colour'"),
    ("total>lots", "total> needs a number"),
    ("uid>5", "uid takes = or != only"),
    ("coin=", "coin= needs a value"),
])
def test_bad_filters_are_one_line_refusals(source, bad, message) -> None:
    with pytest.raises(FilterError, match=message):
        predicates, words = parse_filter(bad, source.columns)
        source.check(Query("total", False, predicates, words))


def test_totals_of_the_million_rows_equal_a_plain_decimal_sum(store) -> None:
    sums: dict[str, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 1000
        for coin, balance in store.query("SELECT coin, balance FROM holdings"):
            sums[coin] = sums.get(coin, Decimal(0)) + Decimal(balance)
    assert {t.coin: t.total for t in store.totals()} == sums


class TableApp(App):
    def __init__(self, source) -> None:
        super().__init__()
        self.source = source
        self.selected: list[VirtualTable.Selected] = []

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.selected.append(event)

    def compose(self) -> ComposeResult:
        yield VirtualTable(self.source, sort="total", descending=True, id="table")


async def test_the_widget_pages_jumps_and_filters_in_a_pilot(source) -> None:
    app = TableApp(source)
    async with app.run_test(size=(160, 30)) as pilot:
        table = app.query_one(VirtualTable)
        table.focus()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.status_text() == "rows 1–28 of 1,000,000 · total ↓"
        await pilot.press("end")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.status_text() == "rows 999,973–1,000,000 of 1,000,000 · total ↓"
        assert table.window.cursor == 27
        await pilot.press("pageup", "down", "home")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.window.offset == 0 and table.window.cursor == 0
        table.set_filter("coin=DOGE")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.total == source.count(query(source, "total", True, "coin=DOGE"))
        assert all(r.cells[1] == "DOGE" for r in table.window.rows)
        with pytest.raises(FilterError):
            table.set_filter("nope>1")
        assert table.query.text == "coin=DOGE"  # a refused filter changes nothing
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected and app.selected[0].record == table.window.rows[0]


class BrokenSource:
    """A source whose store fails on every read."""

    columns = HoldingsSource.columns

    def check(self, query) -> None:
        pass

    def page(self, *args, **kwargs):
        raise RuntimeError("the holdings store failed (disk I/O error)")

    def count(self, query) -> int:
        raise RuntimeError("the holdings store failed (disk I/O error)")


async def test_a_failing_store_is_a_status_line_not_a_crash() -> None:
    app = TableApp(BrokenSource())
    async with app.run_test(size=(120, 12)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert table.status_text() == "could not read rows: the holdings store failed " \
                                      "(disk I/O error)"
        assert app.is_running
