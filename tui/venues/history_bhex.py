"""BHEX deposit address, deposit and withdrawal orders and balance flow (doc 004) for the
BHEX adapter.

:class:`BhexHistoryMixin` is combined into :class:`tui.venues.bhex.BhexVenue`; it relies on
the adapter's ``request`` and the user id helper of
:class:`~tui.venues.bhex_trading.BhexTradingMixin`. Lists are paged as the document says:
newest first, ``from_id`` / ``to_id`` exclusive; :meth:`history_pages` walks older with
``from_id`` = the lowest id seen (docs/wire.md, "History and deposits").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from tui.core.errors import InvalidRequest
from tui.core.history import BalanceFlowRecord, DepositAddress, HistoryKind, HistoryRecord
from tui.core.money import to_decimal
from tui.core.moves import MoveStatus
from tui.venues.base import Capability

__all__ = ["BhexHistoryMixin", "walk_from_id", "MAX_PAGE", "DEPOSIT_STATUSES",
           "WITHDRAW_STATUSES"]

MAX_PAGE = 100
"""The largest ``limit`` coinsole asks of BHEX's asset / account lists."""
_ASSET = "/api/v2/org/asset/"

DEPOSIT_STATUSES = {1: MoveStatus.DONE, 2: MoveStatus.DONE, 10: MoveStatus.PENDING}
"""The document's deposit statuses: 1 credited (tradeable, not yet withdrawable), 2
credited and withdrawable, 10 not yet credited."""
WITHDRAW_STATUSES = {1: MoveStatus.PENDING, 2: MoveStatus.FAILED, 3: MoveStatus.PENDING,
                     4: MoveStatus.FAILED, 5: MoveStatus.PENDING, 6: MoveStatus.DONE,
                     7: MoveStatus.FAILED, 8: MoveStatus.PENDING}
"""The document's withdrawal statuses: 1/3 auditing, 5 processing, 8 block mining, 6
success; 2/4 rejected, 7 failed."""

T = Any
PageFetch = Callable[[str | None, int], Awaitable[list[T]]]


async def walk_from_id(fetch: PageFetch, *, key: Callable[[T], str],
                       limit: int = MAX_PAGE) -> AsyncIterator[list[T]]:
    """Pages of a BHEX list, newest first: ``fetch(None, limit)`` then
    ``fetch(from_id, limit)`` with the lowest id seen so far, until a page is shorter
    than ``limit``.

    ``from_id`` is exclusive and ids grow with insertion, so records sharing a timestamp
    at a page boundary are neither skipped nor repeated; ids are deduplicated all the same,
    and the walk stops should the cursor fail to move down.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be 1 to {MAX_PAGE}, not {limit}")
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        rows = await fetch(cursor, limit)
        new = [r for r in rows if key(r) not in seen]
        seen.update(key(r) for r in new)
        if new:
            yield new
        if len(rows) < limit:
            return
        lowest = min(int(key(r)) for r in rows)
        if cursor is not None and lowest >= int(cursor):
            return
        cursor = str(lowest)


class BhexHistoryMixin:
    """BHEX ``asset/deposit/address``, ``asset/deposit/order`` (+ detail),
    ``asset/withdraw/order`` (+ detail) as models, and ``account/balance_flow``; adds
    DEPOSIT_ADDRESS, DEPOSIT_HISTORY and WITHDRAW_HISTORY to the adapter.

    The raw ``withdraw_order`` / ``withdraw_order_detail`` (dicts, used to settle
    withdrawals) stay on the adapter; their model forms here are
    :meth:`withdraw_order_records` and :meth:`withdraw_order_record`.
    """

    #: What the mixin adds to the adapter's capabilities.
    history_capabilities = frozenset({Capability.DEPOSIT_ADDRESS, Capability.DEPOSIT_HISTORY,
                                      Capability.WITHDRAW_HISTORY})
    request: Callable[..., Awaitable[Any]]
    venue_id: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Add the history capabilities to the adapter's own ``capabilities``."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("capabilities")
        if own is not None:
            cls.capabilities = frozenset(own) | cls.history_capabilities

    def _history_user(self, user_id: str | None) -> str:
        return self._trading_user(user_id)  # type: ignore[attr-defined,no-any-return]

    async def _get(self, path: str, params: dict[str, Any]) -> Any:
        return await self.request("GET", path, params=_drop_none(params), read=True)

    # -- endpoints ---------------------------------------------------------------------

    async def asset_deposit_address(self, token_id: str, *, chain_type: str | None = None,
                                    user_id: str | None = None) -> DepositAddress:
        """``GET /api/v2/org/asset/deposit/address``: the user's address for ``token_id``
        with its tag, minimum, confirmations and whether deposits are open. ``chain_type``
        (not in the document; as ``withdraw/quota_info`` takes it) is sent when given."""
        data = await self._get(_ASSET + "deposit/address", {
            "user_id": self._history_user(user_id), "token_id": token_id,
            "chain_type": chain_type})
        return deposit_address_model(token_id, chain_type, data)

    async def deposit_order(self, *, token_id: str | None = None, from_id: str | None = None,
                            to_id: str | None = None, start_time: int | None = None,
                            end_time: int | None = None, limit: int | None = None,
                            user_id: str | None = None) -> list[HistoryRecord]:
        """``GET /api/v2/org/asset/deposit/order``: one page of deposits, newest first."""
        rows = await self._get(_ASSET + "deposit/order", {
            "user_id": self._history_user(user_id), "token_id": token_id, "from_id": from_id,
            "to_id": to_id, "start_time": start_time, "end_time": end_time,
            "limit": _limit(limit)})
        return [deposit_record(self.venue_id, row) for row in rows or []]

    async def deposit_order_detail(self, order_id: str, *,
                                   user_id: str | None = None) -> HistoryRecord:
        """``GET /api/v2/org/asset/deposit/order/detail``: one deposit by ``orderId``."""
        row = await self._get(_ASSET + "deposit/order/detail", {
            "user_id": self._history_user(user_id), "order_id": order_id})
        return deposit_record(self.venue_id, row)

    async def withdraw_order_records(self, *, token_id: str | None = None,
                                     from_id: str | None = None, to_id: str | None = None,
                                     start_time: int | None = None,
                                     end_time: int | None = None, limit: int | None = None,
                                     user_id: str | None = None) -> list[HistoryRecord]:
        """``GET /api/v2/org/asset/withdraw/order`` as records: one page, newest first."""
        rows = await self._get(_ASSET + "withdraw/order", {
            "user_id": self._history_user(user_id), "token_id": token_id, "from_id": from_id,
            "to_id": to_id, "start_time": start_time, "end_time": end_time,
            "limit": _limit(limit)})
        return [withdraw_record(self.venue_id, row) for row in rows or []]

    async def withdraw_order_record(self, order_id: str, *,
                                    user_id: str | None = None) -> HistoryRecord:
        """``GET /api/v2/org/asset/withdraw/order/detail`` as a record."""
        row = await self._get(_ASSET + "withdraw/order/detail", {
            "user_id": self._history_user(user_id), "order_id": order_id})
        return withdraw_record(self.venue_id, row)

    async def balance_flow(self, *, account_type: int = 1, account_index: int = 0,
                           token_id: str | None = None, from_id: str | None = None,
                           to_id: str | None = None, start_time: int | None = None,
                           end_time: int | None = None, limit: int | None = None,
                           user_id: str | None = None) -> list[BalanceFlowRecord]:
        """``GET /api/v2/org/account/balance_flow``: one page of one account's balance
        changes (main spot 1/0 by default), newest first."""
        rows = await self._get("/api/v2/org/account/balance_flow", {
            "user_id": self._history_user(user_id), "account_type": account_type,
            "account_index": account_index, "token_id": token_id, "from_id": from_id,
            "to_id": to_id, "start_time": start_time, "end_time": end_time,
            "limit": _limit(limit)})
        return [flow_record(row) for row in rows or []]

    # -- the venue-neutral contract ------------------------------------------------------

    async def deposit_address(self, coin: str, network: str | None = None
                              ) -> list[DepositAddress]:
        """The user's deposit address for ``coin`` (one; BHEX gives one per token)."""
        return [await self.asset_deposit_address(coin.upper(), chain_type=network)]

    async def history_pages(self, kind: str, *, coin: str | None = None,
                            start_ms: int | None = None, end_ms: int | None = None,
                            page_size: int = MAX_PAGE, account_type: int = 1,
                            account_index: int = 0) -> AsyncIterator[list[Any]]:
        """Pages of ``kind`` — ``"deposits"`` (:class:`HistoryRecord`),
        ``"withdrawals"`` (:class:`HistoryRecord`) or ``"flow"``
        (:class:`BalanceFlowRecord` of one account) — newest first; each page continues
        older with nothing skipped or repeated (:func:`walk_from_id`)."""
        token = coin.upper() if coin else None
        times = {"start_time": start_ms, "end_time": end_ms}
        if kind == "deposits":
            async def fetch(cursor: str | None, limit: int) -> list[Any]:
                return await self.deposit_order(token_id=token, from_id=cursor, limit=limit,
                                                **times)
        elif kind == "withdrawals":
            async def fetch(cursor: str | None, limit: int) -> list[Any]:
                return await self.withdraw_order_records(token_id=token, from_id=cursor,
                                                         limit=limit, **times)
        elif kind == "flow":
            async def fetch(cursor: str | None, limit: int) -> list[Any]:
                return await self.balance_flow(account_type=account_type,
                                               account_index=account_index, token_id=token,
                                               from_id=cursor, limit=limit, **times)
        else:
            raise InvalidRequest(self.venue_id, f"BHEX has no {kind} history; ask for "
                                                "deposits, withdrawals or flow")
        async for page in walk_from_id(fetch, key=lambda r: r.id, limit=page_size):
            yield page

    async def _collect(self, kind: str, limit: int | None, **filters: Any) -> list[Any]:
        records: list[Any] = []
        async for page in self.history_pages(kind, **filters):
            records.extend(page)
            if limit is not None and len(records) >= limit:
                return records[:limit]
        return records

    async def deposit_history(self, coin: str | None = None, *, start_ms: int | None = None,
                              end_ms: int | None = None, limit: int | None = None
                              ) -> list[HistoryRecord]:
        """Every deposit (or the ``limit`` newest), newest first."""
        return await self._collect("deposits", limit, coin=coin, start_ms=start_ms,
                                   end_ms=end_ms)

    async def withdraw_history(self, coin: str | None = None, *, start_ms: int | None = None,
                               end_ms: int | None = None, limit: int | None = None
                               ) -> list[HistoryRecord]:
        """Every withdrawal (or the ``limit`` newest), newest first."""
        return await self._collect("withdrawals", limit, coin=coin, start_ms=start_ms,
                                   end_ms=end_ms)

    async def flow_history(self, coin: str | None = None, *, start_ms: int | None = None,
                           end_ms: int | None = None, limit: int | None = None,
                           account_type: int = 1, account_index: int = 0
                           ) -> list[BalanceFlowRecord]:
        """Every balance change of one account (or the ``limit`` newest), newest first."""
        return await self._collect("flow", limit, coin=coin, start_ms=start_ms,
                                   end_ms=end_ms, account_type=account_type,
                                   account_index=account_index)


# -- parsing ---------------------------------------------------------------------------

def _drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _limit(limit: int | None) -> int | None:
    if limit is not None and not 1 <= int(limit) <= MAX_PAGE:
        raise ValueError(f"limit must be 1 to {MAX_PAGE}, not {limit}")
    return limit


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def deposit_address_model(token_id: str, chain_type: str | None,
                          data: dict[str, Any]) -> DepositAddress:
    """A :class:`DepositAddress` from ``asset/deposit/address``'s ``data``."""
    minimum = data.get("minQuantity")
    return DepositAddress(
        coin=token_id, network=chain_type, address=data["address"],
        memo=_text(data.get("addressExt")), tag_required=bool(data.get("needAddressTag")),
        minimum=None if minimum in (None, "") else to_decimal(minimum),
        confirmations=_int(data.get("requiredConfirmNum")),
        deposits_open=None if data.get("allowDeposit") is None else bool(data["allowDeposit"]))


def deposit_record(venue: str, row: dict[str, Any]) -> HistoryRecord:
    """A :class:`HistoryRecord` from one ``asset/deposit/order`` (or detail) row."""
    code = int(row.get("status") or 0)
    internal = bool(row.get("isInternalTransfer"))
    return HistoryRecord(
        venue=venue, id=str(row["orderId"]),
        kind=HistoryKind.INTERNAL_TRANSFER if internal else HistoryKind.DEPOSIT,
        direction="in", coin=row["tokenId"], amount=to_decimal(row["quantity"]),
        arrival=to_decimal(row["quantity"]), address=_text(row.get("address")),
        memo=_text(row.get("addressExt")), counterparty=_text(row.get("fromAddress")),
        tx_hash=_text(row.get("txid")), status=DEPOSIT_STATUSES.get(code, MoveStatus.PENDING),
        venue_status=str(row.get("statusCode") or code),
        status_text=str(row.get("statusDesc") or ""), time_ms=int(row["time"]),
        confirmations=_int(row.get("confirmNum")),
        required_confirmations=_int(row.get("requiredConfirmNum")),
        account_id=_text(row.get("accountId")))


def withdraw_record(venue: str, row: dict[str, Any]) -> HistoryRecord:
    """A :class:`HistoryRecord` from one ``asset/withdraw/order`` (or detail) row:
    ``amount`` is the ``quantity``, ``arrival`` the ``arriveQuantity``."""
    code = int(row.get("status") or 0)
    internal = bool(row.get("isInternalTransfer"))
    fee = row.get("fee")
    arrive = row.get("arriveQuantity")
    return HistoryRecord(
        venue=venue, id=str(row["orderId"]),
        kind=HistoryKind.INTERNAL_TRANSFER if internal else HistoryKind.WITHDRAWAL,
        direction="out", coin=row["tokenId"], amount=to_decimal(row["quantity"]),
        arrival=None if arrive in (None, "") else to_decimal(arrive),
        fee=None if fee in (None, "") else to_decimal(fee),
        fee_coin=_text(row.get("feeTokenId")), address=_text(row.get("address")),
        memo=_text(row.get("addressExt")), tx_hash=_text(row.get("txid")),
        status=WITHDRAW_STATUSES.get(code, MoveStatus.PENDING),
        venue_status=str(row.get("statusCode") or code),
        status_text=str(row.get("statusDesc") or ""), time_ms=int(row["time"]),
        confirmations=_int(row.get("confirmNum")),
        required_confirmations=_int(row.get("requiredConfirmNum")),
        account_id=_text(row.get("accountId")))


def flow_record(row: dict[str, Any]) -> BalanceFlowRecord:
    """A :class:`BalanceFlowRecord` from one ``account/balance_flow`` row."""
    return BalanceFlowRecord(
        id=str(row["id"]), account_id=str(row.get("accountId") or ""), coin=row["tokenId"],
        flow_type=str(row.get("flowType") or ""), change=to_decimal(row["change"]),
        total=to_decimal(row["total"]), time_ms=int(row["created"]))
