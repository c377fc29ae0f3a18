"""ChainUp's org-wide account queries: paging by id and by update time (docs/wire.md)."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from tui.sandbox import DEMO_PROFILES, Sandbox

NOW = 1_764_000_000.0  # float-ok: a fixed clock, seconds
NOW_MS = int(NOW * 1000)  # float-ok
DAY_MS = 86_400_000
BASE = "/platformapi/chainup/open/ouser"
PROFILE = next(p for p in DEMO_PROFILES if p.venue == "chainup")


def signed(fields: dict) -> str:
    body = {"appKey": PROFILE.api_key, **fields}
    text = "&".join(f"{k}={body[k]}" for k in sorted(body))
    body["sign"] = hashlib.md5((text + PROFILE.secret).encode()).hexdigest()
    return json.dumps(body)


@pytest.fixture
async def chainup():
    """Call a ChainUp endpoint; the sandbox clock starts at NOW and moves 0.1 s per call,
    so tests stay under the 10 requests / s limit."""
    now = [NOW]
    box = Sandbox(clock=lambda: now[0])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=box.app),
                                 base_url="http://sandbox/chainup") as client:

        async def call(endpoint: str, **fields) -> dict:
            reply = await client.post(f"{BASE}/{endpoint}", content=signed(fields),
                                      headers={"Content-Type": "application/json"})
            assert reply.status_code == 200
            now[0] += 0.1  # float-ok: seconds
            return reply.json()

        yield call


async def test_paging_by_start_id_returns_every_row_once(chainup) -> None:
    everything = (await chainup("batchQueryUserAccountsByUpdateTime",
                                updateTime=NOW_MS - DAY_MS + 60_000))["data"]["accounts"]
    seen: list[str] = []
    start_id, pages = 0, 0
    while True:
        page = (await chainup("batchQueryUserAccountsByStartId", startId=start_id,
                              limit=500))["data"]["accounts"]
        pages += 1
        ids = [int(row["id"]) for row in page]
        assert ids == sorted(ids) and all(i > start_id for i in ids)
        seen += [row["id"] for row in page]
        if len(page) < 500:
            break
        start_id = ids[-1]
    assert pages > 2
    assert len(seen) == len(set(seen)) == len(everything)
    assert set(seen) == {row["id"] for row in everything}


async def test_start_id_defaults_and_limits(chainup) -> None:
    first = (await chainup("batchQueryUserAccountsByStartId"))["data"]["accounts"]
    assert len(first) == 500
    assert (await chainup("batchQueryUserAccountsByStartId", limit=0))["code"] == "10001"
    assert (await chainup("batchQueryUserAccountsByStartId", limit=1001))["code"] == "10001"
    assert (await chainup("batchQueryUserAccountsByStartId", startId="x"))["code"] == "10001"


async def test_update_time_returns_only_strictly_newer_rows(chainup) -> None:
    rows = (await chainup("batchQueryUserAccountsByUpdateTime",
                          updateTime=NOW_MS - DAY_MS + 60_000))["data"]["accounts"]
    keys = [(int(r["updateTime"]), int(r["id"])) for r in rows]
    assert keys == sorted(keys)
    cursor = keys[len(keys) // 2][0]
    newer = (await chainup("batchQueryUserAccountsByUpdateTime",
                           updateTime=cursor))["data"]["accounts"]
    assert newer and all(int(r["updateTime"]) > cursor for r in newer)
    assert {r["id"] for r in newer} == {r["id"] for r in rows if int(r["updateTime"]) > cursor}
    latest = keys[-1][0]
    assert (await chainup("batchQueryUserAccountsByUpdateTime",
                          updateTime=latest))["data"]["accounts"] == []


async def test_update_time_older_than_a_day_is_refused(chainup) -> None:
    reply = await chainup("batchQueryUserAccountsByUpdateTime", updateTime=NOW_MS - DAY_MS - 1)
    assert reply["code"] == "10010"
    reply = await chainup("batchQueryUserAccountsByUpdateTime",
                          updateTime=NOW_MS + 100 - DAY_MS - 1)
    assert reply == {"code": "10010", "msg": "updateTime must be within 24 hours", "data": None}
    assert (await chainup("batchQueryUserAccountsByUpdateTime"))["code"] == "10001"


def test_demo_data_is_deterministic() -> None:
    a = Sandbox(clock=lambda: NOW).ledger.accounts_after_id("chainup", 0, 10_000)
    b = Sandbox(clock=lambda: NOW).ledger.accounts_after_id("chainup", 0, 10_000)
    c = Sandbox(seed=7, clock=lambda: NOW).ledger.accounts_after_id("chainup", 0, 10_000)
    assert a == b and a != c
