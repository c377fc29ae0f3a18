"""The BHEX adapter's user, KYC, status and OTC endpoints against the sandbox served over
real HTTP on loopback: every endpoint of the issue, parameter checks before sending,
passwords sent as MD5 only, paging newest first with exclusive ids."""

from __future__ import annotations

import hashlib
import json

import pyotp
import pytest
from pydantic import SecretStr

from bhex_org_world import BHEX, org_venue, served_org
from tui.core.errors import InvalidRequest
from tui.sandbox import Sandbox
from tui.sandbox.bhex_org import (DEMO_USERS, INVITE_WINDOW, STATUS_FLAGS, login_password_of,
                                  trade_password_of)
from tui.venues.bhex_users import KYC_STATUS

ORG = 2_000


@pytest.fixture(scope="module")
def served():
    with served_org(ORG) as world:
        yield world


@pytest.fixture
async def venue(served):
    box, url = served
    adapter = org_venue(url)
    yield box, adapter
    await adapter.aclose()


def _org(box):
    return box.bhex_org


def _find(box, predicate, start: int = 100):
    org = _org(box)
    for position in range(start, org.generated - len(DEMO_USERS)):
        user = org.user(position)
        if predicate(user):
            return user
    raise AssertionError("no such sandbox user")


async def test_base_info_is_the_documents_user_object(venue) -> None:
    box, adapter = venue
    info = await adapter.user_get_base_info(BHEX.user_id)
    assert set(info) == {"userId", "registerType", "nationalCode", "mobile", "email", "bindGA",
                         "bindTradePwd", "userType", "verifyStatus", "defaultAccountId",
                         "registerDate", "inviteUserId", "secondLevelInviteUserId"}
    assert info["userId"] == BHEX.user_id and info["verifyStatus"] == 2
    assert isinstance(info["registerDate"], str) and info["registerDate"].isdigit()


async def test_unknown_and_malformed_user_ids(venue) -> None:
    _, adapter = venue
    with pytest.raises(InvalidRequest, match="digits only"):
        await adapter.user_get_base_info("12a")
    with pytest.raises(InvalidRequest, match="no such user"):
        await adapter.user_get_base_info("1")


async def test_verify_info_per_kyc_state(venue) -> None:
    box, adapter = venue
    none = _find(box, lambda u: u.verify_status == 0)
    assert await adapter.user_get_verify_info(none.user_id) is None
    for status in (1, 2, 3):
        user = _find(box, lambda u, s=status: u.verify_status == s)
        info = await adapter.user_get_verify_info(user.user_id)
        assert info["verifyStatus"] == status and info["countryCode"] == user.country_code
        assert info["cardNo"] == user.card_no
    assert KYC_STATUS[3] == "rejected"


async def test_invite_info_and_list_two_levels(venue) -> None:
    box, adapter = venue
    org = _org(box)
    # someone whose invitees invited others in turn
    user = _find(box, lambda u: any(t == 2 for _, t in org.invitees(u.index)))
    rows = org.invitees(user.index)
    info = await adapter.user_get_invite_info(user.user_id)
    assert info["inviteCount"] == len(rows)
    assert info["directInviteCount"] == sum(1 for _, t in rows if t == 1)
    assert info["indirectInviteCount"] == sum(1 for _, t in rows if t == 2)
    listed = await adapter.user_query_user_invite_list(user.user_id)
    ids = [int(r["inviteId"]) for r in listed]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(rows)
    direct = await adapter.user_query_user_invite_list(user.user_id, invite_type=1)
    assert {r["inviteType"] for r in direct} == {"1"}
    indirect = [r for r in listed if r["inviteType"] == "2"]
    second = await adapter.user_get_base_info(indirect[0]["userId"])
    assert second["secondLevelInviteUserId"] == user.user_id
    # exclusive from_id: the page after the first row starts with the second
    rest = await adapter.user_query_user_invite_list(user.user_id, from_id=listed[0]["inviteId"])
    assert rest == listed[1:]


async def test_ga_code_verifies_by_totp(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: u.ga_seed is not None)
    code = pyotp.TOTP(user.ga_seed).at(box.services["bhex"].now_ms() // 1000)
    assert await adapter.user_valid_gacode(user.user_id, code) is True
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert await adapter.user_valid_gacode(user.user_id, wrong) is False
    with pytest.raises(InvalidRequest, match="six digits"):
        await adapter.user_valid_gacode(user.user_id, "12345")


async def test_trade_password_checked_by_md5(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: u.trade_pwd_md5 is not None)
    good = SecretStr(trade_password_of(user.user_id))
    assert await adapter.user_valid_trade_password(user.user_id, good) is True
    assert await adapter.user_valid_trade_password(user.user_id, SecretStr("nope")) is False
    assert user.trade_pwd_md5 == hashlib.md5(good.get_secret_value().encode()).hexdigest()


async def test_user_list_pages_newest_first_exclusive(venue) -> None:
    box, adapter = venue
    first = await adapter.user_query_user_list(limit=500)
    assert len(first) == 500
    ids = [int(r["userId"]) for r in first]
    assert ids == sorted(ids, reverse=True)
    assert str(ids[0]) == _org(box).user_id_at(_org(box).count - 1)
    second = await adapter.user_query_user_list(from_id=str(ids[-1]), limit=500)
    assert int(second[0]["userId"]) < ids[-1]
    assert set(r["userId"] for r in second).isdisjoint(r["userId"] for r in first)
    newer = await adapter.user_query_user_list(to_id=str(ids[3]), limit=2)
    assert [int(r["userId"]) for r in newer] == ids[1:3]
    with pytest.raises(InvalidRequest):
        await adapter.user_query_user_list(limit=501)


async def test_kyc_list_only_submitted_and_paged(venue) -> None:
    _, adapter = venue
    page = await adapter.user_query_user_kyc_list(limit=50)
    assert page and {r["verifyStatus"] for r in page} <= {1, 2, 3}
    ids = [int(r["id"]) for r in page]
    assert ids == sorted(ids, reverse=True)
    more = await adapter.user_query_user_kyc_list(from_id=page[-1]["id"], limit=50)
    assert int(more[0]["id"]) < ids[-1]


async def test_status_flags_read_and_set_all_eight(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: True, start=300)
    flags = await adapter.user_ext_status(user.user_id)
    assert list(sorted(flags)) == sorted(STATUS_FLAGS)
    for name in STATUS_FLAGS:
        flipped = 1 - flags[name]
        assert await adapter.user_set_ext_status(user.user_id, name, flipped) == {name: flipped}
        assert (await adapter.user_ext_status(user.user_id, [name])) == {name: flipped}
    with pytest.raises(InvalidRequest, match="status_name"):
        await adapter.user_set_ext_status(user.user_id, "NOT_A_FLAG", 1)


async def test_register_login_parse_token(venue) -> None:
    box, adapter = venue
    before = _org(box).count
    user = await adapter.user_register(national_code="86", mobile="13800138000",
                                       password=SecretStr("s3cret!"),
                                       invite_user_id=DEMO_USERS[0])
    assert user["registerType"] == 1 and user["inviteUserId"] == DEMO_USERS[0]
    assert _org(box).count == before + 1
    info, token = await adapter.user_login("mobile", SecretStr("s3cret!"), national_code="86",
                                           mobile="13800138000")
    assert info["userId"] == user["userId"] and token is not None
    assert await adapter.user_parse_token(token) == user["userId"]
    client = await adapter._http()
    assert client.cookies.get("au_token") is None  # not carried into later calls
    with pytest.raises(InvalidRequest):
        await adapter.user_login("mobile", SecretStr("wrong"), national_code="86",
                                 mobile="13800138000")
    with pytest.raises(InvalidRequest, match="mobile or an email"):
        await adapter.user_register()


async def test_email_login_with_generated_password(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: u.email and u.flags["USER_STATUS"] == 1, start=1900)
    info, token = await adapter.user_login(
        "email", SecretStr(login_password_of(user.user_id)), email=user.email)
    assert info["userId"] == user.user_id and token is not None


async def test_simple_register_and_login(venue) -> None:
    _, adapter = venue
    made = await adapter.user_simple_register("crm-42")
    again = await adapter.user_simple_register("crm-42")
    assert made["userId"] == again["userId"]
    info, token = await adapter.user_simple_login(third_user_id="crm-42", token_for="H5")
    assert info["userId"] == made["userId"]
    assert await adapter.user_parse_token(token, "H5") == made["userId"]


async def test_passwords_and_invite_relation(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: u.invite_index is None and u.trade_pwd_md5 is not None,
                 start=500)
    assert await adapter.user_update_pwd(user.user_id, SecretStr("new-login")) is True
    assert _org(box).find(user.user_id).login_pwd_md5 == hashlib.md5(b"new-login").hexdigest()
    assert await adapter.user_set_trade_pwd(user.user_id, SecretStr("new-trade"), 2) is True
    assert await adapter.user_valid_trade_password(user.user_id, SecretStr("new-trade"))
    with pytest.raises(InvalidRequest):
        await adapter.user_set_trade_pwd(user.user_id, SecretStr("x"), 1)  # already set
    assert await adapter.user_rebuild_invite_relation(user.user_id, DEMO_USERS[1]) is True
    assert (await adapter.user_get_base_info(user.user_id))["inviteUserId"] == DEMO_USERS[1]
    with pytest.raises(InvalidRequest, match="already"):
        await adapter.user_rebuild_invite_relation(user.user_id, DEMO_USERS[2])


async def test_get_ga_key_then_bind(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: u.ga_seed is None, start=700)
    key = await adapter.user_get_ga_key(user.user_id)
    secret = key["secretKey"].get_secret_value()
    assert "secretKey" not in repr(key["secretKey"]) and secret not in repr(key)
    code = pyotp.TOTP(secret).at(box.services["bhex"].now_ms() // 1000)
    assert await adapter.user_bind_ga(user.user_id, code) is True
    assert (await adapter.user_get_base_info(user.user_id))["bindGA"] is True
    assert await adapter.user_valid_gacode(user.user_id, code) is True


async def test_kyc_update_and_batch(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: u.verify_status == 0, start=800)
    reply = await adapter.user_update_user_kyc_info(
        user.user_id, country_code="cn", first_name="张三", card_no="110105198907161515",
        verify_status=2, card_type=1)
    assert reply == {"userId": user.user_id, "resultCode": 200, "resultMessage": "Success"}
    info = await adapter.user_get_verify_info(user.user_id)
    assert info["countryCode"] == "CN" and info["verifyStatus"] == 2
    other = _find(box, lambda u: u.verify_status == 1, start=900)
    from tui.venues.bhex_users import kyc_item

    results = await adapter.user_batch_update_user_kyc_info(user.user_id, [
        kyc_item(other.user_id, country_code="SG", first_name="Lee", card_no="S1234567A",
                 verify_status=3, card_type=3),
        {"user_id": "1", "country_code": "CN", "first_name": "x", "card_no": "1",
         "verify_status": 2, "card_type": 1}])
    assert [r["resultCode"] for r in results] == [200, 400]
    assert (await adapter.user_get_base_info(other.user_id))["verifyStatus"] == 3
    with pytest.raises(InvalidRequest, match="country_code"):
        kyc_item(user.user_id, country_code="China", first_name="a", card_no="1",
                 verify_status=2)


async def test_otc_orders_list_and_info(venue) -> None:
    box, adapter = venue
    user = _find(box, lambda u: u.otc_orders >= 3)
    orders = await adapter.otc_order_list(user.user_id)
    assert len(orders) == user.otc_orders
    assert [o["id"] for o in orders] == sorted((o["id"] for o in orders), reverse=True)
    older = await adapter.otc_order_list(user.user_id, from_id=str(orders[0]["id"]))
    assert older == orders[1:]
    detail = await adapter.otc_order_info(user.user_id, str(orders[0]["id"]))
    assert detail["id"] == orders[0]["id"] and detail["paymentTermList"]
    with pytest.raises(InvalidRequest, match="order_id"):
        await adapter.otc_order_info(user.user_id, "1")


async def test_basic_tokens_and_symbols(venue) -> None:
    _, adapter = venue
    tokens = await adapter.basic_tokens()
    assert {"tokenId", "baseTokenSymbols", "quoteTokenSymbols"} <= set(tokens[0])
    assert "ETHBTC" in await adapter.basic_symbols()


def test_org_is_deterministic_and_sized() -> None:
    a, b = Sandbox(bhex_users=5_000), Sandbox(bhex_users=5_000)
    try:
        assert a.bhex_org.count == 5_000
        for position in (0, 1234, 4_999):
            assert a.bhex_org.user(position) == b.bhex_org.user(position)
        # every KYC state, inviters two levels deep, every flag off somewhere
        users = [a.bhex_org.user(p) for p in range(0, 5_000, 7)]
        assert {u.verify_status for u in users} == {0, 1, 2, 3}
        assert any(u.second_level_invite_user_id != "0" for u in users)
        assert all(any(u.flags[f] != (0 if f.startswith("WITHDRAW_") else 1) for u in users)
                   for f in STATUS_FLAGS)
        assert all(0 < p - u.invite_index <= INVITE_WINDOW
                   for p, u in ((u.index, u) for u in users) if u.invite_index is not None)
        assert a.bhex_org.find(DEMO_USERS[0]).user_id == DEMO_USERS[0]
    finally:
        a.close()
        b.close()


def test_million_users_lazily() -> None:
    box = Sandbox(bhex_users=1_000_000)
    try:
        org = box.bhex_org
        assert org.count == 1_000_000
        last = org.user_id_at(999_999 - len(DEMO_USERS))
        assert org.position_of(last) == 999_999 - len(DEMO_USERS)
        assert json.dumps(org.user(500_000).flags)
    finally:
        box.close()
