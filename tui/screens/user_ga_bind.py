"""Bind a new GA key to a user (``B`` on the Users screen's card).

Opening the dialog asks the venue for a new key (``user/get_ga_key``) and shows it once, as
text and as a QR code of its ``otpauth://`` URL (the Deposit screen's
:class:`~tui.widgets.qr.QRCode`), for the caller to add to their authenticator. They read
back the code it shows now, typed into a masked input; ``ctrl+s`` takes the code and removes
the key and its QR code from the screen for good, then the confirmation and the journaled
``user/bind_ga`` follow (the venue checks the code against the new key: a wrong code is
refused and nothing is bound). The key and the code are held in memory for the send and its
settling lookup only, never journaled.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from tui.screens.user_write_base import UserWriteDialog, WriteInvalid
from tui.widgets.qr import QRCode

__all__ = ["GaBindDialog"]


class GaBindDialog(UserWriteDialog):
    """Issue ``user_id`` a GA key, show it once, bind it with the code read back."""

    TITLE = "Bind GA"
    SECRET_INPUTS = ("ga-code",)

    DEFAULT_CSS = """
    GaBindDialog #ga-qr { margin: 1 0; }
    GaBindDialog #ga-key { height: auto; }
    """

    def __init__(self, session: Any, profile: str, user_id: str) -> None:
        super().__init__(session, profile, user_id)
        self.key: SecretStr | None = None
        self.previously_bound = False

    def fields(self) -> ComposeResult:
        yield Static("asking the venue for a new GA key…", id="ga-key", markup=False)
        yield QRCode(id="ga-qr")
        yield Label("the code the caller's authenticator shows now (six digits, hidden)",
                    classes="field-label")
        yield Input(id="ga-code", password=True, max_length=6, restrict=r"[0-9]*",
                    placeholder="••••••", compact=True)
        yield Static("The key is shown this once: ctrl+s takes the code and removes it.",
                     classes="hint", markup=False)

    async def prepare(self) -> None:
        """Ask for the new key; show it and its QR code."""
        assert self.user_id is not None
        adapter = self.session.adapter(self.profile)
        base = await adapter.user_get_base_info(self.user_id)
        self.previously_bound = bool(base.get("bindGA"))
        issued = await adapter.user_get_ga_key(self.user_id)
        self.key = issued["secretKey"]
        url = issued["authUrl"].get_secret_value() or (
            f"otpauth://totp/{self.user_id}?secret={self.key.get_secret_value()}")
        replaces = " (it replaces the one bound now)" if self.previously_bound else ""
        self.query_one("#ga-key", Static).update(
            f"Read this key to the caller once{replaces}, or let them scan the code:\n"
            f"  key  {self.key.get_secret_value()}")
        self.query_one("#ga-qr", QRCode).data = url

    def forget_key_on_screen(self) -> None:
        """Remove the key and its QR code from the screen (for good)."""
        self.query_one("#ga-key", Static).update(
            "The key was shown once and is no longer on screen.")
        self.query_one("#ga-qr", QRCode).data = ""

    def clear_secrets(self) -> None:
        """Empty the code input, take the key off the screen and forget it."""
        super().clear_secrets()
        if self.key is not None:
            self.forget_key_on_screen()
            self.key = None

    async def build(self) -> tuple[Any, dict[str, SecretStr]]:
        """The binding, with the key and the code held aside (the key is then taken off
        the screen)."""
        from tui.support.actions import current_operator
        from tui.support.user_requests import GaBindRequest
        from tui.support.writes import new_key

        field = self.query_one("#ga-code", Input)
        code = field.value.strip()
        field.value = ""
        if self.key is None:
            raise WriteInvalid("no GA key was issued")
        if not (code.isdigit() and len(code) == 6):
            raise WriteInvalid("a GA code is six digits")
        key = self.key
        self.forget_key_on_screen()
        self.key = None
        request = GaBindRequest(profile=self.profile, client_key=new_key("ga"),
                                user_id=self.user_id, operator=current_operator(),
                                previously_bound=self.previously_bound)
        return request, {"ga_key": key, "ga_code": SecretStr(code)}

    def question(self, request: Any) -> str:
        """Whose GA."""
        return f"Bind the new GA key to user {self.user_id}?"
