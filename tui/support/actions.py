"""Journaled support writes: changes to an org user, recorded in the journal (with who
made them) before they are sent, like money movements and orders.

:class:`SupportRequest` is what every support write shares (who, which profile, what the
journal listings and the approvals policy read); each kind sends itself once
(:meth:`SupportRequest.send`) and is settled by LOOKUP (:meth:`SupportRequest.look_up`).
:class:`UserStatusRequest` sets one of a BHEX user's eight status flags
(``user/set_ext_status``); ``user/ext_status`` shows whether the flag has the value asked
for. The other kinds (KYC, invite relation, passwords, GA, registration) are in
:mod:`tui.support.user_requests`. :func:`send_support` and :func:`look_up_support` are what
:mod:`tui.journal.dispatch` calls for these requests.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import field_validator

from tui.core.moves import MoveReceipt, MoveStatus
from tui.core.org_request import OrgRequest, current_operator
from tui.venues.bhex_users import STATUS_FLAG_MEANING, STATUS_FLAGS, check_user_id

__all__ = ["SupportAction", "SupportRequest", "UserStatusRequest", "SUPPORT_KINDS", "is_support_request",
           "send_support", "look_up_support", "parse_support", "current_operator"]


class SupportAction(str, Enum):
    """Journaled support actions."""

    USER_STATUS = "user_status"
    KYC = "kyc"
    INVITE_RELATION = "invite_relation"
    LOGIN_PASSWORD = "login_password"
    TRADE_PASSWORD = "trade_password"
    GA_BIND = "ga_bind"
    USER_REGISTER = "user_register"


SUPPORT_KINDS = frozenset(k.value for k in SupportAction)


class SupportRequest(OrgRequest):
    """What every journaled support write shares: the profile (a BHEX org key), the
    journal key, the user it changes and the operator who asked. Subclasses set ``kind``
    and implement :meth:`send`, :meth:`look_up` and :meth:`summary`. No secret is ever a
    field: the journal stores the request as JSON (see :mod:`tui.support.held_secrets`)."""

    user_id: str
    operator: str

    @field_validator("user_id")
    @classmethod
    def _uid(cls, value: str) -> str:
        return check_user_id(value)

    # what journal listings and the approvals policy read from any request
    @property
    def coin(self) -> str:
        """What the change is about, where a move shows its coin (the kind, upper case)."""
        return self.kind.value.upper()  # type: ignore[attr-defined]

    @property
    def amount(self) -> Decimal:
        """How many users the change touches (policy velocity rules count them)."""
        return Decimal(1)

    @property
    def symbol(self) -> str:
        """What the approvals policy's allow-lists match: ``uid:<user id>``."""
        return f"uid:{self.user_id}"

    @property
    def destination(self) -> str:
        """The change in words (journal listings)."""
        return f"user {self.user_id}: {self.kind.value} (by {self.operator})"  # type: ignore[attr-defined]

    def summary(self) -> list[tuple[str, str]]:
        """Exactly what changes, as label/value lines for a confirmation."""
        raise NotImplementedError

    async def send(self, adapter: Any) -> MoveReceipt:
        """Send the change once; the venue's answer as a receipt (raises what the adapter
        raises)."""
        raise NotImplementedError

    async def look_up(self, adapter: Any) -> Any:
        """Whether the change is in force at the venue: a receipt, None (not in force), or
        a :class:`~tui.core.moves.LookupResult` saying it cannot be looked up."""
        raise NotImplementedError


class UserStatusRequest(SupportRequest):
    """Set ``flag`` of BHEX org user ``user_id`` to ``value`` (was ``previous``), asked by
    ``operator``."""

    kind: Literal[SupportAction.USER_STATUS] = SupportAction.USER_STATUS
    flag: str
    value: int
    previous: int | None = None

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

    @property
    def coin(self) -> str:
        """The flag (journal listings show it where a move shows its coin)."""
        return self.flag

    @property
    def amount(self) -> Decimal:
        """The new value (journal listings)."""
        return Decimal(self.value)

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

    async def send(self, adapter: Any) -> MoveReceipt:
        """``set_ext_status`` once; its echo must show the value asked for."""
        reply = await adapter.user_set_ext_status(self.user_id, self.flag, self.value)
        if reply.get(self.flag) != self.value:
            from tui.core.errors import VenueError

            raise VenueError("bhex", f"the venue did not confirm {self.flag}={self.value} "
                                     f"(it answered {reply})")
        return MoveReceipt(status=MoveStatus.DONE, venue_status=f"{self.flag}={self.value}",
                           evidence=f"set_ext_status answered {self.flag}: {self.value}")

    async def look_up(self, adapter: Any) -> MoveReceipt | None:
        """Whether the flag now has the value asked for (``ext_status``)."""
        flags = await adapter.user_ext_status(self.user_id, [self.flag])
        if flags.get(self.flag) != self.value:
            return None
        return MoveReceipt(status=MoveStatus.DONE, venue_status=f"{self.flag}={self.value}",
                           evidence=f"ext_status shows {self.flag}={self.value}")


@functools.cache
def _kinds() -> dict[str, type[SupportRequest]]:
    import tui.support.user_requests  # noqa: F401 - defines the other kinds

    found: dict[str, type[SupportRequest]] = {}
    pending = list(SupportRequest.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        found[cls.model_fields["kind"].default.value] = cls
    return found


def parse_support(kind: str, text: str) -> Any:
    """A stored support request of ``kind`` (JSON ``text``)."""
    cls = _kinds().get(kind)
    if cls is None:
        raise ValueError(f"unknown support action {kind!r}")
    return cls.model_validate_json(text)


def is_support_request(request: Any) -> bool:
    """Whether ``request`` is a support action (for the journal's dispatch)."""
    return isinstance(request, SupportRequest)


async def send_support(adapter: Any, request: SupportRequest) -> MoveReceipt:
    """Send ``request`` once; the venue's reply as a receipt."""
    return await request.send(adapter)


async def look_up_support(adapter: Any, request: SupportRequest) -> Any:
    """Whether ``request`` is in force at the venue (see :meth:`SupportRequest.look_up`)."""
    return await request.look_up(adapter)
