"""Bitunix deposit addresses and histories against the in-process sandbox, and the
time walk (no cursor: endTime = the oldest ctime seen, inclusive, ids deduplicated) across
records sharing a ctime at a page boundary."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tui.core.errors import InvalidRequest
from tui.core.history import HistoryKind, HistoryRecord
from tui.core.moves import MoveStatus
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.limits import RateLimiter
from tui.sandbox.moves import MoveStore
from tui.venues.base import Capability, Credentials, RetryPolicy, VenueSettings
from tui.venues.bitunix import BitunixVenue
from tui.venues.history_bitunix import walk_by_time

BITUNIX = next(p for p in DEMO_PROFILES if p.venue == "bitunix")
OWNER = "681979174"
SEEDED = 6


@pytest.fixture
async def venue():
    box = Sandbox()
    box.services["bitunix"].limiter = RateLimiter(100_000, 1, box.clock)
    client = BitunixVenue(VenueSettings(profile="bitunix-demo",
                                        base_url="http://sandbox/bitunix",
                                        transport=httpx.ASGITransport(app=box.app),
                                        rate_limit=(10_000, 1.0),
                                        retry=RetryPolicy(attempts=1, base_delay=0,
                                                          max_delay=0)),
                          Credentials(BITUNIX.api_key, BITUNIX.secret))
    yield box, client
    await client.aclose()
    box.close()


def add_deposits(box: Sandbox, count: int, per_ms: int, *, kind: str = "deposit") -> None:
    """``count`` more records of ``kind`` for the demo user, ``per_ms`` per millisecond."""
    with MoveStore(box.ledger).txn() as txn:
        for n in range(count):
            txn.insert(venue="bitunix", user_id=OWNER, kind=kind,
                       ref=lambda seq, n=n: f"9{kind[:3]}{n:05d}", state="success",
                       is_open=False, now_ms=1_700_000_000_000 + n // per_ms, coin="USDT",
                       amount=Decimal(f"{n + 1}.50000000"),
                       data={"network": "Tron (TRC-20)", "fromAddress": "TB73",
                             "toAddress": "TPKh", "transactionHash": f"{n:064x}",
                             "address": "TJmW", "fee": "1", "toType": None})


def expected(box: Sandbox, kinds: tuple[str, ...]) -> list[str]:
    """Every id of the demo user's records of ``kinds``, as the venue orders them."""
    return [m.ref for m in MoveStore(box.ledger).moves("bitunix", OWNER, kinds)]


def test_capabilities() -> None:
    assert {Capability.DEPOSIT_ADDRESS, Capability.DEPOSIT_HISTORY,
            Capability.WITHDRAW_HISTORY} <= BitunixVenue.capabilities


async def test_deposit_addresses(venue) -> None:
    _, client = venue
    tron = await client.deposit_address("USDT", "Tron (TRC-20)")
    assert [a.address for a in tron] == ["TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor",
                                         "TXb7CqkPb3Uq2PhqWmYkVyMfdSyqW3Bx4C"]
    every = await client.deposit_address("usdt")
    assert {a.network for a in every} == {"Tron (TRC-20)", "Ethereum (ERC-20)", "EOS"}
    [eos] = [a for a in every if a.network == "EOS"]
    assert eos.tag_required and eos.memo == "681979174"
    assert not any(a.tag_required for a in tron)
    with pytest.raises(InvalidRequest):
        await client.deposit_address("NOPE")


async def test_seeded_deposit_history(venue) -> None:
    box, client = venue
    records = await client.deposit_history()
    assert [r.id for r in records] == expected(box, ("deposit", "inside_transfer_in"))
    assert len(records) == SEEDED
    assert all(r.status is MoveStatus.DONE and r.direction == "in" for r in records)
    usdt = [r for r in records if r.coin == "USDT" and r.kind is HistoryKind.DEPOSIT]
    assert usdt[0].amount == Decimal("1000.00000000") and str(usdt[0].amount) == "1000.00000000"
    inside = await client.deposit_history(type_="inside_transfer_in")
    assert len(inside) == 2 and all(r.kind is HistoryKind.INTERNAL_TRANSFER for r in inside)
    assert len(await client.deposit_history("TRX")) == 1
    assert await client.deposit_history(limit=2) == records[:2]


async def test_withdraw_history_after_a_withdrawal(venue) -> None:
    _, client = venue
    withdraw_id = await client.withdraw("TRX", "Tron (TRC-20)",
                                        "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU", Decimal("5"))
    [record] = await client.withdraw_history()
    assert record.id == withdraw_id and record.kind is HistoryKind.WITHDRAWAL
    assert record.amount == Decimal("4") and record.fee == Decimal("1")  # 5 - fee arrives
    assert record.address == "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"
    assert record.status is MoveStatus.PENDING


@pytest.mark.parametrize("page_size", [1, 3, 10, 100])
@pytest.mark.parametrize("per_ms", [1, 4, 9])
async def test_time_walk_skips_and_repeats_nothing(venue, page_size, per_ms) -> None:
    box, client = venue
    add_deposits(box, 120, per_ms)
    walked: list[str] = []
    async for page in client.history_pages("deposits", page_size=page_size):
        assert 0 < len(page) <= page_size
        walked += [r.id for r in page]
    if per_ms > page_size:  # more in one ms than a page: the rest of that ms is unreachable
        assert len(set(walked)) == len(walked)
        return
    assert walked == expected(box, ("deposit", "inside_transfer_in"))
    assert len(walked) == 120 + SEEDED


async def test_boundary_inside_a_shared_ctime(venue) -> None:
    box, client = venue
    add_deposits(box, 10, 6)  # ms +0 holds six records, ms +1 four
    walked = [r async for page in client.history_pages("deposits", page_size=7,
                                                         end_ms=1_700_000_000_001)
              for r in page]
    # page 1: four of +1 and three of +0; page 2 (endTime +0): all six of +0, three new
    added = [i for i in expected(box, ("deposit",)) if i.startswith("9")]
    assert [r.id for r in walked] == added and len(added) == 10


async def test_withdraw_pages_walk(venue) -> None:
    box, client = venue
    add_deposits(box, 25, 3, kind="withdraw")
    records = await client.withdraw_history()
    assert [r.id for r in records] == expected(box, ("withdraw", "inside_transfer_out"))
    pages = [len(p) async for p in client.history_pages("withdrawals", page_size=10)]
    assert sum(pages) == 25


def rec(ident: int, ms: int) -> HistoryRecord:
    return HistoryRecord(venue="bitunix", id=str(ident), kind=HistoryKind.DEPOSIT,
                         direction="in", coin="USDT", amount=Decimal(1),
                         status=MoveStatus.DONE, time_ms=ms)


async def test_walk_by_time_over_a_fake_venue() -> None:
    store = [rec(i, 1000 + i // 3) for i in range(40)]  # three records per ms
    calls: list[int | None] = []

    async def fetch(end_ms, limit):
        calls.append(end_ms)
        kept = [r for r in reversed(store) if end_ms is None or r.time_ms <= end_ms]
        return kept[:limit]

    walked = [r.id async for page in walk_by_time(fetch, limit=4) for r in page]
    assert walked == [str(i) for i in reversed(range(40))]
    assert calls[0] is None and calls[1:] == sorted(calls[1:], reverse=True)


async def test_walk_by_time_steps_past_a_crowded_millisecond() -> None:
    store = [rec(i, 1000) for i in range(5)] + [rec(i, 999) for i in range(5, 7)]

    async def fetch(end_ms, limit):
        return [r for r in store if end_ms is None or r.time_ms <= end_ms][:limit]

    walked = [r.id async for page in walk_by_time(fetch, limit=3) for r in page]
    assert walked == ["0", "1", "2", "5", "6"]  # 3 and 4 cannot be reached by time alone


async def test_page_limit_is_checked() -> None:
    async def fetch(end_ms, limit):
        return []

    with pytest.raises(ValueError):
        [p async for p in walk_by_time(fetch, limit=101)]
