"""Journaled support writes: changes to an org user, recorded in the journal (with who
made them) before they are sent, like money movements and orders.

:class:`UserStatusRequest` sets one of a BHEX user's eight status flags
(``user/set_ext_status``). It is settled by LOOKUP: ``user/ext_status`` shows whether the
flag has the value asked for. :func:`send_support` and :func:`look_up_support` are what
:mod:`tui.journal.dispatch` calls for these requests.
"""

from __future__ import annotations

import getpass
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from tui.core.moves import MoveReceipt, MoveStatus
from tui.venues.bhex_users import STATUS_FLAG_MEANING, STATUS_FLAGS, check_user_id

__all__ = ["SupportAction", "UserStatusRequest", "SUPPORT_KINDS", "is_support_request",
           "send_support", "look_up_support", "parse_support", "current_operator"]


class SupportAction(str, Enum):
    """Journaled support actions."""

    USER_STATUS = "user_status"


SUPPORT_KINDS = frozenset(k.value for k in SupportAction)


def current_operator() -> str:
    """Who is making the change: the OS account running coinsole."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in this environment
        return "unknown"


class UserStatusRequest(BaseModel):
    """Set ``flag`` of BHEX org user ``user_id`` to ``value`` (was ``previous``), asked by
    ``operator``."""

    model_config = ConfigDict(frozen=True)

    kind: Literal[SupportAction.USER_STATUS] = SupportAction.USER_STATUS
    profile: str
    venue: str = "bhex"
    client_key: str
    user_id: str
    flag: str
    value: int
    previous: int | None = None
    operator: str

    @field_validator("user_id")
    @classmethod
    def _uid(cls, value: str) -> str:
        return check_user_id(value)

    @field_validator("flag")
    @classmethod
    def _flag(cls, value: str) -> str:
        if value not in STATUS_FLAGS:
            raise ValueError(f"unknown status flag {value!r}")
        return value

    @field_validator("value")
    @classmethod
    def _value(cls, value: int) -> int:
        if value not in (0, 1):
            raise ValueError("a status flag is 0 or 1")
        return value

    # what journal listings read from any request
    @property
    def coin(self) -> str:
        """The flag (journal listings show it where a move shows its coin)."""
        return self.flag

    @property
    def amount(self) -> Decimal:
        """The new value (journal listings)."""
        return Decimal(self.value)

    @property
    def symbol(self) -> str:
        """What the approvals policy's allow-lists match: ``uid:<user id>``."""
        return f"uid:{self.user_id}"

    @property
    def miner_fee(self) -> None:
        """No miner fee."""
        return None

    @property
    def remark(self) -> None:
        """No remark."""
        return None

    @property
    def destination(self) -> str:
        """The change in words."""
        return f"user {self.user_id}: {self.flag} {self.previous if self.previous is not None else '?'} -> {self.value} (by {self.operator})"

    def summary(self) -> list[tuple[str, str]]:
        """Exactly what changes, as label/value lines for a confirmation."""
        meaning = STATUS_FLAG_MEANING[self.flag]
        before = ("unknown" if self.previous is None
                  else f"{self.previous} ({meaning[self.previous]})")
        return [("user", self.user_id), ("flag", self.flag), ("now", before),
                ("becomes", f"{self.value} ({meaning[self.value]})"),
                ("by", self.operator), ("profile", self.profile)]


def parse_support(kind: str, text: str) -> Any:
    """A stored support request of ``kind`` (JSON ``text``)."""
    if kind == SupportAction.USER_STATUS.value:
        return UserStatusRequest.model_validate_json(text)
    raise ValueError(f"unknown support action {kind!r}")


def is_support_request(request: Any) -> bool:
    """Whether ``request`` is a support action (for the journal's dispatch)."""
    return isinstance(request, UserStatusRequest)


async def send_support(adapter: Any, request: UserStatusRequest) -> MoveReceipt:
    """Send ``request`` once; the venue's reply as a receipt."""
    reply = await adapter.user_set_ext_status(request.user_id, request.flag, request.value)
    if reply.get(request.flag) != request.value:
        from tui.core.errors import VenueError

        raise VenueError("bhex", f"the venue did not confirm {request.flag}={request.value} "
                                 f"(it answered {reply})")
    return MoveReceipt(status=MoveStatus.DONE, venue_status=f"{request.flag}={request.value}",
                       evidence=f"set_ext_status answered {request.flag}: {request.value}")


async def look_up_support(adapter: Any, request: UserStatusRequest) -> MoveReceipt | None:
    """Whether the flag now has the value asked for (``ext_status``); None when not."""
    flags = await adapter.user_ext_status(request.user_id, [request.flag])
    if flags.get(request.flag) != request.value:
        return None
    return MoveReceipt(status=MoveStatus.DONE, venue_status=f"{request.flag}={request.value}",
                       evidence=f"ext_status shows {request.flag}={request.value}")
