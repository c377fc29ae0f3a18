"""Account names as typed on the command line, matched against a venue's transfer routes.

A name is ``KIND`` or ``KIND#INDEX`` with KIND an :class:`~tui.core.models.AccountKind`
value (``asset_center``, ``spot``, ``futures``, ``contract``, ...) or the venue's own name
of an account (``bx`` at FCoin, a BHEX sub-account's name): ``spot``, ``contract#1``,
``spot#2``, ``bx``. Index 0 (the main account) may be left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tui.core.errors import CoinsoleError
from tui.core.models import AccountKind, AccountRef, Balance
from tui.core.money import exact_sum
from tui.core.validation import check_text, shown

__all__ = ["AccountName", "parse_account", "account_token", "match_route", "describe_routes",
           "NoSuchRoute", "available_in", "read_as"]

_NAME = re.compile(r"^(?P<word>[A-Za-z][A-Za-z0-9_ -]*?)(?:#(?P<index>\d+))?$")
_ALIASES = {"assets": "asset_center", "asset-center": "asset_center", "assetcenter": "asset_center",
            "spots": "spot", "contracts": "contract", "swap": "futures"}


class NoSuchRoute(CoinsoleError):
    """The typed accounts are not a transfer route the venue offers."""


@dataclass(frozen=True)
class AccountName:
    """A parsed account name: a word (kind or venue name) and an index."""

    word: str
    index: int

    def matches(self, ref: AccountRef) -> bool:
        """Whether ``ref`` is the account this name means."""
        if ref.index != self.index:
            return False
        if ref.name and ref.name.lower() == self.word:
            return True
        return ref.kind is not AccountKind.OTHER and ref.kind.value == self.word


def parse_account(text: str) -> AccountName:
    """Parse ``spot``, ``contract#1``, ``bx``...; raises :class:`CoinsoleError` if malformed."""
    problems = check_text("account", "account", text)
    if problems:
        raise CoinsoleError(problems[0].message)
    match = _NAME.match(text.strip())
    if not match:
        raise CoinsoleError(f"account {shown(text)} is not a name like spot, futures, "
                            "contract#1 or bx")
    word = match["word"].strip().lower()
    return AccountName(_ALIASES.get(word, word), int(match["index"] or 0))


def account_token(ref: AccountRef) -> str:
    """The name to type for ``ref`` (the inverse of :func:`parse_account`)."""
    word = ref.name.lower() if ref.kind is AccountKind.OTHER and ref.name else ref.kind.value
    return f"{word}#{ref.index}" if ref.index else word


def describe_routes(routes: Sequence[tuple[AccountRef, AccountRef]]) -> str:
    """The routes as ``from -> to`` names, comma separated."""
    return ", ".join(f"{account_token(a)} -> {account_token(b)}" for a, b in routes) or "none"


def match_route(routes: Sequence[tuple[AccountRef, AccountRef]], source: str,
                target: str) -> tuple[AccountRef, AccountRef]:
    """The venue's (from, to) accounts named ``source`` and ``target``; raises
    :class:`NoSuchRoute` listing the valid routes when there is none."""
    want_from, want_to = parse_account(source), parse_account(target)
    for a, b in routes:
        if want_from.matches(a) and want_to.matches(b):
            return a, b
    raise NoSuchRoute(f"no transfer from {shown(source)} to {shown(target)} here; valid "
                      f"routes: {shown(describe_routes(routes), 200)}")


def read_as(typed: str, ref: AccountRef) -> str | None:
    """A note when the account typed is not spelled as coinsole names it (``account
    ASSET_CENTER read as asset_center``); None when it is."""
    token = account_token(ref)
    return None if typed.strip() == token else f"account {shown(typed)} read as {token}"


def available_in(balances: Sequence[Balance], coin: str,
                 account: AccountRef | None) -> Decimal | None:
    """The available ``coin`` (exact spelling) in ``account`` (every account when None),
    summed exactly: raises ``decimal.Inexact`` rather than round. None when no balance of
    the coin is there."""
    name = parse_account(account_token(account)) if account is not None else None
    found = [b.available for b in balances
             if b.coin == coin and (name is None or name.matches(b.account))]
    return exact_sum(found) if found else None
