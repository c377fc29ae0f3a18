"""ChainUp platform (merchant) API: the adapter for venue id ``chainup``.

The venue serves org-wide account rows, not one user's balances. The adapter keeps a
local copy of every row, filled in full with ``batchQueryUserAccountsByStartId`` and
kept fresh with ``batchQueryUserAccountsByUpdateTime``, and groups it into balances.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from tui.core.errors import AuthError, InvalidRequest, RateLimited, VenueError
from tui.core.models import AccountKind, AccountRef, Balance
from tui.core.money import dumps_exact, exact_sum, loads_exact, plain, to_decimal
from tui.venues.base import Capability, HttpVenue, OutgoingRequest
from tui.venues.signers import chainup_sign

__all__ = ["ChainupVenue"]

_ERRORS: dict[str, type[VenueError]] = {
    "10001": InvalidRequest,  # param error
    "10006": AuthError,  # appKey invalid
    "10007": AuthError,  # sign error
    "10010": InvalidRequest,  # updateTime must be within 24 hours
    "10029": RateLimited,  # request too frequent
}
UPDATE_TIME_TOO_OLD = "10010"

_OPEN = "/platformapi/chainup/open/ouser"
PAGE_SIZE = 1000  # the largest page the venue serves: fewest sequential round trips
OVERLAP_MS = 5_000
"""The update cursor trails the newest ``updateTime`` seen by this much."""
FULL_PULL_AFTER_MS = 23 * 3600 * 1000
"""A local copy older than this is pulled in full again (the venue looks back 24 h at most)."""
CLOCK_MARGIN_MS = 30 * 60 * 1000
"""Slack for the gap between our clock and the venue's when the cursor is clamped."""

ORG_TOTAL = "org total"

_AVAILABLE, _FROZEN = "available", "frozen"
_TYPES: dict[str, tuple[AccountKind, str, str]] = {
    "201": (AccountKind.SPOT, "", _AVAILABLE),
    "202": (AccountKind.SPOT, "", _FROZEN),
    "221": (AccountKind.SPOT, "", _FROZEN),
    "217": (AccountKind.OTC, "", _AVAILABLE),
    "218": (AccountKind.OTC, "", _FROZEN),
    "207": (AccountKind.LOCKUP, "", _FROZEN),
    "230": (AccountKind.LOCKUP, "", _FROZEN),
    "210": (AccountKind.MARGIN, "otc merchant margin", _AVAILABLE),
}
"""Account ``type`` code (its first three digits) -> (account kind, name, which side)."""


class ChainupVenue(HttpVenue):
    """ChainUp's merchant API: every user's account rows, org-wide.

    ``balances()`` shows ``settings.user_id``'s rows when set, otherwise the org's totals
    per coin and account; ``org_balances()`` gives every user's balances.
    """

    venue_id = "chainup"
    capabilities = frozenset({Capability.BALANCES, Capability.ORG_BALANCES})
    rate_limit = (10, 1.0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts: dict[str, dict[str, Any]] = {}
        self.newest_update_ms = 0
        self.synced_at_ms: int | None = None
        self._sync_lock = asyncio.Lock()

    # -- wire -----------------------------------------------------------------------

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Put ``appKey`` and ``sign`` (MD5 over the other fields and the secret) in the
        JSON body."""
        body = {"appKey": self.credentials.api_key.get_secret_value(),
                **loads_exact(request.json_body or "{}")}
        fields = [(key, _field_text(value)) for key, value in body.items()]
        body["sign"] = chainup_sign(self.credentials.secret.get_secret_value(), fields)
        request.json_body = dumps_exact(body)
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """``data`` when ``code`` is ``"0"``; otherwise the typed error for the code."""
        details = payload if isinstance(payload, dict) else {}
        code = details.get("code")
        if status_code < 400 and str(code) == "0":
            return details.get("data")
        kind = _ERRORS.get(str(code), AuthError if status_code == 401 else VenueError)
        raise self.venue_error(kind, code, details.get("msg"))

    async def batch_query_user_accounts_by_start_id(self, start_id: int,
                                                    limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
        """``batchQueryUserAccountsByStartId``: up to ``limit`` rows with ``id > start_id``,
        ascending by id. Rows: ``id``, ``uid``, ``balance``, ``type``, ``coin``,
        ``showName``, ``updateTime``."""
        return await self._accounts_call("batchQueryUserAccountsByStartId",
                                         {"startId": start_id, "limit": limit})

    async def batch_query_user_accounts_by_update_time(
            self, update_time: int) -> list[dict[str, Any]]:
        """``batchQueryUserAccountsByUpdateTime``: every row with ``updateTime > update_time``
        (ms, at most 24 h back), ascending by update time."""
        return await self._accounts_call("batchQueryUserAccountsByUpdateTime",
                                         {"updateTime": update_time})

    async def _accounts_call(self, endpoint: str, fields: dict[str, int]) -> list[dict[str, Any]]:
        data = await self.request("POST", f"{_OPEN}/{endpoint}", json_body=dumps_exact(fields),
                                  read=True)
        return list((data or {}).get("accounts") or [])

    # -- the local copy -------------------------------------------------------------

    async def sync(self) -> None:
        """Bring the local copy up to date: in full the first time and after 23 h, else by
        update time."""
        async with self._sync_lock:
            started = self.now_ms()
            if self.synced_at_ms is None or started - self.synced_at_ms > FULL_PULL_AFTER_MS:
                await self._pull_all()
            else:
                await self._pull_changes()
            self.synced_at_ms = started

    async def _pull_all(self) -> None:
        accounts: dict[str, dict[str, Any]] = {}
        start_id = 0
        while True:
            page = await self.batch_query_user_accounts_by_start_id(start_id, PAGE_SIZE)
            accounts.update((str(row["id"]), row) for row in page)
            last_id = max((int(row["id"]) for row in page), default=start_id)
            if len(page) < PAGE_SIZE or last_id <= start_id:
                break
            start_id = last_id
        self.accounts, self.newest_update_ms = {}, 0
        self._merge(accounts.values())

    async def _pull_changes(self) -> None:
        assert self.synced_at_ms is not None
        # Rows changed since the last sync carry an updateTime after it; the clamp keeps
        # the cursor inside the venue's 24 h window when nothing has changed for a day.
        floor = self.synced_at_ms - CLOCK_MARGIN_MS
        cursor = max(self.newest_update_ms, floor) - OVERLAP_MS
        try:
            rows = await self.batch_query_user_accounts_by_update_time(cursor)
        except InvalidRequest as exc:
            if exc.code != UPDATE_TIME_TOO_OLD:
                raise
            await self._pull_all()
            return
        self._merge(rows)

    def _merge(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.accounts[str(row["id"])] = row
            self.newest_update_ms = max(self.newest_update_ms, int(row["updateTime"]))

    # -- balances -------------------------------------------------------------------

    async def balances(self) -> list[Balance]:
        """``settings.user_id``'s balances, or with no user id the org's totals
        (accounts named ``org total``)."""
        await self.sync()
        user_id = self.settings.user_id
        if user_id:
            return self._group(r for r in self.accounts.values() if str(r["uid"]) == user_id)
        return self._group(self.accounts.values(), suffix=ORG_TOTAL)

    async def org_balances(self) -> dict[str, list[Balance]]:
        """Every user's balances, keyed by uid (ORG_BALANCES)."""
        await self.sync()
        by_user: dict[str, list[dict[str, Any]]] = {}
        for row in self.accounts.values():
            by_user.setdefault(str(row["uid"]), []).append(row)
        return {uid: self._group(rows) for uid, rows in sorted(by_user.items())}

    def _group(self, rows: Iterable[dict[str, Any]], suffix: str = "") -> list[Balance]:
        """Sum rows per (coin, account): each row adds to the available or frozen side."""
        sides: dict[tuple[str, AccountRef], dict[str, list[Decimal]]] = {}
        for row in rows:
            account, side = _account_of(row["type"], suffix)
            entry = sides.setdefault((row["showName"], account), {_AVAILABLE: [], _FROZEN: []})
            entry[side].append(to_decimal(row["balance"]))
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account, coin=coin,
                    available=exact_sum(entry[_AVAILABLE]), frozen=exact_sum(entry[_FROZEN]))
            for (coin, account), entry in sorted(sides.items(), key=_order)
        ]


def _account_of(type_text: Any, suffix: str) -> tuple[AccountRef, str]:
    """The account a row's ``type`` belongs to and whether it is the available or frozen side."""
    code = str(type_text)[:3]
    kind, name, side = _TYPES.get(code, (AccountKind.OTHER, code, _AVAILABLE))
    name = ", ".join(part for part in (name, suffix) if part)
    return AccountRef(kind=kind, name=name), side


def _order(item: tuple[tuple[str, AccountRef], Any]) -> tuple[str, str, str]:
    (coin, account), _ = item
    return coin, account.kind.value, account.name


def _field_text(value: Any) -> str:
    """A body field as ChainUp signs it: plain text, numbers without quotes or exponent."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)
