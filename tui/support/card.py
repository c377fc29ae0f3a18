"""A support user card: everything about one BHEX org user, every part loaded in parallel
with its own state (loading, loaded, failed), so one failing call never hides the rest.

:func:`load_card` fills a :class:`UserCard`; ``on_part`` is called as each part settles
(the screen redraws that part). :func:`card_json` is the card as JSON-ready data with every
amount an exact string (``users show --json``).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from tui.core.money import plain
from tui.venues.bhex_users import KYC_STATUS, VERIFY_INFO_STATUS, check_user_id

__all__ = ["PARTS", "PartState", "CardPart", "UserCard", "load_card", "card_json",
           "PART_TITLES"]

PARTS = ("base", "kyc", "invite", "invites", "status", "balances", "deposits", "withdrawals",
         "otc", "open_orders", "positions")
"""The card's parts, in the order shown."""
PART_TITLES = {"base": "Base info", "kyc": "KYC", "invite": "Invite info",
               "invites": "Invited users", "status": "Status flags", "balances": "Balances",
               "deposits": "Deposits", "withdrawals": "Withdrawals", "otc": "OTC orders",
               "open_orders": "Open orders", "positions": "Positions"}


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


def _loaders(venue: Any, user_id: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    async def balances() -> list[dict[str, Any]]:
        spot, contract = await asyncio.gather(venue.account_balance(user_id, 1, 0),
                                              venue.account_balance(user_id, 3, 0))
        return ([{"account": "spot", **row} for row in spot or []]
                + [{"account": "contract", **row} for row in contract or []])

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
        "deposits": lambda: venue.deposit_order(user_id=user_id, limit=50),
        "withdrawals": lambda: venue.withdraw_order_records(user_id=user_id, limit=50),
        "otc": lambda: venue.otc_order_list(user_id, limit=50),
        "open_orders": lambda: venue.open_orders(user_id=user_id, limit=100),
        "positions": lambda: venue.contract_position(user_id=user_id),
    }


async def load_card(venue: Any, user_id: str, *,
                    on_part: Callable[[CardPart], None] | None = None,
                    parts: tuple[str, ...] = PARTS) -> UserCard:
    """Load every part of ``user_id``'s card at once; each settles on its own."""
    user_id = check_user_id(user_id)
    card = UserCard(user_id)
    loaders = _loaders(venue, user_id)

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
