"""The journaled support writes beside the status flag (:mod:`tui.support.actions`): KYC
(one user, or a batch from a CSV), the invite relation, the login and trade passwords, a
GA binding and a registration.

Each is a :class:`~tui.support.actions.SupportRequest`: confirmed with :meth:`summary`
(exactly what changes), journaled with the operator before it is sent, sent once and,
when the reply is lost, settled by looking at the venue (never resent). Passwords and GA
keys are never fields: the request carries :data:`~tui.support.held_secrets.REDACTED` and
the secret is held in memory by journal key (:mod:`tui.support.held_secrets`).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any, Literal

import pyotp
from pydantic import BaseModel, ConfigDict, SecretStr, field_validator, model_validator

from tui.core.errors import InvalidRequest, VenueError
from tui.core.moves import LookupResult, MoveReceipt, MoveStatus
from tui.support.actions import SupportAction, SupportRequest
from tui.support.held_secrets import REDACTED, held, release
from tui.venues.bhex_users import CARD_TYPES, KYC_STATUS, check_user_id, kyc_item

__all__ = ["KYC_FIELDS", "KycChange", "KycUpdateRequest", "InviteRelationRequest",
           "LoginPasswordRequest", "TradePasswordRequest", "GaBindRequest",
           "RegisterRequest", "current_kyc", "kyc_diff"]

KYC_FIELDS = ("country_code", "first_name", "last_name", "card_type", "card_no",
              "verify_status")
"""The fields of a KYC update, as ``update_user_kyc_info`` names them."""

_LOOKUP_PARALLEL = 8


def _field_text(name: str, value: Any) -> str:
    """A KYC field's value in words (card type and status named)."""
    if value is None or value == "":
        return "-"
    if name == "verify_status":
        return f"{value} ({KYC_STATUS.get(int(value), '?')})"
    if name == "card_type":
        return f"{value} ({CARD_TYPES.get(int(value), '?')})"
    return str(value)


class KycChange(BaseModel):
    """One user's KYC as it becomes (``new``, the document's field names) and as it was
    read before (``before``; an absent field was not known)."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    new: dict[str, Any]
    before: dict[str, Any] = {}

    @field_validator("user_id")
    @classmethod
    def _uid(cls, value: str) -> str:
        return check_user_id(value)

    @field_validator("new")
    @classmethod
    def _new(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            item = kyc_item("1", **{k: value.get(k) for k in KYC_FIELDS})
        except InvalidRequest as exc:
            raise ValueError(str(exc).removeprefix("bhex: ")) from None
        return {k: item[k] for k in KYC_FIELDS}

    def diff(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for every field that changes."""
        return kyc_diff(self.before, self.new)

    def item(self) -> dict[str, Any]:
        """The change as ``kyc_item`` shapes it for the wire."""
        return kyc_item(self.user_id, **self.new)


def kyc_diff(before: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) for every KYC field ``new`` changes from ``before`` (a field
    ``before`` does not know counts as a change)."""
    rows = []
    for name in KYC_FIELDS:
        old, value = before.get(name), new.get(name)
        if name not in before or str(old if old is not None else "") != str(
                value if value is not None else ""):
            rows.append((name, "?" if name not in before else _field_text(name, old),
                         _field_text(name, value)))
    return rows


async def current_kyc(adapter: Any, user_id: str) -> dict[str, Any]:
    """The user's KYC now, under the update's field names: ``verify_status`` from the user
    object (0-3, the update's numbering), the rest from ``get_verify_info`` (absent when
    never submitted; the card type is not in any reply, so it is never known)."""
    base, info = await asyncio.gather(adapter.user_get_base_info(user_id),
                                      adapter.user_get_verify_info(user_id))
    found: dict[str, Any] = {"verify_status": int(base.get("verifyStatus") or 0)}
    if info:
        found.update(country_code=info.get("countryCode") or "",
                     first_name=info.get("firstName") or "",
                     last_name=info.get("secondName") or None,
                     card_no=info.get("cardNo") or "")
    return found


def _in_force(now: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether KYC read back (``now``) shows ``new``: the status, and for a submitted KYC
    the country and card number (names are joined differently per country, so they are
    not compared)."""
    if now.get("verify_status") != new["verify_status"]:
        return False
    if "card_no" not in now:
        return new["verify_status"] == 0
    return now["card_no"] == new["card_no"] and now["country_code"] == new["country_code"]


class KycUpdateRequest(SupportRequest):
    """Update the KYC of one user (``user/update_user_kyc_info``) or, ``batch``, of every
    user in ``changes`` (``user/batch_update_user_kyc_info``; ``user_id`` is then the call's
    own ``user_id``, the operator profile's user)."""

    kind: Literal[SupportAction.KYC] = SupportAction.KYC
    changes: tuple[KycChange, ...]
    batch: bool = False
    source: str = ""
    """Where a batch came from (the CSV file's name)."""

    @field_validator("changes")
    @classmethod
    def _changes(cls, value: tuple[KycChange, ...]) -> tuple[KycChange, ...]:
        if not value:
            raise ValueError("no KYC change")
        return value

    @property
    def amount(self) -> Decimal:
        """How many users' KYC changes."""
        return Decimal(len(self.changes))

    @property
    def symbol(self) -> str:
        """``uid:<user>`` for one user; ``kyc-batch`` for a batch."""
        return "kyc-batch" if self.batch else f"uid:{self.changes[0].user_id}"

    @property
    def destination(self) -> str:
        """The change in words."""
        if self.batch:
            return (f"KYC of {len(self.changes)} users from {self.source or 'a batch'} "
                    f"(by {self.operator})")
        fields = ", ".join(name for name, _, _ in self.changes[0].diff()) or "nothing"
        return f"user {self.changes[0].user_id}: KYC {fields} (by {self.operator})"

    def summary(self) -> list[tuple[str, str]]:
        """Every field that changes, before -> after (a batch: how many users each field
        changes for; the rows were previewed one by one)."""
        rows: list[tuple[str, str]] = []
        if self.batch:
            # every row's diff was previewed line by line just before; here the totals
            counts: dict[str, int] = {}
            for change in self.changes:
                for name, _, _ in change.diff():
                    counts[name] = counts.get(name, 0) + 1
            rows.append(("users", f"{len(self.changes)} from {self.source or 'a batch'}"))
            rows += [(f"  {name}", f"changes for {counts[name]} user(s)")
                     for name in KYC_FIELDS if name in counts]
            return [*rows, ("by", self.operator), ("profile", self.profile)]
        for change in self.changes:
            rows.append(("user", change.user_id))
            diff = change.diff()
            if not diff:
                rows.append(("  (no change)", "the KYC already reads so"))
            rows += [(f"  {name}", f"{old} -> {new}") for name, old, new in diff]
        return [*rows, ("by", self.operator), ("profile", self.profile)]

    async def send(self, adapter: Any) -> MoveReceipt:
        """One call; a batch whose every row failed is refused, a partial one is DONE
        with the failures named."""
        if not self.batch:
            change = self.changes[0]
            reply = await adapter.user_update_user_kyc_info(change.user_id, **change.new)
            if str(reply.get("resultCode")) != "200":
                raise InvalidRequest("bhex", f"KYC of user {change.user_id} not updated: "
                                             f"{reply.get('resultMessage')}")
            return MoveReceipt(status=MoveStatus.DONE, venue_status="KYC updated",
                               evidence=f"update_user_kyc_info: {reply.get('resultCode')} "
                                        f"{reply.get('resultMessage')}")
        results = await adapter.user_batch_update_user_kyc_info(
            self.user_id, [c.item() for c in self.changes])
        failed = [r for r in results if str(r.get("resultCode")) != "200"]
        done = len(results) - len(failed)
        failures = "; ".join(f"{r.get('userId')}: {r.get('resultMessage')}"
                             for r in failed[:10])
        if not done:
            raise InvalidRequest("bhex", f"no KYC row was updated ({failures})")
        return MoveReceipt(status=MoveStatus.DONE,
                           venue_status=f"{done} of {len(self.changes)} updated",
                           evidence="batch_update_user_kyc_info: " + (
                               f"{len(failed)} failed: {failures}" if failed else "every row 200"))

    async def look_up(self, adapter: Any) -> MoveReceipt | None:
        """Every user's KYC read back: DONE when it shows the change for all (or, for a
        batch, some: named), None when for none."""
        gate = asyncio.Semaphore(_LOOKUP_PARALLEL)

        async def check(change: KycChange) -> bool:
            async with gate:
                return _in_force(await current_kyc(adapter, change.user_id), change.new)

        shown = await asyncio.gather(*(check(c) for c in self.changes))
        count = sum(shown)
        if not count:
            return None
        return MoveReceipt(status=MoveStatus.DONE,
                           venue_status=(f"{count} of {len(self.changes)} updated"
                                         if self.batch else "KYC updated"),
                           evidence=f"get_base_info/get_verify_info show the new KYC for "
                                    f"{count} of {len(self.changes)} users")


class InviteRelationRequest(SupportRequest):
    """Make ``invite_user_id`` the inviter of ``user_id``, who has none
    (``user/rebuild_invite_relation``)."""

    kind: Literal[SupportAction.INVITE_RELATION] = SupportAction.INVITE_RELATION
    invite_user_id: str

    @field_validator("invite_user_id")
    @classmethod
    def _inviter(cls, value: str) -> str:
        return check_user_id(value, "invite_user_id")

    @property
    def destination(self) -> str:
        """The change in words."""
        return f"user {self.user_id}: invited by {self.invite_user_id} (by {self.operator})"

    def summary(self) -> list[tuple[str, str]]:
        """The relation made."""
        return [("user", self.user_id), ("inviter now", "none"),
                ("inviter becomes", self.invite_user_id), ("by", self.operator),
                ("profile", self.profile)]

    async def send(self, adapter: Any) -> MoveReceipt:
        """``rebuild_invite_relation`` once."""
        if not await adapter.user_rebuild_invite_relation(self.user_id, self.invite_user_id):
            raise InvalidRequest("bhex", "the venue did not rebuild the relation "
                                         "(success false)")
        return MoveReceipt(status=MoveStatus.DONE, venue_status="relation rebuilt",
                           evidence="rebuild_invite_relation answered success")

    async def look_up(self, adapter: Any) -> MoveReceipt | None:
        """Whether ``get_base_info`` names the inviter."""
        base = await adapter.user_get_base_info(self.user_id)
        if str(base.get("inviteUserId") or "") != self.invite_user_id:
            return None
        return MoveReceipt(status=MoveStatus.DONE, venue_status="relation rebuilt",
                           evidence=f"get_base_info shows inviter {self.invite_user_id}")


def _need_held(request: SupportRequest, name: str, what: str) -> SecretStr:
    secret = held(request.client_key, name)
    if secret is None:
        raise InvalidRequest("bhex", f"the {what} was held only in the memory of the "
                                     "process that asked for this change and is gone; "
                                     "nothing was sent; ask for the change again")
    return secret


def _gone(what: str, check: str) -> LookupResult:
    return LookupResult(supported=False, reason=(
        f"the {what} was held only in the memory of the process that sent it, so whether "
        f"it is in force cannot be checked from the journal; {check}"))


class LoginPasswordRequest(SupportRequest):
    """Reset the login password of ``user_id`` (``user/update_pwd``; sent as its MD5)."""

    kind: Literal[SupportAction.LOGIN_PASSWORD] = SupportAction.LOGIN_PASSWORD
    password: Literal["(entered; held in memory for the send only, never recorded)"] = REDACTED

    def summary(self) -> list[tuple[str, str]]:
        """The reset, the password never shown."""
        return [("user", self.user_id), ("login password", "reset to the one typed"),
                ("new password", REDACTED), ("by", self.operator), ("profile", self.profile)]

    async def send(self, adapter: Any) -> MoveReceipt:
        """``update_pwd`` with the held password's MD5."""
        secret = _need_held(self, "password", "new login password")
        if not await adapter.user_update_pwd(self.user_id, secret):
            raise InvalidRequest("bhex", "the venue did not reset the login password "
                                         "(success false)")
        release(self.client_key)
        return MoveReceipt(status=MoveStatus.DONE, venue_status="login password reset",
                           evidence="update_pwd answered success")

    async def look_up(self, adapter: Any) -> MoveReceipt | LookupResult | None:
        """A login with the held password (its token is dropped at once): in force when
        it logs in; not when it is refused for an enabled user."""
        secret = held(self.client_key, "password")
        if secret is None:
            return _gone("new login password", "ask the user to log in with it, then "
                                               "resolve the entry")
        base = await adapter.user_get_base_info(self.user_id)
        try:
            if base.get("mobile"):
                await adapter.user_login("mobile", secret, national_code=base.get(
                    "nationalCode"), mobile=base["mobile"])
            else:
                await adapter.user_login("email", secret, email=base.get("email"))
        except InvalidRequest:
            flags = await adapter.user_ext_status(self.user_id, ["USER_STATUS"])
            if not flags.get("USER_STATUS", 1):
                return LookupResult(supported=False, reason="the user is disabled, so a "
                                    "login cannot tell whether the password is in force")
            return None
        release(self.client_key)
        return MoveReceipt(status=MoveStatus.DONE, venue_status="login password reset",
                           evidence="user/login succeeds with the new password")


class TradePasswordRequest(SupportRequest):
    """Set (``set_type`` 1, none yet) or reset (2) the trade password of ``user_id``
    (``user/set_trade_pwd``; sent as its MD5)."""

    kind: Literal[SupportAction.TRADE_PASSWORD] = SupportAction.TRADE_PASSWORD
    set_type: Literal[1, 2]
    password: Literal["(entered; held in memory for the send only, never recorded)"] = REDACTED

    def summary(self) -> list[tuple[str, str]]:
        """The set or reset, the password never shown."""
        what = "set (the user has none)" if self.set_type == 1 else "reset"
        return [("user", self.user_id), ("trade password", f"{what} to the one typed"),
                ("new password", REDACTED), ("by", self.operator), ("profile", self.profile)]

    async def send(self, adapter: Any) -> MoveReceipt:
        """``set_trade_pwd`` with the held password's MD5."""
        secret = _need_held(self, "password", "new trade password")
        if not await adapter.user_set_trade_pwd(self.user_id, secret, self.set_type):
            raise InvalidRequest("bhex", "the venue did not set the trade password "
                                         "(success false)")
        release(self.client_key)
        return MoveReceipt(status=MoveStatus.DONE, venue_status="trade password set",
                           evidence="set_trade_pwd answered success")

    async def look_up(self, adapter: Any) -> MoveReceipt | LookupResult | None:
        """``valid_trade_password`` with the held password's MD5."""
        secret = held(self.client_key, "password")
        if secret is None:
            return _gone("new trade password", "check it with `coinsole users "
                                               "verify-trade-password`, then resolve the entry")
        try:
            ok = await adapter.user_valid_trade_password(self.user_id, secret)
        except InvalidRequest:
            return None  # no trade password at all: the set was not applied
        if not ok:
            return None
        release(self.client_key)
        return MoveReceipt(status=MoveStatus.DONE, venue_status="trade password set",
                           evidence="valid_trade_password accepts the new password")


class GaBindRequest(SupportRequest):
    """Bind the GA key ``get_ga_key`` issued to ``user_id`` (``user/bind_ga`` with its code
    now). The key and the code are held in memory only."""

    kind: Literal[SupportAction.GA_BIND] = SupportAction.GA_BIND
    previously_bound: bool
    ga_key: Literal["(entered; held in memory for the send only, never recorded)"] = REDACTED

    def summary(self) -> list[tuple[str, str]]:
        """The binding, the key never shown."""
        now = "a GA key is bound (it is replaced)" if self.previously_bound else "no GA bound"
        return [("user", self.user_id), ("GA now", now),
                ("GA becomes", "the key just issued by get_ga_key"), ("GA key", REDACTED),
                ("by", self.operator), ("profile", self.profile)]

    async def send(self, adapter: Any) -> MoveReceipt:
        """``bind_ga`` with the held code."""
        code = _need_held(self, "ga_code", "GA code")
        if not await adapter.user_bind_ga(self.user_id, code.get_secret_value()):
            raise InvalidRequest("bhex", "the venue did not bind the GA key (success false)")
        release(self.client_key)
        return MoveReceipt(status=MoveStatus.DONE, venue_status="GA bound",
                           evidence="bind_ga answered success")

    async def look_up(self, adapter: Any) -> MoveReceipt | LookupResult | None:
        """``valid_gacode`` with the held key's code now; without the key, only a user
        who had no GA before can be checked (``bindGA`` of ``get_base_info``)."""
        key = held(self.client_key, "ga_key")
        if key is not None:
            code = pyotp.TOTP(key.get_secret_value()).now()
            try:
                ok = await adapter.user_valid_gacode(self.user_id, code)
            except InvalidRequest:
                return None  # no GA bound at all
            if not ok:
                return None
            release(self.client_key)
            return MoveReceipt(status=MoveStatus.DONE, venue_status="GA bound",
                               evidence="valid_gacode accepts the new key's code")
        if self.previously_bound:
            return _gone("new GA key", "ask the user for a code from the new key and "
                                       "check it with `coinsole users verify-ga`")
        base = await adapter.user_get_base_info(self.user_id)
        if not base.get("bindGA"):
            return None
        return MoveReceipt(status=MoveStatus.DONE, venue_status="GA bound",
                           evidence="get_base_info shows bindGA true (none before)")


class RegisterRequest(SupportRequest):
    """Register a new org user (``user/register`` by mobile or email, optionally with a
    password; ``user/simple_register`` by ``third_user_id``). ``user_id`` is empty: the
    venue gives it (the receipt's ``venue_ref``)."""

    kind: Literal[SupportAction.USER_REGISTER] = SupportAction.USER_REGISTER
    user_id: str = ""
    national_code: str | None = None
    mobile: str | None = None
    email: str | None = None
    third_user_id: str | None = None
    invite_code: str | None = None
    invite_user_id: str | None = None
    password: Literal["(entered; held in memory for the send only, never recorded)"] | None = None
    asked_ms: int

    @field_validator("user_id")
    @classmethod
    def _uid(cls, value: str) -> str:
        if value:
            raise ValueError("a registration has no user id yet")
        return value

    @field_validator("invite_user_id")
    @classmethod
    def _inviter(cls, value: str | None) -> str | None:
        return None if value is None else check_user_id(value, "invite_user_id")

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        if value is not None and not value.isdigit():
            raise ValueError("a mobile is digits only")
        return value

    @model_validator(mode="after")
    def _one_way(self) -> "RegisterRequest":
        """One way to name the user: a mobile (with its national code), an email, or a
        third-party user id."""
        ways = [bool(self.mobile), bool(self.email), bool(self.third_user_id)]
        if sum(ways) != 1:
            raise ValueError("register with exactly one of a mobile, an email or a "
                             "third-party user id")
        if self.mobile and not self.national_code:
            raise ValueError("a mobile needs its national code")
        if self.third_user_id and (self.password or self.invite_code or self.invite_user_id):
            raise ValueError("simple_register takes the third-party user id only")
        return self

    @property
    def who(self) -> str:
        """The new user as named: ``+CC mobile``, the email, or ``third:<id>``."""
        if self.mobile:
            return f"+{self.national_code} {self.mobile}"
        return self.email or f"third:{self.third_user_id}"

    @property
    def symbol(self) -> str:
        """What the policy's allow-lists match: ``register:<who>``."""
        return f"register:{self.who}"

    @property
    def destination(self) -> str:
        """The change in words."""
        return f"register {self.who} (by {self.operator})"

    def summary(self) -> list[tuple[str, str]]:
        """The new user as it will be registered."""
        rows = [("register", self.who),
                ("endpoint", "simple_register" if self.third_user_id else "register")]
        if not self.third_user_id:
            rows.append(("login password", REDACTED if self.password else "none set"))
        if self.invite_code:
            rows.append(("invite code", self.invite_code))
        if self.invite_user_id:
            rows.append(("invited by", self.invite_user_id))
        return [*rows, ("by", self.operator), ("profile", self.profile)]

    async def send(self, adapter: Any) -> MoveReceipt:
        """``register`` or ``simple_register`` once; the new user id is the ref."""
        if self.third_user_id:
            user = await adapter.user_simple_register(self.third_user_id)
        else:
            password = _need_held(self, "password", "new user's password") \
                if self.password else None
            user = await adapter.user_register(
                national_code=self.national_code, mobile=self.mobile, email=self.email,
                password=password, invite_code=self.invite_code,
                invite_user_id=self.invite_user_id)
        release(self.client_key)
        user_id = str(user.get("userId") or "")
        if not user_id:
            raise VenueError("bhex", "the venue's reply names no userId")
        return MoveReceipt(venue_ref=user_id, status=MoveStatus.DONE,
                           venue_status="registered", evidence=f"new user {user_id}")

    async def look_up(self, adapter: Any) -> MoveReceipt | LookupResult | None:
        """The newest page of ``query_user_list``: a user with this mobile or email
        registered since the request was made."""
        if self.third_user_id:
            return LookupResult(supported=False, reason="the user lists do not show "
                                "third_user_id; find the user with `coinsole users "
                                "search`, then resolve the entry")
        rows = await adapter.user_query_user_list(limit=500)
        for row in rows:
            same = ((row.get("mobile") == self.mobile
                     and str(row.get("nationalCode")) == str(self.national_code))
                    if self.mobile else row.get("email") == self.email)
            if same and int(row.get("registerDate") or 0) >= self.asked_ms - 60_000:
                release(self.client_key)
                return MoveReceipt(venue_ref=str(row["userId"]), status=MoveStatus.DONE,
                                   venue_status="registered",
                                   evidence=f"query_user_list shows {self.who} as user "
                                            f"{row['userId']}, registered "
                                            f"{row.get('registerDate')}")
        return None
