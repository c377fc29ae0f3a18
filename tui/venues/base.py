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
import functools
import inspect
import json
import logging
import random
import re
import ssl
import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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
    CoinsoleError,
    InsufficientFunds,
    InvalidRequest,
    MalformedReply,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    ReplyTooLarge,
    VenueError,
    VenueUnavailable,
)
from tui.core.models import AccountRef, Balance
from tui.core.money import EXACT, MoneyError, loads_exact, plain, to_decimal
from tui.core.moves import (
    LookupResult,
    MoveKind,
    MoveReceipt,
    MoveRequest,
    Settlement,
    WithdrawQuote,
)
from tui.venues.limits import limiter_for
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
    "MIN_MASKED_LENGTH",
    "DEFAULT_MAX_REPLY_BYTES",
    "redact",
    "reads_reply",
    "wire_amount",
]

LOOKUP_MARGIN_MS = 60_000
"""How far before the journal's send time a history record may be dated and still match:
the venue's clock and ours differ, and the journal notes the time just before sending."""

MIN_MASKED_LENGTH = 6
"""Secrets (API key, secret, a request's signature) this long or longer are masked
wherever they occur in text that leaves the venue layer; shorter ones are not masked:
they cannot be told from ordinary words ("Invalid API-key" stays whole with a key of
``k``), and a value that short is not a meaningful leak."""

ANYWHERE_MASKED_LENGTH = 16
"""Secrets this long are masked wherever they occur, even glued to other text (a real key
or signature); shorter ones only where they stand as a whole token."""

DEFAULT_MAX_REPLY_BYTES = 8 * 1024 * 1024
"""The decoded size a reply may reach before coinsole stops reading it (per request,
overridable per call for lists that can be large)."""

MAX_AMOUNT_WHOLE_DIGITS = 40
"""Amounts from a venue of 10**40 or more are refused as absurd (``1E+400``)."""
MAX_AMOUNT_DECIMALS = 40
"""Amounts from a venue with more decimals than this are refused as absurd (``1E-400``)."""
MAX_AMOUNT_TEXT = 100
"""Amount text from a venue longer than this is refused unread."""

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
    deadline: float = 30.0  # float-ok: seconds, the whole send and read of one request
    max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES


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
                          sent_after_ms: int) -> LookupResult:
        """Every venue record that could be ``request``'s; never a choice among them.

        By ``venue_ref`` or by the request's own key where the venue's history carries
        one: such candidates have ``proof`` set. Otherwise the history records whose
        fields agree with the request (``matched`` says which), read newest first page
        by page until they are older than ``sent_after_ms`` minus
        :data:`LOOKUP_MARGIN_MS` (at most :data:`~tui.core.moves.LOOKUP_MAX_PAGES`;
        ``complete`` False when that bound stopped the search). Records older than the
        window are still returned when read, as evidence. The journal decides
        (tui/journal/matching.py). An endpoint with no way to look anything up returns
        ``supported=False`` with the ``reason``."""
        return LookupResult(supported=False,
                            reason=f"{self.venue_id} offers no lookup for this request")

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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Make every public coroutine method of an adapter redact the errors it raises
        (:meth:`scrub`): errors an adapter builds from reply content outside
        :meth:`request` leave the venue layer masked too."""
        super().__init_subclass__(**kwargs)
        for name in dir(cls):
            member = inspect.getattr_static(cls, name, None)
            if (not name.startswith("_") and inspect.iscoroutinefunction(member)
                    and not getattr(member, "_scrubs", False)):
                setattr(cls, name, _scrubbing(member))

    def __init__(self, settings: VenueSettings, credentials: Credentials) -> None:
        super().__init__(settings, credentials)
        self._client: httpx.AsyncClient | None = None
        if settings.transport is None:
            # Over the network the client uses the process's shared TLS context
            # (tui.venues.tls), which starts loading now, off the event loop.
            prepare_tls_context()
        capacity, period = settings.rate_limit or self.rate_limit
        self.limiter = limiter_for(self.venue_id, settings.base_url, capacity, period,
                                   TokenBucket)  # shared per IP where the venue says so
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
        and code are kept, redacted (:meth:`scrub`) and then cut.
        """
        return self.scrub(kind(
            self.venue_id,
            message or _KIND_MESSAGES.get(kind, "the venue refused the request"),
            code=None if code is None else str(code),
            venue_message=None if venue_message in (None, "") else str(venue_message),
            **extra,
        ))

    def scrub(self, error: VenueError, extra: Iterable[str] = ()) -> VenueError:
        """``error`` with this profile's API key and secret, and ``extra`` (the current
        request's signature values), masked in its message, code and venue text, each
        then cut to its limit: redaction first, so a secret split by the cut cannot
        survive. Every error leaving the venue layer passes here; returns ``error``."""
        secrets = [self.credentials.api_key.get_secret_value(),
                   self.credentials.secret.get_secret_value(), *extra]
        return error.rewrite(lambda text, limit: redact(text, secrets)[:limit])

    def _redact(self, text: Any) -> str | None:
        """Venue text with this profile's secrets masked, cut to 300 characters."""
        if text is None or text == "":
            return None
        return self.scrub(VenueError(self.venue_id, "", venue_message=str(text))).venue_message

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
        max_reply_bytes: int | None = None,
    ) -> Any:
        """Send one request and return the unwrapped reply.

        ``read`` marks a call safe to repeat: only reads are retried. A write whose reply
        is lost (timeout, dropped connection, 5xx, the deadline passed, a reply too large
        or unreadable) raises :class:`OutcomeUnknown`. The whole send and read of one
        attempt must finish within ``settings.deadline`` seconds, and its decoded reply
        stay within ``max_reply_bytes`` (default ``settings.max_reply_bytes``,
        :class:`ReplyTooLarge` past it). Every error raised is redacted (:meth:`scrub`).
        """
        try:
            return await self._request(method, path, params=params, form=form,
                                       json_body=json_body, read=read, signed=signed,
                                       max_reply_bytes=max_reply_bytes)
        except VenueError as exc:
            raise self.scrub(exc) from None

    async def _request(self, method: str, path: str, *, params: Any, form: Any,
                       json_body: str | None, read: bool, signed: bool,
                       max_reply_bytes: int | None) -> Any:
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
                return await self._send(outgoing, read=read, signed=signed,
                                        max_reply_bytes=max_reply_bytes)
            except (VenueUnavailable, RateLimited) as exc:
                if not read or attempt >= self.retry.attempts:
                    raise
                retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
                await asyncio.sleep(self.retry.delay(attempt, retry_after))
                attempt += 1

    async def _send(self, outgoing: OutgoingRequest, *, read: bool, signed: bool,
                    max_reply_bytes: int | None = None) -> Any:
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
        try:
            return await self._exchange(request, url, content, headers, read=read,
                                        cap=max_reply_bytes or self.settings.max_reply_bytes)
        except VenueError as exc:
            raise self.scrub(exc, _signature_values(request)) from None

    async def _exchange(self, request: OutgoingRequest, url: str, content: bytes | None,
                        headers: dict[str, str], *, read: bool, cap: int) -> Any:
        """Send ``request`` and read its reply, streamed and capped at ``cap`` decoded
        bytes, all within the settings' deadline; then interpret it."""
        venue = self.venue_id
        deadline = self.settings.deadline
        try:
            client = await self._http()
            async with asyncio.timeout(deadline):
                async with client.stream(request.method, url, content=content,
                                         headers=headers) as response:
                    body = await _read_capped(response, cap)
        except TimeoutError:
            if read:
                raise VenueUnavailable(venue, f"the venue did not finish its reply within "
                                              f"{deadline:g} s") from None
            raise OutcomeUnknown(venue, f"the request was sent but its reply did not finish "
                                        f"within {deadline:g} s") from None
        except _TooLarge:
            text = f"the venue's reply exceeded {_mib(cap)}; coinsole stopped reading it"
            if read:
                raise ReplyTooLarge(venue, text) from None
            raise OutcomeUnknown(venue, text + "; the outcome is unknown") from None
        except httpx.DecodingError:
            return self._unreadable("its compressed body is corrupt", read)
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
        except httpx.HTTPError as exc:  # any other httpx failure: typed, and without its URL
            if read:
                raise VenueUnavailable(venue, f"the venue's reply could not be read "
                                              f"({type(exc).__name__})") from None
            raise OutcomeUnknown(venue, f"the venue's reply could not be read "
                                        f"({type(exc).__name__}); the outcome is unknown") from None
        return self._interpret(response, body, read=read)

    def _unreadable(self, what: str, read: bool) -> Any:
        """Raise for a reply that arrived but cannot be read: :class:`MalformedReply` for a
        read, :class:`OutcomeUnknown` for a write (the venue did get the request)."""
        text = f"the venue sent a reply coinsole cannot read: {what}"
        if read:
            raise MalformedReply(self.venue_id, text)
        raise OutcomeUnknown(self.venue_id, text + "; the outcome is unknown")

    def _interpret(self, response: httpx.Response, body: bytes, *, read: bool) -> Any:
        venue = self.venue_id
        status = response.status_code
        if status == 429:
            code, text = _error_fields(body)
            raise self.venue_error(RateLimited, code, text, retry_after=_retry_after(response))
        if status >= 500:
            code, text = _error_fields(body)
            details = {"code": None if code is None else str(code),
                       "venue_message": self._redact(text)}
            if read:
                raise VenueUnavailable(venue, f"the venue failed with HTTP {status}", **details)
            raise OutcomeUnknown(venue, f"the venue answered HTTP {status}; the outcome is unknown",
                                 **details)
        try:
            payload = loads_exact(body) if body else None
        except RecursionError:
            return self._unreadable("JSON nested too deep", read)
        except ValueError:
            if status >= 400:
                raise VenueError(venue, f"the venue refused the request (HTTP {status})") from None
            return self._unreadable(f"not JSON (HTTP {status})", read)
        try:
            return self.unwrap(status, payload)
        except CoinsoleError:
            raise
        except _PARSE_ERRORS as exc:
            return self._unreadable(_what(exc), read)

    async def aclose(self) -> None:
        """Close the profile's HTTP client."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


_PARSE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, ArithmeticError,
                 RecursionError)
"""What reading a reply of an unexpected shape raises (ValueError covers pydantic's
ValidationError and MoneyError, ArithmeticError decimal's InvalidOperation)."""


def redact(text: Any, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret at least :data:`MIN_MASKED_LENGTH`
    characters long replaced by ``***`` (longest first, so a secret containing another
    is masked whole). Shorter secrets are left alone (see :data:`MIN_MASKED_LENGTH`); those
    shorter than :data:`ANYWHERE_MASKED_LENGTH` are masked only as whole tokens."""
    text = str(text)
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_MASKED_LENGTH},
                         key=len, reverse=True):
        if len(secret) >= ANYWHERE_MASKED_LENGTH:
            text = text.replace(secret, "***")
        else:  # short: only as a whole token, never inside a longer word
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "***", text)
    return text


def _signature_values(request: OutgoingRequest) -> list[str]:
    """The signature values a signed request carries (any header, query, form or JSON
    field whose name contains "sign"): they are secrets for as long as they are fresh."""
    pairs: list[tuple[str, Any]] = [*request.headers.items(), *request.params,
                                    *(request.form or [])]
    if request.json_body:
        try:
            body = loads_exact(request.json_body)
        except (ValueError, RecursionError):
            body = None
        if isinstance(body, dict):
            pairs += body.items()
    return [str(value) for key, value in pairs if "sign" in str(key).lower() and value]


def _scrubbing(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``method`` with every :class:`VenueError` it raises redacted by the adapter."""

    @functools.wraps(method)
    async def wrapper(self: HttpVenue, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except VenueError as exc:
            raise self.scrub(exc) from None

    wrapper._scrubs = True  # type: ignore[attr-defined]
    return wrapper


def reads_reply(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Decorate an adapter method that reads venue replies into coinsole's types: any
    KeyError, TypeError, ValueError (pydantic's ValidationError, MoneyError),
    InvalidOperation, RecursionError... raised while parsing becomes this profile's
    :class:`MalformedReply`, and every :class:`VenueError` leaves redacted."""

    @functools.wraps(method)
    async def wrapper(self: HttpVenue, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except VenueError as exc:
            raise self.scrub(exc) from None
        except CoinsoleError:
            raise
        except _PARSE_ERRORS as exc:
            raise self.scrub(MalformedReply(
                self.venue_id, f"the venue sent a reply coinsole cannot read: {_what(exc)}"
            )) from None

    wrapper._scrubs = True  # type: ignore[attr-defined]
    return wrapper


def _what(exc: BaseException) -> str:
    """A short account of why a reply could not be read."""
    if isinstance(exc, RecursionError):
        return "it is nested too deep"
    if isinstance(exc, KeyError):
        return f"a field is missing ({_cut(repr(exc.args[0]) if exc.args else '?')})"
    if isinstance(exc, IndexError):
        return "a list is shorter than expected"
    if isinstance(exc, (TypeError, AttributeError)):
        return "a value has the wrong type"
    errors = getattr(exc, "errors", None)
    if callable(errors):  # pydantic's ValidationError
        try:
            first = errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ()))
            return _cut(f"{where}: {first.get('msg', 'invalid')}")
        except Exception:  # noqa: BLE001 - describing the error must never fail
            return "a value is invalid"
    if isinstance(exc, (ArithmeticError, InvalidOperation)):
        return "a number is not exact or out of range"
    return _cut(str(exc) or type(exc).__name__)


def _cut(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def wire_amount(value: Any) -> Decimal:
    """An amount from a venue reply as an exact Decimal, or :class:`MoneyError` (which
    :func:`reads_reply` turns into :class:`MalformedReply`) for null, booleans, floats,
    text that is not a number ("12abc"), NaN, infinities, over-long text, and absurd
    magnitudes (10**40 or more, or more than 40 decimals, like ``1E+400``)."""
    if value is None:
        raise MoneyError("an amount is missing (null)")
    if isinstance(value, str) and len(value) > MAX_AMOUNT_TEXT:
        raise MoneyError("an amount is too long to be real")
    amount = to_decimal(value)
    if amount and amount.adjusted() >= MAX_AMOUNT_WHOLE_DIGITS:
        raise MoneyError("an amount is absurdly large")
    if -amount.as_tuple().exponent > MAX_AMOUNT_DECIMALS:  # type: ignore[operator]
        raise MoneyError("an amount has absurdly many decimals")
    return amount


class _TooLarge(Exception):
    """The reply passed its size cap."""


async def _read_capped(response: httpx.Response, cap: int) -> bytes:
    """The decoded body of a streamed ``response``, or :class:`_TooLarge` as soon as it
    passes ``cap`` bytes. A gzip body is inflated here at most ``cap + 1`` bytes at a time,
    so a compression bomb costs no more memory than the cap; other encodings httpx
    decodes chunk by chunk, still stopped at the cap."""
    declared = response.headers.get("Content-Length", "")
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if declared.isdigit() and int(declared) > cap and encoding in ("", "identity"):
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0

    def take(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)
        if size > cap:
            raise _TooLarge
        chunks.append(chunk)

    if encoding in ("gzip", "x-gzip") and not response.is_stream_consumed:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            async for raw in response.aiter_raw():
                while raw and not inflater.eof:
                    take(inflater.decompress(raw, cap + 1 - size))
                    raw = inflater.unconsumed_tail
            take(inflater.flush())
        except zlib.error:
            raise httpx.DecodingError("corrupt gzip body") from None
    else:
        async for chunk in response.aiter_bytes():  # a reply already in memory (tests) too
            take(chunk)
    return b"".join(chunks)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"  # float-ok: a size for a message


def _error_fields(body: bytes) -> tuple[Any, Any]:
    """(code, message) from an error reply; every venue here says them as
    ``status``/``code`` and ``msg``."""
    try:
        payload = loads_exact(body)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(payload, dict):
        return None, None
    code = payload.get("code", payload.get("status"))
    return code, payload.get("msg")


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
