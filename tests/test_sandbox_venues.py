"""The simulated venues answer in their documents' shapes and check keys, signatures and
timestamps as docs/wire.md says. Signatures here come from this file's own helpers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
from decimal import Decimal
from urllib.parse import urlencode

import httpx
import pytest

from tui.core.money import loads_exact
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.fcoin import fcoin_body_text, fcoin_signature

NOW = 1_764_000_000.0  # float-ok: a fixed clock, seconds
NOW_MS = int(NOW * 1000)  # float-ok
PROFILES = {p.venue: p for p in DEMO_PROFILES}


def clock() -> float:  # float-ok: seconds
    return NOW


@pytest.fixture
def box() -> Sandbox:
    return Sandbox(clock=clock)


def client(box: Sandbox, venue: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=box.app),
                             base_url=f"http://sandbox/{venue}")


# -- this file's own signers -----------------------------------------------------------

def sign_fcoin(secret: str, method: str, url: str, ts: str, body: str = "") -> str:
    payload = base64.b64encode((method + url + ts + body).encode())
    return base64.b64encode(hmac.new(secret.encode(), payload, hashlib.sha1).digest()).decode()


def fcoin_headers(ts_ms: int = NOW_MS, *, key: str | None = None, secret: str | None = None,
                  url: str = "http://sandbox/fcoin/v2/assets/user/accounts") -> dict[str, str]:
    p = PROFILES["fcoin"]
    sig = sign_fcoin(secret or p.secret, "GET", url, str(ts_ms))
    return {"FC-ACCESS-KEY": key or p.api_key, "FC-ACCESS-TIMESTAMP": str(ts_ms),
            "FC-ACCESS-SIGNATURE": sig}


def bitunix_headers(ts_ms: int = NOW_MS, *, key: str | None = None,
                    secret: str | None = None) -> dict[str, str]:
    p = PROFILES["bitunix"]
    nonce = "a" * 32
    digest = hashlib.sha256(f"{nonce}{ts_ms}{key or p.api_key}".encode()).hexdigest()
    sign = hashlib.sha256((digest + (secret or p.secret)).encode()).hexdigest()
    return {"api-key": key or p.api_key, "nonce": nonce, "timestamp": str(ts_ms), "sign": sign}


def bitz_form(ts_s: int = int(NOW), *, key: str | None = None, secret: str | None = None) -> str:
    p = PROFILES["bitz"]
    params = {"apiKey": key or p.api_key, "timeStamp": str(ts_s), "nonce": "309127"}
    text = "&".join(f"{k}={params[k]}" for k in sorted(params))
    params["sign"] = hashlib.md5((text + (secret or p.secret)).encode()).hexdigest()
    return urlencode(params)


def chainup_body(fields: dict, *, key: str | None = None, secret: str | None = None) -> str:
    p = PROFILES["chainup"]
    body = {"appKey": key or p.api_key, **fields}
    text = "&".join(f"{k}={body[k]}" for k in sorted(body))
    body["sign"] = hashlib.md5((text + (secret or p.secret)).encode()).hexdigest()
    return json.dumps(body)


def bhex_params(params: dict, ts_ms: int = NOW_MS, *, secret: str | None = None) -> dict:
    p = PROFILES["bhex"]
    params = {**params, "timestamp": str(ts_ms)}
    text = "&".join(f"{k}={params[k]}" for k in sorted(params))
    params["signature"] = hmac.new((secret or p.secret).encode(), text.encode(),
                                   hashlib.sha256).hexdigest()
    return params


BHEX_KEY = {"X-ACCESS-KEY": PROFILES["bhex"].api_key}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


# -- published examples ---------------------------------------------------------------

def test_fcoin_signature_matches_the_published_example() -> None:
    body = {"type": "limit", "side": "buy", "amount": "100.0", "price": "100.0",
            "symbol": "btcusdt"}
    args = ("3600d0a74aa3410fb3b1996cca2419c8", "POST", "https://api.fcoin.com/v2/orders",
            "1523069544359", fcoin_body_text(body))
    assert fcoin_signature(*args) == "DeP6oftldIrys06uq3B7Lkh3a0U="
    assert sign_fcoin(*args) == "DeP6oftldIrys06uq3B7Lkh3a0U="


def test_bhex_hmac_matches_the_published_example() -> None:
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    text = ("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
            "&recvWindow=5000&timestamp=1499827319559")
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    assert digest == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


# -- fcoin ----------------------------------------------------------------------------

async def test_fcoin_balances_keep_every_digit(box: Sandbox) -> None:
    async with client(box, "fcoin") as c:
        r = await c.get("/v2/assets/user/accounts", headers=fcoin_headers())
    assert r.status_code == 200
    assert '"ETH":[5094.859925211325094096,0]' in r.text
    assert "32934.951247512771511524" in r.text and '"32934' not in r.text
    data = loads_exact(r.content)
    assert data["USDT"] == [Decimal("32934.951247512771511524"), 0]
    assert data["BTC"] == [Decimal("45.591"), 0]
    assert data["USDS"] == [5024, 0]


@pytest.mark.parametrize("change, status, code", [
    ({"secret": "0" * 32}, 401, 6005),
    ({"key": "f" * 32}, 401, 6001),
    ({"ts_ms": NOW_MS - 31_000}, 401, 6004),
    ({"url": "http://elsewhere/fcoin/v2/assets/user/accounts"}, 401, 6005),
])
async def test_fcoin_refusals(box: Sandbox, change: dict, status: int, code: int) -> None:
    async with client(box, "fcoin") as c:
        r = await c.get("/v2/assets/user/accounts", headers=fcoin_headers(**change))
    assert r.status_code == status
    assert r.json()["status"] == code and r.json()["msg"]


async def test_fcoin_accepts_a_timestamp_within_30_seconds(box: Sandbox) -> None:
    async with client(box, "fcoin") as c:
        r = await c.get("/v2/assets/user/accounts", headers=fcoin_headers(NOW_MS + 29_000))
    assert r.status_code == 200


# -- bitunix --------------------------------------------------------------------------

async def test_bitunix_balances_are_json_numbers(box: Sandbox) -> None:
    async with client(box, "bitunix") as c:
        r = await c.get("/api/spot/v1/user/account", headers=bitunix_headers())
    body = loads_exact(r.content)
    assert r.status_code == 200
    assert (body["code"], body["msg"], body["success"]) == ("0", "result.success", True)
    coins = {row["coin"]: row for row in body["data"]}
    assert coins["ETH"]["balance"] == Decimal("1.204500000000000001")
    assert '"balance":1.204500000000000001' in r.text
    assert '"balance":19.000000000000000000' in r.text
    assert set(coins["USDT"]) == {"coin", "balance", "balanceLocked"}


@pytest.mark.parametrize("change, code", [
    ({"secret": "0" * 32}, "100005"),
    ({"key": "f" * 32}, "100004"),
    ({"ts_ms": NOW_MS + 61_000}, "100003"),
])
async def test_bitunix_refusals(box: Sandbox, change: dict, code: str) -> None:
    async with client(box, "bitunix") as c:
        r = await c.get("/api/spot/v1/user/account", headers=bitunix_headers(**change))
    assert r.status_code == 200
    assert r.json() == {"code": code, "msg": r.json()["msg"], "data": None, "success": False}


# -- bitz -----------------------------------------------------------------------------

async def test_bitz_assets_shape_and_exact_valuations(box: Sandbox) -> None:
    async with client(box, "bitz") as c:
        r = await c.post("/Assets/getUserAssets", content=bitz_form(), headers=FORM)
    body = r.json()
    assert (body["status"], body["msg"], body["source"]) == (200, "", "api")
    assert body["time"] == int(NOW) and body["microtime"] == f"0.00000000 {int(NOW)}"
    data = body["data"]
    assert list(data) == ["cny", "usd", "btc_total", "info"]
    info = {row["name"]: row for row in data["info"]}
    zpr = info["zpr"]
    assert zpr["num"] == zpr["over"] == "37.49067275" and zpr["lock"] == "0.00000000"
    assert zpr["btc"] == "0.00000450"  # 37.49067275 * 0.00000012 = 0.00000449888073
    assert zpr["usd"] == "0.40864833"  # * 0.0109 = 0.408648332975
    assert info["btc"]["num"] == "0.53310000"
    for column, total in (("btc", "btc_total"), ("usd", "usd"), ("cny", "cny")):
        assert Decimal(data[total]) == sum(Decimal(row[column]) for row in data["info"])
    assert all(isinstance(v, str) for row in data["info"] for v in row.values())


@pytest.mark.parametrize("change, code", [
    ({"secret": "0" * 32}, -105),
    ({"key": "f" * 32}, -109),
    ({"ts_s": int(NOW) - 61}, -103),
])
async def test_bitz_refusals(box: Sandbox, change: dict, code: int) -> None:
    async with client(box, "bitz") as c:
        r = await c.post("/Assets/getUserAssets", content=bitz_form(**change), headers=FORM)
    body = r.json()
    assert r.status_code == 200
    assert body["status"] == code and body["data"] is None and body["source"] == "api"


# -- chainup --------------------------------------------------------------------------

async def test_chainup_rows_shape_and_big_values(box: Sandbox) -> None:
    async with client(box, "chainup") as c:
        r = await c.post("/platformapi/chainup/open/ouser/batchQueryUserAccountsByUpdateTime",
                         content=chainup_body({"updateTime": NOW_MS - 86_000_000}),
                         headers=JSON)
    body = r.json()
    assert (body["code"], body["msg"]) == ("0", "suc")
    rows = body["data"]["accounts"]
    assert len(rows) > 1500  # the whole demo org: several hundred users, several accounts each
    assert set(rows[0]) == {"uid", "showName", "balance", "updateTime", "id", "type", "coin"}
    assert all(isinstance(v, str) for v in rows[0].values())
    assert any(row["balance"] == "149555114.0139600009053943" for row in rows)
    mine = [row for row in rows if row["uid"] == PROFILES["chainup"].user_id]
    assert len({row["coin"] for row in mine}) >= 3
    assert {row["type"][:3] for row in mine} >= {"201", "202", "217", "218", "230"}
    types = {row["type"][:3] for row in rows}
    assert types == {"201", "202", "207", "210", "217", "218", "221", "230"}
    stamps = [int(row["updateTime"]) for row in rows]
    assert len(set(stamps)) < len(stamps) // 4  # many rows share one updateTime
    assert all(NOW_MS - 86_400_000 < s <= NOW_MS for s in stamps)


@pytest.mark.parametrize("change, code", [
    ({"secret": "0" * 32}, "10007"),
    ({"key": "nobody_0000"}, "10006"),
])
async def test_chainup_refusals(box: Sandbox, change: dict, code: str) -> None:
    async with client(box, "chainup") as c:
        r = await c.post("/platformapi/chainup/open/ouser/batchQueryUserAccountsByStartId",
                         content=chainup_body({"startId": 0, "limit": 10}, **change),
                         headers=JSON)
    assert r.status_code == 200
    assert r.json()["code"] == code and r.json()["data"] is None


# -- bhex -----------------------------------------------------------------------------

async def test_bhex_time_and_tokens(box: Sandbox) -> None:
    async with client(box, "bhex") as c:
        time_reply = (await c.get("/api/v2/org/basic/time")).json()
        tokens = (await c.get("/api/v2/org/basic/tokens")).json()
    assert time_reply == {"status": 0, "data": {"time": str(NOW_MS)}}
    assert tokens["status"] == 0
    by_id = {t["tokenId"]: t for t in tokens["data"]}
    assert {"BTC", "USDT"} <= set(by_id)
    btc = by_id["BTC"]
    assert btc["baseTokenSymbols"][0]["symbolId"] == "BTCUSDT"
    assert btc["quoteTokenSymbols"][0]["symbolId"] == "ETHBTC"
    assert by_id["USDT"]["chainTypes"][1]["chainType"] == "ERC20"


async def test_bhex_sub_accounts_and_balances(box: Sandbox) -> None:
    user = PROFILES["bhex"].user_id
    async with client(box, "bhex") as c:
        subs = (await c.get("/api/v2/org/account/sub_account/query",
                            params=bhex_params({"user_id": user}), headers=BHEX_KEY)).json()
        main = (await c.post("/api/v2/org/account/balance", headers={**BHEX_KEY, **FORM},
                             content=urlencode(bhex_params({"user_id": user})))).json()
        contract = (await c.post("/api/v2/org/account/balance", headers={**BHEX_KEY, **FORM},
                                 content=urlencode(bhex_params(
                                     {"user_id": user, "account_type": "3",
                                      "token_ids": "USDT"})))).json()
    assert isinstance(subs, list)
    assert {(s["accountType"], s["accountIndex"]) for s in subs} >= {(1, 0), (3, 0), (1, 1),
                                                                      (1, 2), (3, 1)}
    assert all(s["accountName"] and s["accountId"].isdigit() for s in subs)
    assert main["status"] == 0
    usdt = next(row for row in main["data"] if row["tokenId"] == "USDT")
    assert usdt == {"tokenId": "USDT", "tokenName": "USDT", "total": "1.044193677307098366",
                    "free": "0.044193677307098366", "locked": "1", "position": "1"}
    assert [row["tokenId"] for row in contract["data"]] == ["USDT"]
    assert contract["data"][0]["total"] == "2630.334415720000000001"


@pytest.mark.parametrize("params, secret, ts_ms, status, code", [
    ({"user_id": PROFILES["bhex"].user_id}, "0" * 64, NOW_MS, 401, -1022),
    ({"user_id": PROFILES["bhex"].user_id}, None, NOW_MS - 31_000, 400, -1021),
    ({}, None, NOW_MS, 400, -1100),
    ({"user_id": "1"}, None, NOW_MS, 400, -1100),
])
async def test_bhex_refusals(box: Sandbox, params: dict, secret: str | None, ts_ms: int,
                             status: int, code: int) -> None:
    async with client(box, "bhex") as c:
        r = await c.get("/api/v2/org/account/balance_flow",
                        params=bhex_params(params, ts_ms, secret=secret), headers=BHEX_KEY)
    assert r.status_code == status and r.json()["status"] == code


async def test_bhex_unknown_key(box: Sandbox) -> None:
    async with client(box, "bhex") as c:
        r = await c.post("/api/v2/org/account/balance", headers={"X-ACCESS-KEY": "x", **FORM},
                         content=urlencode(bhex_params({"user_id": "1"})))
    assert r.status_code == 401 and r.json()["status"] == -2015


async def test_bhex_clock_skew_moves_time_and_checks(box: Sandbox) -> None:
    box.faults.configure("bhex", clock_skew_ms=45_000)
    user = PROFILES["bhex"].user_id
    async with client(box, "bhex") as c:
        server = (await c.get("/api/v2/org/basic/time")).json()["data"]["time"]
        stale = await c.get("/api/v2/org/account/sub_account/query",
                            params=bhex_params({"user_id": user}), headers=BHEX_KEY)
        synced = await c.get("/api/v2/org/account/sub_account/query",
                             params=bhex_params({"user_id": user}, int(server)),
                             headers=BHEX_KEY)
    assert int(server) == NOW_MS + 45_000
    assert stale.json()["status"] == -1021
    assert synced.status_code == 200


def test_sandbox_never_imports_the_client() -> None:
    code = ("import sys, tui.sandbox, tui.sandbox.server\n"
            "bad = [m for m in sys.modules if m.startswith('tui.venues')]\n"
            "assert not bad, bad\n")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
