"""ChainUp's local copy: a full pull by id, then changes by update time with a trailing
cursor, merged by account id; a full pull again after 23 h. The copy is kept on disk, so a
restart (a second adapter instance) needs only the incremental call."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.chainup import FULL_PULL_AFTER_MS, PAGE_SIZE, ChainupVenue

HOUR = 3600 * 1000
NOW = 1_750_000_000_000
APP_KEY = "appkey-7f3c9a1e5b2d4c6f"
SECRET = "secret-2b8e0d94c71a56f3"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """A private COINSOLE_HOME: the ChainUp store lands in ``<tmp>/cache``."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    return tmp_path


class FakeChainup:
    """The two ChainUp account endpoints over an in-memory table, as docs/wire.md says."""

    def __init__(self) -> None:
        self.rows: dict[int, dict] = {}
        self.now = NOW
        self.calls: list[tuple[str, dict]] = []

    def put(self, id_: int, uid: str, balance: str, update_time: int, type_: str = "201001",
            coin: str = "USDT") -> None:
        """Insert or replace the account row ``id_``."""
        self.rows[id_] = {"id": str(id_), "uid": uid, "showName": coin, "coin": coin,
                          "type": type_, "balance": balance, "updateTime": str(update_time)}

    def handler(self, request: httpx.Request) -> httpx.Response:
        """Answer one of the two endpoints (ByUpdateTime refuses a cursor older than 24 h)."""
        body = json.loads(request.content)
        endpoint = request.url.path.rsplit("/", 1)[-1]
        self.calls.append((endpoint, body))
        if endpoint == "batchQueryUserAccountsByStartId":
            found = sorted((r for i, r in self.rows.items() if i > body["startId"]),
                           key=lambda r: int(r["id"]))[:body["limit"]]
        else:
            if body["updateTime"] < self.now - 24 * HOUR:
                return self.answer("10010", "updateTime must be within 24 hours", None)
            found = sorted((r for r in self.rows.values()
                            if int(r["updateTime"]) > body["updateTime"]),
                           key=lambda r: (int(r["updateTime"]), int(r["id"])))
        return self.answer("0", "suc", {"accounts": found})

    @staticmethod
    def answer(code: str, msg: str, data) -> httpx.Response:
        """A ChainUp reply."""
        return httpx.Response(200, json={"code": code, "msg": msg, "data": data})

    def endpoints(self) -> list[str]:
        """Which endpoints were called, in order (``StartId`` / ``UpdateTime``)."""
        return [name.removeprefix("batchQueryUserAccountsBy") for name, _ in self.calls]


def make(fake: FakeChainup, user_id: str | None = "7") -> ChainupVenue:
    """A ChainUp adapter talking to ``fake`` and sharing its clock."""
    settings = VenueSettings(profile="org", base_url="http://chainup.test/chainup",
                             user_id=user_id, transport=httpx.MockTransport(fake.handler),
                             retry=RetryPolicy(attempts=1))
    venue = ChainupVenue(settings, Credentials(APP_KEY, SECRET))
    venue.now_ms = lambda: fake.now
    return venue


def totals(balances) -> dict[str, Decimal]:
    """Total per coin (each test puts one account per coin)."""
    return {b.coin: b.total for b in balances}


async def test_full_pull_pages_by_start_id_until_a_short_page():
    fake = FakeChainup()
    for i in range(1, 2 * PAGE_SIZE + 2):
        fake.put(i * 3, "7" if i % 2 else "8", "1", NOW - HOUR)
    venue = make(fake)
    await venue.balances()
    starts = [body["startId"] for _, body in fake.calls]
    assert starts == [0, PAGE_SIZE * 3, 2 * PAGE_SIZE * 3]
    assert {body["limit"] for _, body in fake.calls} == {PAGE_SIZE}
    assert venue.row_count() == 2 * PAGE_SIZE + 1


async def test_rows_sharing_the_newest_millisecond_are_not_lost():
    fake = FakeChainup()
    newest = NOW - 1_000
    fake.put(1, "7", "1.5", newest - 10_000, coin="BTC")
    fake.put(2, "7", "100", newest)
    venue = make(fake)
    assert totals(await venue.balances()) == {"BTC": Decimal("1.5"), "USDT": Decimal("100")}

    # Committed after our pull, stamped with the same millisecond as the newest row seen,
    # plus an update to a row we already hold.
    fake.put(3, "7", "0.25", newest, type_="202001")
    fake.put(1, "7", "2.000000000000000001", newest + 1, coin="BTC")
    fake.now += 2_000
    balances = await venue.balances()

    assert fake.endpoints() == ["StartId", "UpdateTime"]
    cursor = fake.calls[-1][1]["updateTime"]
    assert cursor < newest
    assert totals(balances) == {"BTC": Decimal("2.000000000000000001"), "USDT": Decimal("100.25")}
    assert venue.row_count() == 3  # merged by id, the overlap is harmless


async def test_full_pull_again_after_23_hours():
    fake = FakeChainup()
    fake.put(1, "7", "1", NOW - HOUR)
    venue = make(fake)
    await venue.balances()
    fake.now += HOUR
    await venue.balances()
    fake.now += FULL_PULL_AFTER_MS + 1
    await venue.balances()
    assert fake.endpoints() == ["StartId", "UpdateTime", "StartId"]


async def test_quiet_org_keeps_the_cursor_inside_the_venue_window():
    fake = FakeChainup()
    fake.put(1, "7", "1", NOW - 30 * 24 * HOUR)  # nothing changed for a month
    venue = make(fake)
    await venue.balances()
    fake.now += 22 * HOUR
    await venue.balances()
    assert fake.endpoints() == ["StartId", "UpdateTime"]
    assert fake.calls[-1][1]["updateTime"] >= fake.now - 24 * HOUR


async def test_a_cursor_the_venue_refuses_falls_back_to_a_full_pull():
    fake = FakeChainup()
    fake.put(1, "7", "1", NOW - HOUR)
    venue = make(fake)
    await venue.balances()
    fake.now += 23 * HOUR  # within our 23 h, but the venue's clock runs ahead
    fake.now += 45 * 60 * 1000
    venue.now_ms = lambda: fake.now - 45 * 60 * 1000
    fake.put(2, "7", "2", fake.now - 1)
    assert totals(await venue.balances()) == {"USDT": Decimal("3")}
    assert fake.endpoints() == ["StartId", "UpdateTime", "StartId"]


async def test_org_view_without_a_user_id():
    fake = FakeChainup()
    fake.put(1, "7", "1.1", NOW - HOUR)
    fake.put(2, "8", "2.2", NOW - HOUR)
    fake.put(3, "8", "0.3", NOW - HOUR, type_="202001")
    balances = await make(fake, user_id=None).balances()
    assert [(b.coin, b.account.label, b.available, b.frozen) for b in balances] == [
        ("USDT", "spot (org total)", Decimal("3.3"), Decimal("0.3")),
    ]


# -- the copy on disk: a restart is one incremental call --------------------------------

def cache_dir(home: Path) -> Path:
    """Where the ChainUp store lives under ``home`` (COINSOLE_HOME)."""
    return home / "cache"


async def first_run(fake: FakeChainup, user_id: str | None = "7") -> list:
    """One process's life: load balances once, close the adapter; the calls are forgotten."""
    venue = make(fake, user_id)
    try:
        balances = await venue.balances()
    finally:
        await venue.aclose()
    fake.calls.clear()
    return balances


def seed(fake: FakeChainup) -> None:
    """A small org: user 7 with exact 18-digit amounts, user 8 beside it."""
    fake.put(1, "7", "149555114.0139600009053943", NOW - 3 * HOUR, coin="BTC")
    fake.put(2, "7", "1.000000000000000000", NOW - 2 * HOUR)
    fake.put(3, "7", "0.000000000000000001", NOW - 2 * HOUR, type_="202001")
    fake.put(4, "8", "5", NOW - HOUR)


async def test_a_restart_sends_one_incremental_request_and_answers_the_same():
    fake = FakeChainup()
    seed(fake)
    before = await first_run(fake)
    fake.now += 10 * 60 * 1000

    venue = make(fake)
    try:
        after = await venue.balances()
    finally:
        await venue.aclose()

    assert fake.endpoints() == ["UpdateTime"]
    assert after == before
    assert [(b.coin, b.available, b.frozen) for b in after] == [
        ("BTC", Decimal("149555114.0139600009053943"), Decimal("0")),
        ("USDT", Decimal("1.000000000000000000"), Decimal("0.000000000000000001")),
    ]
    assert str(after[1].available) == "1.000000000000000000"


async def test_rows_changed_at_the_venue_between_runs_are_merged_by_id():
    fake = FakeChainup()
    seed(fake)
    await first_run(fake)
    fake.now += HOUR
    fake.put(2, "7", "2.500000000000000001", fake.now - 1_000)  # changed
    fake.put(5, "7", "7.25", fake.now - 1_000, coin="ETH")  # new

    venue = make(fake)
    try:
        balances = await venue.balances()
        count = venue.row_count()
    finally:
        await venue.aclose()

    assert fake.endpoints() == ["UpdateTime"]
    assert totals(balances) == {"BTC": Decimal("149555114.0139600009053943"),
                                "ETH": Decimal("7.25"),
                                "USDT": Decimal("2.500000000000000002")}
    assert count == 5


async def test_rows_sharing_the_boundary_millisecond_survive_a_restart():
    fake = FakeChainup()
    newest = NOW - 1_000
    fake.put(1, "7", "1", newest - 10_000)
    fake.put(2, "7", "100", newest)
    await first_run(fake)
    # Committed after our pull, stamped with the newest millisecond the first run saw.
    fake.put(3, "7", "0.5", newest, type_="202001")
    fake.now += 60_000

    venue = make(fake)
    try:
        balances = await venue.balances()
    finally:
        await venue.aclose()

    assert fake.endpoints() == ["UpdateTime"]
    assert fake.calls[0][1]["updateTime"] < newest
    assert [(b.available, b.frozen) for b in balances] == [(Decimal("101"), Decimal("0.5"))]


async def test_an_old_snapshot_is_pulled_in_full():
    fake = FakeChainup()
    seed(fake)
    await first_run(fake)
    fake.now += FULL_PULL_AFTER_MS + 1
    fake.put(2, "7", "3", fake.now - 1)

    venue = make(fake)
    try:
        balances = await venue.balances()
    finally:
        await venue.aclose()

    assert fake.endpoints() == ["StartId"]
    assert totals(balances)["USDT"] == Decimal("3.000000000000000001")


async def test_a_snapshot_from_the_future_is_pulled_in_full():
    fake = FakeChainup()
    seed(fake)
    await first_run(fake)
    fake.now -= HOUR  # the clock went back: the stored times cannot be trusted
    venue = make(fake)
    try:
        await venue.balances()
    finally:
        await venue.aclose()
    assert fake.endpoints() == ["StartId"]


async def test_a_refused_cursor_after_a_restart_falls_back_to_a_full_pull():
    fake = FakeChainup()
    seed(fake)
    await first_run(fake)
    fake.now += 23 * HOUR + 45 * 60 * 1000  # the venue's clock runs ahead of ours
    venue = make(fake)
    venue.now_ms = lambda: fake.now - 45 * 60 * 1000
    try:
        balances = await venue.balances()
    finally:
        await venue.aclose()
    assert fake.endpoints() == ["UpdateTime", "StartId"]
    assert totals(balances)["BTC"] == Decimal("149555114.0139600009053943")


@pytest.mark.parametrize("when", ["before the first run", "between runs"])
async def test_a_corrupt_cache_file_is_moved_aside_and_pulled_in_full(home, when):
    fake = FakeChainup()
    seed(fake)
    store_file = cache_dir(home) / "chainup.sqlite"
    garbage = b"this is not a database at all " * 200
    if when == "before the first run":
        store_file.parent.mkdir(parents=True)
    else:
        await first_run(fake)
        for side in store_file.parent.glob("chainup.sqlite-*"):
            side.unlink()
    store_file.write_bytes(garbage)

    expected = {"BTC": Decimal("149555114.0139600009053943"),
                "USDT": Decimal("1.000000000000000000")}
    venue = make(fake)
    try:
        assert {b.coin: b.available for b in await venue.balances()} == expected
    finally:
        await venue.aclose()

    assert fake.endpoints() == ["StartId"]
    moved = list(store_file.parent.glob("chainup.sqlite.corrupt-*"))
    assert [path.read_bytes() for path in moved] == [garbage]
    fake.calls.clear()
    fake.now += 60_000
    venue = make(fake)  # the fresh file works: the next start is incremental again
    try:
        await venue.balances()
    finally:
        await venue.aclose()
    assert fake.endpoints() == ["UpdateTime"]


async def test_a_file_corrupted_while_running_falls_back_to_a_full_pull(home):
    fake = FakeChainup()
    seed(fake)
    venue = make(fake)
    try:
        await venue.balances()

        def broken(*args, **kwargs):
            """A store that finds its file unreadable."""
            from tui.venues.chainup_store import StoreCorrupt
            raise StoreCorrupt("the ChainUp cache is unreadable (database disk image is malformed)")

        venue.store.upsert = broken
        fake.now += 60_000
        balances = await venue.balances()
    finally:
        await venue.aclose()
    assert fake.endpoints() == ["StartId", "UpdateTime", "StartId"]
    assert totals(balances)["BTC"] == Decimal("149555114.0139600009053943")
    assert list(cache_dir(home).glob("chainup.sqlite.corrupt-*"))


async def test_an_unusable_cache_dir_keeps_the_copy_in_memory(home):
    cache_dir(home).parent.mkdir(parents=True, exist_ok=True)
    cache_dir(home).write_text("a file where the directory should be")
    fake = FakeChainup()
    seed(fake)
    venue = make(fake)
    try:
        await venue.balances()
        fake.now += 60_000
        await venue.balances()
        assert venue.store.path is None
    finally:
        await venue.aclose()
    assert fake.endpoints() == ["StartId", "UpdateTime"]


async def test_the_store_holds_no_key_and_no_secret(home):
    fake = FakeChainup()
    seed(fake)
    await first_run(fake)
    fake.now += 60_000
    fake.put(6, "9", "1", fake.now - 1)
    await first_run(fake)

    directory = cache_dir(home)
    files = [path for path in directory.iterdir() if path.is_file()]
    assert directory / "chainup.sqlite" in files
    for path in files:
        data = path.read_bytes()
        assert APP_KEY.encode() not in data and SECRET.encode() not in data
        assert APP_KEY.encode().hex().encode() not in data
        assert os.stat(path).st_mode & 0o077 == 0, path
    assert os.stat(directory).st_mode & 0o777 == 0o700


async def test_org_totals_without_a_user_id_stay_exact_across_a_restart():
    fake = FakeChainup()
    amounts = [Decimal(f"{i}.{i:018d}") for i in range(1, 301)]
    for i, amount in enumerate(amounts, start=1):
        fake.put(i, str(1000 + i % 37), str(amount), NOW - HOUR - i,
                 type_="201001" if i % 3 else "202001")
    before = await first_run(fake, user_id=None)
    fake.now += 60_000

    venue = make(fake, user_id=None)
    try:
        after = await venue.balances()
        by_user = await venue.org_balances()
    finally:
        await venue.aclose()

    assert fake.endpoints() == ["UpdateTime", "UpdateTime"]  # balances, then org_balances
    assert after == before
    [total] = after
    assert total.account.label == "spot (org total)"
    assert total.available == sum(a for i, a in enumerate(amounts, start=1) if i % 3)
    assert total.frozen == sum(a for i, a in enumerate(amounts, start=1) if not i % 3)
    assert sorted(by_user) == sorted({str(1000 + i % 37) for i in range(1, 301)})
    assert sum(b.total for rows in by_user.values() for b in rows) == sum(amounts)
