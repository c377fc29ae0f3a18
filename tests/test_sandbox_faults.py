"""Fault injection (latency, errors, 429s, down/up) and each venue's request limit."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import httpx
import pytest

from tui.sandbox import DEMO_PROFILES, Sandbox

NOW = 1_764_000_000.0  # float-ok: a fixed clock, seconds
NOW_MS = int(NOW * 1000)  # float-ok
PROFILES = {p.venue: p for p in DEMO_PROFILES}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def bitz_request() -> dict:
    p = PROFILES["bitz"]
    params = {"apiKey": p.api_key, "timeStamp": str(int(NOW)), "nonce": "abc123"}
    text = "&".join(f"{k}={params[k]}" for k in sorted(params))
    params["sign"] = hashlib.md5((text + p.secret).encode()).hexdigest()
    return {"method": "POST", "url": "/Assets/getUserAssets", "content": urlencode(params),
            "headers": FORM}


def fcoin_request() -> dict:
    p = PROFILES["fcoin"]
    url = "http://sandbox/fcoin/v2/assets/user/accounts"
    payload = base64.b64encode(f"GET{url}{NOW_MS}".encode())
    sig = base64.b64encode(hmac.new(p.secret.encode(), payload, hashlib.sha1).digest()).decode()
    return {"method": "GET", "url": "/v2/assets/user/accounts",
            "headers": {"FC-ACCESS-KEY": p.api_key, "FC-ACCESS-TIMESTAMP": str(NOW_MS),
                        "FC-ACCESS-SIGNATURE": sig}}


def bitunix_request() -> dict:
    p = PROFILES["bitunix"]
    nonce = "n" * 32
    digest = hashlib.sha256(f"{nonce}{NOW_MS}{p.api_key}".encode()).hexdigest()
    sign = hashlib.sha256((digest + p.secret).encode()).hexdigest()
    return {"method": "GET", "url": "/api/spot/v1/user/account",
            "headers": {"api-key": p.api_key, "nonce": nonce, "timestamp": str(NOW_MS),
                        "sign": sign}}


def chainup_request() -> dict:
    p = PROFILES["chainup"]
    body = {"appKey": p.api_key, "startId": 0, "limit": 1}
    text = "&".join(f"{k}={body[k]}" for k in sorted(body))
    body["sign"] = hashlib.md5((text + p.secret).encode()).hexdigest()
    return {"method": "POST",
            "url": "/platformapi/chainup/open/ouser/batchQueryUserAccountsByStartId",
            "content": json.dumps(body), "headers": {"Content-Type": "application/json"}}


def bhex_request() -> dict:
    p = PROFILES["bhex"]
    params = {"user_id": p.user_id, "timestamp": str(NOW_MS)}
    text = "&".join(f"{k}={params[k]}" for k in sorted(params))
    params["signature"] = hmac.new(p.secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return {"method": "POST", "url": "/api/v2/org/account/balance",
            "content": urlencode(params), "headers": {"X-ACCESS-KEY": p.api_key, **FORM}}


REQUESTS = {"fcoin": fcoin_request, "bitunix": bitunix_request, "bitz": bitz_request,
            "chainup": chainup_request, "bhex": bhex_request}


@pytest.fixture
def box() -> Sandbox:
    return Sandbox(clock=lambda: NOW)


async def send(box: Sandbox, venue: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=box.app),
                                 base_url=f"http://sandbox/{venue}") as client:
        return await client.request(**REQUESTS[venue]())


@pytest.mark.parametrize("venue", list(REQUESTS))
async def test_every_venue_answers_normally(box: Sandbox, venue: str) -> None:
    reply = await send(box, venue)
    assert reply.status_code == 200
    body = reply.json()
    assert body.get("status", 0) in (0, 200) and body.get("code", "0") == "0"


@pytest.mark.parametrize("venue, field", [("fcoin", "status"), ("bitunix", "code"),
                                          ("bitz", "status"), ("chainup", "code"),
                                          ("bhex", "status")])
async def test_error_rate_one_gives_the_venues_500(box: Sandbox, venue: str, field: str) -> None:
    box.faults.configure(venue, error_rate=1.0)
    reply = await send(box, venue)
    assert reply.status_code == 500
    assert str(reply.json()[field]) == "500" and reply.json()["msg"] == "internal error"


@pytest.mark.parametrize("venue", list(REQUESTS))
async def test_rate_429_one_gives_429_with_retry_after(box: Sandbox, venue: str) -> None:
    box.faults.configure(rate_429=1.0)
    reply = await send(box, venue)
    assert reply.status_code == 429
    assert reply.headers["Retry-After"] == "1"


async def test_down_and_up(box: Sandbox) -> None:
    box.faults.down("bitz")
    assert (await send(box, "bitz")).status_code == 503
    assert (await send(box, "bhex")).status_code == 200
    box.faults.up("bitz")
    assert (await send(box, "bitz")).status_code == 200


async def test_latency_is_added(box: Sandbox) -> None:
    box.faults.configure("bitz", latency_ms=60)
    started = time.monotonic()
    assert (await send(box, "bitz")).status_code == 200
    assert time.monotonic() - started >= 0.06  # float-ok: a lower bound only


async def test_configure_without_venue_covers_all_and_rejects_nonsense(box: Sandbox) -> None:
    box.faults.configure(error_rate=1.0)
    assert {(await send(box, v)).status_code for v in REQUESTS} == {500}
    box.faults.configure()
    assert {(await send(box, v)).status_code for v in REQUESTS} == {200}
    with pytest.raises(ValueError):
        box.faults.configure("nowhere")
    with pytest.raises(ValueError):
        box.faults.configure(error_rate=1.5)


async def test_fault_randomness_is_seeded() -> None:
    async def statuses() -> list[int]:
        box = Sandbox(clock=lambda: NOW)
        box.faults.configure("bitz", error_rate=0.5)  # float-ok: probability
        return [(await send(box, "bitz")).status_code for _ in range(8)]

    first = await statuses()
    assert first == await statuses()
    assert set(first) == {200, 500}


@pytest.mark.parametrize("venue, allowed, status, field, code", [
    ("fcoin", 100, 429, "status", 429),
    ("bitunix", 10, 200, "code", "110041"),
    ("bitz", 10, 200, "status", -110),
    ("chainup", 10, 200, "code", "10029"),
    ("bhex", 20, 429, "status", -1003),
])
async def test_rate_limit_per_venue(venue: str, allowed: int, status: int, field: str,
                                    code: object) -> None:
    now = [NOW]
    box = Sandbox(clock=lambda: now[0])
    for _ in range(allowed):
        assert (await send(box, venue)).status_code == 200
    refused = await send(box, venue)
    assert refused.status_code == status and refused.json()[field] == code
    if status == 429:
        assert refused.headers["Retry-After"] == "1"
    now[0] += 1  # a second later the bucket has refilled
    assert (await send(box, venue)).status_code == 200
