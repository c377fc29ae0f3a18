"""Searching a venue's history, newest first, for the records that could be a request's.

A venue without a client key on some writes (BHEX withdrawals, Bitunix withdrawals) is
settled by reading its history back page by page until the records are older than the
send (minus the margin for clock differences), at most
:data:`~tui.core.moves.LOOKUP_MAX_PAGES` pages; :func:`search_history` is that read, for
any page walk (:func:`tui.venues.history_bhex.walk_from_id`,
:func:`tui.venues.history_bitunix.walk_by_time`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import TypeVar

from tui.core.moves import LOOKUP_MAX_PAGES, LookupCandidate, LookupResult

__all__ = ["search_history"]

R = TypeVar("R")


async def search_history(walk: AsyncGenerator[list[R], None], *, since_ms: int,
                         time_ms: Callable[[R], int],
                         match: Callable[[R], LookupCandidate | None],
                         searched: str) -> LookupResult:
    """Every candidate ``match`` finds in ``walk``'s pages (newest first), read until a
    page reaches back before ``since_ms`` (by ``time_ms``) or the walk ends; a search cut
    at :data:`LOOKUP_MAX_PAGES` pages is not complete. The walk is closed either way."""
    candidates: list[LookupCandidate] = []
    pages, complete = 0, True
    async with aclosing(walk):
        async for page in walk:
            pages += 1
            for record in page:
                candidate = match(record)
                if candidate is not None:
                    candidates.append(candidate)
            if min(time_ms(record) for record in page) < since_ms:
                break
            if pages >= LOOKUP_MAX_PAGES:
                complete = False
                break
    return LookupResult(candidates=tuple(candidates), since_ms=since_ms, complete=complete,
                        pages=pages, searched=searched)
