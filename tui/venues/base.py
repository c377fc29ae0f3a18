"""What every venue adapter shares: the contract, the transport and the request pipeline.

An adapter subclasses :class:`HttpVenue`, declares its ``capabilities``, implements
:meth:`HttpVenue.sign` (how the venue authenticates a request) and
:meth:`HttpVenue.unwrap` (how the venue says success or failure), and writes one typed
method per endpoint. Everything else lives here: one ``httpx.AsyncClient`` per profile,
timeouts, a token-bucket limiter at the venue's documented limit, the server-time offset,
retries with backoff for reads only, and the mapping of transport failures to typed errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar
from urllib.parse import urlencode

from pydantic import SecretStr

from tui.startup import optional_imports_skipped

with optional_imports_skipped("httpx._main"):  # its CLI client; coinsole never runs it
    import httpx

from tui.core.credentials import Credentials  # re-exported: adapters take it
from tui.core.errors import (
    AuthError,
    InsufficientFunds,
    InvalidRequest,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    VenueError,
    VenueUnavailable,
)
from tui.core.models import AccountRef, Balance
from tui.core.money import EXACT, loads_exact, plain
from tui.core.moves import MoveKind, MoveReceipt, MoveRequest, Settlement, WithdrawQuote
from tui.venues.tls import prepare_tls_context, tls_context

__all__ = [
    "Capability",
    "Credentials",
    "VenueSettings",
    "OutgoingRequest",
    "TokenBucket",
    "RetryPolicy",
    "Venue",
    "HttpVenue",
    "json_text",
    "LOOKUP_MARGIN_MS",
]

LOOKUP_MARGIN_MS = 60_000
"""How far before the journal's send time a history record may be dated and still match:
the venue's clock and ours differ, and the journal notes the time just before sending."""

# httpx logs every request URL at INFO; BHEX puts its signature in the query string.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


class Capability(str, Enum):
    """What an adapter can do. The UI asks for a capability, never for a venue name."""

    BALANCES = "balances"
    TRANSFER = "transfer"
    INTERNAL_TRANSFER = "internal_transfer"
    WITHDRAW = "withdraw"
    DEPOSIT_ADDRESS = "deposit_address"
    DEPOSIT_HISTORY = "deposit_history"
    WITHDRAW_HISTORY = "withdraw_history"
    ORDERS = "orders"
    CONTRACTS = "contracts"
    SUB_ACCOUNTS = "sub_accounts"
    ORG_USERS = "org_users"
    ORG_BALANCES = "org_balances"
    VALUATIONS = "valuations"


@dataclass(frozen=True)
class VenueSettings:
    """How to reach one profile's venue.

    ``transport`` replaces the network (``httpx.ASGITransport`` for the in-process
    sandbox); ``rate_limit`` overrides the adapter's documented (requests, seconds).
    """

    profile: str
    base_url: str
    user_id: str | None = None
    timeout: float = 10.0  # float-ok: seconds
    transport: httpx.AsyncBaseTransport | None = None
    rate_limit: tuple[int, float] | None = None  # float-ok: seconds
    retry: "RetryPolicy | None" = None


@dataclass
class OutgoingRequest:
    """A request on its way out, before and after signing.

    ``params`` go in the query string, ``form`` is sent form-encoded, ``json_body`` is the
    exact JSON text to send (signers that sign the body sign these very bytes).
    """

    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] | None = None
    json_body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class TokenBucket:
    """An async token bucket: at most ``capacity`` requests per ``period`` seconds."""

    def __init__(self, capacity: int, period: float) -> None:  # float-ok: seconds
        self.capacity = capacity
        self.period = period
        self._tokens = float(capacity)  # float-ok: token count, not money
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until a request may be sent, then take one token."""
        async with self._lock:
            while True:
                now = time.monotonic()
                rate = self.capacity / self.period
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / rate)


@dataclass(frozen=True)
class RetryPolicy:
    """Retries for reads only: ``attempts`` in all, exponential backoff with jitter."""

    attempts: int = 3
    base_delay: float = 0.25  # float-ok: seconds
    max_delay: float = 2.0  # float-ok: seconds

    def delay(self, attempt: int, retry_after: float | None = None) -> float:  # float-ok
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(self.max_delay, retry_after)
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff * (0.5 + random.random() / 2)  # float-ok: jitter


class Venue(ABC):
    """The contract every venue adapter fulfils.

    ``venue_id`` is the id used in profiles; ``capabilities`` says which of the methods
    below (and later ones) the adapter implements. Methods raise the typed errors of
    :mod:`tui.core.errors`, never raw transport exceptions.
    """

    venue_id: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    #: The venue's documented request limit, as (requests, seconds).
    rate_limit: ClassVar[tuple[int, float]]

    def __init__(self, settings: VenueSettings, credentials: Credentials) -> None:
        self.settings = settings
        self.credentials = credentials

    @property
    def profile(self) -> str:
        """The profile this adapter serves."""
        return self.settings.profile

    def supports(self, capability: Capability) -> bool:
        """Whether this adapter implements ``capability``."""
        return capability in self.capabilities

    @abstractmethod
    async def balances(self) -> list[Balance]:
        """Every balance the profile can see at this venue (BALANCES).

        Returns one :class:`Balance` per coin and account; raises :class:`VenueError`."""

    # -- moving money (TRANSFER, INTERNAL_TRANSFER, WITHDRAW) --------------------------

    def transfer_routes(self) -> list[tuple[AccountRef, AccountRef]]:
        """The (from, to) account pairs this venue can TRANSFER between, as the accounts
        the TUI offers. Venues whose accounts must be fetched first have an async
        :meth:`fetch_transfer_routes`; this returns what is known without a request."""
        raise NotImplementedError(f"{self.venue_id} cannot transfer between accounts")

    async def fetch_transfer_routes(self) -> list[tuple[AccountRef, AccountRef]]:
        """As :meth:`transfer_routes`, fetching the venue's account list where it must."""
        return self.transfer_routes()

    def settlement(self, request: MoveRequest) -> Settlement:
        """How an unknown outcome of ``request``'s endpoint is settled (docs/wire.md):
        KEYED (resend with the same key), LOOKUP (find it in history) or NONE."""
        raise NotImplementedError(f"{self.venue_id} cannot move money")

    def new_client_key(self, kind: MoveKind) -> str:
        """A fresh idempotency key in the venue's format for a move of ``kind``.

        The journal calls this once, stores the key, and sends it unchanged on every
        resend. Endpoints without a venue key still get one: it names the request in the
        journal and is simply not sent."""
        raise NotImplementedError(f"{self.venue_id} cannot move money")

    async def submit_move(self, request: MoveRequest, *,
                          trade_password: SecretStr | None = None) -> MoveReceipt:
        """Send ``request`` to the venue's endpoint for ``request.kind`` (with
        ``request.client_key`` as the venue's key where it has one) and return what the
        venue said.

        Raises :class:`InsufficientFunds`, :class:`InvalidRequest`,
        :class:`PermissionDenied` (destination not whitelisted, key without the right),
        :class:`AuthError` when refused, and :class:`OutcomeUnknown` when the request was
        sent but no reply came (never retried here). ``trade_password`` is used for this
        call only (BHEX withdrawals) and never stored, logged or put in an error."""
        raise NotImplementedError(f"{self.venue_id} cannot move money")

    async def lookup_move(self, request: MoveRequest, *, venue_ref: str | None,
                          sent_after_ms: int) -> MoveReceipt | None:
        """Find ``request``'s current state at the venue: by ``venue_ref`` when known,
        else by its key or by matching history records dated from ``sent_after_ms``
        (minus :data:`LOOKUP_MARGIN_MS`). Returns None when nothing matches or when the
        endpoint has no way to look anything up; the receipt's ``evidence`` says which
        record matched and why."""
        return None

    def cancellable(self, request: MoveRequest) -> bool:
        """Whether the venue lets a pending ``request`` be cancelled."""
        return False

    async def cancel_move(self, request: MoveRequest, venue_ref: str) -> MoveReceipt:
        """Cancel the pending movement ``venue_ref`` where the venue allows it
        (:meth:`cancellable`); raises :class:`InvalidRequest` when it is too late."""
        raise NotImplementedError(f"{self.venue_id} cannot cancel a {request.kind.value}")

    async def withdraw_quote(self, coin: str, network: str | None = None) -> WithdrawQuote:
        """Limits, fees and rules for withdrawing ``coin`` (on ``network``); fields the
        venue does not supply are None."""
        raise NotImplementedError(f"{self.venue_id} cannot withdraw")

    def arrival_amount(self, quote: WithdrawQuote, amount: Decimal,
                       miner_fee: Decimal | None) -> Decimal:
        """What arrives when withdrawing ``amount``: ``amount - fee`` when the fee is
        charged in the withdrawn coin (or its coin is unknown), else ``amount``. Exact:
        any rounding raises. Venues with their own formula override this."""
        if quote.fee is None or (quote.fee_coin is not None and quote.fee_coin != quote.coin):
            return amount
        return EXACT.subtract(amount, quote.fee)

    async def check_connection(self) -> None:
        """Call the venue's cheapest authenticated endpoint; raise if it fails."""
        await self.balances()

    async def aclose(self) -> None:
        """Release the adapter's connections."""


class HttpVenue(Venue):
    """A venue reached over HTTP: the request pipeline every adapter shares."""

    #: Path of the venue's server-time endpoint, when it has one.
    time_path: ClassVar[str | None] = None
    #: Measure the clock before the first signed request. An adapter that recognises the
    #: venue's "stale timestamp" refusal and then measures and resends (BHEX) sets this
    #: False: with a correct local clock that saves a round trip on every start.
    sync_clock_first: ClassVar[bool] = True

    def __init__(self, settings: VenueSettings, credentials: Credentials) -> None:
        super().__init__(settings, credentials)
        self._client: httpx.AsyncClient | None = None
        if settings.transport is None:
            # Over the network the client uses the process's shared TLS context
            # (tui.venues.tls), which starts loading now, off the event loop.
            prepare_tls_context()
        capacity, period = settings.rate_limit or self.rate_limit
        self.limiter = TokenBucket(capacity, period)
        self.retry = settings.retry or RetryPolicy()
        self.clock_offset_ms = 0
        self._clock_synced = False
        self._clock_synced_at = float("-inf")  # float-ok: monotonic seconds
        self._clock_lock = asyncio.Lock()

    def _new_client(self, *, verify: ssl.SSLContext | bool) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.settings.base_url,
            timeout=self.settings.timeout,
            transport=self.settings.transport,
            headers={"User-Agent": "coinsole"},
            verify=verify,
        )

    async def _http(self) -> httpx.AsyncClient:
        """The profile's HTTP client, made on first use (again after :meth:`aclose`)."""
        if self._client is None:
            if self.settings.transport is not None:  # the transport does its own I/O
                self._client = self._new_client(verify=True)
            else:
                context = await tls_context()
                if self._client is None:  # another request may have made it meanwhile
                    self._client = self._new_client(verify=context)
        return self._client

    # -- what each adapter supplies -------------------------------------------------

    @abstractmethod
    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Add the venue's authentication to ``request`` (headers, params or body)."""

    @abstractmethod
    def unwrap(self, status_code: int, payload: Any) -> Any:
        """Return the useful part of a parsed reply, or raise the typed error it means."""

    def parse_server_time(self, payload: Any) -> int:
        """Server time in ms from the reply of ``time_path``."""
        raise NotImplementedError

    def venue_error(self, kind: type[VenueError], code: Any, venue_message: Any,
                    message: str | None = None, **extra: Any) -> VenueError:
        """The typed error for a refusal the venue explained with ``code`` and its own text.

        The message is ``message`` or coinsole's own words for ``kind``; the venue's text
        is kept (with this profile's key and secret blanked out should the venue ever echo
        them).
        """
        return kind(
            self.venue_id,
            message or _KIND_MESSAGES.get(kind, "the venue refused the request"),
            code=None if code is None else str(code),
            venue_message=self._redact(venue_message),
            **extra,
        )

    def _redact(self, text: Any) -> str | None:
        if text is None or text == "":
            return None
        text = str(text)[:300]
        for secret in (self.credentials.api_key, self.credentials.secret):
            value = secret.get_secret_value()
            if value:
                text = text.replace(value, "***")
        return text

    # -- the pipeline ---------------------------------------------------------------

    def now_ms(self) -> int:
        """The venue's clock as best we know it, in milliseconds."""
        return int(time.time() * 1000) + self.clock_offset_ms

    async def sync_clock(self, *, force: bool = False,
                         refused_since: float | None = None) -> None:  # float-ok: monotonic s
        """Measure the offset to the venue's clock once (again with ``force``), where it
        has a time endpoint.

        ``refused_since`` is when (``time.monotonic()``) the request the venue called stale
        was signed: a measurement taken after that already answers it, so concurrent
        refusals share one measurement."""
        if self.time_path is None:
            return
        asked_at = time.monotonic() if refused_since is None else refused_since
        async with self._clock_lock:
            if self._clock_synced and (not force or self._clock_synced_at >= asked_at):
                return
            before = time.time()
            payload = await self._send(OutgoingRequest("GET", self.time_path), read=True,
                                       signed=False)
            after = time.time()
            server_ms = self.parse_server_time(payload)
            self.clock_offset_ms = int(server_ms - (before + after) / 2 * 1000)
            self._clock_synced = True
            self._clock_synced_at = time.monotonic()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        form: Mapping[str, Any] | None = None,
        json_body: str | None = None,
        read: bool,
        signed: bool = True,
    ) -> Any:
        """Send one request and return the unwrapped reply.

        ``read`` marks a call safe to repeat: only reads are retried. A write whose reply
        is lost (timeout, dropped connection, 5xx) raises :class:`OutcomeUnknown`.
        """
        if signed and self.sync_clock_first:
            await self.sync_clock()
        outgoing = OutgoingRequest(
            method=method.upper(),
            path=path,
            params=_pairs(params),
            form=_pairs(form) if form is not None else None,
            json_body=json_body,
        )
        attempt = 1
        while True:
            try:
                return await self._send(outgoing, read=read, signed=signed)
            except (VenueUnavailable, RateLimited) as exc:
                if not read or attempt >= self.retry.attempts:
                    raise
                retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
                await asyncio.sleep(self.retry.delay(attempt, retry_after))
                attempt += 1

    async def _send(self, outgoing: OutgoingRequest, *, read: bool, signed: bool) -> Any:
        request = OutgoingRequest(
            outgoing.method, outgoing.path, list(outgoing.params),
            list(outgoing.form) if outgoing.form is not None else None,
            outgoing.json_body, dict(outgoing.headers),
        )
        await self.limiter.acquire()
        if signed:
            # Signed after waiting for the limiter so the timestamp is fresh when sent.
            request = self.sign(request, self.now_ms())
        content: bytes | None = None
        headers = dict(request.headers)
        if request.form is not None:
            content = urlencode(request.form).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif request.json_body is not None:
            content = request.json_body.encode()
            headers.setdefault("Content-Type", "application/json")
        url = request.path
        if request.params:
            url += "?" + urlencode(request.params)
        venue = self.venue_id
        try:
            client = await self._http()
            response = await client.request(request.method, url, content=content,
                                            headers=headers)
        except httpx.TimeoutException:
            if read:
                raise VenueUnavailable(venue, "the venue did not answer in time") from None
            raise OutcomeUnknown(venue, "the request was sent but no reply came in time") from None
        except httpx.TransportError as exc:
            sent = not isinstance(exc, (httpx.ConnectError, httpx.UnsupportedProtocol))
            if read or not sent:
                raise VenueUnavailable(venue, f"cannot reach {self.settings.base_url} "
                                              f"({type(exc).__name__})") from None
            raise OutcomeUnknown(venue, "the connection failed after the request was sent") from None
        return self._interpret(response, read=read)

    def _interpret(self, response: httpx.Response, *, read: bool) -> Any:
        venue = self.venue_id
        status = response.status_code
        if status == 429:
            code, text = self._error_fields(response)
            raise self.venue_error(RateLimited, code, text, retry_after=_retry_after(response))
        if status >= 500:
            code, text = self._error_fields(response)
            details = {"code": None if code is None else str(code),
                       "venue_message": self._redact(text)}
            if read:
                raise VenueUnavailable(venue, f"the venue failed with HTTP {status}", **details)
            raise OutcomeUnknown(venue, f"the venue answered HTTP {status}; the outcome is unknown",
                                 **details)
        try:
            payload = loads_exact(response.content) if response.content else None
        except ValueError:
            if status >= 400:
                raise VenueError(venue, f"the venue refused the request (HTTP {status})") from None
            raise VenueUnavailable(venue, f"the venue sent a reply that is not JSON (HTTP {status})") from None
        return self.unwrap(status, payload)

    def _error_fields(self, response: httpx.Response) -> tuple[Any, Any]:
        """(code, message) from an error reply; every venue here says them as
        ``status``/``code`` and ``msg``."""
        try:
            payload = loads_exact(response.content)
        except ValueError:
            return None, None
        if not isinstance(payload, dict):
            return None, None
        code = payload.get("code", payload.get("status"))
        return code, payload.get("msg")

    async def aclose(self) -> None:
        """Close the profile's HTTP client."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


_KIND_MESSAGES: dict[type[VenueError], str] = {
    AuthError: "the venue did not accept the credentials",
    PermissionDenied: "the API key lacks the permission for this call",
    InsufficientFunds: "not enough funds for this request",
    InvalidRequest: "the venue rejected the request",
    RateLimited: "too many requests",
    VenueUnavailable: "the venue failed with a server error",
}


def json_text(fields: Mapping[str, Any]) -> str:
    """Compact JSON object text for a venue body, keys in the given order, None skipped.

    Decimals are written as JSON numbers in plain positional digits (``0.0000001``, never
    ``1E-7``), exactly as the signers see them; ints as numbers, bools as ``true``/``false``.
    """
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, Decimal):
            text = plain(value)
        elif isinstance(value, int):
            text = str(value)
        elif isinstance(value, str):
            text = json.dumps(value, ensure_ascii=False)
        else:
            raise TypeError(f"json_text: unsupported value type {type(value).__name__}")
        parts.append(f"{json.dumps(key)}:{text}")
    return "{" + ",".join(parts) + "}"


def _pairs(values: Mapping[str, Any] | Sequence[tuple[str, Any]] | None) -> list[tuple[str, str]]:
    if values is None:
        return []
    items = values.items() if isinstance(values, Mapping) else values
    return [(str(k), _text(v)) for k, v in items if v is not None]


def _text(value: Any) -> str:
    from decimal import Decimal

    from tui.core.money import plain

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def _retry_after(response: httpx.Response) -> float | None:  # float-ok: seconds
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value else None  # float-ok: seconds
    except ValueError:
        return None
