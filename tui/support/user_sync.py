"""Incremental sync of the local user index from ``query_user_list`` and
``query_user_kyc_list`` (newest first, ``from_id`` / ``to_id`` exclusive).

Each list is synced by two walks whose cursors are stored with every page (so an
interrupted sync resumes where it stopped):

1. **backfill**, down: the first page without cursor, then ``from_id`` = the lowest id
   seen, until a page comes back shorter than the limit (``<list>.oldest``, then
   ``<list>.complete``);
2. **catch-up**, up: ``to_id`` = the highest id seen, until a short page
   (``<list>.newest``). Users registered while the backfill ran, or since the last sync,
   sit just above the highest id seen and are picked up here.

KYC rows are synced the same way (their ``id``) and stored on their users.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tui.support.user_index import UserIndex

__all__ = ["sync_users", "SyncReport", "PAGE"]

PAGE = 500
"""The largest page the document allows."""

Fetch = Callable[..., Awaitable[list[dict[str, Any]]]]


@dataclass
class SyncReport:
    """What a sync did."""

    users: int = 0
    kyc: int = 0
    pages: int = 0
    total: int = 0


async def _walk(index: UserIndex, fetch: Fetch, name: str, key: str,
                store: Callable[..., int], report: SyncReport, limit: int,
                max_pages: int) -> int:
    cursors = index.cursors()
    oldest, newest = cursors.get(f"{name}.oldest"), cursors.get(f"{name}.newest")
    complete = cursors.get(f"{name}.complete") == "1"
    stored = 0
    pages = 0
    if not complete:
        while pages < max_pages:
            page = await fetch(from_id=oldest, limit=limit)
            pages += 1
            ids = [int(row[key]) for row in page]
            done = len(page) < limit
            cursor = {f"{name}.oldest": str(min(ids)) if ids else oldest,
                      f"{name}.complete": "1" if done else "0"}
            if ids and (newest is None or max(ids) > int(newest)):
                newest = str(max(ids))
            cursor[f"{name}.newest"] = newest
            stored += store(page, cursor)
            if ids and oldest is not None and min(ids) >= int(oldest):
                break  # the cursor did not move down: never loop
            oldest = cursor[f"{name}.oldest"]
            if done:
                break
    while newest is not None and pages < max_pages:
        page = await fetch(to_id=newest, limit=limit)
        pages += 1
        if not page:
            break
        top = max(int(row[key]) for row in page)
        if top <= int(newest):
            break
        newest = str(top)
        stored += store(page, {f"{name}.newest": newest})
        if len(page) < limit:
            break
    report.pages += pages
    return stored


async def sync_users(index: UserIndex, venue: Any, *, limit: int = PAGE,
                     max_pages: int = 100_000) -> SyncReport:
    """Bring ``index`` up to date from ``venue`` (a BHEX adapter); resumable."""
    report = SyncReport()
    report.users = await _walk(index, venue.user_query_user_list, "users", "userId",
                               index.upsert_users, report, limit, max_pages)
    report.kyc = await _walk(index, venue.user_query_user_kyc_list, "kyc", "id",
                             index.upsert_kyc, report, limit, max_pages)
    report.total = index.count()
    return report
