"""BHEX Org API statistics (doc 004, section 6) for the BHEX adapter: org-wide holdings,
deposits, withdrawals, OTC orders, trades, fees, lock/unlock records and the history files.

:class:`BhexStatsMixin` is combined into :class:`tui.venues.bhex.BhexVenue`; it relies on
the adapter's ``request`` (signing, limits, error mapping), ``scrub`` and ``venue_id``.
Every endpoint is one method named ``stats_<endpoint>``; replies are parsed by the
module's ``parse_*`` functions into frozen dataclasses with Decimal amounts, and anything
unreadable becomes :class:`~tui.core.errors.MalformedReply` (:func:`reads_reply`).
What the document leaves open is recorded in docs/wire.md, "BHEX statistics".
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlencode

import httpx

from tui.core.errors import (InvalidRequest, MalformedReply, PermissionDenied, ReplyTooLarge,
                             VenueError, VenueUnavailable)
from tui.venues.base import OutgoingRequest, reads_reply, wire_amount

__all__ = [
    "BhexStatsMixin", "walk_pages", "TokenHolding", "TokenSummary", "ColdWallet", "StatsDeposit",
    "StatsWithdrawal", "OtcOrder", "TradeDetail", "TradeFee", "LockRecord", "UnlockRecord",
    "DOWNLOAD_TYPES", "DOWNLOAD_STARTS", "HOLD_MAX", "RowParser", "parse_holdings", "parse_summary",
    "parse_cold_wallet", "parse_deposits", "parse_withdrawals", "parse_otc_orders",
    "parse_trades", "parse_fees", "parse_locks", "parse_unlocks",
]

STATS = "/api/v2/org/statistics/"
MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
"""The largest history file coinsole saves."""
PAGE = 100
"""Records :func:`walk_pages` asks per page."""
HOLD_MAX = 500
"""The largest ``limit`` of ``token_hold_detail`` and ``top`` of ``token_hold_top``."""
DOWNLOAD_TYPES = ("user_register", "user_kyc", "user_login", "balance", "balance_flow",
                  "lock_position", "contract_position", "trade_detail", "otc_order",
                  "deposit_order", "withdraw_order")
"""``download_data``'s ``type`` values, as the document lists them."""
DOWNLOAD_STARTS = {"balance_flow": Date(2019, 10, 31), "contract_position": Date(2019, 10, 31),
                   "lock_position": Date(2019, 11, 14), "user_register": Date(2019, 7, 14),
                   "user_kyc": Date(2019, 7, 14), "user_login": Date(2019, 7, 14)}
"""The first day with a file, per type (the document); every other type: 2019-06-24."""
ACCOUNT_DATA_START = Date(2019, 6, 24)
DEPOSIT_STATUS = {1: "credited, tradeable, not withdrawable", 2: "credited",
                  10: "depositing"}
WITHDRAW_STATUS = {1: "awaiting broker audit", 2: "broker rejected", 3: "platform audit",
                   4: "platform rejected", 5: "wallet processing", 6: "done", 7: "failed",
                   8: "block mining"}
OTC_STATUS = {0: "invalid", 1: "initialised", 10: "awaiting payment",
              20: "paid, awaiting confirmation", 30: "in appeal", 40: "cancelled", 50: "done"}
OTC_PAYMENT = {0: "bank card", 1: "Alipay", 2: "WeChat"}
ORDER_TYPES = {0: "LIMIT", 2: "MARKET sell", 3: "MARKET buy", 4: "LIMIT_MAKER"}
SIDES = {0: "BUY", 1: "SELL"}
_DIGITS = re.compile(r"[0-9]{1,19}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
T = TypeVar("T")


# -- models ------------------------------------------------------------------------------


class _StatusWords:
    """``status_text``: the document's words for a record's ``status`` code."""

    STATUS_WORDS: ClassVar[dict[int, str]] = {}
    status: int

    @property
    def status_text(self) -> str:
        """The document's words for ``status``."""
        return self.STATUS_WORDS.get(self.status, f"status {self.status}")


@dataclass(frozen=True)
class TokenHolding:
    """One account's holding of a token (``token_hold_detail`` / ``token_hold_top``)."""

    id: str
    user_id: str
    account_id: str
    total: Decimal
    available: Decimal
    lock: Decimal
    """Frozen plus locked up."""


@dataclass(frozen=True)
class TokenSummary:
    """The org's holding of one token (``token_hold_summary``)."""

    token_id: str
    total: Decimal
    available: Decimal
    lock: Decimal


@dataclass(frozen=True)
class ColdWallet:
    """One token's cold/hot split (``cold_wallet_info``, deprecated by the venue)."""

    token_id: str
    total: Decimal
    cold_hold: Decimal
    hot_remain: Decimal


@dataclass(frozen=True)
class StatsDeposit(_StatusWords):
    """One deposit of any user (``statistics/deposit_order``); times in ms."""

    STATUS_WORDS: ClassVar[dict[int, str]] = DEPOSIT_STATUS

    order_id: str
    user_id: str
    account_id: str
    token_id: str
    quantity: Decimal
    from_address: str
    address: str
    address_tag: str
    tx_id: str
    tx_id_url: str
    status: int
    create_time: int
    update_time: int


@dataclass(frozen=True)
class StatsWithdrawal(_StatusWords):
    """One withdrawal of any user (``statistics/withdraw_order``); times in ms."""

    STATUS_WORDS: ClassVar[dict[int, str]] = WITHDRAW_STATUS

    order_id: str
    client_withdrawal_id: str
    user_id: str
    account_id: str
    token_id: str
    address: str
    address_tag: str
    total_quantity: Decimal
    arrive_quantity: Decimal
    tx_id: str
    tx_id_url: str
    status: int
    create_time: int
    update_time: int

    @property
    def awaiting_broker_audit(self) -> bool:
        """Status 1: the broker (this org) has yet to audit it."""
        return self.status == 1


@dataclass(frozen=True)
class OtcOrder(_StatusWords):
    """One OTC order (``statistics/otc_order``); times in ms (``transfer_time`` 0: unpaid)."""

    STATUS_WORDS: ClassVar[dict[int, str]] = OTC_STATUS

    order_id: str
    user_id: str
    account_id: str
    side: int
    token_id: str
    currency_id: str
    price: Decimal
    quantity: Decimal
    amount: Decimal
    fee: Decimal
    payment_type: int
    status: int
    transfer_time: int
    create_time: int
    update_time: int


@dataclass(frozen=True)
class TradeDetail:
    """One spot trade of any user (``statistics/trade_detail``); ``create_time`` in ms."""

    trade_id: str
    order_id: str
    user_id: str
    account_id: str
    symbol_id: str
    order_type: int
    side: int
    price: Decimal
    quantity: Decimal
    amount: Decimal
    fee_token: str
    fee: Decimal
    create_time: int


@dataclass(frozen=True)
class TradeFee:
    """Fees collected on one symbol in one fee token (``statistics/trade_fee``)."""

    symbol_id: str
    fee_token_id: str
    fee_total: Decimal


@dataclass(frozen=True)
class LockRecord:
    """One lock of a user's token (``statistics/lock_record``); times in ms."""

    id: str
    user_id: str
    token_id: str
    business_subject: int
    second_business_subject: int
    client_req_id: str
    lock_amount: Decimal
    lock_reason: str
    created_time: int
    updated_time: int


@dataclass(frozen=True)
class UnlockRecord:
    """One unlock of a user's token (``statistics/unlock_record``); time in ms."""

    id: str
    user_id: str
    token_id: str
    business_subject: int
    second_business_subject: int
    client_req_id: str
    unlock_amount: Decimal
    unlock_reason: str
    created_time: int


# -- field readers: each reads the wire field ``name`` of ``row`` ---------------------


def _ident(value: Any) -> str:
    """An id the venue writes as digits in a string or as a JSON integer."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"an id is {type(value).__name__}, not digits")
    text = str(value)
    if not _DIGITS.fullmatch(text):
        raise ValueError("an id is not a whole number")
    return text


def _ms(value: Any) -> int:
    """A time in milliseconds, as a string of digits or a JSON integer."""
    return int(_ident(value))


def _code(value: Any) -> int:
    """A status / side / type code: a JSON integer (or its digits as text)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError("a status code is not an integer")
    return int(_ident(value))


def _id(row: dict[str, Any], name: str) -> str:
    """A required id (:func:`_ident`)."""
    return _ident(row[name])


def _time(row: dict[str, Any], name: str) -> int:
    """A required time in ms."""
    return _ms(row[name])


def _time_or_zero(row: dict[str, Any], name: str) -> int:
    """A time in ms; missing, null or empty (an OTC order not paid yet) is 0."""
    return _ms(row[name]) if row.get(name) not in (None, "") else 0


def _time_or_created(row: dict[str, Any], name: str) -> int:
    """A time in ms; missing is the record's ``createdTime``."""
    return _ms(row.get(name, row["createdTime"]))


def _status(row: dict[str, Any], name: str) -> int:
    """A required status / side / type code."""
    return _code(row[name])


def _status_or_zero(row: dict[str, Any], name: str) -> int:
    """A code; missing is 0."""
    return _code(row.get(name, 0))


def _amount(row: dict[str, Any], name: str) -> Decimal:
    """A required amount (:func:`~tui.venues.base.wire_amount`)."""
    return wire_amount(row[name])


def _text(row: dict[str, Any], name: str) -> str:
    """A text field; missing or null is empty."""
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{name} is not text")
    return value


def _name(row: dict[str, Any], name: str) -> str:
    """A required, non-empty text field (a token or symbol id)."""
    value = row[name]
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} is not a name")
    return value


def _rows(data: Any) -> list[dict[str, Any]]:
    """The ``data`` list; null is empty, anything else not a list of objects is refused."""
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise TypeError("the statistics reply is not a list of records")
    return data


# -- parsers (pinned to the document's example replies) --------------------------------

Reader = Callable[[dict[str, Any], str], Any]
_IDS = dict.fromkeys(("user_id", "account_id"), _id)
_TIMES = dict.fromkeys(("create_time", "update_time"), _time)
_CHAIN = dict.fromkeys(("address", "address_tag", "tx_id", "tx_id_url"), _text)
_SUBJECTS = dict.fromkeys(("business_subject", "second_business_subject"), _status_or_zero)
_HOLDING = dict.fromkeys(("total", "available", "lock"), _amount)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


class RowParser(Generic[T]):
    """Reads a statistics reply's ``data`` rows into ``model``s: every field by its reader
    (in the model's field order) from the wire field of its name in camelCase
    (``tx_id_url``: ``txIdUrl``). Null ``data`` is no rows."""

    def __init__(self, model: type[T], doc: str, readers: dict[str, Reader]) -> None:
        self.model = model
        self.__doc__ = doc
        self.fields = tuple((name, _camel(name), read) for name, read in readers.items())

    def __call__(self, data: Any) -> list[T]:
        return [self.model(**{name: read(row, wire) for name, wire, read in self.fields})
                for row in _rows(data)]


parse_holdings = RowParser(TokenHolding, "``token_hold_detail`` / ``token_hold_top`` rows.",
                           {"id": _id, **_IDS, **_HOLDING})
parse_summary = RowParser(TokenSummary, "``token_hold_summary`` rows.",
                          {"token_id": _name, **_HOLDING})
parse_cold_wallet = RowParser(ColdWallet, "``cold_wallet_info`` rows.", {
    "token_id": _name, "total": _amount, "cold_hold": _amount, "hot_remain": _amount})
parse_deposits = RowParser(
    StatsDeposit, "``statistics/deposit_order`` rows (the deprecated ``createdAt`` / "
                  "``updatedAt`` unread).",
    {"order_id": _id, **_IDS, "token_id": _name, "quantity": _amount, "from_address": _text,
     **_CHAIN, "status": _status, **_TIMES})
parse_withdrawals = RowParser(StatsWithdrawal, "``statistics/withdraw_order`` rows.", {
    "order_id": _id, "client_withdrawal_id": _text, **_IDS, "token_id": _name,
    "address": _text, "address_tag": _text, "total_quantity": _amount,
    "arrive_quantity": _amount, "tx_id": _text, "tx_id_url": _text, "status": _status,
    **_TIMES})
parse_otc_orders = RowParser(
    OtcOrder, "``statistics/otc_order`` rows; an empty ``transferTime`` (unpaid) reads as 0.",
    {"order_id": _id, **_IDS, "side": _status, "token_id": _name, "currency_id": _name,
     "price": _amount, "quantity": _amount, "amount": _amount, "fee": _amount,
     "payment_type": _status, "status": _status, "transfer_time": _time_or_zero, **_TIMES})
parse_trades = RowParser(
    TradeDetail, "``statistics/trade_detail`` rows (the deprecated ``matchTime`` unread).",
    {"trade_id": _id, "order_id": _id, **_IDS, "symbol_id": _name, "order_type": _status,
     "side": _status, "price": _amount, "quantity": _amount, "amount": _amount,
     "fee_token": _text, "fee": _amount, "create_time": _time})
parse_fees = RowParser(TradeFee, "``statistics/trade_fee`` rows.", {
    "symbol_id": _name, "fee_token_id": _name, "fee_total": _amount})
parse_locks = RowParser(
    LockRecord, "``statistics/lock_record`` rows (ids and times are JSON integers there; a "
                "missing ``updatedTime`` is the ``createdTime``).",
    {"id": _id, "user_id": _id, "token_id": _name, **_SUBJECTS, "client_req_id": _id,
     "lock_amount": _amount, "lock_reason": _text, "created_time": _time,
     "updated_time": _time_or_created})
parse_unlocks = RowParser(UnlockRecord, "``statistics/unlock_record`` rows.", {
    "id": _id, "user_id": _id, "token_id": _name, **_SUBJECTS, "client_req_id": _id,
    "unlock_amount": _amount, "unlock_reason": _text, "created_time": _time})


async def walk_pages(fetch: Callable[[str | None, int], Awaitable[list[Any]]],
                     key: Callable[[Any], str], limit: int | None = None, *,
                     page: int = PAGE) -> list[Any]:
    """Every record of a statistics list, newest first: ``fetch(None, size)`` then
    ``fetch(from_id, size)`` with the lowest id seen, until a short page or ``limit``
    records. Ids are deduplicated; the walk stops should the cursor fail to move down."""
    records: list[Any] = []
    seen: set[str] = set()
    cursor: str | None = None
    while limit is None or len(records) < limit:
        size = page if limit is None else min(page, limit - len(records))
        rows = await fetch(cursor, size)
        fresh = [r for r in rows if key(r) not in seen]
        seen.update(key(r) for r in fresh)
        records += fresh
        if len(rows) < size or not fresh:
            break
        lowest = min(int(key(r)) for r in rows)
        if cursor is not None and lowest >= int(cursor):
            break
        cursor = str(lowest)
    return records


# -- the endpoints -----------------------------------------------------------------------


class BhexStatsMixin:
    """BHEX ``statistics/*`` (org-wide, read-only); mixed into the BHEX adapter.

    Paged lists take ``from_id`` / ``to_id`` (exclusive, as everywhere in the document)
    and ``limit``; the time-ranged ones need ``start_time`` and ``end_time`` (ms, closed).
    """

    request: Callable[..., Awaitable[Any]]
    venue_id: str

    async def _stats(self, method: str, name: str, fields: dict[str, Any]) -> Any:
        values = {k: v for k, v in fields.items() if v is not None}
        if method == "POST":
            return await self.request("POST", STATS + name, form=values, read=True)
        return await self.request("GET", STATS + name, params=values, read=True)

    def _bounded(self, name: str, value: int | None, most: int | None) -> int | None:
        if value is not None and (value < 1 or (most is not None and value > most)):
            limit = f"1 to {most}" if most else "at least 1"
            raise InvalidRequest(self.venue_id, f"{name} must be {limit}, not {value}")
        return value

    def _range(self, start_time: int, end_time: int) -> None:
        if start_time < 0 or end_time < start_time:
            raise InvalidRequest(self.venue_id, "the end of the date range is before its start; "
                                                "choose the range again")

    @reads_reply
    async def stats_token_hold_detail(self, token_id: str, *, from_id: str | None = None,
                                      to_id: str | None = None,
                                      limit: int | None = None) -> list[TokenHolding]:
        """``POST statistics/token_hold_detail``: every account's holding of ``token_id``,
        paged by holding ``id`` (limit default 100, at most 500)."""
        data = await self._stats("POST", "token_hold_detail", {
            "token_id": token_id, "from_id": from_id, "to_id": to_id,
            "limit": self._bounded("limit", limit, HOLD_MAX)})
        return parse_holdings(data)

    @reads_reply
    async def stats_token_hold_summary(self) -> list[TokenSummary]:
        """``POST statistics/token_hold_summary``: the org's total per token."""
        return parse_summary(await self._stats("POST", "token_hold_summary", {}))

    @reads_reply
    async def stats_token_hold_top(self, token_id: str, *,
                                   top: int | None = None) -> list[TokenHolding]:
        """``POST statistics/token_hold_top``: the largest holdings of ``token_id``
        (top default 100, at most 500), largest first."""
        data = await self._stats("POST", "token_hold_top", {
            "token_id": token_id, "top": self._bounded("top", top, HOLD_MAX)})
        return parse_holdings(data)

    @reads_reply
    async def stats_cold_wallet_info(self) -> list[ColdWallet]:
        """``POST statistics/cold_wallet_info`` (the document marks it deprecated)."""
        return parse_cold_wallet(await self._stats("POST", "cold_wallet_info", {}))

    def _ranged(self, start_time: int, end_time: int, limit: int | None,
                **fields: Any) -> dict[str, Any]:
        self._range(start_time, end_time)
        return {**fields, "start_time": start_time, "end_time": end_time,
                "limit": self._bounded("limit", limit, None)}

    @reads_reply
    async def stats_deposit_order(self, start_time: int, end_time: int, *,
                                  token_id: str | None = None, from_id: str | None = None,
                                  to_id: str | None = None,
                                  limit: int | None = None) -> list[StatsDeposit]:
        """``GET statistics/deposit_order``: every user's deposits created in the closed
        range, newest first (limit default 20)."""
        return parse_deposits(await self._stats("GET", "deposit_order", self._ranged(
            start_time, end_time, limit, token_id=token_id, from_id=from_id, to_id=to_id)))

    @reads_reply
    async def stats_withdraw_order(self, start_time: int, end_time: int, *,
                                   token_id: str | None = None, from_id: str | None = None,
                                   to_id: str | None = None,
                                   limit: int | None = None) -> list[StatsWithdrawal]:
        """``GET statistics/withdraw_order``: every user's withdrawals, newest first;
        status 1 is awaiting this broker's audit."""
        return parse_withdrawals(await self._stats("GET", "withdraw_order", self._ranged(
            start_time, end_time, limit, token_id=token_id, from_id=from_id, to_id=to_id)))

    @reads_reply
    async def stats_otc_order(self, start_time: int, end_time: int, *,
                              token_id: str | None = None, from_id: str | None = None,
                              to_id: str | None = None,
                              limit: int | None = None) -> list[OtcOrder]:
        """``GET statistics/otc_order``: every user's OTC orders, newest first."""
        return parse_otc_orders(await self._stats("GET", "otc_order", self._ranged(
            start_time, end_time, limit, token_id=token_id, from_id=from_id, to_id=to_id)))

    @reads_reply
    async def stats_trade_detail(self, start_time: int, end_time: int, *,
                                 symbol_id: str | None = None, from_id: str | None = None,
                                 to_id: str | None = None,
                                 limit: int | None = None) -> list[TradeDetail]:
        """``GET statistics/trade_detail``: every user's spot trades with ``createTime`` in
        the closed range, newest first, paged by ``tradeId``."""
        return parse_trades(await self._stats("GET", "trade_detail", self._ranged(
            start_time, end_time, limit, symbol_id=symbol_id, from_id=from_id, to_id=to_id)))

    @reads_reply
    async def stats_trade_fee(self, start_time: int, end_time: int, *,
                              symbol_id: str | None = None) -> list[TradeFee]:
        """``POST statistics/trade_fee``: fees per symbol and fee token in the closed range
        (every symbol when ``symbol_id`` is None)."""
        self._range(start_time, end_time)
        return parse_fees(await self._stats("POST", "trade_fee", {
            "symbol_id": symbol_id, "start_time": start_time, "end_time": end_time}))

    @reads_reply
    async def stats_lock_record(self, user_id: str, *, token_id: str | None = None,
                                from_id: str | None = None, to_id: str | None = None,
                                limit: int | None = None) -> list[LockRecord]:
        """``GET statistics/lock_record``: one user's locks, newest first (limit default
        100)."""
        return parse_locks(await self._stats("GET", "lock_record", {
            "user_id": user_id, "token_id": token_id, "from_id": from_id, "to_id": to_id,
            "limit": self._bounded("limit", limit, None)}))

    @reads_reply
    async def stats_unlock_record(self, user_id: str, *, token_id: str | None = None,
                                  from_id: str | None = None, to_id: str | None = None,
                                  limit: int | None = None) -> list[UnlockRecord]:
        """``GET statistics/unlock_record``: one user's unlocks, newest first."""
        return parse_unlocks(await self._stats("GET", "unlock_record", {
            "user_id": user_id, "token_id": token_id, "from_id": from_id, "to_id": to_id,
            "limit": self._bounded("limit", limit, None)}))

    def check_download(self, kind: str, day: str) -> Date:
        """``kind`` and ``day`` checked against the document: a known type, a real
        ``yyyy-MM-dd`` date no earlier than that type's first file; InvalidRequest if not."""
        if kind not in DOWNLOAD_TYPES:
            raise InvalidRequest(self.venue_id, f"unknown file type {kind!r}; choose one of "
                                                f"{', '.join(DOWNLOAD_TYPES)}")
        try:
            when = Date.fromisoformat(day) if _DAY.fullmatch(day) else None
        except ValueError:
            when = None
        if when is None:
            raise InvalidRequest(self.venue_id, f"the date must be yyyy-MM-dd, not {day!r}")
        first = DOWNLOAD_STARTS.get(kind, ACCOUNT_DATA_START)
        if when < first:
            raise InvalidRequest(self.venue_id, f"{kind} files start on {first.isoformat()}; "
                                                "choose a later date")
        return when

    async def stats_download_data(self, kind: str, day: str, target: Path, *,
                                  progress: Callable[[int, int | None], None] | None = None
                                  ) -> int:
        """``GET statistics/download_data``: stream the ``kind`` file of ``day`` (an .xlsx)
        into ``target`` (written beside it, then moved into place); returns its size.

        ``progress(bytes_so_far, total_or_None)`` is called as chunks arrive. HTTP 404 (no
        such file) is InvalidRequest, 403 PermissionDenied; nothing is left at ``target``
        on any failure."""
        self.check_download(kind, day)
        partial = target.with_name(f".{target.name}.part")
        try:
            size = await self._download(STATS + "download_data", {"type": kind, "date": day},
                                        partial, kind=kind, day=day, progress=progress)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    async def _download(self, path: str, params: dict[str, str], partial: Path, *, kind: str,
                        day: str, progress: Callable[[int, int | None], None] | None) -> int:
        """One signed GET streamed into ``partial``; the venue's errors typed and scrubbed."""
        venue: Any = self
        await venue.limiter.acquire()
        outgoing = venue.sign(OutgoingRequest("GET", path, list(params.items())),
                              venue.now_ms())
        url = outgoing.path + "?" + urlencode(outgoing.params)
        client = await venue._http()
        try:
            async with asyncio.timeout(venue.settings.deadline * 10):
                async with client.stream("GET", url, headers=outgoing.headers) as response:
                    if response.status_code == 404:
                        raise InvalidRequest(self.venue_id,
                                             f"the venue has no {kind} file for {day}")
                    if response.status_code == 403:
                        raise PermissionDenied(self.venue_id,
                                               "this key may not download history files")
                    kind_of_body = response.headers.get("Content-Type", "")
                    if response.status_code != 200 or "json" in kind_of_body:
                        body = await response.aread()
                        venue._interpret(response, body[:65536], read=True)
                        raise MalformedReply(self.venue_id, "the venue answered HTTP "
                                             f"{response.status_code} without a file")
                    declared = response.headers.get("Content-Length", "")
                    total = int(declared) if declared.isdigit() else None
                    size = 0
                    with open(partial, "wb") as handle:
                        async for chunk in response.aiter_bytes():
                            size += len(chunk)
                            if size > MAX_DOWNLOAD_BYTES:
                                raise ReplyTooLarge(self.venue_id, "the file passed "
                                                    f"{MAX_DOWNLOAD_BYTES >> 20} MiB; stopped")
                            handle.write(chunk)
                            if progress is not None:
                                progress(size, total)
                    return size
        except VenueError as exc:
            raise venue.scrub(exc, [v for k, v in outgoing.params if k == "signature"]) from None
        except (TimeoutError, httpx.HTTPError) as exc:
            raise venue.scrub(VenueUnavailable(
                self.venue_id, f"the download failed ({type(exc).__name__})")) from None
