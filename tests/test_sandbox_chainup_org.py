"""The generated ChainUp org (``sandbox serve --chainup-users N``): deterministic, paged by
id without gaps, rows churned between pages found again by update time."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import httpx
import pytest
from click.testing import CliRunner

from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.chainup_org import FIRST_UID, ROWS_PER_USER, GeneratedOrg

NOW_MS = 1_764_000_000_000
BASE = "/platformapi/chainup/open/ouser"
PROFILE = next(p for p in DEMO_PROFILES if p.venue == "chainup")


def org(users: int, **kwargs) -> GeneratedOrg:
    return GeneratedOrg(users, clock_ms=lambda: NOW_MS, **kwargs)


def test_same_seed_same_rows_other_seed_other_balances() -> None:
    assert org(50).after_id(0, 200) == org(50).after_id(0, 200)
    other = org(50, seed=2).after_id(0, 200)
    assert [r["balance"] for r in other] != [r["balance"] for r in org(50).after_id(0, 200)]


def test_rows_are_dense_keyed_and_exact() -> None:
    rows = org(300).after_id(0, 1000)[:1200]
    assert [int(r["id"]) for r in rows] == list(range(1, 1001))
    keys = {(r["uid"], r["coin"], r["type"][:3]) for r in rows}
    assert len(keys) == len(rows)  # (uid, coin, type code) names one row
    assert rows[0]["uid"] == str(FIRST_UID) and rows[ROWS_PER_USER]["uid"] == str(FIRST_UID + 1)
    for row in rows:
        assert Decimal(row["balance"]) >= 0 and "e" not in row["balance"].lower()
        assert row["showName"] == {"BTC1658": "BTC", "USDT1658": "USDT"}.get(row["coin"],
                                                                               row["coin"])


def test_paging_ends_exactly_at_the_last_row() -> None:
    generated = org(251)  # 1004 rows
    first = generated.after_id(0, 1000)
    rest = generated.after_id(1000, 1000)
    assert len(first) == 1000 and [r["id"] for r in rest] == ["1001", "1002", "1003", "1004"]
    assert generated.after_id(1004, 1000) == []


def test_the_page_read_ahead_is_the_page_a_plain_read_would_give() -> None:
    clock = [NOW_MS]
    ahead = GeneratedOrg(300, churn=5, clock_ms=lambda: clock[0])
    plain = GeneratedOrg(300, churn=5, clock_ms=lambda: clock[0], read_ahead=False)
    for start in range(0, 1300, 100):
        ahead.wait_read_ahead()
        assert ahead.after_id_text(start, 100) == plain.after_id_text(start, 100)
        clock[0] += 1
    assert ahead.pages_read_ahead == 11  # every page after the first, up to the last row
    assert ahead.after_id_text(50, 100) == plain.after_id_text(50, 100)  # asked elsewhere


def test_churn_changes_rows_behind_the_cursor_and_update_time_finds_them() -> None:
    clock = [NOW_MS]
    generated = GeneratedOrg(1000, churn=7, clock_ms=lambda: clock[0])
    before = {r["id"]: r for r in generated.after_id(0, 1000)}
    clock[0] += 10
    generated.after_id(1000, 1000)
    changed = generated.updated_after(NOW_MS - 1)  # both pages churned
    assert 1 <= len(changed) <= 14
    assert all(int(r["updateTime"]) >= NOW_MS for r in changed)
    assert [(int(r["updateTime"]), int(r["id"])) for r in changed] == \
        sorted((int(r["updateTime"]), int(r["id"])) for r in changed)
    now = {r["id"]: r for r in generated.after_id(0, 1000)}
    moved = {i for i in before if before[i]["balance"] != now[i]["balance"]}
    assert moved <= {r["id"] for r in changed}


async def test_served_over_http_with_the_venue_signature_and_a_lifted_limit() -> None:
    box = Sandbox(chainup_users=1000, chainup_rate=(1000, 1))
    body = {"appKey": PROFILE.api_key, "startId": 0, "limit": 1000}
    text = "&".join(f"{k}={body[k]}" for k in sorted(body))
    body["sign"] = hashlib.md5((text + PROFILE.secret).encode()).hexdigest()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=box.app),
                                 base_url="http://sandbox/chainup") as client:
        for _ in range(30):  # more than the default 10 / s
            reply = await client.post(f"{BASE}/batchQueryUserAccountsByStartId",
                                      content=json.dumps(body))
            assert reply.json()["code"] == "0"
        rows = reply.json()["data"]["accounts"]
        assert len(rows) == 1000 and rows[0] == box.services["chainup"].org.row(1)
        body["sign"] = "0" * 32
        refused = await client.post(f"{BASE}/batchQueryUserAccountsByStartId",
                                    content=json.dumps(body))
        assert refused.json()["code"] == "10007"
    box.close()


def test_cli_refuses_a_negative_org_size() -> None:
    from tui.cli import main

    result = CliRunner().invoke(main, ["sandbox", "serve", "--chainup-users", "-1"])
    assert result.exit_code == 2 and "chainup-users" in result.output


@pytest.mark.parametrize("users", [0, 1])
def test_tiny_orgs(users: int) -> None:
    assert len(org(users).after_id(0, 1000)) == users * ROWS_PER_USER


def test_the_reply_text_is_the_rows_as_json() -> None:
    text = org(300).after_id_text(17, 1000)
    assert json.loads(text) == {"code": "0", "msg": "suc",
                                "data": {"accounts": org(300).after_id(17, 1000)}}
