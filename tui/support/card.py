"""A support user card: everything about one BHEX org user, every part loaded in parallel
with its own state (loading, loaded, failed), so one failing call never hides the rest.

:func:`load_card` fills a :class:`UserCard`; ``on_part`` is called as each part settles
(the screen redraws that part). :func:`card_json` is the card as JSON-ready data with every
amount an exact string (``users show --json``).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from tui.core.money import plain
from tui.venues.bhex_users import KYC_STATUS, VERIFY_INFO_STATUS, check_user_id

__all__ = ["PARTS", "PartState", "CardPart", "UserCard", "load_card", "card_json",
           "PART_TITLES"]

PARTS = ("base", "kyc", "invite", "invites", "status", "balances", "chainup", "deposits",
         "withdrawals", "flow", "otc", "open_orders", "positions")
"""The card's parts, in the order shown."""
PART_TITLES = {"base": "Base info", "kyc": "KYC", "invite": "Invite info",
               "invites": "Invited users", "status": "Status flags", "balances": "Balances",
               "chainup": "ChainUp accounts", "deposits": "Deposits",
               "withdrawals": "Withdrawals", "flow": "Balance flow (main spot)",
               "otc": "OTC orders", "open_orders": "Open orders", "positions": "Positions"}


class PartState(str, enum.Enum):
    """Where one part of the card stands."""

    LOADING = "loading"
    LOADED = "loaded"
    FAILED = "failed"


@dataclass
class CardPart:
    """One part: its state, its data once loaded, or the one-line error."""

    name: str
    state: PartState = PartState.LOADING
    data: Any = None
    error: str = ""


@dataclass
class UserCard:
    """The card of ``user_id``: one :class:`CardPart` per name of :data:`PARTS`."""

    user_id: str
    parts: dict[str, CardPart] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in PARTS:
            self.parts.setdefault(name, CardPart(name))

    @property
    def done(self) -> bool:
        """Whether every part has settled."""
        return all(p.state is not PartState.LOADING for p in self.parts.values())


async def _account_rows(venue: Any, user_id: str, account_type: int, index: int,
                        label: str, *, required: bool) -> list[dict[str, Any]]:
    from tui.core.errors import InvalidRequest

    try:
        rows = await venue.account_balance(user_id, account_type, index)
    except InvalidRequest:
        if required:
            raise
        return []  # the user has no such account (e.g. no contract account opened)
    return [{"account": label, **row} for row in rows or []]


def _account_label(kind: int, index: int, name: str) -> str:
    """``spot``, ``contract``, or a sub-account's ``spot #1 (name)``."""
    word = "contract" if kind == 3 else "spot"
    if index == 0:
        return word
    return f"{word} #{index}" + (f" ({name})" if name else "")


def _loaders(venue: Any, user_id: str, own_user_id: str | None,
             chainup: Sequence[tuple[str, Any]] | None
             ) -> dict[str, Callable[[], Awaitable[Any]]]:
    async def balances() -> list[dict[str, Any]]:
        # Sub-accounts are listed only for the key's own user: sub_account/query names no
        # user (docs/wire.md, "BHEX sub-account endpoints: no user_id"). As the Balances
        # screen does, the accounts remembered from last time are asked for alongside the
        # list, so only an account that appeared since costs a second round.
        from tui.venues.bhex_accounts import KnownAccounts

        main = [(1, 0), (3, 0)]
        own = own_user_id is not None and user_id == own_user_id
        cache = KnownAccounts(venue.settings.base_url, user_id) if own else None
        known = cache.load() if cache is not None else {}
        first = main + [key for key in known if key not in main]

        async def listing() -> list[dict[str, Any]] | None:
            return await venue.sub_account_query() if own else None

        async def rows_of(keys: list[tuple[int, int]]) -> list[list[dict[str, Any]]]:
            return list(await asyncio.gather(*(_account_rows(
                venue, user_id, kind, index, _account_label(kind, index, names.get(
                    (kind, index), known.get((kind, index), ""))), required=(kind, index)
                == main[0]) for kind, index in keys)))

        names: dict[tuple[int, int], str] = {}
        first_rows, accounts = await asyncio.gather(rows_of(first), listing())
        if accounts is not None:
            names = {(int(a["accountType"]), int(a["accountIndex"])):
                     str(a.get("accountName") or "") for a in accounts}
        by_key = dict(zip(first, first_rows))
        missing = [key for key in names if key not in by_key]
        by_key.update(zip(missing, await rows_of(missing)))
        if cache is not None and accounts is not None and names != known:
            cache.save(names)
        shown = main + [key for key in (names if accounts is not None else known)
                        if key not in main]
        return [row for key in shown for row in by_key.get(key, [])]

    async def chainup_rows() -> list[dict[str, Any]] | None:
        if not chainup:
            return None
        found = await asyncio.gather(*(adapter().org_user_balances(user_id)
                                       for _, adapter in chainup))
        return [{"profile": name, "balance": balance}
                for (name, _), balances in zip(chainup, found) for balance in balances]

    async def kyc() -> dict[str, Any] | None:
        info = await venue.user_get_verify_info(user_id)
        if info is None:
            return None
        return {**info, "verifyStatusName": VERIFY_INFO_STATUS.get(
            int(info.get("verifyStatus") or 0), str(info.get("verifyStatus")))}

    async def base() -> dict[str, Any]:
        info = await venue.user_get_base_info(user_id)
        return {**info, "verifyStatusName": KYC_STATUS.get(
            int(info.get("verifyStatus") or 0), str(info.get("verifyStatus")))}

    return {
        "base": base, "kyc": kyc,
        "invite": lambda: venue.user_get_invite_info(user_id),
        "invites": lambda: venue.user_query_user_invite_list(user_id, limit=100),
        "status": lambda: venue.user_ext_status(user_id),
        "balances": balances,
        "chainup": chainup_rows,
        "deposits": lambda: venue.deposit_order(user_id=user_id, limit=50),
        "withdrawals": lambda: venue.withdraw_order_records(user_id=user_id, limit=50),
        "flow": lambda: venue.balance_flow(user_id=user_id, limit=50),
        "otc": lambda: venue.otc_order_list(user_id, limit=50),
        "open_orders": lambda: venue.open_orders(user_id=user_id, limit=100),
        "positions": lambda: venue.contract_position(user_id=user_id),
    }


async def load_card(venue: Any, user_id: str, *,
                    on_part: Callable[[CardPart], None] | None = None,
                    parts: tuple[str, ...] = PARTS, own_user_id: str | None = None,
                    chainup: Sequence[tuple[str, Any]] | None = None) -> UserCard:
    """Load every part of ``user_id``'s card at once; each settles on its own.

    ``own_user_id`` is the user the BHEX key is issued to (the profile's): only their
    sub-accounts can be listed. ``chainup`` names the session's ChainUp profiles, each
    with a function giving its adapter (called in the part, so a profile that cannot be
    opened fails that part only): the ``chainup`` part is the user's rows in each org
    snapshot, by the same uid (None: no ChainUp profile, the part says so)."""
    user_id = check_user_id(user_id)
    card = UserCard(user_id)
    loaders = _loaders(venue, user_id, own_user_id, chainup)

    async def run(name: str) -> None:
        part = card.parts[name]
        try:
            part.data = await loaders[name]()
            part.state = PartState.LOADED
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - one part's failure is shown on that part
            part.error = _one_line(exc)
            part.state = PartState.FAILED
        if on_part is not None:
            on_part(part)

    await asyncio.gather(*(run(name) for name in parts))
    return card


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]


def jsonable(value: Any) -> Any:
    """``value`` with models dumped, Decimals as exact strings, SecretStr refused."""
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump())
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def card_json(card: UserCard) -> dict[str, Any]:
    """The card as JSON-ready data: ``{userId, parts: {name: {state, data|error}}}``."""
    parts: dict[str, Any] = {}
    for name in PARTS:
        part = card.parts[name]
        entry: dict[str, Any] = {"state": part.state.value}
        if part.state is PartState.LOADED:
            entry["data"] = jsonable(part.data)
        elif part.state is PartState.FAILED:
            entry["error"] = part.error
        parts[name] = entry
    return {"userId": card.user_id, "parts": parts}
