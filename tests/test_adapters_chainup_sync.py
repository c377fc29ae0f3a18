"""ChainUp's local copy: a full pull by id, then changes by update time with a trailing
cursor, merged by account id; a full pull again after 23 h."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx

from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.chainup import FULL_PULL_AFTER_MS, PAGE_SIZE, ChainupVenue

HOUR = 3600 * 1000
NOW = 1_750_000_000_000


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
    venue = ChainupVenue(settings, Credentials("app", "secret"))
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
    assert len(venue.accounts) == 2 * PAGE_SIZE + 1


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
    assert len(venue.accounts) == 3  # merged by id, the overlap is harmless


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
