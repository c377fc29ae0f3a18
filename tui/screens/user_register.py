"""Register a new user of the org (``n`` on the Users screen): ``user/register`` by a mobile
(with its national code) or an email, optionally with a login password (typed twice,
masked, held in memory for the send only) and an inviter; or ``user/simple_register`` by the
broker's own user id. Confirmed, journaled and sent through the approvals gate like every
support write; the dialog dismisses with the new user's id, whose card the Users screen
then shows.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr, ValidationError
from textual.app import ComposeResult
from textual.widgets import Input, Select

from tui.screens.user_write_base import UserWriteDialog, WriteInvalid, form_grid, take_secret
from tui.screens.user_write_dialogs import validation_text

__all__ = ["RegisterDialog"]

_WAYS = (("by mobile", "mobile"), ("by email", "email"),
         ("by the broker's own user id (simple_register)", "third"))
_TEXT = (("national-code", "national code", "e.g. 86 (by mobile)"),
         ("mobile", "mobile", "digits (by mobile)"), ("email", "email", "(by email)"),
         ("third-user-id", "broker's user id", "(simple_register)"),
         ("invite-code", "invite code", "optional"),
         ("invite-user-id", "inviter uid", "optional"))


class RegisterDialog(UserWriteDialog):
    """A form registering one new user of ``profile``'s org."""

    TITLE = "Register a user"
    SECRET_INPUTS = ("reg-password", "reg-password-again")

    def fields(self) -> ComposeResult:
        yield form_grid([
            ("register", Select(_WAYS, id="reg-way", allow_blank=False, value="mobile",
                                compact=True)),
            *((label, Input(id=f"reg-{field_id}", placeholder=hint, compact=True))
              for field_id, label, hint in _TEXT),
            ("login password", Input(id="reg-password", password=True, compact=True,
                                     placeholder="optional, hidden; not simple_register")),
            ("again", Input(id="reg-password-again", password=True, compact=True,
                            placeholder="the login password again"))])

    def _text(self, field_id: str) -> str | None:
        return self.query_one(f"#reg-{field_id}", Input).value.strip() or None

    async def build(self) -> tuple[Any, dict[str, SecretStr]]:
        """The registration; only the chosen way's fields are sent."""
        import time

        from tui.support.actions import current_operator
        from tui.support.held_secrets import REDACTED
        from tui.support.user_requests import RegisterRequest
        from tui.support.writes import new_key

        way = self.query_one("#reg-way", Select).value
        typed = bool(self.query_one("#reg-password", Input).value
                     or self.query_one("#reg-password-again", Input).value)
        secrets: dict[str, SecretStr] = {}
        if typed:
            secrets["password"] = take_secret(self, "reg-password", "reg-password-again",
                                              "login password")
        national = (self._text("national-code") or "").lstrip("+") or None
        try:
            request = RegisterRequest(
                profile=self.profile, client_key=new_key("rg"), operator=current_operator(),
                national_code=national if way == "mobile" else None,
                mobile=self._text("mobile") if way == "mobile" else None,
                email=self._text("email") if way == "email" else None,
                third_user_id=self._text("third-user-id") if way == "third" else None,
                invite_code=self._text("invite-code"),
                invite_user_id=self._text("invite-user-id"),
                password=REDACTED if secrets else None,
                asked_ms=time.time_ns() // 1_000_000)
        except ValidationError as exc:
            secrets.clear()
            raise WriteInvalid(validation_text(exc)) from None
        return request, secrets

    def question(self, request: Any) -> str:
        """Who is registered."""
        return f"Register {request.who}?"

    def sent_note(self, outcome: Any) -> None:
        """Name the new user; dismiss with their id."""
        if outcome.done and outcome.venue_ref:
            self.result = outcome.venue_ref
            self.say(f"new user {outcome.venue_ref}; {outcome.text} (esc shows their card)")
