"""Idempotency keys (repeats and races), commit-then-drop, error faults on writes, and
paging with exclusive from_id/to_id."""

from __future__ import annotations

import asyncio
import hashlib
from decimal import Decimal

from sandbox_server import Venues
from tui.sandbox.demo import DEMO_TRADE_PASSWORD

D = Decimal
TRADE = hashlib.md5(DEMO_TRADE_PASSWORD.encode()).hexdigest()
FCOIN_PATH = "/v2/assets/spots/transfer/out"


def _at(client_order_id: str, quantity: str = "20") -> dict:
    return {"token_id": "AT", "client_order_id": client_order_id, "address": "coinsoledemo",
            "address_ext": "1", "quantity": quantity, "miner_fee": "0", "convert_rate": "1",
            "trade_password": TRADE}


async def test_fcoin_source_id_repeat_returns_first_reply(venues: Venues) -> None:
    body = {"sourceId": "k1", "currency": "BTC", "amount": D("1.5")}
    first = await venues.fcoin("POST", FCOIN_PATH, body)
    venues.clock.advance(1)
    again = await venues.fcoin("POST", FCOIN_PATH, {**body, "amount": D("1.50")})
    assert again.status_code == 200 and again.content == first.content
    assert (await venues.fcoin_balances())["BTC"][0] == D("44.091")
    other = await venues.fcoin("POST", FCOIN_PATH, {**body, "amount": 2})
    assert (other.status_code, other.json()) == (
        400, {"status": 6000, "msg": "invalid request: sourceId reused"})
    assert (await venues.fcoin_balances())["BTC"][0] == D("44.091")


async def test_racing_duplicates_move_money_once(venues: Venues) -> None:
    fcoin = [venues.fcoin("POST", FCOIN_PATH, {"sourceId": "race", "currency": "BTC",
                                               "amount": 1}) for _ in range(6)]
    bitunix = [venues.bitunix("/inside_transfer", {
        "outBizId": "race", "coin": "USDT", "amount": 5, "toType": "uid",
        "toUid": 989541187}) for _ in range(6)]
    bhex = [venues.bhex("POST", "/asset/withdraw", _at("77")) for _ in range(6)]
    replies = await asyncio.gather(*fcoin, *bitunix, *bhex)
    assert len({r.content for r in replies[:6]}) == 1
    assert len({r.json()["data"] for r in replies[6:12]}) == 1
    assert len({r.json()["data"]["orderId"] for r in replies[12:]}) == 1
    assert (await venues.fcoin_balances())["BTC"][0] == D("44.591")
    assert (await venues.bitunix_spot())["USDT"] == (D("1525.2045"), D("25.00"))
    assert (await venues.bhex_balance())["AT"]["free"] == "14980.000000000000000000"


async def test_bitunix_out_biz_id_repeat(venues: Venues) -> None:
    body = {"outBizId": "b1", "coin": "USDT", "amount": 5, "toType": "email",
            "toEmail": "bob@coinsole.test"}
    first = await venues.bitunix_data("/inside_transfer", body)
    assert await venues.bitunix_data("/inside_transfer", body) == first
    rows = await venues.bitunix_data("/withdraw_transfer/page", {"outBizId": "b1"})
    assert len(rows) == 1 and (await venues.bitunix_spot())["USDT"][0] == D("1525.2045")
    r = await venues.bitunix("/inside_transfer", {**body, "amount": 6})
    assert r.json()["code"] == "100001"
    long_key = await venues.bitunix("/inside_transfer", {**body, "outBizId": "x" * 33})
    assert long_key.json()["code"] == "100001"


async def test_bhex_client_order_id_repeat(venues: Venues) -> None:
    first = (await venues.bhex("POST", "/asset/withdraw", _at("5"))).json()
    venues.clock.advance(6)
    again = (await venues.bhex("POST", "/asset/withdraw", _at("5"))).json()
    assert again == first
    orders = (await venues.bhex("GET", "/asset/withdraw/order", {})).json()["data"]
    assert len(orders) == 1 and orders[0]["status"] == 6
    assert (await venues.bhex_balance())["AT"]["total"] == "15230.500000000000000000"


async def test_drop_commits_then_answers_502(venues: Venues) -> None:
    venues.box.faults.configure("fcoin", drop_rate=1.0)  # float-ok
    body = {"sourceId": "d1", "currency": "BTC", "amount": 1}
    r = await venues.fcoin("POST", FCOIN_PATH, body)
    assert (r.status_code, r.content) == (502, b"")
    balances = await venues.fcoin_balances()  # reads never drop
    assert balances["BTC"][0] == D("44.591")
    venues.box.faults.configure("fcoin")
    r = await venues.fcoin("POST", FCOIN_PATH, body)
    assert r.status_code == 200 and r.json()["sourceId"] == "d1"
    assert (await venues.fcoin_balances())["BTC"][0] == D("44.591")


async def test_drop_on_bitunix_and_bhex_writes(venues: Venues) -> None:
    venues.box.faults.configure(drop_rate=1.0)  # float-ok
    r = await venues.bitunix("/funds_transfer", {"type": "spot_futures", "coin": "USDT",
                                                 "amount": 10})
    assert (r.status_code, r.content) == (502, b"")
    assert (await venues.bitunix_spot())["USDT"][0] == D("1520.2045")
    r = await venues.bhex("POST", "/asset/withdraw", _at("9"))
    assert (r.status_code, r.content) == (502, b"")
    assert (await venues.bhex_balance())["AT"]["free"] == "14980.000000000000000000"


async def test_error_rate_on_a_write_commits_nothing(venues: Venues) -> None:
    venues.box.faults.configure("fcoin", error_rate=1.0)  # float-ok
    r = await venues.fcoin("POST", FCOIN_PATH, {"sourceId": "e1", "currency": "BTC",
                                                "amount": 1})
    assert r.status_code == 500
    venues.box.faults.configure("fcoin")
    assert (await venues.fcoin_balances())["BTC"][0] == D("45.591")


async def test_drop_rate_is_seeded_and_partial(venues: Venues) -> None:
    venues.box.faults.configure("bitunix", drop_rate=0.5)  # float-ok
    codes = [(await venues.bitunix("/funds_transfer", {"type": "spot_futures", "coin": "USDT",
                                                       "amount": 1})).status_code
             for _ in range(8)]
    venues.clock.advance(2)
    assert set(codes) == {200, 502}
    assert (await venues.bitunix_spot())["USDT"][0] == D("1522.2045")  # all 8 committed


async def _walk(venues: Venues, path: str) -> list[str]:
    """Page through ``path`` newest first, limit 2, each page from the last id seen."""
    seen: list[str] = []
    cursor: dict = {}
    while True:
        page = (await venues.bhex("GET", path, {"limit": 2, **cursor})).json()["data"]
        ids = [row.get("orderId") or row["id"] for row in page]
        assert ids == sorted(ids, key=int, reverse=True)
        if not ids:
            return seen
        seen += ids
        cursor = {"from_id": ids[-1]}


async def test_paging_never_skips_or_repeats_with_shared_timestamps(venues: Venues) -> None:
    for n in range(7):  # all at the same millisecond
        r = await venues.bhex("POST", "/asset/withdraw", _at(str(100 + n), "10"))
        assert r.status_code == 200
    newest_first = [r["orderId"] for r in (await venues.bhex(
        "GET", "/asset/withdraw/order", {"limit": 100})).json()["data"]]
    assert len(newest_first) == 7 and len({r for r in newest_first}) == 7
    assert await _walk(venues, "/asset/withdraw/order") == newest_first
    ascending: list[str] = []
    cursor = {"to_id": str(int(newest_first[-1]) - 1)}
    while True:
        page = (await venues.bhex("GET", "/asset/withdraw/order",
                                  {"limit": 3, **cursor})).json()["data"]
        if not page:
            break
        ids = [row["orderId"] for row in page]
        ascending += ids[::-1]
        cursor = {"to_id": ids[0]}
    assert ascending == newest_first[::-1]
    default = (await venues.bhex("GET", "/asset/withdraw/order", {})).json()["data"]
    assert len(default) == 7  # default limit 20


async def test_balance_flow_paging(venues: Venues) -> None:
    for _ in range(5):
        await venues.bhex("POST", "/account/sub_account/transfer", {
            "from_account_index": 1, "to_account_index": 0, "token_id": "USDT",
            "amount": "1"})
    from tui.sandbox.demo import BHEX_DEMO_FLOWS

    ids = await _walk(venues, "/account/balance_flow")
    assert len(ids) == len(set(ids)) == 5 + len(BHEX_DEMO_FLOWS)  # the demo's own too
    between = (await venues.bhex("GET", "/account/balance_flow", {
        "from_id": ids[0], "to_id": ids[-1]})).json()["data"]
    assert [row["id"] for row in between] == ids[1:-1]
