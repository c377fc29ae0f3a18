"""Checking a BHEX trade password before a withdrawal is journaled.

A wrong trade password used to reach the venue inside the withdrawal, which then came
back REJECTED and stayed in the journal as a refused request. The org API can check it
first (``user/valid_trade_password``, sent as its MD5 only), so the caller asks again
instead, and nothing is journaled or sent until it is right.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from tui.core.errors import CoinsoleError

__all__ = ["trade_password_ok", "WRONG_TRADE_PASSWORD"]

WRONG_TRADE_PASSWORD = "wrong trade password: type it again (nothing was sent or journaled)"
"""What the CLI and the TUI say when the check fails."""


async def trade_password_ok(adapter: Any, password: SecretStr) -> bool | None:
    """True or False when the venue can check ``password`` for the profile's user
    beforehand; None when it cannot (no such call, no user id, or the check itself
    failed): the withdrawal then goes as before and the venue judges it."""
    check = getattr(adapter, "user_valid_trade_password", None)
    user_id = getattr(getattr(adapter, "settings", None), "user_id", None)
    if check is None or not user_id or not password.get_secret_value():
        return None
    try:
        return bool(await check(user_id, password))
    except CoinsoleError:
        return None
