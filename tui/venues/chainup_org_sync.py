"""Sync a ChainUp org's account rows into its holdings store, page by page, resumably.

A full pull reads ``batchQueryUserAccountsByStartId`` pages and merges each into the
store (:class:`~tui.stores.org_holdings.HoldingsStore`) with the cursor in the same
transaction, so a restart continues after the last page written. While one page is
written (in a worker thread) the next is already being fetched. After a full pull, and on
every later sync, ``batchQueryUserAccountsByUpdateTime`` brings the rows changed since;
the cursor trails as :func:`tui.venues.chainup.update_cursor` explains, so rows changed
behind the pages while they were read are merged too.

Progress (rows written, rows/s, ETA when the org's size is known from an earlier pull)
goes to a callback after every page.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.core.errors import InvalidRequest, MalformedReply
from tui.stores.exact import AmountRefused
from tui.stores.org_holdings import AVAILABLE, FROZEN, HoldingRow, HoldingsStore
from tui.venues.chainup import (
    FULL_PULL_AFTER_MS,
    PAGE_SIZE,
    UPDATE_TIME_TOO_OLD,
    ChainupVenue,
    update_cursor,
)
from tui.venues.chainup_store import OrgMeta

__all__ = ["SyncProgress", "OrgSync", "TYPE_NAMES", "type_name", "side_of"]

TYPE_NAMES: dict[str, str] = {
    "201": "normal",
    "202": "frozen",
    "207": "lockup",
    "210": "OTC merchant margin",
    "217": "OTC normal",
    "218": "OTC frozen",
    "221": "frozen (innovation trial)",
    "230": "lockup v2",
}
"""The document's account ``type`` codes (their first three digits) and their names."""
_FROZEN_CODES = frozenset({"202", "207", "218", "221", "230"})


def type_name(type_: str) -> str:
    """``201101`` -> ``201 normal``; an unknown code is shown as it is."""
    name = TYPE_NAMES.get(type_[:3])
    return f"{type_[:3]} {name}" if name else type_


def side_of(type_: str) -> int:
    """Whether a row of ``type_`` counts as available or frozen (as the balances view
    counts it: frozen, lockup and OTC frozen accounts are frozen)."""
    return FROZEN if type_[:3] in _FROZEN_CODES else AVAILABLE


@dataclass(frozen=True)
class SyncProgress:
    """Where a sync stands: ``phase`` ("full", "indexing" or "changes"), rows written so far in this
    run, ``expected`` rows (None when unknown), speed and time left (None when unknown);
    ``bulk``: a first pull writing without sort indexes (built in its "indexing" phase)."""

    phase: str
    rows: int
    expected: int | None
    rows_per_s: Decimal
    eta_s: Decimal | None
    done: bool = False
    bulk: bool = False


def holding_rows(page: list[dict[str, Any]]) -> list[HoldingRow]:
    """A page of venue rows as stored. Raises ``MalformedReply`` for a row of the wrong
    shape (a missing field, a balance that is not a string, a bad update time)."""
    frozen = _FROZEN_CODES
    try:
        rows = [HoldingRow(str(row["uid"]), coin := str(row["coin"]), type_ := str(row["type"]),
                           str(row["id"]), str(row.get("showName") or coin),
                           FROZEN if type_[:3] in frozen else AVAILABLE, row["balance"],
                           int(row["updateTime"]))
                for row in page]
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedReply("chainup", f"an account row is malformed ({type(exc).__name__})") \
            from None
    if not all(type(row.balance) is str for row in rows):
        raise MalformedReply("chainup", "an account balance is not a string")
    return rows


class OrgSync:
    """Brings ``store`` up to date with ``venue``'s org (see the module text).

    ``on_progress`` is called (in the event loop) after every page.
    """

    def __init__(self, venue: ChainupVenue, store: HoldingsStore, *,
                 on_progress: Callable[[SyncProgress], None] | None = None,
                 page_size: int = PAGE_SIZE) -> None:
        self.venue = venue
        self.store = store
        self.on_progress = on_progress
        self.page_size = page_size
        self._started = 0.0  # float-ok: perf_counter seconds, not money
        self._rows = 0
        self._bulk = False

    async def run(self) -> int:
        """Sync once; returns how many rows were merged in this run."""
        self._started, self._rows = time.perf_counter(), 0
        state = await asyncio.to_thread(self.store.sync_state)
        now = self.venue.now_ms()
        full_ms = state.get("full_pull_ms")
        fresh = full_ms is not None and 0 <= now - full_ms <= FULL_PULL_AFTER_MS
        if not fresh:
            state = {"full_pull_ms": now, "cursor": 0, "synced_ms": None,
                     "newest_update_ms": state.get("newest_update_ms") or 0,
                     "expected": state.get("expected")}
            await self._full(state)
        elif state.get("cursor") is not None:
            await self._full(state)
        await self._changes(await asyncio.to_thread(self.store.sync_state))
        self._report("changes", None, done=True)
        return self._rows

    async def _full(self, state: dict[str, Any]) -> None:
        """Read pages by id from ``state["cursor"]`` on, each merged with its cursor."""
        cursor = int(state.get("cursor") or 0)
        expected = state.get("expected")
        if cursor == 0 and await asyncio.to_thread(self.store.count) == 0:
            await asyncio.to_thread(self.store.begin_bulk)
        bulk = self._bulk = bool((await asyncio.to_thread(self.store.sync_state)).get("bulk"))
        writing: asyncio.Task[int] | None = None
        newest = int(state.get("newest_update_ms") or 0)
        while True:
            try:
                page = await self.venue.batch_query_user_accounts_by_start_id(cursor,
                                                                              self.page_size)
                rows = holding_rows(page)
            except BaseException:
                if writing is not None:  # keep the page already read: a restart resumes after it
                    await writing
                raise
            last = max((int(row.id) for row in rows), default=cursor)
            newest = max([newest, *(row.update_time for row in rows)])
            finished = len(rows) < self.page_size or last <= cursor
            page_state = {"cursor": None if finished else last, "newest_update_ms": newest,
                          "full_pull_ms": state["full_pull_ms"]}
            if finished:
                page_state["synced_ms"] = state["full_pull_ms"]
                page_state["expected"] = None  # set from the count once written
            if writing is not None:
                self._rows += await writing
                self._report("full", expected)
            writing = asyncio.create_task(asyncio.to_thread(self._merge, rows, page_state,
                                                            bulk))
            if finished:
                break
            cursor = last
        self._rows += await writing
        if (await asyncio.to_thread(self.store.sync_state)).get("bulk"):
            self._report("indexing", expected)
            await asyncio.to_thread(self.store.end_bulk)
        self._bulk = False
        count = await asyncio.to_thread(self.store.count)
        await asyncio.to_thread(self.store.set_state, {"expected": count})
        self._report("full", expected)

    async def _changes(self, state: dict[str, Any]) -> None:
        """Merge the rows changed since the last sync (``batchQueryUserAccountsByUpdateTime``)."""
        started = self.venue.now_ms()
        meta = OrgMeta(newest_update_ms=int(state.get("newest_update_ms") or 0),
                       full_pull_ms=int(state["full_pull_ms"]),
                       synced_ms=int(state.get("synced_ms") or state["full_pull_ms"]))
        try:
            page = await self.venue.batch_query_user_accounts_by_update_time(update_cursor(meta))
        except InvalidRequest as exc:
            if exc.code != UPDATE_TIME_TOO_OLD:
                raise
            await asyncio.to_thread(self.store.set_state, {"full_pull_ms": None})
            return
        rows = holding_rows(page)
        newest = max([meta.newest_update_ms, *(row.update_time for row in rows)])
        self._rows += await asyncio.to_thread(
            self._merge, rows, {"newest_update_ms": newest, "synced_ms": started})

    def _merge(self, rows: list[HoldingRow], state: dict[str, Any], fresh: bool = False) -> int:
        try:
            return self.store.merge(rows, state, fresh=fresh)
        except AmountRefused as exc:
            raise MalformedReply("chainup", f"an account balance is refused ({exc})") from None

    def _report(self, phase: str, expected: int | None, *, done: bool = False) -> None:
        if self.on_progress is None:
            return
        elapsed = Decimal(str(round(time.perf_counter() - self._started, 6)))
        rate = (Decimal(self._rows) / elapsed).quantize(Decimal(1)) if elapsed > 0 else Decimal(0)
        eta = None
        if expected and rate > 0 and phase == "full":
            eta = (Decimal(max(expected - self._rows, 0)) / rate).quantize(Decimal("0.1"))
        self.on_progress(SyncProgress(phase, self._rows, expected, rate, eta, done, self._bulk))
