"""BHEX Org API user endpoints (doc 004 section 2) and the user's OTC orders, for the
BHEX adapter.

:class:`BhexUsersMixin` is combined into :class:`tui.venues.bhex.BhexVenue`; each
endpoint is one method named after it (``user/get_base_info`` ->
:meth:`~BhexUsersMixin.user_get_base_info`) taking the document's parameter names and
returning the reply's ``data`` as the document shapes it. Passwords are taken as
:class:`~pydantic.SecretStr` and sent as their MD5 hex only; login tokens and GA keys come
back as :class:`~pydantic.SecretStr`. Required parameters are checked before sending
(:class:`~tui.core.errors.InvalidRequest`, nothing sent).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from pydantic import SecretStr

from tui.core.errors import InvalidRequest, VenueError

__all__ = ["BhexUsersMixin", "STATUS_FLAGS", "KYC_STATUS", "VERIFY_INFO_STATUS",
           "REGISTER_TYPES", "OTC_STATUS", "CARD_TYPES", "md5_hex", "check_user_id", "kyc_item",
           "STATUS_FLAG_MEANING", "OTC_SIDES"]

_USER = "/api/v2/org/user/"
_OTC = "/v2/org/otc/order/"

STATUS_FLAGS = ("USER_STATUS", "SPOT_TRADE", "OPTION_TRADE", "CONTRACT_TRADE", "OTC_TRADE",
                "MONEY_OUTFLOW", "WITHDRAW_BROKER_AUDIT", "WITHDRAW_WHITE_LIST")
"""The document's eight status flags, in its order."""
STATUS_FLAG_MEANING = {
    "USER_STATUS": ("disabled", "enabled"),
    "SPOT_TRADE": ("spot trading blocked", "spot trading allowed"),
    "OPTION_TRADE": ("option trading blocked", "option trading allowed"),
    "CONTRACT_TRADE": ("contract trading blocked", "contract trading allowed"),
    "OTC_TRADE": ("OTC trading blocked", "OTC trading allowed"),
    "MONEY_OUTFLOW": ("no money out", "money out allowed (withdraw, OTC sell)"),
    "WITHDRAW_BROKER_AUDIT": ("withdrawals not watched",
                              "every withdrawal needs the broker's audit"),
    "WITHDRAW_WHITE_LIST": ("not on the withdrawal whitelist", "on the withdrawal whitelist"),
}
"""What 0 and 1 mean for each flag, as the document says."""
KYC_STATUS = {0: "not submitted", 1: "under review", 2: "approved", 3: "rejected"}
"""``verifyStatus`` of the user object and the user lists."""
VERIFY_INFO_STATUS = {1: "not reviewed", 2: "approved", 3: "rejected"}
"""``verifyStatus`` of ``get_verify_info`` (the document numbers it differently)."""
REGISTER_TYPES = {1: "mobile", 2: "email"}
CARD_TYPES = {1: "ID card", 2: "driving licence", 3: "passport", 5: "other"}
OTC_STATUS = {0: "deleted", 1: "initialised", 10: "created", 20: "paid, awaiting confirmation",
              30: "in appeal", 40: "cancelled", 50: "completed"}
OTC_SIDES = {0: "buy", 1: "sell"}
TOKEN_SCOPES = ("PC", "MOBILE", "H5")


def md5_hex(secret: SecretStr) -> str:
    """The MD5 hex of a password, as every password parameter of the document wants it."""
    return hashlib.md5(secret.get_secret_value().encode()).hexdigest()


def check_user_id(value: Any, name: str = "user_id") -> str:
    """``value`` as a BHEX user id (digits, a long); else InvalidRequest."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or len(text) > 19:
        raise InvalidRequest("bhex", f"{name} must be a BHEX user id (digits only), "
                                     f"got {text[:24]!r}")
    return text


def _need(value: Any, name: str) -> Any:
    if value is None or value == "":
        raise InvalidRequest("bhex", f"{name} is required")
    return value


def _one_of(value: Any, allowed: Iterable[Any], name: str) -> Any:
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise InvalidRequest("bhex", f"{name} must be one of "
                                     f"{', '.join(str(a) for a in allowed)}")
    return value


class BhexUsersMixin:
    """BHEX org user, KYC, status and OTC endpoints; mixed into the BHEX adapter (needs
    ``request``, ``_http`` and ``_scrubbed`` from it)."""

    request: Callable[..., Awaitable[Any]]
    _http: Callable[[], Awaitable[Any]]
    _scrubbed: Callable[..., VenueError]

    async def _user_call(self, method: str, name: str, params: Mapping[str, Any], *,
                         read: bool, hidden: tuple[str, ...] = ()) -> Any:
        where = "params" if method == "GET" else "form"
        try:
            return await self.request(method, _USER + name, read=read, **{where: dict(params)})
        except VenueError as exc:
            if hidden:
                raise self._scrubbed(exc, *hidden) from None
            raise

    async def _take_token(self) -> SecretStr | None:
        """The ``au_token`` cookie a login reply set, removed from the client's jar so no
        later org call carries it."""
        client = await self._http()
        token = client.cookies.get("au_token")
        if token is not None:
            client.cookies.delete("au_token")
        return None if token is None else SecretStr(token)

    # -- registration and login --------------------------------------------------------

    async def user_register(self, *, national_code: str | None = None,
                            mobile: str | None = None, email: str | None = None,
                            password: SecretStr | None = None, invite_code: str | None = None,
                            invite_user_id: str | None = None,
                            send_success_msg: bool | None = None) -> dict[str, Any]:
        """``POST user/register``: a mobile (with ``national_code``) or an email; the
        password (optional) as its MD5. Returns the new user object."""
        if not mobile and not email:
            raise InvalidRequest("bhex", "register needs a mobile or an email")
        if mobile and not national_code:
            raise InvalidRequest("bhex", "a mobile needs its national_code")
        if invite_user_id is not None:
            check_user_id(invite_user_id, "invite_user_id")
        digest = md5_hex(password) if password is not None else None
        form = {"national_code": national_code, "mobile": mobile, "email": email,
                "password": digest, "invite_code": invite_code,
                "invite_user_id": invite_user_id, "send_success_msg": send_success_msg}
        hidden = (password.get_secret_value(), digest) if password is not None and digest else ()
        return await self._user_call("POST", "register", form, read=False,
                                     hidden=hidden)  # type: ignore[arg-type]

    async def user_simple_register(self, third_user_id: str) -> dict[str, Any]:
        """``POST user/simple_register``: a user of the broker's own user system."""
        return await self._user_call("POST", "simple_register",
                                     {"third_user_id": _need(third_user_id, "third_user_id")},
                                     read=False)

    async def user_login(self, login_type: str, password: SecretStr, *,
                         national_code: str | None = None, mobile: str | None = None,
                         email: str | None = None,
                         token_for: str | None = None) -> tuple[dict[str, Any], SecretStr | None]:
        """``POST user/login``: the user object, and the login token (``au_token``, from
        the reply's cookie)."""
        _one_of(login_type, ("email", "mobile"), "login_type")
        _one_of(token_for, TOKEN_SCOPES, "token_for")
        if login_type == "mobile":
            _need(national_code, "national_code")
            _need(mobile, "mobile")
        else:
            _need(email, "email")
        digest = md5_hex(password)
        form = {"login_type": login_type, "national_code": national_code, "mobile": mobile,
                "email": email, "password": digest, "token_for": token_for}
        data = await self._user_call("POST", "login", form, read=False,
                                     hidden=(password.get_secret_value(), digest))
        return data, await self._take_token()

    async def user_simple_login(self, *, third_user_id: str | None = None,
                                user_id: str | None = None, token_for: str | None = None
                                ) -> tuple[dict[str, Any], SecretStr | None]:
        """``POST user/simple_login`` by ``third_user_id`` or ``user_id``: the user object
        and the login token."""
        if not third_user_id and not user_id:
            raise InvalidRequest("bhex", "simple_login needs third_user_id or user_id")
        _one_of(token_for, TOKEN_SCOPES, "token_for")
        form = {"third_user_id": third_user_id,
                "user_id": check_user_id(user_id) if user_id else None, "token_for": token_for}
        data = await self._user_call("POST", "simple_login", form, read=False)
        return data, await self._take_token()

    async def user_parse_token(self, token: SecretStr, token_from: str | None = None) -> str:
        """``POST user/parse_token``: the user id a login token belongs to."""
        _one_of(token_from, TOKEN_SCOPES, "token_from")
        data = await self._user_call("POST", "parse_token",
                                     {"token": token.get_secret_value(),
                                      "token_from": token_from},
                                     read=True, hidden=(token.get_secret_value(),))
        return str(data["userId"])

    # -- reads ---------------------------------------------------------------------

    async def user_get_base_info(self, user_id: str) -> dict[str, Any]:
        """``GET user/get_base_info``: the user object."""
        return await self._user_call("GET", "get_base_info",
                                     {"user_id": check_user_id(user_id)}, read=True)

    async def user_get_verify_info(self, user_id: str) -> dict[str, Any] | None:
        """``GET user/get_verify_info``: the user's KYC, None when never submitted."""
        return await self._user_call("GET", "get_verify_info",
                                     {"user_id": check_user_id(user_id)}, read=True) or None

    async def user_get_invite_info(self, user_id: str) -> dict[str, Any]:
        """``GET user/get_invite_info``: invite code and counts."""
        return await self._user_call("GET", "get_invite_info",
                                     {"user_id": check_user_id(user_id)}, read=True)

    async def user_valid_gacode(self, user_id: str, gacode: str) -> bool:
        """``GET user/valid_gacode``: whether ``gacode`` (six digits) is the user's GA code
        now."""
        code = str(gacode).strip()
        if not (code.isdigit() and len(code) == 6):
            raise InvalidRequest("bhex", "a GA code is six digits")
        data = await self._user_call("GET", "valid_gacode",
                                     {"user_id": check_user_id(user_id), "gacode": code},
                                     read=True, hidden=(code,))
        return data.get("success") is True

    async def user_valid_trade_password(self, user_id: str, trade_password: SecretStr) -> bool:
        """``GET user/valid_trade_password``: the password sent as its MD5 only."""
        if not trade_password.get_secret_value():
            raise InvalidRequest("bhex", "type the trade password")
        digest = md5_hex(trade_password)
        data = await self._user_call("GET", "valid_trade_password",
                                     {"user_id": check_user_id(user_id),
                                      "trade_password": digest},
                                     read=True, hidden=(trade_password.get_secret_value(),
                                                        digest))
        return data.get("success") is True

    async def user_query_user_invite_list(self, user_id: str, *, from_id: str | None = None,
                                          to_id: str | None = None,
                                          start_time: int | None = None,
                                          end_time: int | None = None,
                                          limit: int | None = None,
                                          invite_type: int | None = None
                                          ) -> list[dict[str, Any]]:
        """``GET user/query_user_invite_list``: invitees by ``inviteId``, newest first."""
        _one_of(invite_type, (1, 2), "invite_type")
        params = {"user_id": check_user_id(user_id), "from_id": from_id, "to_id": to_id,
                  "start_time": start_time, "end_time": end_time, "limit": limit,
                  "invite_type": invite_type}
        return await self._user_call("GET", "query_user_invite_list", params, read=True) or []

    async def user_query_user_list(self, *, from_id: str | None = None,
                                   to_id: str | None = None, start_time: int | None = None,
                                   end_time: int | None = None,
                                   limit: int | None = None) -> list[dict[str, Any]]:
        """``GET user/query_user_list``: the org's users by ``userId``, newest first."""
        params = {"from_id": from_id, "to_id": to_id, "start_time": start_time,
                  "end_time": end_time, "limit": limit}
        return await self._user_call("GET", "query_user_list", params, read=True) or []

    async def user_query_user_kyc_list(self, *, from_id: str | None = None,
                                       to_id: str | None = None, start_time: int | None = None,
                                       end_time: int | None = None,
                                       limit: int | None = None) -> list[dict[str, Any]]:
        """``GET user/query_user_kyc_list``: KYC records by ``id``, newest first."""
        params = {"from_id": from_id, "to_id": to_id, "start_time": start_time,
                  "end_time": end_time, "limit": limit}
        return await self._user_call("GET", "query_user_kyc_list", params, read=True) or []

    async def user_ext_status(self, user_id: str,
                              status_names: Iterable[str] | None = None) -> dict[str, int]:
        """``POST user/ext_status``: the named flags (all eight when none named)."""
        names = list(status_names or [])
        for name in names:
            _one_of(name, STATUS_FLAGS, "status_names")
        data = await self._user_call("POST", "ext_status",
                                     {"user_id": check_user_id(user_id),
                                      "status_names": ",".join(names) or None}, read=True)
        return {str(k): int(v) for k, v in data.items()}

    # -- writes --------------------------------------------------------------------

    async def user_set_ext_status(self, user_id: str, status_name: str,
                                  status: int) -> dict[str, int]:
        """``POST user/set_ext_status``: one flag to 0 or 1; the reply echoes it."""
        _one_of(status_name, STATUS_FLAGS, "status_name")
        _one_of(status, (0, 1), "status")
        data = await self._user_call("POST", "set_ext_status",
                                     {"user_id": check_user_id(user_id),
                                      "status_name": status_name, "status": status},
                                     read=False)
        return {str(k): int(v) for k, v in data.items()}

    async def user_rebuild_invite_relation(self, user_id: str, invite_user_id: str) -> bool:
        """``POST user/rebuild_invite_relation`` (only for a user without an inviter)."""
        data = await self._user_call("POST", "rebuild_invite_relation",
                                     {"user_id": check_user_id(user_id),
                                      "invite_user_id": check_user_id(invite_user_id,
                                                                      "invite_user_id")},
                                     read=False)
        return data.get("success") is True

    async def user_update_pwd(self, user_id: str, password: SecretStr) -> bool:
        """``POST user/update_pwd``: reset the login password (sent as its MD5)."""
        if not password.get_secret_value():
            raise InvalidRequest("bhex", "type the new login password")
        digest = md5_hex(password)
        data = await self._user_call("POST", "update_pwd",
                                     {"user_id": check_user_id(user_id), "password": digest},
                                     read=False, hidden=(password.get_secret_value(), digest))
        return data.get("success") is True

    async def user_set_trade_pwd(self, user_id: str, trade_pwd: SecretStr,
                                 set_type: int) -> bool:
        """``POST user/set_trade_pwd``: ``set_type`` 1 set, 2 reset (sent as its MD5)."""
        _one_of(set_type, (1, 2), "set_type")
        if not trade_pwd.get_secret_value():
            raise InvalidRequest("bhex", "type the new trade password")
        digest = md5_hex(trade_pwd)
        data = await self._user_call("POST", "set_trade_pwd",
                                     {"user_id": check_user_id(user_id), "trade_pwd": digest,
                                      "set_type": set_type},
                                     read=False, hidden=(trade_pwd.get_secret_value(), digest))
        return data.get("success") is True

    async def user_get_ga_key(self, user_id: str) -> dict[str, Any]:
        """``POST user/get_ga_key``: ``secretKey`` and ``authUrl`` as SecretStr (they are
        the GA secret), ``qrcode`` as given."""
        data = await self._user_call("POST", "get_ga_key", {"user_id": check_user_id(user_id)},
                                     read=False)
        return {"secretKey": SecretStr(str(data["secretKey"])),
                "authUrl": SecretStr(str(data.get("authUrl", ""))),
                "qrcode": data.get("qrcode", "")}

    async def user_bind_ga(self, user_id: str, ga_code: str) -> bool:
        """``POST user/bind_ga``: confirm the key from ``get_ga_key`` with its code."""
        code = str(ga_code).strip()
        if not (code.isdigit() and len(code) == 6):
            raise InvalidRequest("bhex", "a GA code is six digits")
        data = await self._user_call("POST", "bind_ga",
                                     {"user_id": check_user_id(user_id), "ga_code": code},
                                     read=False)
        return data.get("success") is True

    async def user_update_user_kyc_info(self, user_id: str, *, country_code: str,
                                        first_name: str, card_no: str, verify_status: int,
                                        last_name: str | None = None,
                                        card_type: int | None = None) -> dict[str, Any]:
        """``POST user/update_user_kyc_info``: ``{userId, resultCode, resultMessage}``."""
        form = kyc_item(user_id, country_code=country_code, first_name=first_name,
                        card_no=card_no, verify_status=verify_status, last_name=last_name,
                        card_type=card_type)
        return await self._user_call("POST", "update_user_kyc_info", form, read=False)

    async def user_batch_update_user_kyc_info(self, user_id: str,
                                              items: list[dict[str, Any]]
                                              ) -> list[dict[str, Any]]:
        """``POST user/batch_update_user_kyc_info``: ``items`` (each as
        :func:`kyc_item` makes them) sent as the JSON array the document shows; one
        result per item."""
        if not items:
            raise InvalidRequest("bhex", "no KYC rows to update")
        text = json.dumps([{**item, "user_id": int(item["user_id"])} for item in items],
                          ensure_ascii=False, separators=(",", ":"))
        data = await self._user_call("POST", "batch_update_user_kyc_info",
                                     {"user_id": check_user_id(user_id), "data_type": "json",
                                      "items": text}, read=False)
        return list(data.get("results") or [])

    # -- OTC -----------------------------------------------------------------------

    async def otc_order_list(self, user_id: str, *, status: int | None = None,
                             token_id: str | None = None, begin_time: int | None = None,
                             end_time: int | None = None, side: int | None = None,
                             from_id: str | None = None, last_id: str | None = None,
                             limit: int | None = None) -> list[dict[str, Any]]:
        """``POST /v2/org/otc/order/list``: the user's OTC orders, newest first."""
        _one_of(status, OTC_STATUS, "status")
        _one_of(side, OTC_SIDES, "side")
        form = {"user_id": check_user_id(user_id), "status": status, "token_id": token_id,
                "begin_time": begin_time, "end_time": end_time, "side": side,
                "from_id": from_id, "last_id": last_id, "limit": limit}
        return await self.request("POST", _OTC + "list", form=form, read=True) or []

    async def otc_order_info(self, user_id: str, order_id: str) -> dict[str, Any]:
        """``POST /v2/org/otc/order/info``: one OTC order with its payment terms."""
        form = {"user_id": check_user_id(user_id),
                "order_id": check_user_id(order_id, "order_id")}
        return await self.request("POST", _OTC + "info", form=form, read=True)


def kyc_item(user_id: str, *, country_code: str, first_name: str, card_no: str,
             verify_status: int, last_name: str | None = None,
             card_type: int | None = None) -> dict[str, Any]:
    """One KYC update as the document names its fields; checked (InvalidRequest)."""
    code = (country_code or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise InvalidRequest("bhex", "country_code is an ISO 3166-1 two-letter code, e.g. CN")
    _need((first_name or "").strip(), "first_name")
    _need((card_no or "").strip(), "card_no")
    _one_of(verify_status, tuple(KYC_STATUS), "verify_status")
    _one_of(card_type, tuple(CARD_TYPES), "card_type")
    return {"user_id": check_user_id(user_id), "country_code": code,
            "first_name": first_name.strip(), "last_name": (last_name or None),
            "card_type": card_type, "card_no": card_no.strip(), "verify_status": verify_status}
