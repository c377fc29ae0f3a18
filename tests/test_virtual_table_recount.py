"""A recount the table owes is never lost: when a move (which does not count) supersedes a
reload (which does) before the reload's result lands, the move counts instead, so the
status line's total is the store's, not the one from before it changed."""

from __future__ import annotations

import threading
from decimal import Decimal

from textual.app import App

from tests.test_virtual_table_fit import FitApp, ListSource
from tui.stores.table_query import Query
from tui.widgets.virtual_table import VirtualTable


class GatedSource(ListSource):
    """A list source whose counts wait for ``gate`` while ``hold`` is set."""

    def __init__(self, amounts: list[Decimal]) -> None:
        super().__init__(amounts)
        self.hold = False
        self.gate = threading.Event()

    def count(self, query: Query) -> int:
        if self.hold:
            self.gate.wait(timeout=10)
        return len(self.rows)


async def settled(app: App, pilot) -> None:
    """Wait until no worker runs (the superseded reload ends cancelled)."""
    for _ in range(200):
        if not any(w.is_running for w in app.workers):
            break
        await pilot.pause(0.01)
    await pilot.pause()


async def test_a_move_that_supersedes_a_reload_still_recounts() -> None:
    source = GatedSource([Decimal(i) for i in range(30)])
    app = FitApp(source)
    async with app.run_test(size=(100, 20)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one(VirtualTable)
        assert table.total == 30

        source.rows = GatedSource([Decimal(i) for i in range(35)]).rows
        source.hold = True
        table.reload()  # counts: blocked at the gate
        table.action_move(1)  # a newer read, issued before the recount landed
        source.gate.set()
        await settled(app, pilot)
        assert table.total == 35
        assert "of 35" in table.status_text()


async def test_a_reload_while_a_new_order_is_read_starts_afresh_in_that_order() -> None:
    from tui.stores.holdings_source import HoldingsSource
    from tui.stores.org_holdings import AVAILABLE, HoldingRow, HoldingsStore

    class GatedHoldings(HoldingsSource):
        hold = False
        gate = threading.Event()

        def count(self, query: Query) -> int:
            if self.hold:
                self.gate.wait(timeout=10)
            return super().count(query)

    store = HoldingsStore.memory()
    store.merge([HoldingRow(str(100 + i), "BTC", "201", str(i), "BTC", AVAILABLE, str(i), 1)
                 for i in range(60)], {})
    source = GatedHoldings(store)
    app = FitApp(source)
    async with app.run_test(size=(100, 20)) as pilot:
        await settled(app, pilot)
        table = app.query_one(VirtualTable)
        table.set_sort("uid", descending=False)
        await settled(app, pilot)
        table.action_move(5)
        await settled(app, pilot)
        assert table.window.current.ident[0] == "105"
        source.hold = True
        table.set_sort("total", descending=True)  # read under way (held at its count)...
        table.reload()  # ...when a sync's reload comes: the uid window's keys mean nothing
        source.gate.set()
        await settled(app, pilot)
        assert table.error is None
        assert [r.ident[0] for r in table.window.rows[:3]] == ["159", "158", "157"]
        assert table.total == 60
