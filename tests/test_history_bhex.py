"""BHEX deposit address, deposit / withdrawal orders and balance flow against the in-process
sandbox, and "load more" paging by from_id: no record skipped or repeated, including records
sharing a timestamp at a page boundary."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr

from tui.core.history import BalanceFlowRecord, HistoryKind
from tui.core.moves import MoveStatus
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD
from tui.sandbox.bhex_history import DEMO_DEPOSITS, add_deposits
from tui.sandbox.limits import RateLimiter
from tui.venues.base import Capability, Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue
from tui.venues.history_bhex import walk_from_id

BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")


@pytest.fixture
async def venue():
    box = Sandbox()
    box.services["bhex"].limiter = RateLimiter(100_000, 1, box.clock)
    client = BhexVenue(VenueSettings(profile="bhex-demo", base_url="http://sandbox/bhex",
                                     user_id=BHEX.user_id,
                                     transport=httpx.ASGITransport(app=box.app),
                                     rate_limit=(10_000, 1.0),
                                     retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                       Credentials(BHEX.api_key, BHEX.secret))
    yield box, client
    await client.aclose()
    box.close()


def add_many(box: Sandbox, count: int, per_ms: int) -> list[str]:
    """``count`` more deposits, ``per_ms`` sharing each millisecond; every deposit id of
    the demo user (seeded ones included), newest first."""
    store = box.services["bhex"].store
    add_deposits(store, BHEX.user_id, [1_700_000_000_000 + n // per_ms for n in range(count)])
    moves = store.moves("bhex", BHEX.user_id, ("deposit",))
    return sorted((m.ref for m in moves), key=int, reverse=True)


def test_capabilities() -> None:
    assert {Capability.DEPOSIT_ADDRESS, Capability.DEPOSIT_HISTORY,
            Capability.WITHDRAW_HISTORY, Capability.ORDERS} <= BhexVenue.capabilities


async def test_deposit_address(venue) -> None:
    _, client = venue
    [address] = await client.deposit_address("usdt")
    assert address.coin == "USDT" and address.address.startswith("0x")
    assert address.deposits_open is True and address.confirmations is not None
    assert address.minimum is not None and isinstance(address.minimum, Decimal)


async def test_seeded_deposits_and_detail(venue) -> None:
    _, client = venue
    records = await client.deposit_history()
    assert len(records) == DEMO_DEPOSITS
    assert [int(r.id) for r in records] == sorted((int(r.id) for r in records), reverse=True)
    assert records[0].status is MoveStatus.PENDING  # the newest are still being credited
    assert {r.kind for r in records} == {HistoryKind.DEPOSIT, HistoryKind.INTERNAL_TRANSFER}
    times = [r.time_ms for r in records]
    assert len(set(times)) < len(times)  # the demo has deposits sharing a millisecond
    detail = await client.deposit_order_detail(records[5].id)
    assert detail == records[5]
    usdt = await client.deposit_history("USDT")
    assert usdt and all(r.coin == "USDT" for r in usdt)
    assert await client.deposit_history(limit=3) == records[:3]


async def test_withdrawals_as_records(venue) -> None:
    _, client = venue
    assert await client.withdraw_history() == []
    quote = await client.withdraw_quote("BTC")
    for n in range(2):
        await client.asset_withdraw(BHEX.user_id, "BTC", str(1000 + n),
                                    "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe", Decimal("0.001"),
                                    quote.miner_fee_suggested, quote.convert_rate,
                                    SecretStr(DEMO_TRADE_PASSWORD))
    records = await client.withdraw_history("BTC")
    assert len(records) == 2 and all(r.kind is HistoryKind.WITHDRAWAL for r in records)
    assert records[0].amount == Decimal("0.001") and records[0].arrival is not None
    assert records[0].status is MoveStatus.PENDING and records[0].fee_coin
    assert await client.withdraw_order_record(records[1].id) == records[1]
    pages = [p async for p in client.history_pages("withdrawals", page_size=1)]
    assert [len(p) for p in pages] == [1, 1]
    assert [r for p in pages for r in p] == records


async def test_balance_flow_pages(venue) -> None:
    box, client = venue
    store = box.services["bhex"].store
    with store.txn() as txn:
        for n in range(30):
            txn.change("bhex", BHEX.user_id, "1", "USDT", now_ms=1_700_000_000_000 + n // 4,
                       flow_type="Bonus", available=Decimal("0.00205479"))
    window = {"start_ms": 1_700_000_000_000, "end_ms": 1_700_000_000_100}  # not the demo's
    flows = await client.flow_history("USDT", **window)
    assert len(flows) == 30 and all(isinstance(f, BalanceFlowRecord) for f in flows)
    assert flows[0].change == Decimal("0.00205479")
    assert [f.id for f in flows] == sorted((f.id for f in flows), key=int, reverse=True)
    pages = [page async for page in client.history_pages("flow", coin="USDT", page_size=7,
                                                          **window)]
    assert [f for page in pages for f in page] == flows
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]


@pytest.mark.parametrize("page_size", [1, 7, 20, 100])
@pytest.mark.parametrize("per_ms", [1, 5, 40])
async def test_load_more_walks_every_deposit_once(venue, page_size, per_ms) -> None:
    box, client = venue
    ids = add_many(box, 200, per_ms)
    pages = client.history_pages("deposits", page_size=page_size)
    walked: list[str] = []
    async for page in pages:  # each "load more" is one more page, older than the last
        assert len(page) <= page_size
        if walked:
            assert int(page[0].id) < int(walked[-1])
        walked += [r.id for r in page]
    assert walked == ids and len(set(walked)) == len(ids) == 200 + DEMO_DEPOSITS


async def test_page_boundary_inside_shared_timestamp(venue) -> None:
    box, client = venue
    ids = add_many(box, 30, 30)  # thirty deposits in one millisecond
    first = await client.deposit_order(limit=DEMO_DEPOSITS + 10)  # boundary mid-millisecond
    rest = await client.deposit_order(from_id=first[-1].id, limit=100)
    assert [r.id for r in first + rest] == ids
    assert first[-1].time_ms == rest[0].time_ms  # the boundary shares a timestamp


async def test_walk_from_id_stops_when_cursor_does_not_move() -> None:
    calls = []

    async def stuck(cursor, limit):
        calls.append(cursor)
        return [type("R", (), {"id": "5"})()] * limit

    pages = [p async for p in walk_from_id(stuck, key=lambda r: r.id, limit=2)]
    assert len(pages) == 1 and calls == [None, "5"]


async def test_unknown_kind_is_refused(venue) -> None:
    _, client = venue
    with pytest.raises(Exception, match="no transfers history"):
        async for _ in client.history_pages("transfers"):
            pass
