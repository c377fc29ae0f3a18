"""Bitunix deposit addresses and histories (doc 001 sections 6, 8, 9) for the Bitunix
adapter.

:class:`BitunixHistoryMixin` is combined into :class:`tui.venues.bitunix.BitunixVenue`; it
relies on the adapter's raw ``deposit_page``, ``withdraw_transfer_page`` and ``_post``.
Bitunix's lists have no cursor, only ``startTime`` / ``endTime`` (inclusive) and ``limit``
(at most 100), so :func:`walk_by_time` pages back in time by ``ctime`` (docs/wire.md,
"History and deposits").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, TypeVar

from tui.core.errors import InvalidRequest
from tui.core.history import DepositAddress, HistoryKind, HistoryRecord
from tui.core.money import to_decimal
from tui.core.moves import MoveStatus
from tui.venues.base import Capability

__all__ = ["BitunixHistoryMixin", "walk_by_time", "MAX_PAGE"]

MAX_PAGE = 100
"""The largest ``limit`` Bitunix's list endpoints accept (and their default)."""

_STATUSES = {"verification": MoveStatus.PENDING, "pending": MoveStatus.PENDING,
             "success": MoveStatus.DONE, "fail": MoveStatus.FAILED,
             "cancelled": MoveStatus.CANCELLED}
_KINDS = {"deposit": HistoryKind.DEPOSIT, "withdraw": HistoryKind.WITHDRAWAL,
          "inside_transfer_in": HistoryKind.INTERNAL_TRANSFER,
          "inside_transfer_out": HistoryKind.INTERNAL_TRANSFER}



class Timed(Protocol):
    """What :func:`walk_by_time` pages by: a record's id and its ``ctime``."""

    @property
    def id(self) -> str:
        """The record's id."""

    @property
    def time_ms(self) -> int:
        """The record's ``ctime``."""


R = TypeVar("R", bound=Timed)
Fetch = Callable[[int | None, int], Awaitable[list[R]]]


async def walk_by_time(fetch: Fetch[R], *, end_ms: int | None = None,
                       limit: int = MAX_PAGE) -> AsyncIterator[list[R]]:
    """Pages of a Bitunix list, newest first, each holding only records not seen before.

    ``fetch(end_ms, limit)`` returns the ``limit`` newest records with ``ctime <= end_ms``
    (``None``: no bound). The next page asks again with ``end_ms`` = the oldest ``ctime``
    of the page (inclusive, so records sharing that millisecond beyond the page are still
    reached) and drops ids already seen. The walk ends with a page shorter than ``limit``
    (the last) or, should a full page bring nothing new, steps one millisecond back: that
    happens only when more than ``limit`` records share one millisecond, and the venue
    offers no filter to reach the rest of that millisecond.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be 1 to {MAX_PAGE}, not {limit}")
    seen: set[str] = set()
    end = end_ms
    while True:
        rows = await fetch(end, limit)
        new = [r for r in rows if r.id not in seen]
        seen.update(r.id for r in new)
        if new:
            yield new
        if len(rows) < limit:
            return
        oldest = min(r.time_ms for r in rows)
        end = oldest if new else oldest - 1


class BitunixHistoryMixin:
    """Deposit addresses, deposit and withdrawal / inside-transfer history for Bitunix;
    adds DEPOSIT_ADDRESS, DEPOSIT_HISTORY and WITHDRAW_HISTORY to the adapter."""

    #: What the mixin adds to the adapter's capabilities.
    history_capabilities = frozenset({Capability.DEPOSIT_ADDRESS, Capability.DEPOSIT_HISTORY,
                                      Capability.WITHDRAW_HISTORY})
    venue_id: str
    deposit_page: Callable[..., Awaitable[list[dict[str, Any]]]]
    withdraw_transfer_page: Callable[..., Awaitable[list[dict[str, Any]]]]
    _post: Callable[..., Awaitable[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Add the history capabilities to the adapter's own ``capabilities``."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("capabilities")
        if own is not None:
            cls.capabilities = frozenset(own) | cls.history_capabilities

    # -- deposit addresses -----------------------------------------------------------

    async def spot_deposit_address(self, coin: str, network: str) -> list[dict[str, Any]]:
        """``POST /api/spot/v1/deposit/address``: every address of ``coin`` on
        ``network`` (rows of ``coin``, ``network``, ``address``, ``memo``)."""
        return await self._post("/api/spot/v1/deposit/address",
                                {"coin": coin, "network": network}, read=True) or []

    async def deposit_address(self, coin: str, network: str | None = None
                              ) -> list[DepositAddress]:
        """Every deposit address of ``coin`` (on ``network``, else on each network coinsole
        knows for the coin). A coin may have several addresses; each one works. A memo in
        the reply means the memo is required."""
        from tui.venues.bitunix import WITHDRAW_TABLE

        coin = coin.upper()
        networks = ([network] if network else
                    [entry.network for entry in WITHDRAW_TABLE.get(coin, ())])
        if not networks:
            raise InvalidRequest(self.venue_id, f"name the network to deposit {coin} on "
                                                "(Bitunix needs coin and network)")
        found: list[DepositAddress] = []
        for name in networks:
            for row in await self.spot_deposit_address(coin, name):
                memo = row.get("memo") or None
                found.append(DepositAddress(
                    coin=row.get("coin") or coin, network=row.get("network") or name,
                    address=row["address"], memo=memo, tag_required=memo is not None))
        return found

    # -- histories ---------------------------------------------------------------------

    def _fetcher(self, kind: str, coin: str | None, start_ms: int | None,
                 type_: str | None) -> Fetch[HistoryRecord]:
        async def fetch(end_ms: int | None, limit: int) -> list[HistoryRecord]:
            if kind == "deposits":
                rows = await self.deposit_page(coin=coin, type_=type_, start_time=start_ms,
                                               end_time=end_ms, limit=limit)
                return [_deposit(self.venue_id, row) for row in rows]
            rows = await self.withdraw_transfer_page(coin=coin, type_=type_,
                                                     start_time=start_ms, end_time=end_ms,
                                                     limit=limit)
            return [_withdrawal(self.venue_id, row) for row in rows]
        return fetch

    async def history_pages(self, kind: str, *, coin: str | None = None,
                            start_ms: int | None = None, end_ms: int | None = None,
                            type_: str | None = None,
                            page_size: int = MAX_PAGE) -> AsyncIterator[list[HistoryRecord]]:
        """Pages of ``kind`` (``"deposits"``: ``deposit/page``; ``"withdrawals"``:
        ``withdraw_transfer/page``), newest first. Each page continues older than the last
        one with nothing skipped or repeated (:func:`walk_by_time`); ``type_`` is the
        venue's type filter (``deposit``, ``inside_transfer_in``, ``withdraw``,
        ``inside_transfer_out``)."""
        if kind not in ("deposits", "withdrawals"):
            raise InvalidRequest(self.venue_id, f"Bitunix has no {kind} history; ask for "
                                                "deposits or withdrawals")
        fetch = self._fetcher(kind, coin.upper() if coin else None, start_ms, type_)
        async for page in walk_by_time(fetch, end_ms=end_ms, limit=page_size):
            yield page

    async def _collect(self, kind: str, limit: int | None, **filters: Any
                       ) -> list[HistoryRecord]:
        records: list[HistoryRecord] = []
        async for page in self.history_pages(kind, **filters):
            records.extend(page)
            if limit is not None and len(records) >= limit:
                return records[:limit]
        return records

    async def deposit_history(self, coin: str | None = None, *, start_ms: int | None = None,
                              end_ms: int | None = None, limit: int | None = None,
                              type_: str | None = None) -> list[HistoryRecord]:
        """Deposits and inside transfers in (every page, or the ``limit`` newest),
        newest first."""
        return await self._collect("deposits", limit, coin=coin, start_ms=start_ms,
                                   end_ms=end_ms, type_=type_)

    async def withdraw_history(self, coin: str | None = None, *, start_ms: int | None = None,
                               end_ms: int | None = None, limit: int | None = None,
                               type_: str | None = None) -> list[HistoryRecord]:
        """Withdrawals and inside transfers out (every page, or the ``limit`` newest),
        newest first."""
        return await self._collect("withdrawals", limit, coin=coin, start_ms=start_ms,
                                   end_ms=end_ms, type_=type_)

    async def transfer_history(self, coin: str | None = None, *, start_ms: int | None = None,
                               end_ms: int | None = None) -> list[HistoryRecord]:
        """Inside transfers in and out, merged newest first."""
        filters = {"coin": coin, "start_ms": start_ms, "end_ms": end_ms}
        records = (await self.deposit_history(type_="inside_transfer_in", **filters)
                   + await self.withdraw_history(type_="inside_transfer_out", **filters))
        return sorted(records, key=lambda r: r.time_ms, reverse=True)


# -- parsing ---------------------------------------------------------------------------

def _amount(value: Any) -> Any:
    return None if value is None or value == "" else to_decimal(value)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _status(row: dict[str, Any]) -> tuple[MoveStatus, str]:
    word = str(row.get("status") or "")
    return _STATUSES.get(word, MoveStatus.PENDING), word


def _deposit(venue: str, row: dict[str, Any]) -> HistoryRecord:
    """A ``deposit/page`` row: ``deposit`` on chain or ``inside_transfer_in``."""
    status, word = _status(row)
    kind = str(row.get("type") or "deposit")
    return HistoryRecord(
        venue=venue, id=str(row["id"]), kind=_KINDS.get(kind, HistoryKind.DEPOSIT),
        direction="in", coin=row["coin"], network=_text(row.get("network")),
        amount=to_decimal(row["amount"]), arrival=to_decimal(row["amount"]),
        address=_text(row.get("toAddress")), counterparty=_text(row.get("fromAddress")),
        tx_hash=_text(row.get("transactionHash")), status=status, venue_status=word,
        status_text=word, time_ms=int(row["ctime"]))


def _recipient(row: dict[str, Any]) -> str | None:
    to_type = row.get("toType")
    if to_type == "uid" and row.get("toUid") is not None:
        return f"uid {row['toUid']}"
    if to_type == "email" and row.get("toEmail"):
        return f"email {row['toEmail']}"
    if to_type == "phone" and row.get("toPhoneNumber"):
        return f"phone +{row.get('toPhoneCountryCode') or ''} {row['toPhoneNumber']}"
    return None


def _withdrawal(venue: str, row: dict[str, Any]) -> HistoryRecord:
    """A ``withdraw_transfer/page`` row: ``withdraw`` or ``inside_transfer_out``; its
    ``amount`` is what arrives (the fee is on top)."""
    status, word = _status(row)
    kind = str(row.get("type") or "withdraw")
    return HistoryRecord(
        venue=venue, id=str(row["id"]), kind=_KINDS.get(kind, HistoryKind.WITHDRAWAL),
        direction="out", coin=row["coin"], network=_text(row.get("network")),
        amount=to_decimal(row["amount"]), arrival=to_decimal(row["amount"]),
        fee=_amount(row.get("fee")), fee_coin=_text(row.get("feeCoin")),
        address=_text(row.get("toAddress") or row.get("address")),
        memo=_text(row.get("memo")), counterparty=_recipient(row),
        tx_hash=_text(row.get("transactionHash")), status=status, venue_status=word,
        status_text=word, time_ms=int(row["ctime"]), client_ref=_text(row.get("outBizId")),
        remark=_text(row.get("remark")))
