"""What every simulated venue shares: refusals, fault handling, limits and exact replies.

A venue subclasses :class:`VenueService`, names its error codes (``errors``), writes its
error shape (:meth:`VenueService.error_body`) and its routes. Handlers raise
:class:`Refused` to answer with the venue's own error reply.
"""

from __future__ import annotations

import hmac
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from enum import Enum
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.core.money import dumps_exact
from tui.sandbox.faults import Fault, FaultPlan
from tui.sandbox.ledger import ApiKey, Ledger
from tui.sandbox.limits import RateLimiter

__all__ = ["Refusal", "ErrorCode", "Refused", "VenueService", "Handler", "same_digest",
           "form_pairs"]

Handler = Callable[[Request], Awaitable[Any]]
"""A venue endpoint: returns the reply body (or a ready Response), or raises Refused."""


class Refusal(str, Enum):
    """The kinds of refusal every venue has a code for (docs/wire.md, Errors)."""

    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    STALE_TIMESTAMP = "stale_timestamp"
    TOO_MANY = "too_many"
    INVALID = "invalid"
    INTERNAL = "internal"
    UNAVAILABLE = "unavailable"
    # moving money (docs/wire.md, Refusals); a venue names only those it makes
    INSUFFICIENT = "insufficient"
    PRECISION = "precision"
    BELOW_MINIMUM = "below_minimum"
    NOT_WHITELISTED = "not_whitelisted"
    MEMO_REQUIRED = "memo_required"
    UNKNOWN_RECIPIENT = "unknown_recipient"
    QUOTA_EXCEEDED = "quota_exceeded"
    BAD_TRADE_PASSWORD = "bad_trade_password"
    CANNOT_CANCEL = "cannot_cancel"


@dataclass(frozen=True)
class ErrorCode:
    """How a venue answers one refusal: HTTP status, the venue's code and message."""

    http_status: int
    code: int | str
    msg: str


class Refused(Exception):
    """Raised by a handler to answer with the venue's error reply for ``refusal``.

    ``detail`` is appended to the venue's message; ``http_status`` overrides the venue's
    usual status (a fault-injected 429 at a venue that normally answers HTTP 200).
    """

    def __init__(self, refusal: Refusal, detail: str | None = None, *,
                 http_status: int | None = None) -> None:
        super().__init__(detail or refusal.value)
        self.refusal = refusal
        self.detail = detail
        self.http_status = http_status


_FAULT_REFUSALS = {
    Fault.DOWN: (Refusal.UNAVAILABLE, 503),
    Fault.ERROR: (Refusal.INTERNAL, 500),
    Fault.TOO_MANY: (Refusal.TOO_MANY, 429),
}

_COMMON_ERRORS = {
    Refusal.INTERNAL: ErrorCode(500, 500, "internal error"),
    Refusal.UNAVAILABLE: ErrorCode(503, 503, "service unavailable"),
}


class VenueService(ABC):
    """One simulated venue: its checks and routes over the shared ledger."""

    venue: ClassVar[str]
    prefix: ClassVar[str]
    #: (requests, seconds) allowed per key, as docs/wire.md sets it.
    rate_limit: ClassVar[tuple[int, int]]
    #: The venue's code and message for each refusal it makes itself.
    errors: ClassVar[Mapping[Refusal, ErrorCode]]

    def __init__(self, ledger: Ledger, faults: FaultPlan,
                 clock: Callable[[], float]) -> None:  # float-ok: clock
        self.ledger = ledger
        self.faults = faults
        self.clock = clock
        self.limiter = RateLimiter(*self.rate_limit, clock)

    # -- what each venue supplies -------------------------------------------------

    @abstractmethod
    def routes(self) -> list[Route]:
        """The venue's routes, with paths including its prefix (see :meth:`route`)."""

    @abstractmethod
    def error_body(self, code: ErrorCode, msg: str) -> dict[str, Any]:
        """The venue's error reply body for ``code`` with message ``msg``."""

    # -- shared pieces ------------------------------------------------------------

    def now_ms(self) -> int:
        """The venue's clock in milliseconds, skewed as the fault plan says."""
        skew = self.faults.settings(self.venue).clock_skew_ms
        return int(self.clock() * 1000) + skew  # float-ok: clock seconds to ms

    def advance(self) -> None:
        """Bring the venue's state machines up to its clock (none by default); called
        before every request so every endpoint, balances included, sees the same state."""

    def route(self, path: str, handler: Handler, methods: list[str], *,
              write: bool = False) -> Route:
        """A route at ``prefix + path`` that applies faults, then runs ``handler``.

        A ``write`` route may also have its reply dropped after it has run (the fault
        plan's ``drop_rate``): its effect stays committed and the client gets HTTP 502
        with an empty body. Faults decided before the handler never commit anything.
        """

        async def endpoint(request: Request) -> Response:
            fault = await self.faults.apply(self.venue)
            try:
                if fault is not None:
                    refusal, status = _FAULT_REFUSALS[fault]
                    raise Refused(refusal, http_status=status)
                self.advance()
                body = await handler(request)
                response = body if isinstance(body, Response) else self.reply(body)
            except Refused as refused:
                response = self.refusal(refused)
            if fault is None and write and self.faults.drop(self.venue):
                return Response(b"", status_code=502)
            # the venue's clock, as every HTTP server's Date header gives it (to the second)
            response.headers["date"] = formatdate(self.now_ms() / 1000,  # float-ok: seconds
                                                  usegmt=True)
            return response

        return Route(self.prefix + path, endpoint, methods=methods)

    def reply(self, body: Any, status: int = 200) -> Response:
        """A JSON reply with every Decimal written as an exact JSON number."""
        headers = {"Retry-After": "1"} if status == 429 else None
        return Response(dumps_exact(body), status_code=status, headers=headers,
                        media_type="application/json")

    def refusal(self, refused: Refused) -> Response:
        """The venue's error reply for ``refused``."""
        code = self.errors.get(refused.refusal) or _COMMON_ERRORS[refused.refusal]
        msg = f"{code.msg}: {refused.detail}" if refused.detail else code.msg
        status = refused.http_status or code.http_status
        return self.reply(self.error_body(code, msg), status)

    def key(self, api_key: str | None) -> ApiKey:
        """The stored credential for ``api_key``; refuses an unknown or missing key."""
        found = self.ledger.find_key(self.venue, api_key) if api_key else None
        if found is None:
            raise Refused(Refusal.UNKNOWN_KEY)
        return found

    def limit(self, bucket: str) -> None:
        """Count one request against ``bucket``; refuses when over the venue's limit."""
        if not self.limiter.allow(bucket):
            raise Refused(Refusal.TOO_MANY)

    def check_timestamp(self, value: str | int | None, *, window_ms: int,
                        unit_ms: int = 1) -> None:
        """Refuse a missing timestamp, or one further than ``window_ms`` from the venue's
        clock; ``unit_ms`` is how many ms one unit of ``value`` is (1000 for seconds)."""
        try:
            stamp = int(value) * unit_ms  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Refused(Refusal.INVALID, "timestamp missing or not an integer") from None
        if abs(stamp - self.now_ms()) > window_ms:
            raise Refused(Refusal.STALE_TIMESTAMP)


def same_digest(expected: str, given: str | None, *, ignore_case: bool = True) -> bool:
    """Constant-time comparison of a signature; hex digests ignore letter case."""
    if not given:
        return False
    given = given.strip()
    if ignore_case:
        expected, given = expected.lower(), given.lower()
    return hmac.compare_digest(expected.encode(), given.encode())


async def form_pairs(request: Request) -> list[tuple[str, str]]:
    """The request's form-encoded body as decoded (name, value) pairs, in order."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qsl(body, keep_blank_values=True)
