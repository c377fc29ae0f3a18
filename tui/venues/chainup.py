"""ChainUp platform (merchant) API: the adapter for venue id ``chainup``.

The venue serves org-wide account rows, not one user's balances. The adapter keeps a
local copy of every row, filled in full with ``batchQueryUserAccountsByStartId`` and
kept fresh with ``batchQueryUserAccountsByUpdateTime``, and groups it into balances.
The copy lives in ``chainup.sqlite`` in the cache directory (:mod:`tui.venues.chainup_store`),
so a restart within 23 h of the last full pull needs only the incremental call.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import groupby
from typing import Any, TypeVar

from tui.core.errors import AuthError, InvalidRequest, MalformedReply, RateLimited, VenueError
from tui.core.models import AccountKind, AccountRef, Balance
from tui.core.money import EXACT, ZERO, dumps_exact, loads_exact, plain
from tui.venues.base import Capability, HttpVenue, OutgoingRequest
from tui.venues.base import reads_reply, wire_amount
from tui.venues.chainup_store import (
    ChainupStore,
    OrgMeta,
    StoreCorrupt,
    StoreError,
    org_key,
    quarantine,
)
from tui.venues.signers import chainup_sign

__all__ = ["ChainupVenue", "update_cursor"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_ERRORS: dict[str, type[VenueError]] = {
    "10001": InvalidRequest,  # param error
    "10006": AuthError,  # appKey invalid
    "10007": AuthError,  # sign error
    "10010": InvalidRequest,  # updateTime must be within 24 hours
    "10029": RateLimited,  # request too frequent
}
UPDATE_TIME_TOO_OLD = "10010"

_OPEN = "/platformapi/chainup/open/ouser"
ACCOUNT_PAGE_MAX_BYTES = 64 * 1024 * 1024
"""Size cap of one account-list reply: an update-time pull returns every row changed in
24 h, unpaged, so it may be far larger than the default cap."""
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
        self.org_key = org_key(self.settings.base_url,
                               self.credentials.api_key.get_secret_value())
        """This org's name in the store: a SHA-256 digest, never the key itself."""
        self.store: ChainupStore | None = None
        """The local copy, opened on the first sync (``chainup.sqlite`` in the cache dir)."""
        self.meta: OrgMeta | None = None
        """How fresh the copy is after this instance's last sync."""
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
                                  read=True, max_reply_bytes=ACCOUNT_PAGE_MAX_BYTES)
        accounts = (data or {}).get("accounts") or []
        if not isinstance(accounts, list) or not all(isinstance(row, dict) for row in accounts):
            raise TypeError("accounts is not a list of objects")
        return accounts

    # -- the local copy -------------------------------------------------------------

    async def sync(self) -> None:
        """Bring the local copy up to date: in full when there is no snapshot (in this
        process or on disk) or its last full pull is over 23 h old, else by update time."""
        await self._synced(lambda store: None)

    async def _synced(self, read: Callable[[ChainupStore], T], *,
                      read_is_heavy: bool = False) -> T:
        """Sync, then ``read(store)`` (in a worker thread when ``read_is_heavy``: the whole
        org), both under the sync lock.

        A store that fails is replaced (an unreadable file moved aside and made afresh,
        else a store in memory) and the org pulled in full again: the cache never stops
        balances from loading."""
        async with self._sync_lock:
            for attempt in range(3):
                try:
                    store = await self._open_store()
                    await self._sync_once(store)
                    return await _on_store(read, store, heavy=read_is_heavy)
                except StoreError as exc:
                    if attempt == 2:
                        if isinstance(exc, StoreCorrupt):
                            # A fresh store holds only what the venue just sent: the reply
                            # itself is what cannot be stored.
                            raise MalformedReply(self.venue_id, f"the reply cannot be kept: "
                                                 f"{exc}") from None
                        raise
                    await self._recover(exc, keep_file=attempt == 0)
            raise AssertionError("unreachable")

    async def _open_store(self) -> ChainupStore:
        if self.store is None:
            self.store = _open_store()
        return self.store

    async def _recover(self, exc: StoreError, *, keep_file: bool) -> None:
        """Replace a failed store: a corrupt file is moved aside and a fresh one made
        (once); anything else falls back to a store in memory."""
        old, self.store = self.store, None
        self.meta = None
        path = old.path if old is not None else None
        if old is not None:
            with contextlib.suppress(Exception):
                old.close()
        if keep_file and path is not None and isinstance(exc, StoreCorrupt):
            try:
                await asyncio.to_thread(quarantine, path)
                self.store = await asyncio.to_thread(ChainupStore.open, path)
                return
            except (StoreError, OSError) as again:
                log.warning("chainup cache cannot be recreated (%s); keeping it in memory", again)
        else:
            log.warning("chainup cache failed (%s); keeping it in memory", exc)
        self.store = ChainupStore.memory()

    async def _sync_once(self, store: ChainupStore) -> None:
        started = self.now_ms()
        meta = store.meta(self.org_key)
        if meta is None or not 0 <= started - meta.full_pull_ms <= FULL_PULL_AFTER_MS:
            await self._pull_all(store, started)
        else:
            await self._pull_changes(store, meta, started)

    async def _pull_all(self, store: ChainupStore, started: int) -> None:
        accounts: dict[str, dict[str, Any]] = {}
        start_id = 0
        while True:
            page = await self.batch_query_user_accounts_by_start_id(start_id, PAGE_SIZE)
            accounts.update((str(row["id"]), row) for row in page)
            last_id = max((int(row["id"]) for row in page), default=start_id)
            if len(page) < PAGE_SIZE or last_id <= start_id:
                break
            start_id = last_id
        newest = max((int(row["updateTime"]) for row in accounts.values()), default=0)
        meta = OrgMeta(newest_update_ms=newest, full_pull_ms=started, synced_ms=started)
        await asyncio.to_thread(store.replace_all, self.org_key, accounts.values(), meta)
        self.meta = meta

    async def _pull_changes(self, store: ChainupStore, meta: OrgMeta, started: int) -> None:
        try:
            rows = await self.batch_query_user_accounts_by_update_time(update_cursor(meta))
        except InvalidRequest as exc:
            if exc.code != UPDATE_TIME_TOO_OLD:
                raise
            await self._pull_all(store, started)
            return
        newest = max((int(row["updateTime"]) for row in rows), default=0)
        fresh = OrgMeta(newest_update_ms=max(meta.newest_update_ms, newest),
                        full_pull_ms=meta.full_pull_ms, synced_ms=started)
        await _on_store(store.upsert, self.org_key, rows, fresh, heavy=len(rows) > HEAVY_ROWS)
        self.meta = fresh

    def row_count(self) -> int:
        """How many account rows the local copy holds (0 before the first sync)."""
        return 0 if self.store is None else self.store.count(self.org_key)

    # -- balances -------------------------------------------------------------------

    @reads_reply
    async def balances(self) -> list[Balance]:
        """``settings.user_id``'s balances, or with no user id the org's totals
        (accounts named ``org total``). One user's rows are read by the store's uid
        index; the org's totals stream every row and sum exactly."""
        user_id = self.settings.user_id
        org = self.org_key
        if user_id:
            return await self._synced(
                lambda store: self._group(store.user_rows(org, str(user_id))))
        return await self._synced(
            lambda store: self._group(store.iter_rows(org), suffix=ORG_TOTAL), read_is_heavy=True)

    @reads_reply
    async def org_user_balances(self, uid: str) -> list[Balance]:
        """One org user's balances from the synced snapshot (read by the store's uid
        index; the support desk's card), whoever ``settings.user_id`` names."""
        org = self.org_key
        return await self._synced(lambda store: self._group(store.user_rows(org, str(uid))))

    @reads_reply
    async def org_balances(self) -> dict[str, list[Balance]]:
        """Every user's balances, keyed by uid (ORG_BALANCES)."""
        org = self.org_key

        def read(store: ChainupStore) -> dict[str, list[Balance]]:
            return {uid: self._group(rows)
                    for uid, rows in groupby(store.iter_rows(org, by_uid=True),
                                             key=lambda row: str(row["uid"]))}

        return await self._synced(read, read_is_heavy=True)

    def _group(self, rows: Iterable[dict[str, Any]], suffix: str = "") -> list[Balance]:
        """Sum rows per (``coin``, account), exactly: each row adds to the available or
        frozen side. ``coin`` is the currency and ``showName`` its display name (the
        document's "币种" / "币种展示名"): rows are grouped by ``coin`` and shown by
        ``showName`` (:func:`_labels`)."""
        sides: dict[tuple[str, AccountRef], dict[str, Decimal]] = {}
        shown: dict[str, str] = {}
        for row in rows:
            account, side = _account_of(str(row["type"]), suffix)
            coin = str(row.get("coin") or row["showName"])
            shown.setdefault(coin, str(row.get("showName") or coin))
            entry = sides.setdefault((coin, account), {_AVAILABLE: ZERO, _FROZEN: ZERO})
            entry[side] = EXACT.add(entry[side], wire_amount(row["balance"]))
        labels = _labels(shown)
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account,
                    coin=labels[coin], available=entry[_AVAILABLE], frozen=entry[_FROZEN])
            for (coin, account), entry in sorted(sides.items(),
                                                 key=lambda item: _order(item, labels))
        ]

    async def aclose(self) -> None:
        """Close the local copy's store and the profile's HTTP client."""
        store, self.store = self.store, None
        if store is not None:
            with contextlib.suppress(Exception):
                store.close()
        await super().aclose()


def update_cursor(meta: OrgMeta) -> int:
    """Where the next ``batchQueryUserAccountsByUpdateTime`` starts for a copy at ``meta``.

    After an incremental sync: :data:`OVERLAP_MS` behind the newest ``updateTime`` seen,
    so rows committed later in that same millisecond are fetched again and merged by id.
    After a full pull: the pull's start less the clock margin and overlap, since a row
    changed while the pages were read may carry an older stamp than the newest row seen.
    Either way never before the last sync's start less :data:`CLOCK_MARGIN_MS`, which keeps
    the cursor inside the venue's 24 h window when nothing changed for a day.
    """
    floor = meta.synced_ms - CLOCK_MARGIN_MS
    if meta.synced_ms == meta.full_pull_ms:
        return floor - OVERLAP_MS
    return max(meta.newest_update_ms, floor) - OVERLAP_MS


def _open_store() -> ChainupStore:
    """The on-disk store, or one in memory when the cache directory cannot be used."""
    try:
        return ChainupStore.open()
    except (StoreError, OSError) as exc:
        log.warning("chainup cache unavailable (%s); keeping it in memory", exc)
        return ChainupStore.memory()


@functools.lru_cache(maxsize=256)
def _account_of(type_text: Any, suffix: str) -> tuple[AccountRef, str]:
    """The account a row's ``type`` belongs to and whether it is the available or frozen side."""
    code = str(type_text)[:3]
    kind, name, side = _TYPES.get(code, (AccountKind.OTHER, code, _AVAILABLE))
    name = ", ".join(part for part in (name, suffix) if part)
    return AccountRef(kind=kind, name=name), side


def _order(item: tuple[tuple[str, AccountRef], Any],
           labels: dict[str, str]) -> tuple[str, str, str]:
    (coin, account), _ = item
    return labels[coin], account.kind.value, account.name


def _labels(shown: dict[str, str]) -> dict[str, str]:
    """Each coin's label: its ``showName``; where two coins share one (``BTC1658`` and
    ``BTC`` both shown as BTC), a coin whose own name differs adds it: ``BTC (BTC1658)``."""
    count: dict[str, int] = {}
    for name in shown.values():
        count[name] = count.get(name, 0) + 1
    return {coin: name if count[name] == 1 or coin == name else f"{name} ({coin})"
            for coin, name in shown.items()}


def _field_text(value: Any) -> str:
    """A body field as ChainUp signs it: plain text, numbers without quotes or exponent."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


HEAVY_ROWS = 2_000
"""Store work on more rows than this runs in a worker thread; less is quicker inline (a
thread hop costs more than an indexed read of one user's rows while the UI is busy)."""


async def _on_store(work: Callable[..., T], *args: Any, heavy: bool) -> T:
    """Run ``work(*args)`` on the store: in a worker thread when ``heavy`` (a full pull, the
    whole org), else inline."""
    if heavy:
        return await asyncio.to_thread(work, *args)
    return work(*args)
