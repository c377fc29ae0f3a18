"""BHEX ``token_hold_detail`` into the org holdings store: the sandbox pages it by id
(newest first), the sync reads every token and keeps exact per-token totals."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.stores.org_holdings import HoldingsStore
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue
from tui.venues.bhex_org_sync import BhexOrgSync, bhex_type_name
from tui.venues import bhex_org_sync

PROFILE = next(p for p in DEMO_PROFILES if p.venue == "bhex")


async def test_every_holding_is_synced_with_exact_totals(monkeypatch) -> None:
    monkeypatch.setattr(bhex_org_sync, "PAGE_LIMIT", 2)  # many pages per token
    box = Sandbox()
    settings = VenueSettings(profile="bhex", base_url="http://sandbox/bhex",
                             transport=httpx.ASGITransport(app=box.app),
                             retry=RetryPolicy(attempts=1), rate_limit=(10_000, 1.0))  # float-ok
    venue = BhexVenue(settings, Credentials(PROFILE.api_key, PROFILE.secret))
    store = HoldingsStore.memory()
    sync = BhexOrgSync(venue, store)
    calls = []
    real = sync.token_hold_detail

    async def counted(token, from_id=None, limit=bhex_org_sync.PAGE_LIMIT):
        calls.append((token, from_id))
        return await real(token, from_id, 2)

    sync.token_hold_detail = counted
    await sync.run()
    await venue.aclose()
    with box.ledger.transaction() as db:
        ledger = db.execute("SELECT coin, available, frozen, lockup FROM accounts "
                            "WHERE venue = 'bhex'").fetchall()
    expected: dict[str, list[Decimal]] = {}
    for coin, available, frozen, lockup in ledger:
        entry = expected.setdefault(coin, [Decimal(0), Decimal(0)])
        entry[0] += Decimal(available)
        entry[1] += Decimal(frozen) + Decimal(lockup)
    totals = {t.coin: [t.available, t.frozen] for t in store.totals()}
    assert {c: v for c, v in totals.items()} == \
        {c: v for c, v in expected.items() if c in totals}
    assert set(totals) == {c for c, *_ in ledger}
    assert store.count() == 2 * len(ledger)
    assert any(from_id is not None for _, from_id in calls)  # paged by from_id
    box.close()


def test_type_names() -> None:
    assert bhex_type_name("lock:123") == "lock (account 123)"


async def test_the_sandbox_pages_by_id_and_refuses_bad_parameters(venues) -> None:
    path = "/statistics/token_hold_detail"
    everything = (await venues.bhex("POST", path, {"token_id": "USDT", "limit": 500})).json()
    ids = [int(row["id"]) for row in everything["data"]]
    assert ids == sorted(ids, reverse=True) and len(ids) >= 2
    older = (await venues.bhex("POST", path, {"token_id": "USDT", "from_id": ids[0]})).json()
    assert [int(r["id"]) for r in older["data"]] == ids[1:]
    newer = (await venues.bhex("POST", path, {"token_id": "USDT", "to_id": ids[-1]})).json()
    assert [int(r["id"]) for r in newer["data"]] == ids[:-1]
    for row in everything["data"]:
        assert Decimal(row["total"]) == Decimal(row["available"]) + Decimal(row["lock"])
    for bad in ({"limit": 501}, {"token_id": ""}, {"token_id": "USDT", "from_id": "x"}):
        reply = await venues.bhex("POST", path, {"token_id": "USDT", **bad})
        assert reply.status_code == 400 and reply.json()["status"] != 0
