"""BHEX as its document has it (issue 11, items 16-18): the sub-account endpoints carry
only their documented parameters and act for the key's own user; asset lists take any
``limit`` (default 20, no maximum); ``position`` and ``all_positions`` map their distinct
value fields consistently; a failed ``org_batch_cancel`` does not block a retry."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from tui.core.errors import VenueError
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.demo import BHEX_DEMO_USER_ID
from tui.sandbox.limits import RateLimiter
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue

from test_sandbox_bhex_trading import Bhex, Clock

BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")
SIGNING = {"timestamp", "signature"}


class Recording(httpx.AsyncBaseTransport):
    """An ASGI transport that keeps each request's path and parameters (query plus
    form), and can drop the first request to one path (no reply)."""

    def __init__(self, app, drop_first: str | None = None) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.sent: list[tuple[str, dict[str, str]]] = []
        self.drop_first = drop_first

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        params = dict(parse_qsl(request.url.query.decode()))
        params.update(parse_qsl(body.decode()))
        self.sent.append((request.url.path, params))
        if self.drop_first and request.url.path.endswith(self.drop_first):
            self.drop_first = None
            raise httpx.ReadError("reply dropped", request=request)
        return await self.inner.handle_async_request(request)

    def params(self, suffix: str) -> list[dict[str, str]]:
        """Parameters (without timestamp and signature) of each request to ``suffix``."""
        return [{k: v for k, v in p.items() if k not in SIGNING}
                for path, p in self.sent if path.endswith(suffix)]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def box(clock):
    sandbox = Sandbox(clock=clock)
    sandbox.services["bhex"].limiter = RateLimiter(100_000, 1, clock)
    yield sandbox
    sandbox.close()


@pytest.fixture
async def raw(box, clock):
    client = Bhex(box, clock)
    yield client
    await client.http.aclose()


def adapter(box: Sandbox, transport: httpx.AsyncBaseTransport) -> BhexVenue:
    return BhexVenue(VenueSettings(profile="bhex-demo", base_url="http://sandbox/bhex",
                                   user_id=BHEX.user_id, transport=transport,
                                   rate_limit=(10_000, 1.0),
                                   retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                     Credentials(BHEX.api_key, BHEX.secret))


# -- item 16: sub-account endpoints as documented -------------------------------------

async def test_sub_account_endpoints_send_only_documented_parameters(box) -> None:
    transport = Recording(box.app)
    venue = adapter(box, transport)
    try:
        subs = await venue.sub_accounts()
        assert {(s.account_type, s.account_index) for s in subs} >= {(1, 0), (1, 1), (3, 0)}
        made = await venue.sub_account_create(1, "Bots")
        assert made.account_index == 3
        assert len(await venue.fetch_transfer_routes()) > 0
    finally:
        await venue.aclose()
    queries = transport.params("/sub_account/query")
    assert queries and all(q == {} for q in queries)
    assert transport.params("/sub_account/create") == [{"account_type": "1", "desc": "Bots"}]


async def test_sandbox_sub_account_endpoints_act_for_the_keys_own_user(raw) -> None:
    query = await raw.http.get("/api/v2/org/account/sub_account/query",
                               params=raw._signed({}),
                               headers={"X-ACCESS-KEY": raw.profile.api_key})
    assert query.status_code == 200, query.text
    assert {(a["accountType"], a["accountIndex"]) for a in query.json()} >= {(1, 0), (3, 0)}
    made = await raw.ok("account/sub_account/create", desc="Bots")
    assert (made["accountType"], made["accountIndex"]) == (1, 3)
    assert ("1", 3) in [(s.account_type, s.account_index)
                        for s in raw.box.ledger.sub_accounts("bhex", BHEX_DEMO_USER_ID)]
    moved = await raw.ok("account/sub_account/transfer", from_account_index=1,
                         to_account_index=0, token_id="USDT", amount="1")
    assert moved == {"success": True}


async def test_a_sub_account_transfer_sends_the_documented_fields(box) -> None:
    from tui.core.models import AccountKind, AccountRef
    from tui.core.moves import MoveKind, MoveRequest
    transport = Recording(box.app)
    venue = adapter(box, transport)
    try:
        await venue.fetch_transfer_routes()
        request = MoveRequest(kind=MoveKind.TRANSFER, profile="bhex-demo", venue="bhex",
                              coin="USDT", amount=Decimal("1"), client_key="t1",
                              from_account=AccountRef(kind=AccountKind.SPOT, index=1),
                              to_account=AccountRef(kind=AccountKind.SPOT, index=0))
        await venue.submit_move(request)
    finally:
        await venue.aclose()
    (sent,) = transport.params("/sub_account/transfer")
    assert set(sent) == {"from_account_type", "from_account_index", "to_account_type",
                         "to_account_index", "token_id", "amount"}


# -- item 17: asset-list limit --------------------------------------------------------

@pytest.mark.parametrize("path", ["account/balance_flow", "asset/deposit/order",
                                  "asset/withdraw/order"])
async def test_asset_lists_take_a_limit_above_100(raw, path: str) -> None:
    r = await raw.http.get("/api/v2/org/" + path,
                           params=raw._signed({"user_id": BHEX_DEMO_USER_ID, "limit": 150}),
                           headers={"X-ACCESS-KEY": raw.profile.api_key})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 0


async def test_asset_list_malformed_limit_is_refused(raw) -> None:
    r = await raw.http.get("/api/v2/org/account/balance_flow",
                           params=raw._signed({"user_id": BHEX_DEMO_USER_ID, "limit": 0}),
                           headers={"X-ACCESS-KEY": raw.profile.api_key})
    assert (r.status_code, r.json()["status"]) == (400, -1100)


# -- item 18a: position fields ----------------------------------------------------------

async def test_position_and_all_positions_map_their_own_value_fields(box) -> None:
    venue = adapter(box, Recording(box.app))
    try:
        mine = await venue.contract_position()
        everyone = await venue.contract_all_positions()
    finally:
        await venue.aclose()
    assert mine and everyone
    assert all(p.avg_price is not None and p.avg_price > 0 for p in mine)
    assert all(p.position_value is not None and p.open_value is None for p in mine)
    # all_positions documents openValue and no avgPrice: no invented 0 average price
    assert all(p.avg_price is None for p in everyone)
    assert all(p.open_value is not None and p.position_value is None for p in everyone)


# -- item 18b: org_batch_cancel's 10 s wait starts only once the venue answered ---------

async def test_a_failed_batch_cancel_does_not_block_a_retry(box) -> None:
    transport = Recording(box.app, drop_first="/org_batch_cancel")
    venue = adapter(box, transport)
    venue.trading_clock = lambda: 1000.0  # float-ok: seconds
    try:
        with pytest.raises(VenueError) as failed:
            await venue.org_batch_cancel("ATUSDT")
        assert "once per" not in str(failed.value)
        assert await venue.org_batch_cancel("ATUSDT") is True
    finally:
        await venue.aclose()
    assert transport.params("/org_batch_cancel")[-1] == {"symbol_id": "ATUSDT"}


# -- item 18c: Bitunix's per-IP limit is one bucket for every profile on that host -------

def _venue(cls, profile: str, base_url: str):
    return cls(VenueSettings(profile=profile, base_url=base_url),
               Credentials("k-" + profile, "s-" + profile))


async def test_bitunix_profiles_on_one_host_share_one_bucket() -> None:
    from tui.venues.bitunix import BitunixVenue
    from tui.venues.fcoin import FcoinVenue
    a = _venue(BitunixVenue, "one", "https://openapi.bitunix.com")
    b = _venue(BitunixVenue, "two", "https://OPENAPI.bitunix.com/")
    elsewhere = _venue(BitunixVenue, "three", "https://other.example")
    f1, f2 = _venue(FcoinVenue, "f1", "https://x.test"), _venue(FcoinVenue, "f2", "https://x.test")
    try:
        for _ in range(10):  # the documented 10 per second, taken by two profiles
            await (a if _ % 2 else b).limiter.acquire()
        shared = a.limiter.bucket()
        assert shared is b.limiter.bucket() and shared._tokens < 1
        assert elsewhere.limiter.bucket() is not shared
        assert f1.limiter is not f2.limiter  # FCoin's limit is per key
    finally:
        for venue in (a, b, elsewhere, f1, f2):
            await venue.aclose()


# -- item 18d: venues without a time endpoint correct their clock from `Date` -----------

def _sandbox_adapter(sandbox: Sandbox, venue: str, transport=None, origin="http://sandbox"):
    from tui.venues.registry import adapter_class
    profile = sandbox.profile(venue)
    settings = VenueSettings(profile=profile.name, base_url=origin + profile.prefix,
                             user_id=profile.user_id,
                             transport=transport or httpx.ASGITransport(app=sandbox.app),
                             retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0))
    return adapter_class(venue)(settings, Credentials(profile.api_key, profile.secret))


@pytest.mark.parametrize("venue", ["fcoin", "bitunix", "bitz"])
@pytest.mark.parametrize("skew_ms", [90_000, -90_000])
async def test_a_skewed_venue_clock_is_measured_and_reads_succeed(venue, skew_ms) -> None:
    box = Sandbox()
    box.faults.configure(venue, clock_skew_ms=skew_ms)
    client = _sandbox_adapter(box, venue)
    try:
        assert await client.balances()
        assert abs(client.clock_offset_ms - skew_ms) < 2_000
        assert await client.balances()  # signed right the first time now
    finally:
        await client.aclose()
        box.close()


async def test_a_write_refused_for_skew_says_by_how_much_and_the_next_goes_through() -> None:
    from tui.core.errors import AuthError
    from tui.core.models import AccountKind, AccountRef
    from tui.core.moves import MoveKind, MoveRequest
    box = Sandbox()
    box.faults.configure("fcoin", clock_skew_ms=90_000)
    client = _sandbox_adapter(box, "fcoin")
    move = MoveRequest(kind=MoveKind.TRANSFER, profile="demo-fcoin", venue="fcoin",
                       coin="ETH", amount=Decimal("0.1"), client_key="clockfix1",
                       from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                       to_account=AccountRef(kind=AccountKind.SPOT))
    try:
        with pytest.raises(AuthError, match="90 s behind the venue's; nothing was applied"):
            await client.submit_move(move)
        receipt = await client.submit_move(move)
        assert receipt.venue_ref
    finally:
        await client.aclose()
        box.close()


async def test_over_loopback_http_the_date_header_is_the_venues(live_sandbox) -> None:
    box, origin = live_sandbox
    box.faults.configure("bitz", clock_skew_ms=-90_000)
    client = _sandbox_adapter(box, "bitz", transport=httpx.AsyncHTTPTransport(),
                              origin=origin)
    try:
        assert await client.balances()
        assert abs(client.clock_offset_ms + 90_000) < 2_000
    finally:
        await client.aclose()


# -- item 18f: ChainUp groups by coin and shows showName --------------------------------

async def test_sandbox_chainup_rows_carry_the_documents_show_names() -> None:
    from tui.sandbox.demo import CHAINUP_SHOW_NAMES
    box = Sandbox()
    try:
        from tui.sandbox.chainup import _accounts_reply
        rows = [r for r in box.ledger.accounts_after_id("chainup", 0, 100_000)
                if r.user_id == "32257848"]
        shown = {(a["coin"], a["showName"]) for a in _accounts_reply(rows)["data"]["accounts"]}
    finally:
        box.close()
    assert shown == {("BTC1658", "BTC"), ("USDT1658", "USDT")}
    assert CHAINUP_SHOW_NAMES == {"BTC1658": "BTC", "USDT1658": "USDT"}


async def test_chainup_groups_by_coin_and_labels_by_show_name() -> None:
    box = Sandbox()
    from dataclasses import replace
    user, org = _sandbox_adapter(box, "chainup"), _sandbox_adapter(box, "chainup")
    user.settings = replace(user.settings, user_id="32257848")
    org.settings = replace(org.settings, user_id=None)
    try:
        mine = {(b.coin, b.account.label): (b.available, b.frozen)
                for b in await user.balances()}
        totals = await org.balances()
    finally:
        await user.aclose()
        await org.aclose()
        box.close()
    assert mine == {("BTC", "spot"): (Decimal("0.70201757596"), Decimal("0.421404")),
                    ("USDT", "spot"): (Decimal("151468.49153863153"),
                                       Decimal("186894.11490767"))}
    spot = {b.coin: b for b in totals if b.account.kind.value == "spot"}
    # BTC1658 (shown as BTC) is its own currency: never summed into the org's BTC
    assert spot["BTC (BTC1658)"].available == Decimal("10095008.730246425") + \
        Decimal("0.70201757596")
    assert spot["BTC (BTC1658)"].frozen == Decimal("0.421404")
    assert "BTC" in spot and spot["BTC"].available != spot["BTC (BTC1658)"].available


# -- item 18e: a contract order's fills are found beyond the newest 500 trades ----------

async def test_contract_fills_page_past_the_newest_500_trades(box) -> None:
    from tui.sandbox.trading_ledger import FillRow
    from tui.screens.orders import OrdersScreen
    venue = adapter(box, Recording(box.app))
    try:
        orders = await venue.contract_trade_orders(limit=500)
        target = next(o for o in orders if o.status.value == "FILLED")
        own = await OrdersScreen._contract_fills(venue, target)
        assert own and {f.order_id for f in own} == {target.order_id}
        store = box.services["bhex"].trading.store
        with store.txn() as txn:
            for n in range(600):  # newer trades of another order on the same symbol
                txn.insert("bhex_fills", FillRow(
                    trade_id=txn.next_id("bhex_fills"), order_id=1, user_id=BHEX_DEMO_USER_ID,
                    account_type="3", account_index=0, account_id=own[0].account_id,
                    symbol_id=target.symbol_id, side="BUY_OPEN", type="LIMIT",
                    price=Decimal("1"), quantity=Decimal("1"), fee=Decimal("0"),
                    fee_coin="USDT", time_ms=own[0].time_ms + 1000 + n))
        again = await OrdersScreen._contract_fills(venue, target)
    finally:
        await venue.aclose()
    assert [f.trade_id for f in again] == [f.trade_id for f in own]
