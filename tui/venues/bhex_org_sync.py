"""Pull BHEX's ``statistics/token_hold_detail`` (every user account's holding of each
token) into an org holdings store, beside ChainUp's rows in the same kind of store.

Each account's holding becomes two rows keyed ``(userId, tokenId, type)``: type
``available:<accountId>`` (the available side) and ``lock:<accountId>`` (frozen plus
locked up, the frozen side), with the reply's exact text. The statistics API has no
"changed since", so every sync reads each token's pages again (newest first, ``from_id``
paging) and merges them; the per-coin totals are adjusted by each row's change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tui.core.errors import MalformedReply
from tui.stores.exact import AmountRefused
from tui.stores.org_holdings import AVAILABLE, FROZEN, HoldingRow, HoldingsStore
from tui.venues.chainup_store import org_key

__all__ = ["BhexOrgSync", "PAGE_LIMIT", "bhex_org_key", "bhex_type_name"]

PAGE_LIMIT = 500
"""The largest page ``token_hold_detail`` serves."""


def bhex_org_key(venue: Any) -> str:
    """The org's name in the store (a digest of base URL and key, never the key)."""
    return org_key(venue.settings.base_url, venue.credentials.api_key.get_secret_value())


def bhex_type_name(type_: str) -> str:
    """``available:123`` -> ``available (account 123)``."""
    side, _, account = type_.partition(":")
    return f"{side} (account {account})" if account else type_


def hold_rows(token: str, page: list[Any]) -> list[HoldingRow]:
    """A ``token_hold_detail`` page as store rows. ``MalformedReply`` for a bad row."""
    rows = []
    try:
        for item in page:
            uid, account, ident = str(item["userId"]), str(item["accountId"]), str(item["id"])
            available, lock = item["available"], item["lock"]
            if not isinstance(available, str) or not isinstance(lock, str):
                raise TypeError("amount is not a string")
            rows.append(HoldingRow(uid, token, f"available:{account}", ident, token, AVAILABLE,
                                   available, 0))
            rows.append(HoldingRow(uid, token, f"lock:{account}", ident, token, FROZEN, lock, 0))
    except (KeyError, TypeError) as exc:
        raise MalformedReply("bhex", f"a token_hold_detail row is malformed "
                                     f"({type(exc).__name__})") from None
    return rows


class BhexOrgSync:
    """Reads every token's holdings from ``venue`` (a BHEX org adapter) into ``store``.

    ``on_progress`` gets the number of rows merged after each page."""

    def __init__(self, venue: Any, store: HoldingsStore, *,
                 on_progress: Callable[[int], None] | None = None) -> None:
        self.venue = venue
        self.store = store
        self.on_progress = on_progress

    async def token_hold_detail(self, token_id: str, from_id: str | None = None,
                                limit: int = PAGE_LIMIT) -> list[Any]:
        """``POST /api/v2/org/statistics/token_hold_detail``: up to ``limit`` holdings of
        ``token_id`` older than ``from_id`` (newest first)."""
        form = {"token_id": token_id, "limit": str(limit)}
        if from_id is not None:
            form["from_id"] = from_id
        data = await self.venue.request("POST", "/api/v2/org/statistics/token_hold_detail",
                                        form=form, read=True)
        if not isinstance(data, list):
            raise MalformedReply("bhex", "token_hold_detail did not return a list")
        return data

    async def run(self) -> int:
        """Sync every token the venue lists; returns how many rows were merged."""
        tokens = [str(t.get("tokenId")) for t in await self.venue.basic_tokens()
                  if isinstance(t, dict) and t.get("tokenId")]
        merged = 0
        for token in tokens:
            from_id: str | None = None
            while True:
                page = await self.token_hold_detail(token, from_id)
                rows = hold_rows(token, page)
                try:
                    merged += await asyncio.to_thread(self.store.merge, rows, {})
                except AmountRefused as exc:
                    raise MalformedReply("bhex", f"a holding is refused ({exc})") from None
                if self.on_progress is not None:
                    self.on_progress(merged)
                if len(page) < PAGE_LIMIT:
                    break
                from_id = str(page[-1]["id"])
        return merged
