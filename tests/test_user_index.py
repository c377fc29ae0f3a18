"""The local user index: sync from the sandbox over loopback (paging boundaries, users
added between pages, exclusive ``from_id``, resuming), KYC rows, and search ranking."""

from __future__ import annotations

import os
import stat

import pytest

from bhex_org_world import org_venue, served_org
from tui.support.user_index import UserIndex, normalise_query, org_key
from tui.support.user_sync import sync_users


@pytest.fixture
def served():
    with served_org(1_000) as world:
        yield world


@pytest.fixture
async def venue(served):
    box, url = served
    adapter = org_venue(url)
    yield box, adapter
    await adapter.aclose()


async def test_full_sync_pages_at_exact_boundary(venue) -> None:
    box, adapter = venue
    index = UserIndex.memory()
    report = await sync_users(index, adapter, limit=100)  # 1,000 users: 10 full pages
    assert index.count() == 1_000 == report.users
    org = box.bhex_org
    for position in (0, 99, 100, 500, 999):
        user = org.user(position)
        got = index.get(user.user_id)
        assert got is not None and got.mobile == user.mobile and got.email == user.email
    kyc_users = sum(1 for p in range(1_000) if org.user(p).verify_status)
    assert report.kyc == kyc_users
    again = await sync_users(index, adapter, limit=100)
    assert again.users == 0 and again.kyc == 0 and index.count() == 1_000


async def test_users_added_between_pages_are_caught(venue) -> None:
    box, adapter = venue
    index = UserIndex.memory()
    calls = {"n": 0}
    real = adapter.user_query_user_list

    async def fetch(**kwargs):
        calls["n"] += 1
        if calls["n"] in (2, 5):  # someone registers while the sync walks down
            box.bhex_org.register(register_type=2, email=f"late{calls['n']}@x.io",
                                  now_ms=box.services["bhex"].now_ms())
        return await real(**kwargs)

    adapter.user_query_user_list = fetch  # type: ignore[method-assign]
    await sync_users(index, adapter, limit=128)
    assert index.count() == 1_002
    assert [m.user.email for m in index.search("late")] == ["late2@x.io", "late5@x.io"]


async def test_resume_after_interruption(venue) -> None:
    _, adapter = venue
    index = UserIndex.memory()
    first = await sync_users(index, adapter, limit=100, max_pages=3)
    assert first.users == 300 and index.cursors()["users.complete"] == "0"
    await sync_users(index, adapter, limit=100)
    assert index.count() == 1_000


async def test_file_is_private(venue, tmp_path) -> None:
    _, adapter = venue
    path = tmp_path / "idx" / "users-abc.sqlite"
    index = UserIndex.open("abc", path)
    await sync_users(index, adapter, limit=500)
    index.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    reopened = UserIndex.open("abc", path)
    assert reopened.count() == 1_000
    reopened.close()


def _load(index: UserIndex) -> None:
    index.upsert_users([
        {"userId": "5000", "nationalCode": "86", "mobile": "13800138000",
         "email": "", "registerType": 1, "verifyStatus": 2},
        {"userId": "50001", "nationalCode": "", "mobile": "", "email": "Alice@Example.com",
         "registerType": 2, "verifyStatus": 0},
        {"userId": "500023", "nationalCode": "44", "mobile": "5000123456",
         "email": "bob@x.io", "registerType": 1, "verifyStatus": 1},
        {"userId": "7000", "nationalCode": "86", "mobile": "186****1314",
         "email": "p********n@bhex.io", "registerType": 1, "verifyStatus": 3},
    ])


def test_search_ranks_exact_uid_first_then_prefixes() -> None:
    index = UserIndex.memory()
    _load(index)
    found = index.search("5000")
    assert [(m.user.user_id, m.why) for m in found] == [
        ("5000", "uid"), ("50001", "uid prefix"), ("500023", "uid prefix")]
    assert [(m.user.user_id, m.why) for m in index.search("5000123")] == [
        ("500023", "mobile prefix")]
    assert [m.user.user_id for m in index.search("50002")] == ["500023"]


def test_search_mobile_with_or_without_national_code() -> None:
    index = UserIndex.memory()
    _load(index)
    for text in ("13800138000", "+86 138 0013 8000", "008613800138000", "86138001"):
        assert index.search(text)[0].user.user_id == "5000", text
    assert index.search("13800138000")[0].why == "mobile"
    assert index.search("+8613800138000")[0].why == "mobile"


def test_search_email_prefix_and_case() -> None:
    index = UserIndex.memory()
    _load(index)
    assert [m.user.user_id for m in index.search("alice@ex")] == ["50001"]
    assert index.search("ALICE@example.com")[0].why == "email"
    assert [m.user.user_id for m in index.search("bob")] == ["500023"]


def test_masked_values_match_their_visible_start() -> None:
    index = UserIndex.memory()
    _load(index)
    assert [m.user.user_id for m in index.search("186")] == ["7000"]
    assert index.search("1314") == [] and index.search("bhex") == []
    assert [m.user.user_id for m in index.search("p")] == ["7000"]


def test_normalise_and_odd_input() -> None:
    assert normalise_query(" +86 (138) 0013-8000 ") == "8613800138000"
    index = UserIndex.memory()
    _load(index)
    assert index.search('"') == [] and index.search("") == []
    assert index.search("a*b OR c") == []
    assert org_key("http://x/bhex", "k") != org_key("http://x/bhex", "k2")


def _crowd(index: UserIndex) -> None:
    """300 users whose uids, mobiles, emails and KYC names overlap, so a query matches
    through several sources (and the same user through more than one)."""
    index.upsert_users([
        {"userId": str(13_000 + i), "nationalCode": "1" if i % 3 else "86",
         "mobile": f"13{i:09d}" if i % 2 else f"38{i:09d}",
         "email": f"ann{i}@x.io" if i % 4 else "", "registerType": 1}
        for i in range(300)])
    index.upsert_kyc([{"userId": str(13_000 + i), "firstName": "Zed" if i % 5 else "Ann",
                       "secondName": "Q", "verifyStatus": 2, "id": i} for i in range(300)])


@pytest.mark.parametrize("text", ["13", "138", "1", "zed", "ann", "ann1", "q", "+1 38"])
def test_a_longer_limit_lists_the_same_users_first(text: str) -> None:
    """Paging by a longer limit (the Users screen's "more matches") must neither skip nor
    repeat a user: every limit's list is the start of every longer one."""
    index = UserIndex.memory()
    _crowd(index)
    everything = index.search(text, 10_000)
    ids = [m.user.user_id for m in everything]
    assert len(ids) == len(set(ids)) and len(ids) > 50, text
    for limit in (1, 7, 50, 51, 100, 150, len(ids) - 1):
        assert index.search(text, limit) == everything[:limit], (text, limit)


def test_name_matches_are_newest_first_over_every_match() -> None:
    index = UserIndex.memory()
    _crowd(index)
    found = [int(m.user.user_id) for m in index.search("zed", 10)]
    assert found == sorted(found, reverse=True) and found[0] == 13_299
