"""Syncing a generated ChainUp org into the holdings store through the real adapter and the
sandbox's HTTP app: every row once, exact totals, rows changed between pages merged,
an interrupted pull resumed where it stopped."""

from __future__ import annotations

from decimal import Decimal, localcontext

import httpx
import pytest

from tui.core.errors import VenueUnavailable
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.stores.org_holdings import FROZEN, HoldingsStore
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.chainup import ChainupVenue
from tui.venues.chainup_org_sync import OrgSync, side_of, type_name

PROFILE = next(p for p in DEMO_PROFILES if p.venue == "chainup")


def venue_for(box: Sandbox) -> ChainupVenue:
    settings = VenueSettings(profile="org", base_url="http://sandbox/chainup",
                             transport=httpx.ASGITransport(app=box.app),
                             rate_limit=(100_000, 1.0), retry=RetryPolicy(attempts=1))  # float-ok
    return ChainupVenue(settings, Credentials(PROFILE.api_key, PROFILE.secret))


def org_state(box: Sandbox) -> dict[tuple[str, str, str], str]:
    org = box.services["chainup"].org
    return {(r["uid"], r["coin"], r["type"]): r["balance"]
            for r in (org.row(i) for i in range(1, org.rows + 1))}


def store_state(store: HoldingsStore) -> dict[tuple[str, str, str], str]:
    return {(u, c, t): b for u, c, t, b in store.query(
        "SELECT uid, coin, type, balance FROM holdings")}


def decimal_totals(box: Sandbox) -> dict[str, tuple[Decimal, Decimal]]:
    org = box.services["chainup"].org
    sums: dict[str, list[Decimal]] = {}
    with localcontext() as ctx:
        ctx.prec = 1000
        for i in range(1, org.rows + 1):
            r = org.row(i)
            entry = sums.setdefault(r["coin"], [Decimal(0), Decimal(0)])
            entry[side_of(r["type"]) == FROZEN] += Decimal(r["balance"])
    return {coin: (a, f) for coin, (a, f) in sums.items()}


@pytest.fixture
def box():
    sandbox = Sandbox(chainup_users=2_501, chainup_rate=(100_000, 1))  # 10,004 rows
    yield sandbox
    sandbox.close()


async def test_a_full_sync_holds_every_row_once_with_exact_totals(box, tmp_path) -> None:
    store = HoldingsStore.open(tmp_path / "org.sqlite")
    seen = []
    venue = venue_for(box)
    merged = await OrgSync(venue, store, on_progress=seen.append).run()
    await venue.aclose()
    assert merged == 10_004 and store.count() == 10_004
    assert store_state(store) == org_state(box)
    expected = decimal_totals(box)
    assert {t.coin: (t.available, t.frozen) for t in store.totals()} == expected
    assert [p.rows for p in seen] == sorted(p.rows for p in seen) and seen[-1].done
    assert {p.phase for p in seen} >= {"full", "indexing", "changes"}
    assert store.sync_state()["cursor"] is None and store.sync_state()["bulk"] == 0


async def test_rows_changed_between_pages_are_merged_by_the_update_time_pass(tmp_path) -> None:
    box = Sandbox(chainup_users=2_000, chainup_churn=9, chainup_rate=(100_000, 1))
    store = HoldingsStore.open(tmp_path / "org.sqlite")
    venue = venue_for(box)
    await OrgSync(venue, store).run()
    org = box.services["chainup"].org
    assert len(org._overrides) > 0  # rows did change behind the cursor
    assert store_state(store) == org_state(box)
    assert {t.coin: (t.available, t.frozen) for t in store.totals()} == decimal_totals(box)
    # more churn, then an incremental sync only
    org.after_id(0, 1000)
    org.after_id(5000, 1000)
    await OrgSync(venue, store).run()
    assert store_state(store) == org_state(box)
    assert {t.coin: (t.available, t.frozen) for t in store.totals()} == decimal_totals(box)
    await venue.aclose()
    box.close()


async def test_an_interrupted_pull_resumes_after_the_last_page_written(box, tmp_path) -> None:
    path = tmp_path / "org.sqlite"
    store = HoldingsStore.open(path)
    venue = venue_for(box)
    calls: list[int] = []
    real = venue.batch_query_user_accounts_by_start_id

    async def failing(start_id: int, limit: int = 1000):
        calls.append(start_id)
        if calls == [0, 1000, 2000, 3000]:  # the fourth page of the first run fails
            raise VenueUnavailable("chainup", "connection lost")
        return await real(start_id, limit)

    venue.batch_query_user_accounts_by_start_id = failing  # type: ignore[method-assign]
    with pytest.raises(VenueUnavailable):
        await OrgSync(venue, store).run()
    store.close()
    assert calls == [0, 1000, 2000, 3000]
    again = HoldingsStore.open(path)  # a restart
    assert again.sync_state()["cursor"] == 3000 and again.count() == 3000
    calls.clear()
    await OrgSync(venue, again).run()
    assert calls[0] == 3000 and 0 not in calls
    assert store_state(again) == org_state(box)
    assert {t.coin: (t.available, t.frozen) for t in again.totals()} == decimal_totals(box)
    await venue.aclose()


async def test_a_malformed_row_stops_the_sync_with_a_venue_error(box, tmp_path) -> None:
    from tui.core.errors import MalformedReply

    store = HoldingsStore.open(tmp_path / "org.sqlite")
    venue = venue_for(box)

    async def broken(start_id: int, limit: int = 1000):
        return [{"uid": "1", "coin": "BTC", "type": "201", "id": "1", "balance": "NaN",
                 "updateTime": "1"}]

    venue.batch_query_user_accounts_by_start_id = broken  # type: ignore[method-assign]
    with pytest.raises(MalformedReply):
        await OrgSync(venue, store).run()
    assert store.count() == 0
    await venue.aclose()


def test_type_codes_are_named() -> None:
    assert type_name("20111127") == "201 normal" and type_name("218106") == "218 OTC frozen"
    assert type_name("999") == "999"


async def test_sync_over_real_loopback_http(tmp_path) -> None:
    from sandbox_server import running_sandbox

    box = Sandbox(chainup_users=1_500, chainup_churn=3, chainup_rate=(100_000, 1))
    with running_sandbox(box) as base_url:
        settings = VenueSettings(profile="org", base_url=f"{base_url}/chainup",
                                 rate_limit=(100_000, 1.0), retry=RetryPolicy(attempts=1))  # float-ok
        venue = ChainupVenue(settings, Credentials(PROFILE.api_key, PROFILE.secret))
        store = HoldingsStore.open(tmp_path / "org.sqlite")
        seen = []
        await OrgSync(venue, store, on_progress=seen.append).run()
        await venue.aclose()
    assert store_state(store) == org_state(box)
    assert {t.coin: (t.available, t.frozen) for t in store.totals()} == decimal_totals(box)
    assert all(p.rows_per_s >= 0 for p in seen) and seen[-1].done
    box.close()
