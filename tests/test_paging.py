"""Paging exactly as BHEX documents it (from_id / to_id exclusive, newest first) and the
client's walk over older pages: no record skipped, none repeated, even when many records
share a timestamp across a page boundary."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.demo import BHEX_DEMO_USER_ID
from tui.sandbox.limits import RateLimiter
from tui.sandbox.trading_ledger import FillRow, OrderRow
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue
from tui.venues.bhex_trading import walk_older

from test_sandbox_bhex_trading import Bhex, Clock

BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")
USER = BHEX_DEMO_USER_ID
D = Decimal
COUNT = 250


def add_trades(box: Sandbox, count: int = COUNT, *, per_ms: int = 7) -> list[str]:
    """Store ``count`` demo spot fills, ``per_ms`` of them sharing each millisecond; return
    every trade id (the seeded one included), newest first."""
    store = box.services["bhex"].trading.store
    with store.txn() as txn:
        for n in range(count):
            txn.insert("bhex_fills", FillRow(
                trade_id=txn.next_id("bhex_fills"), order_id=1, user_id=USER,
                account_type="1", account_index=0, account_id="a", symbol_id="ATUSDT",
                side="BUY", type="LIMIT", price=D("0.1668"), quantity=D(n + 1),
                fee=D("0.001"), fee_coin="AT", time_ms=1_700_000_000_000 + n // per_ms))
        ids = [str(f.trade_id) for f in txn.select("bhex_fills", "user_id = ? AND "
                                                   "account_type = '1' AND account_index = 0",
                                                   (USER,), order="trade_id DESC")]
    return ids


def add_orders(box: Sandbox, count: int = COUNT) -> None:
    store = box.services["bhex"].trading.store
    with store.txn() as txn:
        for n in range(count):
            txn.insert("bhex_orders", OrderRow(
                order_id=txn.next_id("bhex_orders"), user_id=USER, account_type="1",
                account_index=0, account_id="a", client_order_id=f"h{n}", symbol_id="ATUSDT",
                side="SELL", type="LIMIT", price=D("0.2"), orig_qty=D(1), executed_qty=D(1),
                executed_amount=D("0.2"), status="FILLED", time_ms=1_700_000_000_000,
                fill_start_ms=None, fills_done=1, frozen_coin="AT", frozen_left=D(0),
                fee_coin="USDT", fee_total=D(0)))


@pytest.fixture
async def bhex():
    clock = Clock()
    box = Sandbox(clock=clock)
    client = Bhex(box, clock)
    yield client
    await client.http.aclose()
    box.close()


async def test_from_id_and_to_id_are_exclusive_and_newest_first(bhex: Bhex) -> None:
    ids = add_trades(bhex.box)
    assert len(ids) == COUNT + 2  # plus the two seeded spot trades

    async def page(**params) -> list[str]:
        rows = await bhex.ok("order/my_trades", user_id=USER, **params)
        return [r["tradeId"] for r in rows]

    assert await page() == ids[:20]  # default limit 20, newest first
    assert await page(limit=5, from_id=ids[9]) == ids[10:15]
    assert await page(limit=5, to_id=ids[30]) == ids[25:30]  # the 5 just newer than to_id
    assert await page(limit=500, from_id=ids[10], to_id=ids[14]) == ids[11:14]
    assert await page(limit=2, from_id=ids[10], to_id=ids[20]) == ids[11:13]
    assert await page(limit=500, from_id=ids[-1]) == []
    assert len(await page(limit=500)) == COUNT + 2
    await bhex.refused("order/my_trades", 400, -1102, user_id=USER, limit=501)
    await bhex.refused("order/my_trades", 400, -1102, user_id=USER, limit=0)


async def test_time_bounds_are_open(bhex: Bhex) -> None:
    add_trades(bhex.box, 30, per_ms=10)  # ms +0, +1, +2, ten records each
    base = 1_700_000_000_000
    rows = await bhex.ok("order/my_trades", user_id=USER, start_time=base, end_time=base + 2,
                         limit=500)
    assert len(rows) == 10 and {r["time"] for r in rows} == {str(base + 1)}


@pytest.fixture
async def venue():
    box = Sandbox()  # the real clock: the client's own limiter paces the walk
    box.services["bhex"].limiter = RateLimiter(100_000, 1, box.clock)
    client = BhexVenue(VenueSettings(profile="bhex-demo", base_url="http://sandbox/bhex",
                                     user_id=BHEX.user_id,
                                     transport=httpx.ASGITransport(app=box.app),
                                     rate_limit=(10_000, 1.0),
                                     retry=RetryPolicy(attempts=1, base_delay=0,
                                                       max_delay=0)),
                       Credentials(BHEX.api_key, BHEX.secret))
    yield box, client
    await client.aclose()
    box.close()


@pytest.mark.parametrize("limit", [20, 50, 100, 251, 500])
@pytest.mark.parametrize("per_ms", [1, 7, 50])
async def test_walking_trades_skips_and_repeats_nothing(venue, limit, per_ms) -> None:
    box, client = venue
    ids = add_trades(box, per_ms=per_ms)
    walked = await client.all_my_trades(limit=limit)
    assert [t.trade_id for t in walked] == ids
    assert len({t.trade_id for t in walked}) == COUNT + 2


@pytest.mark.parametrize("limit", [20, 50, 100])
async def test_walking_orders_sharing_one_timestamp(venue, limit) -> None:
    box, client = venue
    add_orders(box)
    walked = await client.all_trade_orders(limit=limit)
    ids = [int(o.order_id) for o in walked]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert len(ids) == COUNT + 3  # plus the demo's three finished spot orders
    assert len({o.time_ms for o in walked if o.client_order_id.startswith("h")}) == 1


async def test_walk_older_dedupes_and_stops_on_a_stuck_cursor() -> None:
    pages = {None: ["9", "8", "7"], "7": ["7", "6", "5"], "5": ["5", "5", "5"]}
    asked: list[str | None] = []

    async def fetch(cursor):
        asked.append(cursor)
        return pages[cursor]

    records = await walk_older(fetch, limit=3, key=lambda r: r)
    assert records == ["9", "8", "7", "6", "5"]
    assert asked == [None, "7", "5"]


async def test_walk_older_stops_on_a_short_page() -> None:
    async def fetch(cursor):
        return {None: [5, 4], }[cursor]

    assert await walk_older(fetch, limit=3, key=lambda r: r) == [5, 4]
