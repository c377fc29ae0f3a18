"""The BHEX user endpoints pinned to the document's own example replies (doc 004 section
2 and the OTC orders): what is sent (method, path, parameter names, passwords as MD5) and
what comes back."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import SecretStr

from tui.core.errors import InvalidRequest
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue

USER = {"userId": "97298429944266752", "registerType": 1, "nationalCode": "86",
        "mobile": "186****1314", "email": "p********n@bhex.io", "bindGA": True,
        "bindTradePwd": True, "userType": 1, "verifyStatus": 2,
        "defaultAccountId": "97298430070624256", "registerDate": "1537933753566",
        "inviteUserId": "39298329944266751", "secondLevelInviteUserId": "0"}
VERIFY = {"nationality": "China", "countryCode": "CN", "firstName": "张三", "secondName": "",
          "gender": 1, "cardNo": "110105198907161515", "cardFrontUrl": "https://x/f.jpg",
          "cardBackUrl": "https://x/b.jpg", "cardHandUrl": "", "verifyStatus": 3,
          "displayLevel": "2"}
INVITE = {"userId": "83214971450163200", "inviteCode": "KrGNtI", "inviteCount": 3,
          "directInviteCount": 2, "indirectInviteCount": 1, "inviteLevel": 0}
INVITE_LIST = [{"inviteId": "19908", "userId": "97298429944266752", "nationalCode": "86",
                "mobile": "186****1314", "email": "p********n@bhex.io", "registerType": 1,
                "verifyStatus": 2, "inviteType": "1", "registerDate": "1537933753566"},
               {"inviteId": "20188", "userId": "2372984297944266400", "nationalCode": "",
                "mobile": "", "email": "r********y@gmail.com", "registerType": 2,
                "verifyStatus": 0, "inviteType": "2", "registerDate": "1537934753566"}]
USER_LIST = [{"userId": "97298429944266752", "nationalCode": "86", "mobile": "186****1314",
              "email": "p********n@bhex.io", "registerType": 1, "userType": 1,
              "verifyStatus": 2, "inviteUserId": "39298329944266751",
              "secondLevelInviteUserId": "0", "source": "weixin",
              "registerDate": "1537933753566"}]
KYC_LIST = [{"id": "19700", "userId": "97298429944266752", "firstName": "张",
             "secondName": "三", "verifyStatus": 2}]
EXT = {"WITHDRAW_BROKER_AUDIT": 0, "OPTION_TRADE": 1, "WITHDRAW_WHITE_LIST": 0,
       "USER_STATUS": 1, "MONEY_OUTFLOW": 1, "OTC_TRADE": 1, "SPOT_TRADE": 1,
       "CONTRACT_TRADE": 1}
GA_KEY = {"secretKey": "EMCNV5EYJKMT7FU5",
          "authUrl": "otpauth://totp/BHEXTEST:156****9306?secret=EMCNV5EYJKMT7FU5&issuer=BHEXTEST",
          "qrcode": "iVBORw0KGgo"}
KYC_RESULT = {"userId": "83521968678633472", "resultCode": 200, "resultMessage": "Success"}
OTC = {"accountId": 231215678938542080, "amount": "745.000", "buyerRealName": "",
       "createDate": 1554263720000, "currencyId": "CNY", "id": 231321131671354,
       "itemId": 451182413213512, "nickName": "12345", "payCode": "493930",
       "paymentTermResult": {"accountNo": "", "bankName": "", "branchName": "",
                             "paymentType": 0, "realName": ""},
       "paymentType": 0, "price": "7.450", "quantity": "100", "recentExecuteRate": 0,
       "recentOrderNum": 0, "remark": "", "sellerRealName": "", "side": 1, "status": 50,
       "targetAccountId": 213670654898113536, "targetConnectInfomation": "",
       "targetNickName": "xueliang.hao", "tokenId": "USDT", "transferDate": 1554263788000}

REPLIES = {
    "/api/v2/org/user/register": USER, "/api/v2/org/user/simple_register": USER,
    "/api/v2/org/user/login": USER, "/api/v2/org/user/simple_login": USER,
    "/api/v2/org/user/parse_token": {"userId": "97298429944266752"},
    "/api/v2/org/user/get_base_info": USER, "/api/v2/org/user/get_verify_info": VERIFY,
    "/api/v2/org/user/get_invite_info": INVITE,
    "/api/v2/org/user/valid_gacode": {"success": True},
    "/api/v2/org/user/valid_trade_password": {"success": True},
    "/api/v2/org/user/query_user_invite_list": INVITE_LIST,
    "/api/v2/org/user/query_user_list": USER_LIST,
    "/api/v2/org/user/query_user_kyc_list": KYC_LIST,
    "/api/v2/org/user/rebuild_invite_relation": {"success": True},
    "/api/v2/org/user/update_pwd": {"success": True},
    "/api/v2/org/user/set_trade_pwd": {"success": True},
    "/api/v2/org/user/ext_status": EXT, "/api/v2/org/user/set_ext_status": {"OTC_TRADE": 0},
    "/api/v2/org/user/get_ga_key": GA_KEY, "/api/v2/org/user/bind_ga": {"success": True},
    "/api/v2/org/user/update_user_kyc_info": KYC_RESULT,
    "/api/v2/org/user/batch_update_user_kyc_info": {"results": [KYC_RESULT]},
    "/v2/org/otc/order/list": [OTC], "/v2/org/otc/order/info": OTC,
}


class Recorder:
    """A mock venue answering every path with the document's example reply."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/bhex")
        params = dict(parse_qsl(request.url.query.decode()))
        params.update(parse_qsl(request.content.decode()))
        self.sent.append((request.method, path, params))
        headers = {}
        if path.endswith("login"):
            headers["set-cookie"] = "au_token=tok-abc; Path=/; HttpOnly"
        return httpx.Response(200, json={"status": 0, "data": REPLIES[path]}, headers=headers)

    def last(self) -> tuple[str, str, dict[str, str]]:
        method, path, params = self.sent[-1]
        return method, path, {k: v for k, v in params.items()
                              if k not in ("timestamp", "signature")}


@pytest.fixture
async def mock():
    recorder = Recorder()
    venue = BhexVenue(VenueSettings(profile="b", base_url="http://venue/bhex",
                                    user_id="1", transport=httpx.MockTransport(recorder),
                                    retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                      Credentials("k", "s"))
    yield venue, recorder
    await venue.aclose()


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


async def test_user_object_endpoints(mock) -> None:
    venue, rec = mock
    assert await venue.user_get_base_info("97298429944266752") == USER
    assert rec.last() == ("GET", "/api/v2/org/user/get_base_info",
                          {"user_id": "97298429944266752"})
    assert await venue.user_get_verify_info("1") == VERIFY
    assert await venue.user_get_invite_info("1") == INVITE
    assert await venue.user_simple_register("t-1") == USER
    assert rec.last() == ("POST", "/api/v2/org/user/simple_register", {"third_user_id": "t-1"})


async def test_register_sends_md5_password(mock) -> None:
    venue, rec = mock
    assert await venue.user_register(national_code="86", mobile="18600001314",
                                     password=SecretStr("pw"), invite_code="KrGNtI") == USER
    assert rec.last() == ("POST", "/api/v2/org/user/register",
                          {"national_code": "86", "mobile": "18600001314",
                           "password": md5("pw"), "invite_code": "KrGNtI"})
    with pytest.raises(InvalidRequest, match="national_code"):
        await venue.user_register(mobile="186")


async def test_login_returns_the_cookie_token(mock) -> None:
    venue, rec = mock
    data, token = await venue.user_login("email", SecretStr("pw"), email="a@b.c")
    assert data == USER and token.get_secret_value() == "tok-abc"
    assert rec.last()[2] == {"login_type": "email", "email": "a@b.c", "password": md5("pw")}
    data, token = await venue.user_simple_login(user_id="97298429944266752", token_for="MOBILE")
    assert rec.last()[2] == {"user_id": "97298429944266752", "token_for": "MOBILE"}
    assert await venue.user_parse_token(token) == "97298429944266752"
    assert rec.last() == ("POST", "/api/v2/org/user/parse_token", {"token": "tok-abc"})
    with pytest.raises(InvalidRequest, match="login_type"):
        await venue.user_login("phone", SecretStr("pw"))


async def test_caller_verification(mock) -> None:
    venue, rec = mock
    assert await venue.user_valid_gacode("1", "123456") is True
    assert rec.last() == ("GET", "/api/v2/org/user/valid_gacode",
                          {"user_id": "1", "gacode": "123456"})
    assert await venue.user_valid_trade_password("1", SecretStr("tp")) is True
    assert rec.last()[2] == {"user_id": "1", "trade_password": md5("tp")}


async def test_lists_and_paging_parameters(mock) -> None:
    venue, rec = mock
    assert await venue.user_query_user_invite_list("1", from_id="20188", limit=2,
                                                   invite_type=2) == INVITE_LIST
    assert rec.last()[2] == {"user_id": "1", "from_id": "20188", "limit": "2",
                             "invite_type": "2"}
    assert await venue.user_query_user_list(to_id="5", start_time=1, end_time=2) == USER_LIST
    assert rec.last()[2] == {"to_id": "5", "start_time": "1", "end_time": "2"}
    assert await venue.user_query_user_kyc_list(limit=500) == KYC_LIST


async def test_status_and_writes(mock) -> None:
    venue, rec = mock
    assert await venue.user_ext_status("1") == EXT
    assert rec.last() == ("POST", "/api/v2/org/user/ext_status", {"user_id": "1"})
    await venue.user_ext_status("1", ["OTC_TRADE", "SPOT_TRADE"])
    assert rec.last()[2]["status_names"] == "OTC_TRADE,SPOT_TRADE"
    assert await venue.user_set_ext_status("1", "OTC_TRADE", 0) == {"OTC_TRADE": 0}
    assert rec.last()[2] == {"user_id": "1", "status_name": "OTC_TRADE", "status": "0"}
    assert await venue.user_rebuild_invite_relation("1", "2") is True
    assert await venue.user_update_pwd("1", SecretStr("lp")) is True
    assert rec.last()[2] == {"user_id": "1", "password": md5("lp")}
    assert await venue.user_set_trade_pwd("1", SecretStr("tp"), 1) is True
    assert rec.last()[2] == {"user_id": "1", "trade_pwd": md5("tp"), "set_type": "1"}
    key = await venue.user_get_ga_key("1")
    assert key["secretKey"].get_secret_value() == "EMCNV5EYJKMT7FU5"
    assert "EMCNV5EYJKMT7FU5" not in repr(key)
    assert await venue.user_bind_ga("1", "654321") is True
    assert rec.last()[2] == {"user_id": "1", "ga_code": "654321"}


async def test_kyc_updates(mock) -> None:
    venue, rec = mock
    assert await venue.user_update_user_kyc_info(
        "83521968678633472", country_code="CN", first_name="张三", card_no="110",
        verify_status=2, card_type=1) == KYC_RESULT
    assert rec.last()[2] == {"user_id": "83521968678633472", "country_code": "CN",
                             "first_name": "张三", "card_type": "1", "card_no": "110",
                             "verify_status": "2"}
    from tui.venues.bhex_users import kyc_item

    item = kyc_item("83521968678633472", country_code="CN", first_name="梁中",
                    card_no="309328439232", card_type=3, verify_status=2)
    assert await venue.user_batch_update_user_kyc_info("1", [item]) == [KYC_RESULT]
    sent = rec.last()[2]
    assert sent["data_type"] == "json"
    assert json.loads(sent["items"]) == [
        {"user_id": 83521968678633472, "country_code": "CN", "first_name": "梁中",
         "last_name": None, "card_type": 3, "card_no": "309328439232", "verify_status": 2}]


async def test_otc(mock) -> None:
    venue, rec = mock
    assert await venue.otc_order_list("1", status=50, side=1, last_id="9") == [OTC]
    assert rec.last() == ("POST", "/v2/org/otc/order/list",
                          {"user_id": "1", "status": "50", "side": "1", "last_id": "9"})
    assert await venue.otc_order_info("1", "231321131671354") == OTC
    assert rec.last()[2] == {"user_id": "1", "order_id": "231321131671354"}
    with pytest.raises(InvalidRequest, match="status"):
        await venue.otc_order_list("1", status=7)
