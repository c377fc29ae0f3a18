"""Each adapter against canned replies (httpx.MockTransport): the documents' own example
replies become exact balances, requests are signed as docs/wire.md says, and refusals
become typed errors that keep the venue's words but never the key, secret or signature."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from tui.core.errors import (
    AuthError,
    ConfigError,
    InsufficientFunds,
    InvalidRequest,
    RateLimited,
    VenueError,
)
from tui.core.models import AccountKind, AccountRef
from tui.venues import signers
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue
from tui.venues.bitunix import BitunixVenue
from tui.venues.bitz import BitzVenue
from tui.venues.chainup import PAGE_SIZE, ChainupVenue
from tui.venues.fcoin import FcoinVenue

KEY = "KEY-abc123-visible-nowhere"
SECRET = "SECRET-xyz789-visible-nowhere"
NO_WAIT = RetryPolicy(attempts=3, base_delay=0, max_delay=0)


def make(cls, handler, user_id=None):
    """An adapter for ``cls`` whose requests go to ``handler``."""
    settings = VenueSettings(profile="p1", base_url=f"http://venue.test/{cls.venue_id}",
                             user_id=user_id, transport=httpx.MockTransport(handler),
                             retry=NO_WAIT)
    return cls(settings, Credentials(KEY, SECRET))


def reply(status: int, text: str) -> httpx.Response:
    """A reply whose JSON text is sent byte for byte (numbers stay as written)."""
    return httpx.Response(status, content=text.encode(),
                          headers={"Content-Type": "application/json"})


def assert_clean(error: Exception, *signatures: str) -> None:
    """No key, secret or signature in the error's text."""
    text = str(error) + repr(error.args)
    for secret in (KEY, SECRET, *signatures):
        assert secret not in text


def amounts(balance):
    """(available, frozen, total) of a balance."""
    return balance.available, balance.frozen, balance.total


# -- fcoin ---------------------------------------------------------------------------

FCOIN_ACCOUNTS = """{"USDS":[5024,0],"BTC":[45.591,0],"ETH":[5094.859925211325094096,0],
"USDT":[32934.951247512771511524,0]}"""


async def test_fcoin_balances_are_exact_and_signed_over_the_full_url():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["request"] = request
        return reply(200, FCOIN_ACCOUNTS)

    venue = make(FcoinVenue, handler)
    balances = await venue.balances()
    by_coin = {b.coin: b for b in balances}
    assert amounts(by_coin["ETH"]) == (Decimal("5094.859925211325094096"), 0,
                                       Decimal("5094.859925211325094096"))
    assert str(by_coin["USDT"].available) == "32934.951247512771511524"
    assert by_coin["USDS"].available == 5024
    assert {b.account for b in balances} == {AccountRef(kind=AccountKind.ASSET_CENTER)}
    assert {(b.profile, b.venue) for b in balances} == {("p1", "fcoin")}

    request = seen["request"]
    timestamp = request.headers["FC-ACCESS-TIMESTAMP"]
    url = "http://venue.test/fcoin/v2/assets/user/accounts"
    assert str(request.url) == url
    assert request.headers["FC-ACCESS-KEY"] == KEY
    assert request.headers["FC-ACCESS-SIGNATURE"] == signers.fcoin_sign(SECRET, "GET", url, timestamp)


async def test_fcoin_signs_sorted_query_and_body():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["request"] = request
        return reply(200, '{"id": 1, "status": "DONE", "msg": null, "amount": 1.000000000000000000}')

    venue = make(FcoinVenue, handler)
    body = '{"sourceId":"s1","currency":"BTC","amount":"1"}'
    result = await venue.request("POST", "/v2/assets/spots/transfer/out", params={"b": 2, "a": 1},
                                 json_body=body, read=False)
    assert result["amount"] == Decimal("1.000000000000000000")
    request = seen["request"]
    url = "http://venue.test/fcoin/v2/assets/spots/transfer/out?a=1&b=2"
    assert str(request.url) == url
    assert request.content == body.encode()
    expected = signers.fcoin_sign(SECRET, "POST", url, request.headers["FC-ACCESS-TIMESTAMP"],
                                  "amount=1&currency=BTC&sourceId=s1")
    assert request.headers["FC-ACCESS-SIGNATURE"] == expected


@pytest.mark.parametrize("status, code, msg, kind", [
    (401, 6005, "api signature not valid", AuthError),
    (401, 6001, "api key not found", AuthError),
    (401, 6004, "timestamp out of range", AuthError),
    (400, 6000, "invalid request", InvalidRequest),
])
async def test_fcoin_errors(status, code, msg, kind):
    sent = {}

    def handler(request: httpx.Request) -> httpx.Response:
        sent["signature"] = request.headers["FC-ACCESS-SIGNATURE"]
        return reply(status, json.dumps({"status": code, "msg": msg}))

    with pytest.raises(kind) as caught:
        await make(FcoinVenue, handler).balances()
    assert caught.value.code == str(code)
    assert caught.value.venue_message == msg
    assert msg in str(caught.value)
    assert_clean(caught.value, sent["signature"])


# -- bitunix -------------------------------------------------------------------------

BITUNIX_ACCOUNT = """{"code":"0","msg":"result.success","success":true,"data":[
{"coin":"BTC","balance":0.000123456789012345678,"balanceLocked":1.5},
{"coin":"USDT","balance":20.00,"balanceLocked":0}]}"""


async def test_bitunix_balances_and_signature():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["request"] = request
        return reply(200, BITUNIX_ACCOUNT)

    balances = await make(BitunixVenue, handler).balances()
    btc, usdt = balances
    assert amounts(btc) == (Decimal("0.000123456789012345678"), Decimal("1.5"),
                            Decimal("1.500123456789012345678"))
    assert str(usdt.available) == "20.00"
    assert btc.account == AccountRef(kind=AccountKind.SPOT)

    headers = seen["request"].headers
    assert len(headers["nonce"]) == 32 and headers["api-key"] == KEY
    assert headers["Content-Type"] == "application/json"
    assert headers["sign"] == signers.bitunix_sign(SECRET, KEY, headers["nonce"],
                                                   headers["timestamp"], [], "")


@pytest.mark.parametrize("code, msg, kind", [
    ("100005", "Signature error", AuthError),
    ("100004", "API key not exist", AuthError),
    ("100003", "Timestamp expired", AuthError),
    ("100001", "Parameter error", InvalidRequest),
    ("110007", "amount below fee", InsufficientFunds),
    ("999999", "something new", VenueError),
])
async def test_bitunix_errors(code, msg, kind):
    sent = {}

    def handler(request: httpx.Request) -> httpx.Response:
        sent["signature"] = request.headers["sign"]
        return reply(200, json.dumps({"code": code, "msg": msg, "data": None, "success": False}))

    with pytest.raises(kind) as caught:
        await make(BitunixVenue, handler).balances()
    assert (caught.value.code, caught.value.venue_message) == (code, msg)
    assert_clean(caught.value, sent["signature"])


async def test_bitunix_rate_limit_code_is_retried_for_reads():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return reply(200, '{"code":"110041","msg":"Too many requests","data":null,"success":false}')
        return reply(200, BITUNIX_ACCOUNT)

    assert len(await make(BitunixVenue, handler).balances()) == 2
    assert len(calls) == 2


# -- bitz ----------------------------------------------------------------------------

BITZ_ASSETS = """{"status": 200, "msg": "", "data": {"cny": "0.00000000", "usd": "0.00000000",
"btc_total": "0.00000000", "info": [{"name": "zpr", "num": "37.49067275",
"over": "37.49067275", "lock": "0.00000000", "btc": "0.00000000", "usd": "0.00000000",
"cny": "0.00000000"}, {"name": "usdt", "num": "12.000000000000000001", "over": "2.5",
"lock": "9.500000000000000001", "btc": "0.00012", "usd": "12.01", "cny": "86.1"}]},
"time": 1532672546, "microtime": "0.94303600 1532672546", "source": "api"}"""


async def test_bitz_balances_with_valuations_and_signed_form():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["request"] = request
        return reply(200, BITZ_ASSETS)

    zpr, usdt = await make(BitzVenue, handler).balances()
    assert zpr.coin == "ZPR"
    assert amounts(zpr) == (Decimal("37.49067275"), Decimal("0E-8"), Decimal("37.49067275"))
    assert str(zpr.total) == "37.49067275"
    assert usdt.total == Decimal("12.000000000000000001")
    assert usdt.valuations == {"btc": Decimal("0.00012"), "usd": Decimal("12.01"),
                               "cny": Decimal("86.1")}

    request = seen["request"]
    assert request.method == "POST" and request.url.path == "/bitz/Assets/getUserAssets"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = parse_qsl(request.content.decode())
    form = dict(fields)
    assert form["apiKey"] == KEY and len(form["nonce"]) == 6 and len(form["timeStamp"]) == 10
    assert form["sign"] == signers.bitz_sign(SECRET, fields)


@pytest.mark.parametrize("code, msg, kind", [
    (-105, "Invalid api signature", AuthError),
    (-109, "Invalid apiKey", AuthError),
    (-103, "Request timestamp expired", AuthError),
    (-102, "Invalid parameter", InvalidRequest),
])
async def test_bitz_errors(code, msg, kind):
    sent = {}

    def handler(request: httpx.Request) -> httpx.Response:
        sent["signature"] = dict(parse_qsl(request.content.decode()))["sign"]
        return reply(200, json.dumps({"status": code, "msg": msg, "data": None,
                                      "time": 1532672546, "microtime": "0.1 1532672546",
                                      "source": "api"}))

    with pytest.raises(kind) as caught:
        await make(BitzVenue, handler).balances()
    assert (caught.value.code, caught.value.venue_message) == (str(code), msg)
    assert_clean(caught.value, sent["signature"])


# -- chainup -------------------------------------------------------------------------

CHAINUP_ROWS = [
    # uid 7: spot available split over two rows, spot frozen (202 and 221), otc, lockup,
    # margin and an undocumented code.
    ("1", "7", "BTC", "201101", "1.000000000000000001"),
    ("2", "7", "BTC", "2011127", "2"),
    ("3", "7", "BTC", "202106", "0.5"),
    ("4", "7", "BTC", "221001", "0.25"),
    ("5", "7", "USDT", "217001", "10"),
    ("6", "7", "USDT", "218001", "3"),
    ("7", "7", "USDT", "207001", "4"),
    ("8", "7", "USDT", "230001", "5"),
    ("9", "7", "USDT", "210001", "6"),
    ("10", "7", "USDT", "2016002", "0.0000000000000189"),
    ("11", "7", "DOGE", "299001", "1"),
    # uid 8: the document's long balance
    ("12", "8", "USDT", "20111128", "149555114.0139600009053943"),
    ("13", "8", "BTC", "20211127", "0.421404"),
]


def chainup_rows(rows=CHAINUP_ROWS, update_time=1747712075000):
    """ChainUp account rows shaped as the document's, from (id, uid, coin, type, balance)."""
    return [{"id": i, "uid": uid, "showName": coin, "coin": coin + "1658", "type": t,
             "balance": bal, "updateTime": str(update_time)} for i, uid, coin, t, bal in rows]


def chainup_reply(rows):
    """A ChainUp success reply carrying ``rows``."""
    return reply(200, json.dumps({"code": "0", "msg": "suc", "data": {"accounts": rows}}))


async def test_chainup_user_view_groups_rows_by_coin_and_account():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return chainup_reply(chainup_rows())

    balances = await make(ChainupVenue, handler, user_id="7").balances()
    got = {(b.coin, b.account.label): (b.available, b.frozen) for b in balances}
    assert got == {
        ("BTC", "spot"): (Decimal("3.000000000000000001"), Decimal("0.75")),
        ("DOGE", "other (299)"): (Decimal("1"), Decimal("0")),
        ("USDT", "lockup"): (Decimal("0"), Decimal("9")),
        ("USDT", "margin (otc merchant margin)"): (Decimal("6"), Decimal("0")),
        ("USDT", "otc"): (Decimal("10"), Decimal("3")),
        ("USDT", "spot"): (Decimal("0.0000000000000189"), Decimal("0")),
    }

    body = json.loads(seen[0].content)
    assert seen[0].url.path.endswith("/ouser/batchQueryUserAccountsByStartId")
    assert (body["startId"], body["limit"], body["appKey"]) == (0, PAGE_SIZE, KEY)
    fields = [(k, str(v)) for k, v in body.items()]
    assert body["sign"] == signers.chainup_sign(SECRET, fields)


async def test_chainup_org_view_totals_every_user():
    venue = make(ChainupVenue, lambda request: chainup_reply(chainup_rows()))
    balances = await venue.balances()
    usdt_spot = [b for b in balances if b.coin == "USDT" and b.account.kind == AccountKind.SPOT]
    assert len(usdt_spot) == 1
    assert usdt_spot[0].account.name == "org total"
    assert usdt_spot[0].available == Decimal("149555114.0139600009053943") + \
        Decimal("0.0000000000000189")

    per_user = await venue.org_balances()
    assert sorted(per_user) == ["7", "8"]
    assert {(b.coin, b.account.label, b.total) for b in per_user["8"]} == {
        ("USDT", "spot", Decimal("149555114.0139600009053943")),
        ("BTC", "spot", Decimal("0.421404")),
    }


@pytest.mark.parametrize("code, msg, kind", [
    ("10007", "sign error", AuthError),
    ("10006", "appKey invalid", AuthError),
    ("10001", "param error", InvalidRequest),
])
async def test_chainup_errors(code, msg, kind):
    sent = {}

    def handler(request: httpx.Request) -> httpx.Response:
        sent["signature"] = json.loads(request.content)["sign"]
        return reply(200, json.dumps({"code": code, "msg": msg, "data": None}))

    with pytest.raises(kind) as caught:
        await make(ChainupVenue, handler, user_id="7").balances()
    assert (caught.value.code, caught.value.venue_message) == (code, msg)
    assert_clean(caught.value, sent["signature"])


# -- bhex ----------------------------------------------------------------------------

BHEX_BALANCE = """{"status":0,"data":[
{"tokenId":"BTC","tokenName":"BTC","total":"0.002076307322576214","free":"0.002076307322576214","locked":"0","position":"0"},
{"tokenId":"USDT","tokenName":"USDT","total":"1.044193677307098366","free":"0.044193677307098366","locked":"1","position":"1"}]}"""
BHEX_SUBS = """[{"accountId":"476682884348973312","accountName":"main wallet","accountType":1,"accountIndex":0},
{"accountId":"482698709891649792","accountName":"quant team 1","accountType":1,"accountIndex":1},
{"accountId":"482698709891649793","accountName":"quant futures","accountType":3,"accountIndex":2}]"""
BHEX_TIME = '{"status":0,"data":{"time":"1561627873483"}}'


def bhex_handler(log):
    """A BHEX handler answering time, sub-accounts and balances; logs each request."""
    def handler(request: httpx.Request) -> httpx.Response:
        log.append(request)
        path = request.url.path
        if path.endswith("/basic/time"):
            return reply(200, BHEX_TIME)
        if path.endswith("/sub_account/query"):
            return reply(200, BHEX_SUBS)
        return reply(200, BHEX_BALANCE)
    return handler


async def test_bhex_balances_for_main_contract_and_sub_accounts():
    log = []
    venue = make(BhexVenue, bhex_handler(log), user_id="42")
    balances = await venue.balances()
    accounts = {b.account for b in balances}
    assert accounts == {
        AccountRef(kind=AccountKind.SPOT, index=0, name="main wallet"),
        AccountRef(kind=AccountKind.CONTRACT, index=0),
        AccountRef(kind=AccountKind.SPOT, index=1, name="quant team 1"),
        AccountRef(kind=AccountKind.CONTRACT, index=2, name="quant futures"),
    }
    usdt = next(b for b in balances if b.coin == "USDT")
    assert amounts(usdt) == (Decimal("0.044193677307098366"), Decimal("1"),
                             Decimal("1.044193677307098366"))

    balance_calls = [dict(parse_qsl(r.content.decode())) for r in log
                     if r.url.path.endswith("/account/balance")]
    assert sorted((c["account_type"], c["account_index"]) for c in balance_calls) == \
        [("1", "0"), ("1", "1"), ("3", "0"), ("3", "2")]
    assert {c["user_id"] for c in balance_calls} == {"42"}
    sub_query = next(r for r in log if r.url.path.endswith("/sub_account/query"))
    assert "user_id" not in sub_query.url.params  # the document: no parameters


async def test_bhex_signs_query_and_form():
    log = []
    venue = make(BhexVenue, bhex_handler(log), user_id="42")
    await venue.basic_time()
    await venue.sub_account_query()
    await venue.account_balance("42", 3, 0)
    get, post = log[1], log[2]
    query = list(parse_qsl(get.url.query.decode()))
    assert dict(query)["signature"] == signers.bhex_sign(SECRET, query)
    form = list(parse_qsl(post.content.decode()))
    assert dict(form)["signature"] == signers.bhex_sign(SECRET, form)
    assert "signature" not in str(post.url)
    assert get.headers["X-ACCESS-KEY"] == post.headers["X-ACCESS-KEY"] == KEY
    assert "X-ACCESS-KEY" not in log[0].headers  # the time endpoint is public


async def test_bhex_signs_with_the_local_clock_until_told_it_is_stale():
    log = []
    venue = make(BhexVenue, bhex_handler(log), user_id="42")
    await venue.account_balance("42")
    assert [r.url.path.rsplit("/", 1)[-1] for r in log] == ["balance"]  # no extra round trip
    assert venue.clock_offset_ms == 0


async def test_bhex_clock_offset_is_measured_from_basic_time():
    log = []
    venue = make(BhexVenue, bhex_handler(log), user_id="42")
    assert await venue.basic_time() == 1561627873483
    await venue.sync_clock()
    await venue.account_balance("42")
    assert log[0].url.path.endswith("/basic/time")
    timestamp = int(dict(parse_qsl(log[-1].content.decode()))["timestamp"])
    assert abs(timestamp - 1561627873483) < 5_000
    assert venue.clock_offset_ms < -1_000_000_000  # the server's clock is in 2019


async def test_bhex_needs_a_user_id():
    with pytest.raises(ConfigError):
        await make(BhexVenue, bhex_handler([])).balances()


@pytest.mark.parametrize("status, code, msg, kind", [
    (401, -1022, "Signature for this request is not valid.", AuthError),
    (401, -2015, "Invalid API-key", AuthError),
    (400, -1021, "Timestamp for this request is outside of the recvWindow.", AuthError),
    (400, -1100, "Illegal characters found in a parameter.", InvalidRequest),
    (429, -1003, "Too many requests.", RateLimited),
])
async def test_bhex_errors(status, code, msg, kind):
    sent = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/basic/time"):
            return reply(200, BHEX_TIME)
        sent["signature"] = dict(parse_qsl(request.content.decode()))["signature"]
        return reply(status, json.dumps({"status": code, "msg": msg}))

    with pytest.raises(kind) as caught:
        await make(BhexVenue, handler, user_id="42").account_balance("42")
    assert (caught.value.code, caught.value.venue_message) == (str(code), msg)
    assert_clean(caught.value, sent["signature"])
    assert "?" not in str(caught.value)


async def test_bhex_stale_timestamp_measures_the_clock_again_and_resends_once():
    log, times = [], iter(["1561627873483", "1561627999000"])

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(request.url.path.rsplit("/", 1)[-1])
        if request.url.path.endswith("/basic/time"):
            return reply(200, '{"status":0,"data":{"time":"%s"}}' % next(times))
        if log.count("balance") == 1:
            return reply(400, '{"status":-1021,"msg":"Timestamp for this request is outside '
                              'of the recvWindow."}')
        return reply(200, BHEX_BALANCE)

    rows = await make(BhexVenue, handler, user_id="42").account_balance("42")
    assert len(rows) == 2
    assert log == ["balance", "time", "balance"]


async def test_bhex_concurrent_stale_refusals_share_one_clock_measurement():
    log, server_ms = [], 1561627873483

    async def handler(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        log.append(name)
        await asyncio.sleep(0.01)  # a network: the three requests are in flight together
        if name == "time":
            return reply(200, '{"status":0,"data":{"time":"%d"}}' % server_ms)
        if abs(int(dict(parse_qsl(request.content.decode()))["timestamp"]) - server_ms) > 30_000:
            return reply(400, '{"status":-1021,"msg":"Timestamp for this request is outside '
                              'of the recvWindow."}')
        return reply(200, BHEX_BALANCE)

    venue = make(BhexVenue, handler, user_id="42")
    results = await asyncio.gather(*(venue.account_balance("42", 1, i) for i in range(3)))
    assert all(len(rows) == 2 for rows in results)
    assert log.count("time") == 1
    assert log.count("balance") == 6  # all three were refused once, then resent once
