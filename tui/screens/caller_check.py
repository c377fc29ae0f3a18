"""Caller verification for phone support (``v`` on the Users screen): the caller reads out
their GA code or trade password, the operator types it (masked), and the venue says
whether it is right (``user/valid_gacode``, ``user/valid_trade_password``).

The trade password is sent as its MD5 only. Neither input is kept: each is cleared the
moment it is submitted, the result line names only CORRECT or WRONG, and nothing is logged
or journaled (a check changes nothing).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from tui.screens.modal import ModalBase, close_binding

__all__ = ["CallerCheckScreen"]


class CallerCheckScreen(ModalBase[None]):
    """Check a caller's GA code or trade password against user ``user_id``."""

    BINDINGS = [close_binding("Close", keys="escape")]

    DEFAULT_CSS = """
    CallerCheckScreen > Vertical { width: 72; }
    CallerCheckScreen Label { margin-top: 1; }
    CallerCheckScreen .check-result { height: auto; text-style: bold; }
    CallerCheckScreen .check-result.-correct { color: $success; }
    CallerCheckScreen .check-result.-wrong { color: $error; }
    """

    def __init__(self, session: Any, profile: str, user_id: str) -> None:
        super().__init__()
        self.session = session
        self.profile = profile
        self.user_id = user_id

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Verify the caller: user {self.user_id}"
            yield Label("GA code (six digits, hidden) ⏎ checks")
            yield Input(id="ga", password=True, max_length=6, restrict=r"[0-9]*",
                        placeholder="••••••")
            yield Static("", id="ga-result", classes="check-result", markup=False)
            yield Label("trade password (hidden; sent as its MD5 only) ⏎ checks")
            yield Input(id="trade", password=True, placeholder="••••••••")
            yield Static("", id="trade-result", classes="check-result", markup=False)
            yield Static("Nothing typed here is kept, shown or logged. esc closes.",
                         classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#ga", Input).focus()

    def clear_secrets(self) -> None:
        """Empty both inputs."""
        for input_id in ("#ga", "#trade"):
            self.query_one(input_id, Input).value = ""

    def _result(self, which: str, text: str, correct: bool | None) -> None:
        line = self.query_one(f"#{which}-result", Static)
        line.set_class(correct is True, "-correct")
        line.set_class(correct is False, "-wrong")
        line.update(text)

    @on(Input.Submitted, "#ga")
    def _ga(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        event.input.value = ""
        if not (code.isdigit() and len(code) == 6):
            self._result("ga", "a GA code is six digits; not checked", None)
            return
        self._result("ga", "checking…", None)
        self._check_ga(code)

    @on(Input.Submitted, "#trade")
    def _trade(self, event: Input.Submitted) -> None:
        from pydantic import SecretStr

        secret = SecretStr(event.value)
        event.input.value = ""
        if not secret.get_secret_value():
            self._result("trade", "type the trade password; not checked", None)
            return
        self._result("trade", "checking…", None)
        self._check_trade(secret)

    @work(exclusive=True, group="check-ga")
    async def _check_ga(self, code: str) -> None:
        try:
            ok = await self.session.adapter(self.profile).user_valid_gacode(self.user_id, code)
        except Exception as exc:  # noqa: BLE001 - the adapter scrubs the code from errors
            self._result("ga", f"GA code not checked: {exc}", None)
            return
        self._result("ga", "GA code CORRECT" if ok else "GA code WRONG", ok)

    @work(exclusive=True, group="check-trade")
    async def _check_trade(self, secret: Any) -> None:
        try:
            ok = await self.session.adapter(self.profile).user_valid_trade_password(
                self.user_id, secret)
        except Exception as exc:  # noqa: BLE001 - the adapter scrubs the password
            self._result("trade", f"trade password not checked: {exc}", None)
            return
        self._result("trade", "trade password CORRECT" if ok else "trade password WRONG", ok)
