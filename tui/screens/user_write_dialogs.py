"""The support writes of the Users screen's card, one dialog each (the flow they share is
:class:`~tui.screens.user_write_base.UserWriteDialog`): update KYC (prefilled with the
user's KYC now; the confirmation shows the diff), rebuild the invite relation, and reset the
login or trade password (masked, typed twice, held in memory for the send only, never
shown or journaled). Binding GA and registering a user are in
:mod:`tui.screens.user_ga_bind` and :mod:`tui.screens.user_register`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import SecretStr, ValidationError
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from tui.screens.user_write_base import UserWriteDialog, WriteInvalid, form_grid, take_secret
from tui.venues.bhex_users import CARD_TYPES, KYC_STATUS

__all__ = ["KycUpdateDialog", "InviteRelationDialog", "PasswordResetDialog",
           "validation_text"]


def validation_text(exc: ValidationError) -> str:
    """A request's validation error in one line."""
    return "; ".join(str(e.get("msg", "")).removeprefix("Value error, ")
                     for e in exc.errors())


def _operator() -> str:
    from tui.support.actions import current_operator

    return current_operator()


class KycUpdateDialog(UserWriteDialog):
    """Update one user's KYC (``update_user_kyc_info``), the form prefilled with the KYC
    now (the card type is never reported by the venue, so it is chosen every time)."""

    TITLE = "Update KYC"
    _TEXT = (("country_code", "country (ISO alpha-2)", "e.g. SG"),
             ("first_name", "first name", ""), ("last_name", "last name", "optional"),
             ("card_no", "card number", ""))

    def __init__(self, session: Any, profile: str, user_id: str) -> None:
        super().__init__(session, profile, user_id)
        self.before: dict[str, Any] = {}

    def fields(self) -> ComposeResult:
        yield Static("loading the KYC now…", id="note", markup=False)
        yield form_grid([
            *((label, Input(id=f"kyc-{field_id}", placeholder=hint, compact=True))
              for field_id, label, hint in self._TEXT),
            ("card type", Select([(f"{k} {v}", k) for k, v in CARD_TYPES.items()],
                                 id="kyc-card_type", prompt="choose (never reported)",
                                 compact=True)),
            ("KYC status", Select([(f"{k} {v}", k) for k, v in KYC_STATUS.items()],
                                  id="kyc-verify_status", allow_blank=False, value=0,
                                  compact=True))])

    async def prepare(self) -> None:
        """Read the KYC now and fill the form with it."""
        from tui.support.user_requests import current_kyc

        assert self.user_id is not None
        self.before = await current_kyc(self.session.adapter(self.profile), self.user_id)
        for field_id, _, _ in self._TEXT:
            self.query_one(f"#kyc-{field_id}", Input).value = str(
                self.before.get(field_id) or "")
        self.query_one("#kyc-verify_status", Select).value = int(
            self.before.get("verify_status") or 0)
        submitted = "card_no" in self.before
        self.query_one("#note", Static).update(
            "prefilled with the KYC now" if submitted
            else "no KYC submitted yet: fill it in")

    async def build(self) -> tuple[Any, dict[str, SecretStr]]:
        """The update, refused when nothing changes."""
        from tui.support.user_requests import KYC_FIELDS, KycChange, KycUpdateRequest
        from tui.support.writes import new_key

        new: dict[str, Any] = {name: self.query_one(f"#kyc-{name}", Input).value.strip() or None
                               for name, _, _ in self._TEXT}
        for name in ("card_type", "verify_status"):
            value = self.query_one(f"#kyc-{name}", Select).value
            new[name] = value if isinstance(value, int) else None
        if new["card_type"] is None:
            raise WriteInvalid("choose the card type")
        if new["country_code"]:
            new["country_code"] = new["country_code"].upper()
        try:
            change = KycChange(user_id=self.user_id, new={k: new.get(k) for k in KYC_FIELDS},
                               before=self.before)
            request = KycUpdateRequest(profile=self.profile, client_key=new_key("ky"),
                                       user_id=self.user_id, operator=_operator(),
                                       changes=(change,))
        except ValidationError as exc:
            raise WriteInvalid(validation_text(exc)) from None
        if not change.diff():
            raise WriteInvalid("the KYC already reads so; nothing to change")
        return request, {}

    def question(self, request: Any) -> str:
        """The question names the fields changing."""
        fields = ", ".join(name for name, _, _ in request.changes[0].diff())
        return f"Update {fields} of user {self.user_id}?"


class InviteRelationDialog(UserWriteDialog):
    """Make another user the inviter of a user who has none
    (``rebuild_invite_relation``: the venue rebuilds a missing relation only)."""

    TITLE = "Rebuild the invite relation"

    def fields(self) -> ComposeResult:
        yield Static("reading the user's inviter…", id="note", markup=False)
        yield form_grid([("the inviter's uid", Input(id="inviter", placeholder="uid",
                                                      restrict=r"[0-9]*", compact=True))])

    async def prepare(self) -> None:
        """Refuse at once when the user already has an inviter."""
        assert self.user_id is not None
        base = await self.session.adapter(self.profile).user_get_base_info(self.user_id)
        inviter = str(base.get("inviteUserId") or "")
        if inviter and inviter != "0":
            self.query_one("#note", Static).update("")
            raise WriteInvalid(f"user {self.user_id} is already invited by {inviter}; the "
                               "venue rebuilds only a missing relation")
        self.query_one("#note", Static).update(f"user {self.user_id} has no inviter")

    async def build(self) -> tuple[Any, dict[str, SecretStr]]:
        """The relation, once the inviter is known to the venue."""
        from tui.support.user_requests import InviteRelationRequest
        from tui.support.writes import new_key

        inviter = self.query_one("#inviter", Input).value.strip()
        if not inviter:
            raise WriteInvalid("type the inviter's uid")
        if inviter == self.user_id:
            raise WriteInvalid("a user cannot invite themselves")
        try:
            request = InviteRelationRequest(profile=self.profile, client_key=new_key("ir"),
                                            user_id=self.user_id, invite_user_id=inviter,
                                            operator=_operator())
        except ValidationError as exc:
            raise WriteInvalid(validation_text(exc)) from None
        await self.session.adapter(self.profile).user_get_base_info(inviter)  # must exist
        return request, {}

    def question(self, request: Any) -> str:
        """Who becomes whose inviter."""
        return f"Make {request.invite_user_id} the inviter of user {self.user_id}?"


class PasswordResetDialog(UserWriteDialog):
    """Reset the login password (``update_pwd``) or set/reset the trade password
    (``set_trade_pwd``) of a user: typed twice in masked inputs, emptied at once, held in
    memory for the send only (sent as its MD5), never shown or journaled."""

    SECRET_INPUTS = ("new-secret", "new-secret-again")
    KINDS: ClassVar[dict[str, str]] = {"login": "login password", "trade": "trade password"}

    def __init__(self, session: Any, profile: str, user_id: str, kind: str) -> None:
        super().__init__(session, profile, user_id)
        if kind not in self.KINDS:
            raise ValueError(f"unknown password kind {kind!r}")
        self.kind = kind
        self.what = self.KINDS[kind]
        self.has_trade_password: bool | None = None

    def box_title(self) -> str:
        return f"Reset the {self.what}: user {self.user_id}"

    def question(self, request: Any) -> str:
        """Which password of whom."""
        return f"Reset the {self.what} of user {self.user_id}?"

    def fields(self) -> ComposeResult:
        yield form_grid([
            (f"new {self.what}", Input(id="new-secret", password=True, compact=True,
                                       placeholder="•••••••• (hidden)")),
            ("again", Input(id="new-secret-again", password=True, compact=True,
                            placeholder="•••••••• (to rule out a typo)"))])
        yield Static(f"Sent as its MD5 only; never shown, kept or journaled. ctrl+s "
                     "reviews the change (the inputs are emptied then).", id="note",
                     classes="hint", markup=False)

    async def prepare(self) -> None:
        """The user exists; for a trade password, whether they have one (set or reset)."""
        assert self.user_id is not None
        base = await self.session.adapter(self.profile).user_get_base_info(self.user_id)
        self.has_trade_password = bool(base.get("bindTradePwd"))

    async def build(self) -> tuple[Any, dict[str, SecretStr]]:
        """The reset, with the typed password held aside."""
        from tui.support.user_requests import LoginPasswordRequest, TradePasswordRequest
        from tui.support.writes import new_key

        secret = take_secret(self, "new-secret", "new-secret-again", f"new {self.what}")
        common = dict(profile=self.profile, user_id=self.user_id, operator=_operator())
        if self.kind == "login":
            request: Any = LoginPasswordRequest(client_key=new_key("lp"), **common)
        else:
            request = TradePasswordRequest(client_key=new_key("tp"),
                                           set_type=2 if self.has_trade_password else 1,
                                           **common)
        return request, {"password": secret}
