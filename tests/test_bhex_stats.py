"""BHEX statistics (doc 004, section 6): the parsers pinned to the document's example
replies, and every endpoint adapter <-> sandbox over real HTTP on loopback."""

from __future__ import annotations

import json
import time
import zipfile
from decimal import Decimal

import httpx
import pytest
from demo_env import bhex_client as client  # noqa: F401 (client: a fixture)

from tui.core.errors import AuthError, InvalidRequest, MalformedReply, VenueUnavailable
from tui.core.money import loads_exact, plain
from tui.sandbox import DEMO_PROFILES
from tui.sandbox.bhex_stats import SEEDED_WITHDRAWALS, download_bytes
from tui.venues import bhex_stats as stats
from tui.venues.base import Credentials, VenueSettings
from tui.venues.bhex import BhexVenue

BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")
OTHERS = ("482698709891649537", "482698709891649538")
DAY_MS = 86_400_000

# -- the document's example replies, as printed (comments removed) ----------------------

DOC_DETAIL = """{"status":0,"data":[{"id":"390218434180309248","userId":"97298429944266752",
"accountId":"390211168999864064","total":"0.0000374784","available":"0.0000374784","lock":"0"},
{"id":"390203038752597248","userId":"97298429944266752","accountId":"390182253023483904",
"total":"0","available":"0","lock":"0"}]}"""
DOC_SUMMARY = """{"status":0,"data":[{"tokenId":"ETH","total":"66932.00","available":"57000.00",
"lock":"9832.00"},{"tokenId":"LTC","total":"11442.00","available":"11401.00","lock":"41.1854"},
{"tokenId":"USDT","total":"1772053.00","available":"1344991.00","lock":"427061.00"}]}"""
DOC_TOP = """{"status":0,"data":[{"id":"390218434180309248","userId":"97298429944266752",
"accountId":"390211168999864064","total":"1006.0000374784","available":"0.0000374784",
"lock":"1006"}]}"""
DOC_COLD = """{"status":0,"data":[{"tokenId":"ETH","total":"66932.00","coldHold":"57000.00",
"hotRemain":"9832.00"}]}"""
DOC_DEPOSIT = """{"status":0,"data":[{"orderId":"393903531505007872","userId":"270794507658851841",
"accountId":"270794507658851840","tokenId":"ETH","quantity":"100","fromAddress":"",
"address":"0x7fFa7A9553A4E69D519F98e6Cb5406FAfbA46b80","addressTag":"","txId":"","txIdUrl":"",
"status":2,"createdAt":"2019-06-28 03:36:00.142","updatedAt":"2019-06-28 03:36:00.142",
"createTime":"1564139674269","updateTime":"1564139674269"}]}"""
DOC_WITHDRAW = """{"status":0,"data":[{"orderId":"393906283211704832",
"clientWithdrawalId":"1561693260604","userId":"391906699396551425",
"accountId":"391906699396551424","tokenId":"AT",
"address":"0x18B8CF0f7bC033b3A5bcC0d57e79Ff488283198c","addressTag":"",
"totalQuantity":"300582.13173","arriveQuantity":"300576.63321",
"txId":"0x2322bf438cf6c6e1b986d21906cce283da4c110fe10886293ec5d72ad67ef63c",
"txIdUrl":"https://etherscan.io/tx/0x2322","status":5,"createdAt":"2019-06-28 03:41:28.171",
"updatedAt":"2019-06-28 03:42:24.242","createTime":"1564139674269",
"updateTime":"1564139674269"}]}"""
DOC_OTC = """{"status":0,"data":[{"orderId":"799217464018271","userId":"385355808151729920",
"accountId":"385355808170330368","side":0,"tokenId":"BTC","currencyId":"CNY",
"price":"63525.41","quantity":"0.1","amount":"6352.54","fee":"0","paymentType":1,"status":50,
"transferDate":"2019-06-16 09:34:28.0","createDate":"2019-06-16 09:34:17.0",
"transferTime":"1564139674269","createTime":"1564139674269","updateTime":"1564139674269"}]}"""
DOC_TRADE = """{"status":0,"data":[{"tradeId":"393911800348851456","orderId":"393911800206245120",
"userId":"376650750486486785","accountId":"376650750486486784","symbolId":"ATUSDT",
"orderType":0,"side":1,"price":"0.0727","quantity":"114.42","amount":"8.318334",
"feeToken":"USDT","fee":"0.00008318334","matchTime":"2019-07-26 19:14:34.269",
"createTime":"1564139674269"}]}"""
DOC_FEE = """{"status":0,"data":[{"symbolId":"BTCUSDT","feeTokenId":"USDT","feeTotal":"1211.4"},
{"symbolId":"ETHUSDT","feeTokenId":"USDT","feeTotal":"275.005113245"}]}"""
DOC_LOCK = """{"status":0,"data":[{"id":525,"userId":217235926081077248,"tokenId":"AT",
"businessSubject":0,"secondBusinessSubject":0,"clientReqId":1560821724691,"lockAmount":"200",
"lockReason":"","createdTime":1560821724749,"updatedTime":1560821724749}]}"""
DOC_UNLOCK = """{"status":0,"data":[{"id":2633,"userId":217235926081077248,"tokenId":"USDT",
"businessSubject":0,"secondBusinessSubject":0,"clientReqId":410722994621856001,
"unlockAmount":"1","unlockReason":"SYNCTRANSFER","createdTime":1563697996413}]}"""


def data(text: str):
    """The ``data`` of a document example, read exactly as the adapter reads replies."""
    return loads_exact(text)["data"]


def test_document_holdings() -> None:
    first, second = stats.parse_holdings(data(DOC_DETAIL))
    assert first == stats.TokenHolding("390218434180309248", "97298429944266752",
                                       "390211168999864064", Decimal("0.0000374784"),
                                       Decimal("0.0000374784"), Decimal("0"))
    assert second.total == 0 and type(second.total) is Decimal
    [top] = stats.parse_holdings(data(DOC_TOP))
    assert plain(top.total) == "1006.0000374784" and top.lock == Decimal(1006)


def test_document_summary_and_cold_wallet() -> None:
    rows = stats.parse_summary(data(DOC_SUMMARY))
    assert [r.token_id for r in rows] == ["ETH", "LTC", "USDT"]
    assert str(rows[1].lock) == "41.1854" and str(rows[0].total) == "66932.00"
    [cold] = stats.parse_cold_wallet(data(DOC_COLD))
    assert (cold.cold_hold, cold.hot_remain) == (Decimal("57000.00"), Decimal("9832.00"))


def test_document_deposit_and_withdrawal() -> None:
    [deposit] = stats.parse_deposits(data(DOC_DEPOSIT))
    assert deposit.order_id == "393903531505007872" and deposit.quantity == Decimal(100)
    assert deposit.status == 2 and deposit.create_time == 1564139674269
    assert deposit.status_text == "credited"
    [withdrawal] = stats.parse_withdrawals(data(DOC_WITHDRAW))
    assert str(withdrawal.total_quantity) == "300582.13173"
    assert str(withdrawal.arrive_quantity) == "300576.63321"
    assert withdrawal.client_withdrawal_id == "1561693260604"
    assert withdrawal.status == 5 and not withdrawal.awaiting_broker_audit
    audit = json.loads(DOC_WITHDRAW)
    audit["data"][0]["status"] = 1
    [pending] = stats.parse_withdrawals(loads_exact(json.dumps(audit))["data"])
    assert pending.awaiting_broker_audit and pending.status_text == "awaiting broker audit"


def test_document_otc_trade_fee() -> None:
    [otc] = stats.parse_otc_orders(data(DOC_OTC))
    assert (otc.price, otc.quantity, otc.amount) == (Decimal("63525.41"), Decimal("0.1"),
                                                     Decimal("6352.54"))
    assert otc.status_text == "done" and otc.transfer_time == 1564139674269
    [trade] = stats.parse_trades(data(DOC_TRADE))
    assert str(trade.fee) == "0.00008318334" and trade.fee_token == "USDT"
    assert (trade.side, trade.order_type, trade.symbol_id) == (1, 0, "ATUSDT")
    fees = stats.parse_fees(data(DOC_FEE))
    assert str(fees[1].fee_total) == "275.005113245"


def test_document_lock_records_with_integer_ids() -> None:
    [lock] = stats.parse_locks(data(DOC_LOCK))
    assert lock.user_id == "217235926081077248"  # a JSON number past 2**53, kept exact
    assert lock.id == "525" and lock.lock_amount == Decimal(200)
    assert lock.client_req_id == "1560821724691" and lock.updated_time == 1560821724749
    [unlock] = stats.parse_unlocks(data(DOC_UNLOCK))
    assert unlock.client_req_id == "410722994621856001"
    assert unlock.unlock_reason == "SYNCTRANSFER" and unlock.unlock_amount == Decimal(1)


@pytest.mark.parametrize("parse, text, breakage", [
    (stats.parse_holdings, DOC_DETAIL, {"total": "1.5.0"}),
    (stats.parse_holdings, DOC_DETAIL, {"id": "12abc"}),
    (stats.parse_summary, DOC_SUMMARY, {"tokenId": None}),
    (stats.parse_deposits, DOC_DEPOSIT, {"status": True}),
    (stats.parse_withdrawals, DOC_WITHDRAW, {"totalQuantity": "NaN"}),
    (stats.parse_otc_orders, DOC_OTC, {"createTime": "yesterday"}),
    (stats.parse_trades, DOC_TRADE, {"fee": None}),
    (stats.parse_fees, DOC_FEE, {"feeTotal": "1E+400"}),
    (stats.parse_locks, DOC_LOCK, {"userId": -5}),
])
def test_malformed_rows_are_refused(parse, text, breakage) -> None:
    reply = loads_exact(text)
    reply["data"][0].update(breakage)
    with pytest.raises((TypeError, ValueError, ArithmeticError)):
        parse(reply["data"])


def test_not_a_list_is_refused() -> None:
    with pytest.raises(TypeError):
        stats.parse_fees({"symbolId": "BTCUSDT"})
    assert stats.parse_fees(None) == []


# -- adapter <-> sandbox over loopback -------------------------------------------------------


def window() -> tuple[int, int]:
    now = int(time.time() * 1000)
    return now - 30 * DAY_MS, now + DAY_MS


async def test_holdings_detail_top_summary(client) -> None:
    box, venue = client
    detail = await venue.stats_token_hold_detail("USDT", limit=500)
    assert {h.user_id for h in detail} >= {BHEX.user_id, *OTHERS}
    assert [int(h.id) for h in detail] == sorted((int(h.id) for h in detail), reverse=True)
    assert all(h.total == h.available + h.lock for h in detail)
    one = await venue.stats_token_hold_detail("USDT", limit=1)
    older = await venue.stats_token_hold_detail("USDT", from_id=one[0].id, limit=500)
    assert one + older == detail
    top = await venue.stats_token_hold_top("USDT", top=2)
    assert len(top) == 2 and top[0].total >= top[1].total
    assert top[0].total == max(h.total for h in detail)
    summary = {s.token_id: s for s in await venue.stats_token_hold_summary()}
    assert summary["USDT"].total == sum((h.total for h in detail), Decimal(0))
    cold = {c.token_id: c for c in await venue.stats_cold_wallet_info()}
    assert cold["USDT"].cold_hold + cold["USDT"].hot_remain == cold["USDT"].total
    with pytest.raises(InvalidRequest):
        await venue.stats_token_hold_top("USDT", top=501)


async def test_deposits_all_users_paged(client) -> None:
    _, venue = client
    start, end = window()
    first = await venue.stats_deposit_order(start, end)
    assert len(first) == 20  # the document's default limit
    rest = await venue.stats_deposit_order(start, end, from_id=first[-1].order_id, limit=500)
    ids = [int(d.order_id) for d in first + rest]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert all(type(d.quantity) is Decimal for d in first)
    btc = await venue.stats_deposit_order(start, end, token_id="BTC", limit=500)
    assert btc and all(d.token_id == "BTC" for d in btc)
    assert await venue.stats_deposit_order(0, 1) == []


async def test_withdrawals_include_the_broker_audit_worklist(client) -> None:
    _, venue = client
    start, end = window()
    rows = await venue.stats_withdraw_order(start, end, limit=100)
    assert len(rows) == len(SEEDED_WITHDRAWALS)
    audit = [w for w in rows if w.awaiting_broker_audit]
    assert {str(w.total_quantity) for w in audit} == {"300582.13173", "12.5"}
    assert {w.user_id for w in rows} <= set(OTHERS)
    usdt = await venue.stats_withdraw_order(start, end, token_id="USDT")
    assert {w.token_id for w in usdt} == {"USDT"}


async def test_live_withdrawal_appears(client) -> None:
    box, venue = client
    from pydantic import SecretStr

    from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD

    quote = await venue.withdraw_quote("BTC")
    await venue.asset_withdraw(BHEX.user_id, "BTC", "77", "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe",
                               Decimal("0.001"), quote.miner_fee_suggested or Decimal(0),
                               quote.convert_rate or Decimal(0), SecretStr(DEMO_TRADE_PASSWORD))
    start, end = window()
    rows = await venue.stats_withdraw_order(start, end, limit=100)
    mine = [w for w in rows if w.user_id == BHEX.user_id]
    assert len(mine) == 1 and mine[0].total_quantity == Decimal("0.001")
    assert mine[0].client_withdrawal_id == "77"


async def test_otc_trades_fees(client) -> None:
    _, venue = client
    start, end = window()
    otc = await venue.stats_otc_order(start, end, limit=100)
    assert otc and all(o.amount == o.price * o.quantity for o in otc)
    trades = []
    cursor = None
    while True:
        page = await venue.stats_trade_detail(start, end, from_id=cursor, limit=25)
        trades += page
        if len(page) < 25:
            break
        cursor = page[-1].trade_id
    assert len({t.trade_id for t in trades}) == len(trades) > 25
    fees = await venue.stats_trade_fee(start, end)
    by_key = {(f.symbol_id, f.fee_token_id): f.fee_total for f in fees}
    expected: dict[tuple[str, str], Decimal] = {}
    for t in trades:
        key = (t.symbol_id, t.fee_token)
        expected[key] = expected.get(key, Decimal(0)) + t.fee
    assert by_key == expected
    eth = await venue.stats_trade_fee(start, end, symbol_id="ETHBTC")
    assert {f.symbol_id for f in eth} == {"ETHBTC"}
    with pytest.raises(InvalidRequest):
        await venue.stats_trade_fee(end, start)


async def test_lock_and_unlock_records(client) -> None:
    _, venue = client
    locks = await venue.stats_lock_record(OTHERS[0])
    assert locks and {r.user_id for r in locks} == {OTHERS[0]}
    older = await venue.stats_lock_record(OTHERS[0], from_id=locks[0].id)
    assert older == locks[1:]
    unlocks = await venue.stats_unlock_record(BHEX.user_id, token_id="USDT")
    assert unlocks and {u.token_id for u in unlocks} == {"USDT"}
    with pytest.raises(InvalidRequest):
        await venue.stats_lock_record("1")


async def test_download_data(client, tmp_path) -> None:
    _, venue = client
    target = tmp_path / "balance.xlsx"
    seen: list[tuple[int, int | None]] = []
    size = await venue.stats_download_data("balance", "2020-01-02", target,
                                           progress=lambda n, total: seen.append((n, total)))
    assert target.read_bytes() == download_bytes("balance", "2020-01-02")
    assert size == target.stat().st_size and seen[-1][0] == size
    assert zipfile.is_zipfile(target)
    missing = tmp_path / "none.xlsx"
    with pytest.raises(InvalidRequest, match="no balance file"):
        await venue.stats_download_data("balance", "2999-01-01", missing)
    assert not missing.exists() and not list(tmp_path.glob(".*part"))
    with pytest.raises(InvalidRequest):
        await venue.stats_download_data("lock_position", "2019-11-13", missing)
    with pytest.raises(InvalidRequest):
        await venue.stats_download_data("secrets", "2020-01-01", missing)


async def test_faults_and_bad_signature(client, tmp_path) -> None:
    box, venue = client
    box.faults.configure("bhex", error_rate=1.0)
    start, end = window()
    with pytest.raises(VenueUnavailable):
        await venue.stats_trade_fee(start, end)
    box.faults.configure()
    bad = BhexVenue(VenueSettings(profile="x", base_url=venue.settings.base_url,
                                  user_id=BHEX.user_id),
                    Credentials(BHEX.api_key, "not-the-secret-at-all"))
    try:
        with pytest.raises(AuthError) as caught:
            await bad.stats_token_hold_summary()
        assert "not-the-secret-at-all" not in str(caught.value)
        with pytest.raises(AuthError):
            await bad.stats_download_data("balance", "2020-01-02", tmp_path / "x.xlsx")
    finally:
        await bad.aclose()
    assert not list(tmp_path.iterdir())  # no file, no part left behind
    box.faults.configure("bhex", error_rate=1.0)
    with pytest.raises(VenueUnavailable):
        await venue.stats_download_data("balance", "2020-01-02", tmp_path / "y.xlsx")
    assert not list(tmp_path.iterdir())


async def test_malformed_reply_over_http(tmp_path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("basic/time"):
            return httpx.Response(200, json={"time": str(int(time.time() * 1000))})
        return httpx.Response(200, json={"status": 0, "data": [{"symbolId": "BTCUSDT",
                                                                "feeTokenId": "USDT",
                                                                "feeTotal": "one"}]})

    venue = BhexVenue(VenueSettings(profile="m", base_url="http://venue",
                                    transport=httpx.MockTransport(handler)),
                      Credentials("k" * 16, "s" * 16))
    try:
        with pytest.raises(MalformedReply):
            await venue.stats_trade_fee(0, 1)
    finally:
        await venue.aclose()


async def test_walk_pages_stops_at_limit_and_on_a_stuck_cursor() -> None:
    rows = [str(n) for n in range(250, 0, -1)]
    asked: list[tuple[str | None, int]] = []

    async def fetch(cursor, size):
        asked.append((cursor, size))
        kept = [r for r in rows if cursor is None or int(r) < int(cursor)]
        return kept[:size]

    everything = await stats.walk_pages(fetch, str)
    assert everything == rows and asked[1] == ("151", 100)
    asked.clear()
    assert await stats.walk_pages(fetch, str, 130) == rows[:130]
    assert asked == [(None, 100), ("151", 30)]

    async def stuck(cursor, size):  # a venue that ignores from_id
        return rows[:size]

    assert await stats.walk_pages(stuck, str, page=10) == rows[:10]



def test_every_model_is_read_field_by_field_in_its_own_order() -> None:
    """Each parser's table names its model's fields once, in order, by their camelCase
    wire names (so a reply missing fields is refused at the first the document lists)."""
    from dataclasses import fields

    parsers = [getattr(stats, name) for name in stats.__all__ if name.startswith("parse_")]
    assert len(parsers) == 10
    for parse in parsers:
        assert [name for name, _, _ in parse.fields] == [f.name for f in fields(parse.model)]
        assert parse.__doc__
    assert [wire for _, wire, _ in stats.parse_withdrawals.fields][:3] == [
        "orderId", "clientWithdrawalId", "userId"]
