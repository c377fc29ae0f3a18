"""The Approvals screen's view-model: queue rows, counts, change detection and actions,
over :class:`tui.approvals.service.ApprovalService` (no widgets here).

:meth:`ApprovalsModel.load` reads the first page of one filter (keyset paging on the
store: ``page``, ``count``, ``signatures_for``), the "waiting for me" count for the
screen bar (the store's per-quorum ``pending_votes``) and marks what expired
(``due_to_expire``); :meth:`ApprovalsModel.more` reads the next page as the cursor nears
the end. It follows the service's ``queue()`` semantics exactly (the tests compare the
two) and parses each row's JSON once, so opening on 10,000 pending requests reads a page,
not the store. :meth:`ApprovalsModel.change_token` is the cheap "did anything change?" poll
(SQLite's ``PRAGMA data_version``: other connections' commits); the store's
``watch(callback)`` (SQLite: the same number polled in a thread; PostgreSQL:
LISTEN/NOTIFY) is followed by the screen as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from tui.approvals.identity import ApprovalsError, OperatorKey
from tui.approvals.policy import Policy, parse_quorum
from tui.approvals.service import FILTERS, ApprovalService, Detail, QueueItem, needed_count
from tui.core.amounts import amount_with_coin, table_amount

__all__ = ["FILTER_LABELS", "PAGE_SIZE", "NO_POLICY_TEXT", "QueueView", "ApprovalsModel",
           "format_duration", "countdown_text", "age_text", "fingerprint", "needs_tail",
           "amount_text", "exact_text"]

FILTER_LABELS = {"waiting-for-me": "waiting for me", "mine": "mine", "all": "all",
                 "history": "history"}
"""What the filter line calls each :data:`~tui.approvals.service.FILTERS` entry."""

PAGE_SIZE = 100
"""Rows read at a time: the screen opens on the oldest (soonest to expire) of the filter
and reads the next page as the cursor nears the end; the info line counts them all."""

NO_POLICY_TEXT = ("No policy file: every move is allowed. Write policy.toml — see README "
                  "Approvals")
FINAL = ("REJECTED", "EXPIRED", "DONE")
_ACTIVE = ("PENDING_APPROVAL", "APPROVED", "EXECUTING")


def format_duration(ms: int) -> str:
    """A short duration: ``45s``, ``12m 05s``, ``3h 07m``, ``2d 04h`` (never negative)."""
    s = max(int(ms), 0) // 1000
    if s < 60:
        return f"{s}s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}m {s:02d}s"
    h, m = divmod(m, 60)
    if h < 24:
        return f"{h}h {m:02d}m"
    d, h = divmod(h, 24)
    return f"{d}d {h:02d}h"


def countdown_text(item: QueueItem, now_ms: int, loaded_ms: int) -> str:
    """Time left before ``item`` expires, counted down from when it was loaded; ``expired``
    past it, blank for a final request."""
    if item.state in FINAL or item.state == "EXECUTING":
        return ""
    left = item.expires_in_ms - (now_ms - loaded_ms)
    return format_duration(left) if left > 0 else "expired"


def age_text(item: QueueItem, now_ms: int, loaded_ms: int) -> str:
    """How long ago ``item`` was proposed."""
    return format_duration(item.age_ms + now_ms - loaded_ms)


def amount_text(item: QueueItem) -> str:
    """The queue's amount: ``1,250.5000 USDT`` (tui.core.amounts' table form: separators,
    padded to the coin's precision, never rounded) and its coin."""
    return f"{table_amount(item.amount, item.coin)} {item.coin}"


def exact_text(item: QueueItem) -> str:
    """``1250.5 USDT``: the amount exactly as requested, for details and confirmations."""
    return amount_with_coin(item.amount, item.coin)


def fingerprint(data: bytes) -> str:
    """A short, non-secret fingerprint of a signature (first 8 hex of its SHA-256)."""
    return hashlib.sha256(data).hexdigest()[:8]


TAIL_ACTIONS = frozenset({"withdraw", "internal_transfer"})
"""Actions whose destination is someone else's (an address, a uid): approving one above
its rule's threshold asks for the destination's last 4 characters."""


def needs_tail(policy: Policy | None, rule_name: str, amount: Decimal, destination: str,
               action: str = "withdraw") -> bool:
    """Whether approving asks for the destination's last 4 characters: an action in
    :data:`TAIL_ACTIONS` whose rule has an amount threshold (``min_amount``) it is at or
    above, to a destination of at least 4 characters."""
    if policy is None or action not in TAIL_ACTIONS or len(destination) < 4:
        return False
    rule = next((r for r in policy.rules if r.name == rule_name), None)
    return rule is not None and rule.min_amount is not None and amount >= rule.min_amount


@lru_cache(maxsize=256)
def _quorum_groups(text: str) -> frozenset[str]:
    return frozenset(parse_quorum(text).groups()) if text else frozenset()


@lru_cache(maxsize=256)
def _needed(text: str) -> int:
    return needed_count(text)


_DECODER = json.JSONDecoder()
_META_KEY = '"meta":{'


def _meta_of(request_json: str) -> dict:
    """The ``meta`` object of a stored request body, without parsing its wire parameters.

    Bodies are canonical JSON (sorted keys, compact): the keys before ``meta`` (action,
    amount, coin, destination, initiator) hold scalars, and a quote inside a string is
    escaped, so the first ``"meta":{`` is the key. Anything else is parsed whole."""
    at = request_json.find(_META_KEY)
    if at < 0:
        return json.loads(request_json).get("meta", {})
    try:
        meta, _ = _DECODER.raw_decode(request_json, at + len(_META_KEY) - 1)
    except ValueError:
        return json.loads(request_json).get("meta", {})
    return meta if isinstance(meta, dict) else {}


@dataclass(frozen=True)
class _Parsed:
    """What the queue needs of a stored request's ``meta`` (shared by the requests of one
    rule: :func:`_parsed_meta`)."""
    rule: str
    quorum: str
    groups: frozenset[str]
    needed: int
    self_ok: bool
    expiry_ms: int


@lru_cache(maxsize=1024)
def _parsed_meta(rule: str, quorum: str, self_ok: bool, expiry_ms: int) -> _Parsed:
    return _Parsed(rule, quorum, _quorum_groups(quorum), _needed(quorum), self_ok, expiry_ms)


@dataclass(frozen=True)
class QueueView:
    """One load: the rows of ``filter`` (at most :data:`PAGE_SIZE`), how many there are in
    all, how many wait for me, and the clock it was read at."""
    filter: str
    items: tuple[QueueItem, ...]
    total: int
    waiting: int
    loaded_ms: int
    after: tuple[int, str] | None = None
    """Where the next page starts (the keyset of the last row read), None when read to
    the end."""

    @property
    def paged(self) -> bool:
        """True when more rows match than the table holds."""
        return self.total > len(self.items)

    @property
    def more(self) -> bool:
        """True when another page can be read (:meth:`ApprovalsModel.more`)."""
        return self.after is not None


class ApprovalsModel:
    """The queue and the actions of the Approvals screen over one service.

    ``opener`` builds the service (default :meth:`ApprovalService.open` with the journal
    given); it is called on first use, so a bad policy file becomes the screen's error
    state, not a crash."""

    def __init__(self, opener: Callable[[], ApprovalService]) -> None:
        self._opener = opener
        self._service: ApprovalService | None = None
        self._parsed: dict[str, tuple[str, _Parsed]] = {}
        self._fields: dict[str, tuple] = {}
        self.error: str | None = None
        """Why the service could not be opened (bad policy file, store), or None."""

    @classmethod
    def for_session(cls, session: Any, *, demo: bool = False) -> "ApprovalsModel":
        """The model over the configured policy and store (``demo``: the demo's policy,
        store and operators, :mod:`tui.approvals.demo`), with ``session``'s journal."""
        def opener() -> ApprovalService:
            from tui.journal_ui import journal_for

            try:
                journal = journal_for(session)
            except Exception:  # noqa: BLE001 - velocity then counts the store's rows only
                journal = None
            if demo:
                from tui.approvals.demo import demo_service

                return demo_service(journal=journal)
            return ApprovalService.open(journal=journal)
        return cls(opener)

    @property
    def service(self) -> ApprovalService:
        """The service (opened on first use); ApprovalsError when it cannot be."""
        if self._service is None:
            try:
                self._service = self._opener()
            except ApprovalsError as exc:
                self.error = str(exc)
                raise
            except Exception as exc:  # noqa: BLE001 - a broken store is shown, not raised
                self.error = f"cannot open the approvals store: {exc}"
                raise ApprovalsError(self.error) from None
            self.error = None
        return self._service

    @property
    def policy_active(self) -> bool:
        """True when a policy file is in force."""
        return self.service.active

    @property
    def me(self) -> str | None:
        """This machine's operator name."""
        return self.service.me

    @property
    def has_key(self) -> bool:
        """True when this operator's key is loaded (approve/reject need it)."""
        return self.service.operator is not None

    def set_operator(self, key: OperatorKey) -> None:
        """Use ``key`` to sign from now on (after the vault is unlocked)."""
        svc = self.service
        svc.operator = key
        svc.me = key.name

    def forget_operator(self) -> None:
        """Drop the key (the vault locked)."""
        if self._service is not None:
            self._service.operator = None

    def close(self) -> None:
        """Close the store."""
        if self._service is not None:
            self._service.close()

    # -- reading -----------------------------------------------------------------------

    def change_token(self) -> Any:
        """Something that differs when another connection changed the store (SQLite's
        ``data_version``); None when the store has no cheap way to tell."""
        db = getattr(self.service.store, "_db", None)
        if db is None:
            return None
        return db.execute("PRAGMA data_version").fetchone()[0]

    def load(self, filter: str = "all", limit: int | None = None) -> QueueView:
        """The first rows of ``filter`` (oldest first, at most ``limit``, default
        :data:`PAGE_SIZE`), the total and the waiting-for-me count; :meth:`more` reads
        on. Expired requests are marked EXPIRED first, as ``ApprovalService.queue`` does.

        Read a page at a time (the store's ``page``, ``count``, ``pending_votes``,
        ``due_to_expire`` and ``signatures_for``): opening on 10,000 pending requests
        reads the first page and a few counts, not the whole store."""
        if filter not in FILTERS:
            raise ApprovalsError(f"filter is one of {', '.join(FILTERS)}")
        limit = PAGE_SIZE if limit is None else limit
        svc = self.service
        store = svc.store
        now = svc.clock()
        for row in store.due_to_expire(now):
            svc._expire(row, now)
        waiting = self._waiting()
        items, after = self._fetch(filter, None, limit, now)
        if filter == "waiting-for-me":
            total = waiting
        elif after is None and limit > 0:
            total = len(items)
        else:
            states, initiator = self._scope(filter)
            total = store.count(states, initiator)
        return QueueView(filter, tuple(items), total, waiting, now, after)

    def more(self, view: QueueView, limit: int | None = None) -> QueueView:
        """``view`` with the next page of its filter appended (itself when read to the
        end). Times stay relative to when ``view`` was loaded."""
        if view.after is None:
            return view
        items, after = self._fetch(view.filter, view.after, PAGE_SIZE if limit is None
                                   else limit, view.loaded_ms)
        return QueueView(view.filter, view.items + tuple(items), view.total, view.waiting,
                         view.loaded_ms, after)

    def _scope(self, filter: str) -> tuple[tuple[str, ...], str | None]:
        """The states and initiator the rows of ``filter`` are read from."""
        if filter == "history":
            return FINAL, None
        if filter == "waiting-for-me":
            return ("PENDING_APPROVAL",), None
        return _ACTIVE, (self.service.me or "") if filter == "mine" else None

    def _waiting(self) -> int:
        """How many requests wait for my vote, from the store's per-quorum counts."""
        svc = self.service
        me, policy = svc.me, svc.loaded.policy
        if not me or policy is None:
            return 0
        total = 0
        for votes in svc.store.pending_votes(me):
            if votes.initiated and not votes.self_ok:
                continue
            if any(me in policy.groups.get(g, ()) for g in _quorum_groups(votes.quorum)):
                total += votes.count
        return total

    def _fetch(self, filter: str, after: tuple[int, str] | None, limit: int,
               now: int) -> tuple[list[QueueItem], tuple[int, str] | None]:
        """Up to ``limit`` items of ``filter`` after the keyset ``after``; and the keyset
        to read on from (None: nothing more)."""
        svc = self.service
        store = svc.store
        me, policy = svc.me, svc.loaded.policy
        states, initiator = self._scope(filter)
        items: list[QueueItem] = []
        while len(items) < limit:
            want = limit - len(items)
            ask = max(want, 50) if filter == "waiting-for-me" else want
            rows = store.page(states, after=after, limit=ask, initiator=initiator)
            sigs = store.signatures_for([r.id for r in rows]) if rows else {}
            for row in rows:
                after = (row.proposed_ms, row.id)
                parsed = self._parse(row)
                mine = sigs.get(row.id, ())
                to_vote = bool(
                    row.state == "PENDING_APPROVAL" and me and policy is not None
                    and (me != row.initiator or parsed.self_ok)
                    and all(s.statement.operator != me for s in mine)
                    and any(me in policy.groups.get(g, ()) for g in parsed.groups))
                if filter == "waiting-for-me" and not to_vote:
                    continue
                items.append(self._item(row, parsed, mine, to_vote, now))
                if len(items) == limit:
                    return items, after if row is not rows[-1] or len(rows) == ask else None
            if len(rows) < ask:
                return items, None
        return items, after

    def _parse(self, row) -> "_Parsed":
        known = self._parsed.get(row.id)
        if known is None or known[0] != row.request_hash:
            meta = _meta_of(row.request_json)
            known = (row.request_hash, _parsed_meta(
                meta.get("rule", ""), meta.get("quorum", ""), bool(meta.get("self")),
                int(meta.get("expiry_ms", 0))))
            self._parsed[row.id] = known
        return known[1]

    def _item(self, row, p: "_Parsed", sigs, waiting: bool, now: int) -> QueueItem:
        """What ``ApprovalService._item`` builds, from an already parsed row."""
        fields = self._fields.get(row.id)
        if fields is None or fields[0] != row.request_hash:
            body = json.loads(row.request_json)
            fields = (row.request_hash, body["action"], body["profile"], body["venue"],
                      Decimal(body["amount"]), body["coin"], body.get("destination", ""))
            self._fields[row.id] = fields
        _, action, profile, venue, amount, coin, destination = fields
        approvers = {s.statement.operator for s in sigs
                     if s.statement.decision == "approve"
                     and s.statement.request_hash == row.request_hash
                     and (s.statement.operator != row.initiator or p.self_ok)}
        return QueueItem(row.id, row.state, now - row.proposed_ms, row.initiator, action,
                         profile, venue, amount, coin, destination, p.rule, p.quorum,
                         len(approvers), p.needed, row.proposed_ms + p.expiry_ms - now, waiting,
                         row.outcome)

    def detail(self, request_id: str) -> tuple[Detail, list[str]]:
        """The service's detail of one request, and a short fingerprint of each stored
        signature (same order as ``detail.signatures``)."""
        svc = self.service
        d = svc.detail(request_id)
        prints = [fingerprint(s.signature) for s in svc.store.signatures(request_id)]
        return d, prints

    def tail_needed(self, item: QueueItem) -> bool:
        """Whether approving ``item`` asks for the destination's last 4 characters."""
        return needs_tail(self.service.loaded.policy, item.rule, item.amount, item.destination,
                          item.action)

    # -- acting --------------------------------------------------------------------------

    def approve(self, request_id: str) -> QueueItem:
        """Sign an approval (ApprovalsError says why not)."""
        return self.service.approve(request_id)

    def reject(self, request_id: str, reason: str) -> QueueItem:
        """Sign a rejection with ``reason`` (ApprovalsError says why not)."""
        return self.service.reject(request_id, reason)

    async def execute(self, request_id: str, mover: Any, *, trade_password: Any = None) -> Any:
        """Claim, re-verify and send an APPROVED request (with the trade password a BHEX
        withdrawal needs); the journal entry afterwards."""
        return await self.service.execute(request_id, mover, trade_password=trade_password)
