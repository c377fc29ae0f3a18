"""Pilot tests of the Orders screen against the demo sandbox on a hand-moved clock: open
orders listed, the new-order form checking as the user types, a limit order placed and
filled, cancel and batch cancel behind confirmations, positions with PnL and liquidation
price, and CSV export with exact decimals."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from test_app_support import screen_text, wait_loaded
from test_sandbox_bhex_trading import Clock

from tui.app import CoinsoleApp
from tui.core.orders import OrderStatus
from tui.demo import demo_session
from tui.sandbox import Sandbox
from tui.sandbox.limits import RateLimiter
from tui.screens.confirm import ConfirmScreen
from tui.screens.order_form import OrderFormScreen
from tui.screens.orders import OrdersScreen

SIZE = (120, 36)


def trading_app() -> tuple[CoinsoleApp, Clock]:
    """The demo app over a sandbox on a clock the test moves (and no rate limit to run
    out of while that clock stands still)."""
    clock = Clock()
    box = Sandbox(clock=clock)
    box.services["bhex"].limiter = RateLimiter(100_000, 1, clock)
    app = CoinsoleApp(demo_session(box), demo=True, idle_lock_minutes=None)
    capture_notices(app)
    return app, clock


def capture_notices(app: CoinsoleApp) -> list[str]:
    """Record every notification's text in ``app.notices`` (toasts may be off screen)."""
    notices: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        notices.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    app.notices = notices  # type: ignore[attr-defined]
    return notices


async def open_orders_screen(pilot) -> OrdersScreen:
    """Switch to the Orders screen (key 7) and wait for its lists."""
    await wait_loaded(pilot)
    await pilot.press("7")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OrdersScreen)
    return screen


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def test_open_orders_are_listed() -> None:
    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_orders_screen(pilot)
        assert screen.profiles == ["bhex-demo"]  # only profiles with ORDERS
        records = screen.table("open").records
        assert [o.client_order_id for o in records] == ["demo-8"]
        text = screen_text(app)
        assert "demo-8" in text and "ATUSDT" in text and "250.5" in text


async def form(pilot) -> OrderFormScreen:
    await pilot.press("n")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OrderFormScreen)
    return screen


async def fill_form(pilot, screen: OrderFormScreen, *, side: str = "BUY", type_: str = "LIMIT",
                    price: str = "", quantity: str = "", symbol: str = "ATUSDT") -> None:
    from textual.widgets import Input, Select

    screen.query_one("#symbol", Select).value = symbol
    screen.query_one("#side", Select).value = side
    screen.query_one("#type", Select).value = type_
    await pilot.pause()
    if price:
        screen.query_one("#price", Input).focus()
        await pilot.press(*price)
    screen.query_one("#quantity", Input).focus()
    await pilot.press(*quantity)
    await pilot.pause()


async def test_form_rejects_bad_precision_and_minimum_inline_without_sending() -> None:
    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        screen = await form(pilot)
        await fill_form(pilot, screen, price="0.16666", quantity="0.5")
        messages = [p.message for p in screen.problems]
        assert any("not a multiple of ATUSDT's price step 0.0001" in m for m in messages)
        assert any("below ATUSDT's minimum of 1 AT" in m for m in messages)
        text = screen_text(app)
        assert "price step 0.0001" in text and "minimum of 1 AT" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OrderFormScreen)  # no confirmation, nothing sent
        assert "not sent" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is orders
        venue = app.session.adapter("bhex-demo")
        assert [o.client_order_id for o in await venue.open_orders()] == ["demo-8"]


async def test_market_buy_is_sized_by_the_quote_amount() -> None:
    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_orders_screen(pilot)
        screen = await form(pilot)
        await fill_form(pilot, screen, type_="MARKET", quantity="0.05")
        assert "spend (USDT)" in screen_text(app)
        assert any("amount to spend 0.05 USDT is below" in p.message for p in screen.problems)


async def test_a_limit_order_is_confirmed_listed_and_fills_over_time() -> None:
    app, clock = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        screen = await form(pilot)
        await fill_form(pilot, screen, side="SELL", price="0.1668", quantity="300")
        assert screen.problems == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        confirm_text = screen_text(app)
        assert "SELL 300 AT at 0.1668 USDT · LIMIT · ATUSDT" in confirm_text
        assert "total 50.0400 USDT" in confirm_text
        await pilot.press("y")
        await wait_loaded(pilot)
        assert app.screen is orders
        open_table = orders.table("open")
        placed = next(o for o in open_table.records if o.client_order_id == screen.client_order_id)
        assert placed.status is OrderStatus.NEW and placed.orig_qty == Decimal("300")

        clock.advance(2)
        await pilot.press("r")
        await wait_loaded(pilot)
        now = next(o for o in open_table.records if o.order_id == placed.order_id)
        assert (now.status, now.executed_qty) == (OrderStatus.PARTIALLY_FILLED, Decimal("100"))

        clock.advance(4)
        orders.live_refresh()  # what the timer does every couple of seconds
        await wait_loaded(pilot)
        assert placed.order_id not in [o.order_id for o in open_table.records]
        history = orders.table("history").records
        done = next(o for o in history if o.order_id == placed.order_id)
        assert done.status is OrderStatus.FILLED and done.avg_price == Decimal("0.1668")

        await pilot.press("]")  # History
        await wait_loaded(pilot)
        assert orders.table("history").select_key(placed.order_id)
        await pilot.press("enter")  # its fills
        await wait_loaded(pilot)
        assert orders.active_table_id == "fills"
        fills = orders.table("fills").records
        assert [f.quantity for f in fills] == [Decimal("100")] * 3
        assert {f.order_id for f in fills} == {placed.order_id}


async def test_cancel_asks_first_and_removes_the_order() -> None:
    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "Cancel this ATUSDT order?" in text
        assert "SELL 250.5 AT at 0.25 USDT · LIMIT · ATUSDT" in text
        await pilot.press("n")  # keep it
        await wait_loaded(pilot)
        assert [o.client_order_id for o in orders.table("open").records] == ["demo-8"]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        assert orders.table("open").records == []
        assert "no open orders" in screen_text(app)
        cancelled = next(o for o in orders.table("history").records
                         if o.client_order_id == "demo-8")
        assert cancelled.status is OrderStatus.CANCELED


async def test_batch_cancel_goes_through_the_journal_one_cancel_per_order() -> None:
    """Issue 11, item 7: `B` journals one cancel per open order of the symbol (as the
    CLI's cancel-all does) and never calls org_batch_cancel; a second `B` finds none."""
    from tui.journal import EntryState
    from tui.journal_ui import journal_for

    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        adapter = app.session.adapter(orders.profile)
        open_ids = [o.order_id for o in orders.table("open").records]
        assert open_ids

        async def never(*args, **kwargs):
            raise AssertionError("org_batch_cancel bypasses the journal")

        adapter.org_batch_cancel = never
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Cancel EVERY open order on ATUSDT?" in screen_text(app)
        await pilot.press("y")
        await wait_loaded(pilot)
        assert orders.table("open").records == []
        assert f"every open ATUSDT order cancelled ({len(open_ids)})" in app.notices
        cancels = [e for e in journal_for(app.session).entries() if e.kind == "order_cancel"]
        assert sorted(e.request.order_id for e in cancels) == sorted(open_ids)
        assert all(e.state is EntryState.ACCEPTED for e in cancels)
        # Issue 12: B on the now empty list offers nothing (the chosen order's symbol
        # has no open order on screen): it says so, no confirmation, nothing journaled.
        orders.selected_order = orders.table("history").records[0]
        orders.table("history").select_key(orders.selected_order.order_id)
        await pilot.press("B")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.notices[-1].startswith("nothing to cancel: no open ATUSDT orders")
        assert len(journal_for(app.session).entries()) == len(cancels)


async def test_positions_show_unrealised_pnl_and_liquidation_price() -> None:
    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        await pilot.press("]", "]", "]", "]")
        await wait_loaded(pilot)
        assert orders.active_table_id == "c-positions"
        text = screen_text(app)
        assert "unrealised PnL" in text and "liq. price" in text
        assert "185.184" in text and "81,450" in text and "3,824" in text
        await pilot.press("]")
        await wait_loaded(pilot)
        assert orders.active_table_id == "c-open"
        assert "BUY_OPEN" in screen_text(app)


async def test_csv_export_writes_every_shown_row_with_exact_decimals() -> None:
    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        await pilot.press("]", "]", "]", "]")
        await wait_loaded(pilot)
        await pilot.press("e")
        await wait_loaded(pilot)
        path = orders.table("c-positions").last_export
        assert path is not None and path.name.startswith("orders-bhex-demo-positions-")
        assert f"exported 2 rows to {path}" in app.notices
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        btc = next(r for r in rows if r["symbol"] == "BTCUSDT-PERP")
        assert btc["unrealised PnL"] == "185.184" and btc["liq. price"] == "81450"
        assert btc["index price"] == "91234.56" and btc["side"] == "long"
        assert btc["realised PnL"] == "-6.75"

        # Filtered and sorted rows are what gets written.
        await pilot.press("[", "[", "[")  # History
        await wait_loaded(pilot)
        await pilot.press("slash", *"FILLED", "enter")
        await pilot.press("e")
        await wait_loaded(pilot)
        path = orders.table("history").last_export
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert {r["status"] for r in rows} == {"FILLED"} and len(rows) == 2
        assert all(r["time (UTC)"].endswith("Z") and "T" in r["time (UTC)"] for r in rows)
        eth = next(r for r in rows if r["symbol"] == "ETHUSDT")
        assert eth["fees"] == "0.155 USDT" and eth["avg price"] == "3100"


async def test_sort_and_filter_on_a_table() -> None:
    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        await pilot.press("]")
        await wait_loaded(pilot)
        table = orders.table("history")
        await pilot.press("s")  # by time, oldest first
        times = [o.time_ms for o in table.shown]
        assert times == sorted(times)
        await pilot.press("S")
        assert [o.time_ms for o in table.shown] == sorted(times, reverse=True)
        await pilot.press("slash", *"ethusdt")
        await pilot.pause()
        assert [o.symbol_id for o in table.shown] == ["ETHUSDT"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.shown) == 3
        assert isinstance(app.screen, OrdersScreen)


async def test_dropped_placement_says_unknown_in_the_journal_not_refused() -> None:
    from tui.journal import EntryState
    from tui.journal_ui import journal_for

    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        screen = await form(pilot)
        await fill_form(pilot, screen, side="SELL", price="10", quantity="300")
        app.session.sandbox.faults.configure("bhex", drop_rate=1.0)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        assert app.screen is screen  # the form stays, saying what happened
        (entry,) = journal_for(app.session).entries()
        assert entry.state is EntryState.UNKNOWN and entry.kind == "order_place"
        assert entry.client_key == screen.client_order_id
        shown = str(screen.query_one("#error").render())
        assert shown == (f"outcome unknown: the order is in the journal as entry {entry.id}; "
                         "Activity (4) settles it")
        assert "Activity (4) settles" in " ".join(screen_text(app).split())
        assert "refused" not in screen_text(app)
        await pilot.press("ctrl+s")  # no second send from the form
        await pilot.pause()
        assert isinstance(app.screen, OrderFormScreen)
        assert len(journal_for(app.session).entries()) == 1
        app.session.sandbox.faults.configure("bhex")
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert app.screen is orders
        venue = app.session.adapter("bhex-demo")
        mine = [o for o in await venue.open_orders() if o.client_order_id == entry.client_key]
        assert len(mine) == 1  # placed once, as the journal will find by order/get

        from tui.screens.activity import ActivityScreen

        await pilot.press("4")  # Activity lists the order and settles it by order/get
        await wait_loaded(pilot)
        assert isinstance(app.screen, ActivityScreen)
        assert "SELL 300 ATUSDT" in screen_text(app)
        await pilot.press("s")
        await wait_loaded(pilot)
        settled = journal_for(app.session).get(entry.id)
        assert settled.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
        assert settled.venue_ref == mine[0].order_id and settled.attempts == 1


async def test_placed_and_cancelled_orders_are_journaled() -> None:
    from tui.journal import EntryState
    from tui.journal_ui import journal_for

    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        screen = await form(pilot)
        await fill_form(pilot, screen, side="SELL", price="10", quantity="300")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        assert app.screen is orders
        (placed,) = journal_for(app.session).entries()
        assert placed.state is EntryState.ACCEPTED and placed.venue_ref
        assert any(f"order {placed.venue_ref}" in n for n in app.notices)
        assert orders.table("open").select_key(placed.venue_ref)
        app.session.sandbox.faults.configure("bhex", drop_rate=1.0)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        app.session.sandbox.faults.configure("bhex")
        cancel = journal_for(app.session).entries()[-1]
        assert cancel.kind == "order_cancel" and cancel.state is EntryState.UNKNOWN
        assert any(f"the cancel of order {placed.venue_ref} is in the journal as entry "
                   f"{cancel.id}" in n for n in app.notices)


async def test_a_refused_order_is_journaled_and_the_retry_uses_a_new_client_id() -> None:
    from textual.widgets import Input

    from tui.journal import EntryState
    from tui.journal_ui import journal_for

    app, _ = trading_app()
    async with app.run_test(size=SIZE) as pilot:
        orders = await open_orders_screen(pilot)
        screen = await form(pilot)
        await fill_form(pilot, screen, side="SELL", price="10", quantity="9000000")
        first_key = screen.client_order_id
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        (refused,) = journal_for(app.session).entries()
        assert refused.state is EntryState.REJECTED and refused.client_key == first_key
        assert str(screen.query_one("#error").render()).startswith("the venue refused it")
        assert screen.client_order_id != first_key  # that id is spent in the journal
        quantity = screen.query_one("#quantity", Input)
        quantity.value = "300"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await wait_loaded(pilot)
        assert app.screen is orders
        placed = journal_for(app.session).entries()[-1]
        assert placed.state is EntryState.ACCEPTED and placed.client_key != first_key
