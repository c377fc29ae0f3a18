"""BHEX org user endpoints, simulated (doc 004 section 2, and OTC orders of section 3).

Every ``/api/v2/org/user/...`` endpoint and ``/v2/org/otc/order/list|info`` over the
lazily generated :class:`~tui.sandbox.bhex_org.OrgDirectory`: parameter names, required
flags, md5'd passwords, paging (``from_id`` / ``to_id`` exclusive, newest first, limit
default 100 and at most 500) and reply shapes as the document gives them; what it leaves
open is in docs/wire.md, "BHEX users". GA codes are RFC 6238 TOTP codes of the user's
seed on the sandbox clock (one 30 s step either side accepted).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Any

import pyotp
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.sandbox.bhex_org import (INVITE_BASE, KYC_BASE, OTC_BASE, STATUS_FLAGS, OrgDirectory,
                                  OrgUser, page_range)
from tui.sandbox.service import Refusal, Refused, same_digest

if TYPE_CHECKING:
    from tui.sandbox.bhex import BhexService

__all__ = ["bhex_user_routes", "BhexUsers", "totp_now"]

_USER = "/api/v2/org/user/"
_OTC = "/v2/org/otc/order/"
_TOKEN_FOR = ("PC", "MOBILE", "H5")
_OTC_STATUSES = (50, 50, 40, 20, 10, 30, 1, 0)
_MAX_LIMIT = 500


def totp_now(seed: str, now_ms: int) -> str:
    """The six-digit TOTP code of ``seed`` at ``now_ms`` (RFC 6238, 30 s, SHA-1)."""
    return pyotp.TOTP(seed).at(now_ms // 1000)


def _int(params: dict[str, str], name: str, *, required: bool = False) -> int | None:
    value = params.get(name, "")
    if value == "":
        if required:
            raise Refused(Refusal.INVALID, f"{name} is required")
        return None
    if not value.lstrip("-").isdigit():
        raise Refused(Refusal.INVALID, f"{name} must be an integer")
    return int(value)


def _text(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise Refused(Refusal.INVALID, f"{name} is required")
    return value


def _limit(params: dict[str, str], default: int = 100) -> int:
    limit = _int(params, "limit")
    if limit is None:
        return default
    if not 1 <= limit <= _MAX_LIMIT:
        raise Refused(Refusal.INVALID, f"limit must be 1 to {_MAX_LIMIT}")
    return limit


def _md5_param(params: dict[str, str], name: str, *, required: bool = True) -> str | None:
    value = params.get(name, "")
    if not value and not required:
        return None
    if len(value) != 32 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise Refused(Refusal.INVALID, f"{name} must be an md5 hex digest")
    return value.lower()


def base_info(user: OrgUser) -> dict[str, Any]:
    """The document's user object (register, login, get_base_info)."""
    return {"userId": user.user_id, "registerType": user.register_type,
            "nationalCode": user.national_code, "mobile": user.mobile, "email": user.email,
            "bindGA": user.ga_seed is not None, "bindTradePwd": user.trade_pwd_md5 is not None,
            "userType": 1, "verifyStatus": user.verify_status,
            "defaultAccountId": str(int(user.user_id) + 126_358_016),
            "registerDate": str(user.register_date), "inviteUserId": user.invite_user_id,
            "secondLevelInviteUserId": user.second_level_invite_user_id}


def _list_row(user: OrgUser) -> dict[str, Any]:
    return {"userId": user.user_id, "nationalCode": user.national_code,
            "mobile": user.mobile, "email": user.email, "registerType": user.register_type,
            "userType": 1, "verifyStatus": user.verify_status,
            "inviteUserId": user.invite_user_id,
            "secondLevelInviteUserId": user.second_level_invite_user_id,
            "source": user.source, "registerDate": str(user.register_date)}


def _otc_order(user: OrgUser, k: int, *, detail: bool) -> dict[str, Any]:
    order_id = OTC_BASE + user.index * 4 + k
    side = (user.index + k) % 2
    status = _OTC_STATUSES[(user.index + k) % len(_OTC_STATUSES)]
    quantity = ("100", "25.5", "1000", "3.25")[k]
    price = ("7.450", "7.120", "6.980", "7.300")[k]
    amount = {0: "745.000", 1: "181.560", 2: "6980.000", 3: "23.725"}[k]
    created = user.register_date + (k + 1) * 86_400_000
    payment = {"accountNo": "", "bankName": "", "branchName": "", "paymentType": 0,
               "realName": ""}
    row: dict[str, Any] = {
        "accountId": int(user.user_id) + 126_358_016, "amount": amount,
        "buyerRealName": "", "createDate": created, "currencyId": "CNY", "id": order_id,
        "itemId": 451182413213512 + k, "nickName": f"u{user.user_id[-5:]}",
        "payCode": f"{(order_id * 7) % 1_000_000:06d}", "paymentTermResult": payment,
        "paymentType": k % 3, "price": price, "quantity": quantity,
        "recentExecuteRate": 0, "recentOrderNum": 0, "remark": "", "sellerRealName": "",
        "side": side, "status": status, "targetAccountId": 213670654898113536,
        "targetConnectInfomation": "", "targetNickName": "xueliang.hao", "tokenId": "USDT",
        "transferDate": created + 68_000 if status in (20, 30, 50) else 0}
    if detail:
        row["paymentTermList"] = [{"accountNo": "9876543123456", "bankName": "BOC",
                                   "branchName": "北京立水桥支行", "id": 10155,
                                   "paymentType": 0, "realName": "袁弘", "visible": 0}]
    return row


class BhexUsers:
    """The user and OTC endpoints on the BHEX service's prefix, key and signature."""

    def __init__(self, service: "BhexService", org: OrgDirectory) -> None:
        self.service = service
        self.org = org
        self._tokens: dict[str, tuple[str, str]] = {}

    def routes(self) -> list[Route]:
        """Every user endpoint of the document, plus the two OTC order endpoints."""
        svc = self.service
        get = [("get_base_info", self.get_base_info), ("get_verify_info", self.get_verify_info),
               ("get_invite_info", self.get_invite_info), ("valid_gacode", self.valid_gacode),
               ("valid_trade_password", self.valid_trade_password),
               ("query_user_invite_list", self.query_user_invite_list),
               ("query_user_list", self.query_user_list),
               ("query_user_kyc_list", self.query_user_kyc_list)]
        reads = [("parse_token", self.parse_token), ("ext_status", self.ext_status)]
        writes = [("register", self.register), ("simple_register", self.simple_register),
                  ("login", self.login), ("simple_login", self.simple_login),
                  ("rebuild_invite_relation", self.rebuild_invite_relation),
                  ("update_pwd", self.update_pwd), ("set_trade_pwd", self.set_trade_pwd),
                  ("set_ext_status", self.set_ext_status), ("get_ga_key", self.get_ga_key),
                  ("bind_ga", self.bind_ga),
                  ("update_user_kyc_info", self.update_user_kyc_info),
                  ("batch_update_user_kyc_info", self.batch_update_user_kyc_info)]
        return ([svc.route(_USER + name, self._signed(h), ["GET"]) for name, h in get]
                + [svc.route(_USER + name, self._signed(h), ["POST"]) for name, h in reads]
                + [svc.route(_USER + name, self._signed(h), ["POST"], write=True)
                   for name, h in writes]
                + [svc.route(_OTC + "list", self._signed(self.otc_order_list), ["POST"]),
                   svc.route(_OTC + "info", self._signed(self.otc_order_info), ["POST"])])

    def _signed(self, handler: Any) -> Any:
        async def run(request: Request) -> Any:
            _, params = await self.service.authenticate(request)
            return handler(params)
        return run

    def _user(self, params: dict[str, str], name: str = "user_id") -> OrgUser:
        _int(params, name, required=True)
        user = self.org.find(params[name])
        if user is None:
            raise Refused(Refusal.INVALID, f"no such user: {name}")
        return user

    def _now(self) -> int:
        return self.service.now_ms()

    # -- registration and login --------------------------------------------------

    def register(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/register``: mobile (with ``national_code``) or email; mobile wins."""
        mobile, email = params.get("mobile", ""), params.get("email", "")
        code = params.get("national_code", "")
        if not mobile and not email:
            raise Refused(Refusal.INVALID, "mobile or email is required")
        if mobile and not code:
            raise Refused(Refusal.INVALID, "national_code is required with mobile")
        if mobile and not mobile.isdigit():
            raise Refused(Refusal.INVALID, "mobile must be digits")
        password = _md5_param(params, "password", required=False)
        inviter = None
        invite_code = params.get("invite_code", "")
        if invite_code:
            inviter = self._by_invite_code(invite_code)
        elif params.get("invite_user_id"):
            inviter = self.org.position_of(params["invite_user_id"])
        user = self.org.register(register_type=1 if mobile else 2, national_code=code,
                                 mobile=mobile, email=email, password_md5=password,
                                 inviter=inviter, now_ms=self._now())
        return {"status": 0, "data": base_info(user)}

    def _by_invite_code(self, code: str) -> int | None:
        # Codes are derived from ids, so only the newest users are searched (the sandbox's
        # own registrations and the demo users); a wrong code only loses the relation.
        for position in range(self.org.count - 1, max(-1, self.org.count - 2000), -1):
            if self.org.user(position).invite_code == code:
                return position
        return None

    def simple_register(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/simple_register``: a user of the broker's own user system."""
        third = _text(params, "third_user_id")
        user = self.org.by_third_user_id(third) or self.org.register(
            register_type=2, third_user_id=third, now_ms=self._now())
        return {"status": 0, "data": base_info(user)}

    def _login_reply(self, user: OrgUser, token_for: str) -> Response:
        if token_for not in _TOKEN_FOR:
            raise Refused(Refusal.INVALID, "token_for must be PC, MOBILE or H5")
        if not user.flags.get("USER_STATUS", 1):
            raise Refused(Refusal.INVALID, "the user is disabled")
        token = secrets.token_urlsafe(24)
        self._tokens[token] = (user.user_id, token_for)
        response = self.service.reply({"status": 0, "data": base_info(user)})
        response.set_cookie("au_token", token, httponly=True)
        return response

    def login(self, params: dict[str, str]) -> Response:
        """``user/login``: by email or mobile and the password's md5; the token (au_token)
        in a cookie."""
        login_type = _text(params, "login_type")
        password = _md5_param(params, "password")
        if login_type == "mobile":
            key = (_text(params, "national_code"), _text(params, "mobile"))
            match = lambda u: (u.national_code, u.mobile) == key  # noqa: E731
        elif login_type == "email":
            email = _text(params, "email")
            match = lambda u: u.email == email  # noqa: E731
        else:
            raise Refused(Refusal.INVALID, "login_type must be email or mobile")
        user = next((u for u in self._search_recent_first() if match(u)), None)
        if user is None or not user.login_pwd_md5 or not same_digest(user.login_pwd_md5,
                                                                     password):
            raise Refused(Refusal.INVALID, "wrong account or password")
        return self._login_reply(user, params.get("token_for") or "PC")

    def _search_recent_first(self) -> Any:
        return self.org.walk_down(self.org.count, 0)

    def simple_login(self, params: dict[str, str]) -> Response:
        """``user/simple_login``: by ``third_user_id`` or ``user_id``."""
        third, user_id = params.get("third_user_id", ""), params.get("user_id", "")
        if not third and not user_id:
            raise Refused(Refusal.INVALID, "third_user_id or user_id is required")
        user = self.org.by_third_user_id(third) if third else self._user(params)
        if user is None:
            raise Refused(Refusal.INVALID, "no such third_user_id")
        return self._login_reply(user, params.get("token_for") or "PC")

    def parse_token(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/parse_token``: the user a login token belongs to."""
        token = _text(params, "token")
        token_from = params.get("token_from") or "PC"
        found = self._tokens.get(token)
        if found is None or found[1] != token_from:
            raise Refused(Refusal.INVALID, "token invalid or expired")
        return {"status": 0, "data": {"userId": found[0]}}

    # -- reads ---------------------------------------------------------------------

    def get_base_info(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/get_base_info``."""
        return {"status": 0, "data": base_info(self._user(params))}

    def get_verify_info(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/get_verify_info``: KYC of a user who submitted it; ``data`` null for one
        who never did (docs/wire.md)."""
        user = self._user(params)
        if user.verify_status == 0:
            return {"status": 0, "data": None}
        china = user.country_code == "CN"
        base = f"https://www.xxx.xx/s_api/os/encrypt/6001/{user.user_id}"
        return {"status": 0, "data": {
            "nationality": {"CN": "China", "US": "United States", "GB": "United Kingdom",
                            "SG": "Singapore", "HK": "Hong Kong", "RU": "Russia"}.get(
                                user.country_code, user.country_code),
            "countryCode": user.country_code,
            "firstName": user.first_name + user.second_name if china else user.first_name,
            "secondName": "" if china else user.second_name, "gender": user.gender,
            "cardNo": user.card_no, "cardFrontUrl": f"{base}/front.jpg",
            "cardBackUrl": f"{base}/back.jpg", "cardHandUrl": "",
            "verifyStatus": user.verify_status, "displayLevel": "2" if user.verify_status == 2
            else "1"}}

    def get_invite_info(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/get_invite_info``: invite code and counts (two levels)."""
        user = self._user(params)
        rows = self.org.invitees(user.index)
        direct = sum(1 for _, kind in rows if kind == 1)
        return {"status": 0, "data": {
            "userId": user.user_id, "inviteCode": user.invite_code, "inviteCount": len(rows),
            "directInviteCount": direct, "indirectInviteCount": len(rows) - direct,
            "inviteLevel": 0 if len(rows) < 5 else 1}}

    def valid_gacode(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/valid_gacode``: ``gacode`` against the user's TOTP now (±30 s)."""
        user = self._user(params)
        code = _int(params, "gacode", required=True)
        if user.ga_seed is None:
            raise Refused(Refusal.INVALID, "the user has no GA bound")
        totp = pyotp.TOTP(user.ga_seed)
        now_s = self._now() // 1000
        ok = any(totp.at(now_s + step * 30) == f"{code:06d}" for step in (-1, 0, 1))
        return {"status": 0, "data": {"success": ok}}

    def valid_trade_password(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/valid_trade_password``: the MD5 given against the user's."""
        user = self._user(params)
        given = _md5_param(params, "trade_password")
        if user.trade_pwd_md5 is None:
            raise Refused(Refusal.INVALID, "the user has no trade password set")
        return {"status": 0, "data": {"success": same_digest(user.trade_pwd_md5, given)}}

    def query_user_invite_list(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/query_user_invite_list``: invitees (two levels), by ``inviteId`` newest
        first."""
        user = self._user(params)
        invite_type = _int(params, "invite_type")
        if invite_type not in (None, 1, 2):
            raise Refused(Refusal.INVALID, "invite_type must be 1 or 2")
        from_id, to_id = _int(params, "from_id"), _int(params, "to_id")
        start, end = _int(params, "start_time"), _int(params, "end_time")
        rows = []
        for position, kind in self.org.invitees(user.index):
            invitee = self.org.user(position)
            invite_id = INVITE_BASE + position
            if ((invite_type is None or kind == invite_type)
                    and (from_id is None or invite_id < from_id)
                    and (to_id is None or invite_id > to_id)
                    and (start is None or invitee.register_date >= start)
                    and (end is None or invitee.register_date <= end)):
                rows.append((invite_id, kind, invitee))
        limit = _limit(params)
        page = page_range(0, len(rows), from_given=from_id is not None,
                          to_given=to_id is not None, limit=limit)
        return {"status": 0, "data": [
            {"inviteId": str(rows[i][0]), "userId": rows[i][2].user_id,
             "nationalCode": rows[i][2].national_code, "mobile": rows[i][2].mobile,
             "email": rows[i][2].email, "registerType": rows[i][2].register_type,
             "verifyStatus": rows[i][2].verify_status, "inviteType": str(rows[i][1]),
             "registerDate": str(rows[i][2].register_date)} for i in page]}

    def query_user_list(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/query_user_list``: the org's users by ``userId``, newest first."""
        from_id, to_id = _int(params, "from_id"), _int(params, "to_id")
        lo, hi = self.org.positions_between(
            from_id=from_id, to_id=to_id, start_time=_int(params, "start_time"),
            end_time=_int(params, "end_time"))
        page = page_range(lo, hi, from_given=from_id is not None, to_given=to_id is not None,
                          limit=_limit(params))
        return {"status": 0, "data": [_list_row(self.org.user(p)) for p in page]}

    def query_user_kyc_list(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/query_user_kyc_list``: users who submitted KYC (status 1-3), by the KYC
        record ``id``, newest first."""
        from_id, to_id = _int(params, "from_id"), _int(params, "to_id")
        lo, hi = self.org.positions_between(
            from_id=None, to_id=None, start_time=_int(params, "start_time"),
            end_time=_int(params, "end_time"))
        if from_id is not None:
            hi = min(hi, max(0, from_id - KYC_BASE))
        if to_id is not None:
            lo = max(lo, to_id - KYC_BASE + 1)
        limit = _limit(params)
        upward = to_id is not None and from_id is None
        positions = range(lo, hi) if upward else range(hi - 1, lo - 1, -1)
        picked: list[OrgUser] = []
        for position in positions:
            user = self.org.user(position)
            if user.verify_status:
                picked.append(user)
                if len(picked) == limit:
                    break
        picked.sort(key=lambda u: -u.index)
        return {"status": 0, "data": [
            {"id": str(KYC_BASE + u.index), "userId": u.user_id, "firstName": u.first_name,
             "secondName": u.second_name, "verifyStatus": u.verify_status} for u in picked]}

    def ext_status(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/ext_status``: the named flags (all when ``status_names`` is empty)."""
        user = self._user(params)
        names = [n for n in params.get("status_names", "").split(",") if n] or STATUS_FLAGS
        for name in names:
            if name not in STATUS_FLAGS:
                raise Refused(Refusal.INVALID, "非法请求")
        return {"status": 0, "data": {name: user.flags[name] for name in names}}

    # -- writes --------------------------------------------------------------------

    def set_ext_status(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/set_ext_status``: one flag to 0 or 1."""
        user = self._user(params)
        name = _text(params, "status_name")
        status = _int(params, "status", required=True)
        if name not in STATUS_FLAGS:
            raise Refused(Refusal.INVALID, "非法请求")
        if status not in (0, 1):
            raise Refused(Refusal.INVALID, "status must be 0 or 1")
        flags = dict(user.flags)
        flags[name] = status
        self.org.change(user, flags=flags)
        return {"status": 0, "data": {name: status}}

    def rebuild_invite_relation(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/rebuild_invite_relation``: only for a user without an inviter."""
        user = self._user(params)
        inviter = self._user(params, "invite_user_id")
        if user.invite_index is not None:
            raise Refused(Refusal.INVALID, "the user already has an invite relation")
        if inviter.index == user.index:
            raise Refused(Refusal.INVALID, "a user cannot invite themselves")
        self.org.rebuild_invite(user, inviter.index)
        return {"status": 0, "data": {"success": True}}

    def update_pwd(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/update_pwd``: reset the login password (its md5)."""
        user = self._user(params)
        self.org.change(user, login_pwd_md5=_md5_param(params, "password"))
        return {"status": 0, "data": {"success": True}}

    def set_trade_pwd(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/set_trade_pwd``: ``set_type`` 1 sets (none yet), 2 resets."""
        user = self._user(params)
        digest = _md5_param(params, "trade_pwd")
        set_type = _int(params, "set_type", required=True)
        if set_type not in (1, 2):
            raise Refused(Refusal.INVALID, "set_type must be 1 or 2")
        if set_type == 1 and user.trade_pwd_md5 is not None:
            raise Refused(Refusal.INVALID, "the trade password is already set; reset it")
        if set_type == 2 and user.trade_pwd_md5 is None:
            raise Refused(Refusal.INVALID, "no trade password to reset; set it")
        self.org.change(user, trade_pwd_md5=digest)
        return {"status": 0, "data": {"success": True}}

    def get_ga_key(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/get_ga_key``: a fresh GA secret for ``bind_ga`` to confirm."""
        user = self._user(params)
        secret = pyotp.random_base32(32)
        self.org.pending_ga(user.user_id, secret)
        label = user.mobile[:3] + "****" + user.mobile[-4:] if user.mobile else user.email
        url = f"otpauth://totp/BHEXTEST:{label}?secret={secret}&issuer=BHEXTEST"
        return {"status": 0, "data": {"secretKey": secret, "authUrl": url,
                                      "qrcode": hashlib.sha256(url.encode()).hexdigest()}}

    def bind_ga(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/bind_ga``: bind the pending GA key if ``ga_code`` is its code now."""
        user = self._user(params)
        code = _text(params, "ga_code")
        secret = self.org.pending_ga(user.user_id)
        if secret is None:
            raise Refused(Refusal.INVALID, "call get_ga_key first")
        if not pyotp.TOTP(secret).verify(code, for_time=self._now() // 1000, valid_window=1):
            raise Refused(Refusal.INVALID, "wrong GA code")
        self.org.change(user, ga_seed=secret)
        return {"status": 0, "data": {"success": True}}

    def _kyc_change(self, user: OrgUser, item: dict[str, Any]) -> OrgUser:
        def need(name: str) -> str:
            value = item.get(name)
            if value in (None, ""):
                raise Refused(Refusal.INVALID, f"{name} is required")
            return str(value)

        country = need("country_code")
        if len(country) != 2 or not country.isalpha():
            raise Refused(Refusal.INVALID, "country_code must be an ISO 3166-1 alpha-2 code")
        card_type = int(need("card_type")) if str(item.get("card_type", "")).isdigit() else None
        if card_type not in (1, 2, 3, 5):
            raise Refused(Refusal.INVALID, "card_type must be 1, 2, 3 or 5")
        status = need("verify_status")
        if status not in ("0", "1", "2", "3"):
            raise Refused(Refusal.INVALID, "verify_status must be 0 to 3")
        return self.org.change(user, country_code=country.upper(),
                               first_name=need("first_name"),
                               second_name=str(item.get("last_name") or ""),
                               card_type=card_type, card_no=need("card_no"),
                               verify_status=int(status))

    def update_user_kyc_info(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/update_user_kyc_info``."""
        user = self._user(params)
        self._kyc_change(user, params)
        return {"status": 0, "data": {"userId": user.user_id, "resultCode": 200,
                                      "resultMessage": "Success"}}

    def batch_update_user_kyc_info(self, params: dict[str, str]) -> dict[str, Any]:
        """``user/batch_update_user_kyc_info``: ``items`` a JSON array; one result per item
        (an item that fails does not stop the others)."""
        self._user(params)
        if params.get("data_type") != "json":
            raise Refused(Refusal.INVALID, "data_type must be json")
        try:
            items = json.loads(_text(params, "items"))
        except ValueError:
            raise Refused(Refusal.INVALID, "items is not JSON") from None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise Refused(Refusal.INVALID, "items must be a JSON array of objects")
        results = []
        for item in items:
            target = self.org.find(item.get("user_id"))
            if target is None:
                results.append({"userId": str(item.get("user_id")), "resultCode": 400,
                                "resultMessage": "no such user"})
                continue
            try:
                self._kyc_change(target, item)
            except Refused as refused:
                results.append({"userId": target.user_id, "resultCode": 400,
                                "resultMessage": refused.detail or "invalid"})
                continue
            results.append({"userId": target.user_id, "resultCode": 200,
                            "resultMessage": "Success"})
        return {"status": 0, "data": {"results": results}}

    # -- OTC -----------------------------------------------------------------------

    def otc_order_list(self, params: dict[str, str]) -> dict[str, Any]:
        """``/v2/org/otc/order/list``: the user's OTC orders newest first; ``from_id``
        older than it, ``last_id`` newer (both exclusive), limit default 20."""
        user = self._user(params)
        status, side = _int(params, "status"), _int(params, "side")
        token = params.get("token_id", "")
        begin, end = _int(params, "begin_time"), _int(params, "end_time")
        from_id, last_id = _int(params, "from_id"), _int(params, "last_id")
        rows = [_otc_order(user, k, detail=False) for k in range(user.otc_orders)]
        rows = [r for r in rows if (status is None or r["status"] == status)
                and (side is None or r["side"] == side)
                and (not token or r["tokenId"] == token)
                and (begin is None or r["createDate"] >= begin)
                and (end is None or r["createDate"] <= end)
                and (from_id is None or r["id"] < from_id)
                and (last_id is None or r["id"] > last_id)]
        rows.sort(key=lambda r: -r["id"])
        return {"status": 0, "data": rows[:_limit(params, 20)]}

    def otc_order_info(self, params: dict[str, str]) -> dict[str, Any]:
        """``/v2/org/otc/order/info``: one of the user's OTC orders."""
        user = self._user(params)
        order_id = _int(params, "order_id", required=True)
        k = (order_id or 0) - OTC_BASE - user.index * 4
        if not 0 <= k < user.otc_orders:
            raise Refused(Refusal.INVALID, "no such order_id")
        row = _otc_order(user, k, detail=True)
        row.update(buyerRealName="", sellerRealName=user.first_name + user.second_name,
                   recentExecuteRate=50, recentOrderNum=2)
        return {"status": 0, "data": row}


def bhex_user_routes(service: "BhexService", org: OrgDirectory) -> list[Route]:
    """The org user and OTC routes of ``service`` over ``org`` (kept as ``service.org``)."""
    service.org = org  # type: ignore[attr-defined]
    return BhexUsers(service, org).routes()
