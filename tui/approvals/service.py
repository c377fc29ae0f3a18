"""The approvals service: the one door the CLI and the TUI use (no UI here).

It loads the policy (``policy.toml`` in the config directory, or ``COINSOLE_POLICY``; no file
means allow all, as before approvals), knows this machine's operator (:mod:`.identity`), and
opens the store (:mod:`.store_factory`). Everything is synchronous except :meth:`execute`, which
sends through the journal's :class:`~tui.journal.Mover` (async, like ``Mover.submit``).

A request that needs approval is held in the journal as PENDING_APPROVAL, keyed by its
journal ``client_key``; its wire parameters (the journal request, exactly) are the
``params`` the request hash covers. Executing re-checks everything in this process
(:func:`.authorize.authorize`) and then moves the entry PENDING_APPROVAL -> APPROVED ->
SUBMITTING -> ... through the mover.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import anchor, audit
from .authorize import authorize, request_from_json
from .canonical import canonical_bytes, policy_hash, request_hash
from .identity import ApprovalsError, OperatorKey, my_name
from .operators import Signed, Statement, verify
from .per_coin import coin_totals
from .policy import (
    Context,
    Decision,
    HistoryItem,
    Policy,
    PolicyError,
    Request,
    evaluate,
    load_policy,
    parse_quorum,
)
from .quorum import check as check_quorum
from .store import ApprovalStore, Row

__all__ = ["POLICY_ENV", "FILTERS", "LoadedPolicy", "Evaluation", "QueueItem", "SignatureView",
           "Detail", "ApprovalService", "policy_path", "load_policy_file", "request_for",
           "needed_count", "ApprovalsError", "PolicyBlocked", "HeldForApproval", "policy_gate",
           "HELD_NOTE"]

POLICY_ENV = "COINSOLE_POLICY"
HELD_NOTE = "waiting for approval: request "
"""How a held journal entry's note begins (the request id follows)."""
FILTERS = ("waiting-for-me", "mine", "all", "history")
ACTIVE = ("PENDING_APPROVAL", "APPROVED", "EXECUTING")
FINAL = ("REJECTED", "EXPIRED", "DONE")


class PolicyBlocked(ApprovalsError):
    """A policy rule blocks the request; the text is the rule's reason. Nothing was sent."""


class HeldForApproval(ApprovalsError):
    """The request was journaled PENDING_APPROVAL and proposed instead of sent."""

    def __init__(self, entry: Any, item: "QueueItem") -> None:
        self.entry = entry
        self.item = item
        super().__init__(f"submitted for approval: request {item.id} (rule {item.rule!r}, "
                         f"needs {item.quorum}); journal entry {entry.id}")


def policy_gate(journal: Any, opener: Any = None):
    """The fail-safe for a :class:`~tui.journal.Mover` whose callers do not ask the policy
    themselves (set as ``mover.policy_gate``): each time, the policy file in force decides.

    Its ``before_record(request)`` is asked by ``Mover.record`` before anything is written:
    a blocked request raises PolicyBlocked and is never journaled. The gate itself is asked
    with a DRAFT entry before it is approved: allowed passes; blocked raises PolicyBlocked;
    needing approval holds the entry (PENDING_APPROVAL, proposed) and raises
    HeldForApproval. The available balance is not known here, so share rules count it as
    nothing available (the stricter reading).

    ``opener`` (optional) builds the service to ask instead of the configured policy and
    store (the demo's: :func:`tui.approvals.demo.demo_service`); it is closed after."""

    def service_in_force() -> "ApprovalService | None":
        if opener is not None:
            return opener()
        loaded = load_policy_file()
        if loaded.policy is None:
            return None
        from .store_factory import open_store

        return ApprovalService(loaded, open_store(), me=my_name(), journal=journal)

    def before_record(request: Any) -> None:
        service = service_in_force()
        if service is None:
            return
        try:
            ev = service.evaluate(request)
            if ev.outcome == "block":
                raise PolicyBlocked(f"{ev.line()}; nothing was sent")
        finally:
            service.close()

    def gate(entry: Any) -> None:
        service = service_in_force()
        if service is None:
            return
        try:
            ev = service.evaluate(entry.request)
            if ev.outcome == "block":
                raise PolicyBlocked(f"{ev.line()}; nothing was sent")
            if ev.outcome == "approve":
                held, item = service.hold_entry(journal, entry, ev)
                raise HeldForApproval(held, item)
        finally:
            service.close()

    gate.before_record = before_record  # type: ignore[attr-defined]
    return gate


def _now_ms() -> int:
    from tui.journal.store import now_ms

    return now_ms()


# -- the policy file ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedPolicy:
    """The policy in force (None: no file, allow all), its hash and where it came from."""
    policy: Policy | None
    hash: str
    path: Path
    text: str = ""


def policy_path() -> Path:
    """``COINSOLE_POLICY``, else ``policy.toml`` in the config directory."""
    env = os.environ.get(POLICY_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    from tui.paths import app_paths

    return app_paths().config_dir / "policy.toml"


def load_policy_file(path: Path | None = None) -> LoadedPolicy:
    """Read and parse the policy; no file is allow-all. A bad file is ApprovalsError (one
    line naming the file) - never silently allow-all."""
    path = path or policy_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LoadedPolicy(None, "", path)
    except OSError as exc:
        from tui.paths import describe_os_error

        raise ApprovalsError(describe_os_error(exc)) from None
    try:
        text = data.decode("utf-8")
        return LoadedPolicy(load_policy(text), policy_hash(data), path, text)
    except (UnicodeDecodeError, PolicyError) as exc:
        raise ApprovalsError(f"{path}: {exc}; check it with `coinsole policy check`") from None


# -- what is asked -------------------------------------------------------------------------


def destination_key(jr: Any) -> str:
    """What allow-lists match: the address of a withdrawal, ``uid:N`` / ``email:X`` /
    ``phone:CC:N`` of an internal transfer, the target account of a transfer, the symbol of an
    order action."""
    kind = jr.kind.value
    if kind == "withdraw":
        return jr.address or ""
    if kind == "internal_transfer":
        r = jr.recipient
        return f"phone:{r.country_code}:{r.value}" if r.kind == "phone" else f"{r.kind}:{r.value}"
    if kind == "transfer":
        return jr.to_account.label
    return jr.symbol


def request_for(jr: Any, initiator: str) -> Request:
    """The approvals Request for a journal request (its every field is a wire parameter)."""
    return Request(jr.kind.value, jr.profile, jr.venue, jr.coin.upper(), jr.amount, initiator,
                   destination_key(jr), json.loads(jr.model_dump_json()))


def journal_request_from(req: Request) -> Any:
    """The journal request a stored Request's ``params`` describe."""
    from tui.core.actions import parse_request

    return parse_request(req.action, json.dumps(req.params))


@lru_cache(maxsize=256)
def needed_count(quorum_text: str) -> int:
    """Fewest approvals any alternative of the quorum needs (``2 of a and 1 of b or 4 of c``: 3)."""
    if not quorum_text:
        return 0
    return min(sum(n for n, _ in alt) for alt in parse_quorum(quorum_text).alternatives)


@lru_cache(maxsize=256)
def quorum_groups(quorum_text: str) -> frozenset[str]:
    """The groups a quorum names."""
    return frozenset(parse_quorum(quorum_text).groups()) if quorum_text else frozenset()


@dataclass(frozen=True)
class Evaluation:
    """The policy's decision on one request: outcome, rule and why, quorum, velocity."""
    outcome: str
    rule: str
    why: tuple[str, ...]
    reason: str
    quorum: str
    allow_self_approval: bool
    expiry_ms: int
    velocity_used: Decimal | None
    velocity_left: Decimal | None
    request: Request
    rule_line: int | None = None
    """The rule's line in the policy file (None: no policy, or no rule matched)."""

    @property
    def needed(self) -> int:
        """Approvals needed (the cheapest alternative)."""
        return needed_count(self.quorum)

    def line(self) -> str:
        """One line for the initiator: allowed / blocked (reason) / needs approval."""
        if self.outcome == "block":
            return f"blocked by policy rule {self.rule!r}: {self.reason}"
        if self.outcome == "approve":
            return f"needs approval (rule {self.rule!r}, needs {self.quorum})"
        return f"allowed by policy rule {self.rule!r}"


def _evaluation(d: Decision, req: Request, policy: Policy | None = None) -> Evaluation:
    line = policy.rules[d.rule_index].line if policy and d.rule_index is not None else None
    return Evaluation(d.outcome, d.rule_name, d.why, d.reason, str(d.quorum) if d.quorum else "",
                      d.allow_self_approval, d.expiry_ms, d.velocity_used, d.velocity_left, req,
                      line)


# -- what is shown ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    """One request as a queue row (amounts exact; times in ms)."""
    id: str
    state: str
    age_ms: int
    initiator: str
    action: str
    profile: str
    venue: str
    amount: Decimal
    coin: str
    destination: str
    rule: str
    quorum: str
    approvals: int
    needed: int
    expires_in_ms: int
    waiting_for_me: bool
    outcome: str = ""

    @property
    def votes(self) -> str:
        """``2/3``: approvals so far of those needed."""
        return f"{self.approvals}/{self.needed}"


@dataclass(frozen=True)
class SignatureView:
    """One stored statement: who, what, when, and whether it verifies and counts."""
    operator: str
    decision: str
    time_ms: int
    reason: str
    verified: bool
    note: str


@dataclass(frozen=True)
class Detail:
    """Everything about one request: wire parameters, rule and why, signatures checked."""
    item: QueueItem
    params: dict
    request_hash: str
    policy_hash: str
    hash_ok: bool
    policy_current: bool
    why: tuple[str, ...]
    velocity_used: Decimal | None
    velocity_left: Decimal | None
    signatures: tuple[SignatureView, ...]
    quorum_met: bool
    quorum_note: str
    rule_now: str = ""
    """The rule the policy matches now (velocity and balances move); execution re-evaluates,
    so when it differs from the proposal's rule, this one's outcome and quorum apply."""
    outcome_now: str = ""


# -- the service -------------------------------------------------------------------------------


class ApprovalService:
    """Evaluate, propose, approve, reject, list, show and execute requests.

    ``operator`` is this machine's key when unlocked (needed to approve or reject only);
    ``me`` is this machine's operator name (the initiator of what it proposes); ``journal``
    (optional) supplies velocity history and holds the PENDING_APPROVAL entries."""

    def __init__(self, loaded: LoadedPolicy, store: ApprovalStore, *, me: str | None = None,
                 operator: OperatorKey | None = None, journal: Any = None,
                 clock=_now_ms) -> None:
        self.loaded = loaded
        self.store = store
        self.operator = operator
        self.me = operator.name if operator is not None else me
        self.journal = journal
        self.clock = clock

    @classmethod
    def open(cls, *, journal: Any = None, operator: OperatorKey | None = None,
             store: ApprovalStore | None = None, policy: Path | None = None) -> "ApprovalService":
        """The service on the configured policy, store and operator name."""
        from .store_factory import open_store

        loaded = load_policy_file(policy)
        return cls(loaded, store if store is not None else open_store(), me=my_name(),
                   operator=operator, journal=journal)

    @property
    def active(self) -> bool:
        """True when a policy file is in force (else everything is allowed as before)."""
        return self.loaded.policy is not None

    @property
    def policy(self) -> Policy:
        """The policy in force; ApprovalsError when there is none."""
        if self.loaded.policy is None:
            raise ApprovalsError(f"no policy file at {self.loaded.path}: approvals are off "
                                 "(everything is allowed); write one, see README 'Approvals'")
        return self.loaded.policy

    def close(self) -> None:
        """Close the store."""
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    # -- evaluating ----------------------------------------------------------------------

    def history(self, exclude_key: str | None = None) -> tuple[HistoryItem, ...]:
        """What velocity counts: every journal entry not REJECTED, and every stored request
        not rejected/expired that this journal does not hold (other operators' machines); a
        multi-coin request counts once per coin, with that coin's total."""
        initiators: dict[str, str] = {}
        items = []
        rows = self.store.list()
        for row in rows:
            key = json.loads(row.request_json).get("params", {}).get("client_key")
            if key:
                initiators[key] = row.initiator
        seen = set()
        if self.journal is not None:
            from tui.journal.states import EntryState

            for e in self.journal.entries():
                seen.add(e.client_key)
                if e.state is EntryState.REJECTED or e.client_key == exclude_key:
                    continue
                totals = coin_totals({"totals": getattr(e.request, "totals", None)})
                for coin, amount in (totals.items() if totals else
                                     [(e.request.coin.upper(), e.request.amount)]):
                    items.append(HistoryItem(e.created_ms,
                                             initiators.get(e.client_key, self.me or ""),
                                             e.profile, coin, amount))
        for row in rows:
            d = json.loads(row.request_json)
            key = d.get("params", {}).get("client_key")
            if row.state in ("REJECTED", "EXPIRED") or key in seen or key == exclude_key:
                continue
            totals = coin_totals(d.get("params", {}))
            for coin, amount in (totals.items() if totals else
                                 [(d["coin"], Decimal(d["amount"]))]):
                items.append(HistoryItem(row.proposed_ms, row.initiator, d["profile"], coin,
                                         amount))
        return tuple(items)

    def context(self, available: Decimal | None, exclude_key: str | None = None) -> Context:
        """Now, the available balance and the velocity history (without ``exclude_key``)."""
        return Context(self.clock(), available, self.history(exclude_key))

    def evaluate(self, jr: Any, available: Decimal | None = None) -> Evaluation:
        """The policy's decision on journal request ``jr`` by this operator (sends nothing).
        With no policy file: allow."""
        req = request_for(jr, self.me or "")
        if self.loaded.policy is None:
            return _evaluation(evaluate(None, req, Context(self.clock())), req)
        d = evaluate(self.loaded.policy, req, self.context(available, jr.client_key))
        return _evaluation(d, req, self.loaded.policy)

    # -- proposing -------------------------------------------------------------------------

    def propose(self, evaluation: Evaluation) -> QueueItem:
        """Store a request whose evaluation says approve, and audit it."""
        if evaluation.outcome != "approve":
            raise ApprovalsError(f"nothing to approve: {evaluation.line()}")
        req = evaluation.request
        h = request_hash(req, self.loaded.hash)
        meta = {"rule": evaluation.rule, "quorum": evaluation.quorum,
                "self": evaluation.allow_self_approval, "expiry_ms": evaluation.expiry_ms,
                "why": list(evaluation.why)}
        body = {"action": req.action, "profile": req.profile, "venue": req.venue,
                "coin": req.coin, "amount": req.amount, "initiator": req.initiator,
                "destination": req.destination, "params": req.params, "meta": meta}
        now = self.clock()
        row = Row(h[:16], canonical_bytes(body).decode(), h, self.loaded.hash, req.initiator,
                  "PENDING_APPROVAL", now)
        self.store.propose(row)
        self._audit({"event": "proposed", "id": row.id, "request_hash": h,
                                 "policy_hash": self.loaded.hash, "initiator": req.initiator,
                                 "rule": evaluation.rule, "time_ms": now})
        return self._item(row, self.store.signatures(row.id), now)

    def hold(self, mover: Any, jr: Any, settlement: Any, evaluation: Evaluation):
        """Journal ``jr`` as PENDING_APPROVAL and propose it; returns (entry, queue item)."""
        from tui.journal.states import EntryState

        entry = mover.record(jr, settlement, ask_policy=False)  # evaluated just now
        return self.hold_entry(mover.journal, entry, evaluation)

    def hold_entry(self, journal: Any, entry: Any, evaluation: Evaluation):
        """Propose a DRAFT journal ``entry`` and make it PENDING_APPROVAL; (entry, item)."""
        from tui.journal.states import EntryState

        item = self.propose(evaluation)
        entry = journal.transition(
            entry.id, EntryState.PENDING_APPROVAL,
            note=f"{HELD_NOTE}{item.id} (rule {evaluation.rule!r}, needs {evaluation.quorum})",
            detail=f"submitted for approval as request {item.id} (rule {evaluation.rule}, "
                   f"needs {evaluation.quorum})")
        return entry, item

    def gate(self, mover: Any, jr: Any, settlement: Any, available: Decimal | None = None):
        """The journal's hook before a send: None when allowed (send as before), the held
        PENDING_APPROVAL entry when approvals are needed; PolicyBlocked when blocked."""
        if not self.active:
            return None
        ev = self.evaluate(jr, available)
        if ev.outcome == "block":
            raise PolicyBlocked(f"{ev.line()}; nothing was sent")
        if ev.outcome == "approve":
            return self.hold(mover, jr, settlement, ev)[0]
        return None

    # -- voting ----------------------------------------------------------------------------

    def _row(self, request_id: str) -> Row:
        row = self.store.get(request_id)
        if row is None:
            raise ApprovalsError(f"no approval request {request_id!r}; see `coinsole approvals list`")
        return row

    def _key(self) -> OperatorKey:
        if self.operator is None:
            raise ApprovalsError("no operator key: unlock the vault, or run `coinsole operator "
                                 "init NAME` first")
        return self.operator

    def approve(self, request_id: str) -> QueueItem:
        """Sign an approval with this operator's key; APPROVED once the quorum is met."""
        return self._vote(request_id, "approve", "")

    def reject(self, request_id: str, reason: str) -> QueueItem:
        """Sign a rejection (a reason is required); the request is REJECTED."""
        if not reason.strip():
            raise ApprovalsError("say why: a rejection needs a reason")
        return self._vote(request_id, "reject", " ".join(reason.split())[:500])

    def _vote(self, request_id: str, decision: str, reason: str) -> QueueItem:
        key = self._key()
        policy = self.policy
        row = self._row(request_id)
        meta = json.loads(row.request_json).get("meta", {})
        now = self.clock()
        if self._expire(row, now):
            raise ApprovalsError(f"request {row.id} expired; propose it again")
        if row.state != "PENDING_APPROVAL" and not (decision == "reject" and row.state == "APPROVED"):
            raise ApprovalsError(f"request {row.id} is {row.state}; nothing to {decision}")
        if row.policy_hash != self.loaded.hash:
            raise ApprovalsError(f"the policy changed since request {row.id} was proposed; it "
                                 "cannot be approved any more (propose it again)")
        if key.name not in policy.operators:
            raise ApprovalsError(f"operator {key.name} is not in the policy's operators")
        if policy.operators[key.name].public_key != key.public:
            raise ApprovalsError(f"operator {key.name}'s key differs from the policy's public key")
        if decision == "approve":
            if key.name == row.initiator and not meta.get("self", False):
                raise ApprovalsError(f"you proposed request {row.id}; rule {meta.get('rule')!r} "
                                     "does not let the initiator approve their own request")
            groups = quorum_groups(meta.get("quorum", ""))
            if not any(key.name in policy.groups.get(g, ()) for g in groups):
                raise ApprovalsError(f"operator {key.name} is in none of the groups request "
                                     f"{row.id} needs ({meta.get('quorum')})")
        if any(s.statement.operator == key.name and s.statement.request_hash == row.request_hash
               for s in self.store.signatures(row.id)):
            raise ApprovalsError(f"operator {key.name} already voted on request {row.id}")
        signed = key.sign(Statement(row.request_hash, decision, key.name, now, row.policy_hash,
                                    reason))
        self.store.add_signature(row.id, signed)
        self._audit({"id": row.id, **audit.signed_record(
            "approved" if decision == "approve" else "rejected", signed)})
        if decision == "reject":
            self.store.set_state(row.id, "REJECTED", row.state)
            self._journal_rejected(row, f"rejected by {key.name}: {reason}")
        elif self._quorum(row, meta, now).satisfied:
            self.store.set_state(row.id, "APPROVED", "PENDING_APPROVAL")
        return self._item(self._row(row.id), self.store.signatures(row.id), now)

    def _decision(self, meta: dict) -> Decision:
        q = parse_quorum(meta["quorum"]) if meta.get("quorum") else None
        return Decision(None, meta.get("rule", ""), "approve", tuple(meta.get("why", ())), q,
                        bool(meta.get("self", False)), int(meta.get("expiry_ms", 0)))

    def _quorum(self, row: Row, meta: dict, now: int):
        return check_quorum(self.policy, self._decision(meta), self.store.signatures(row.id),
                            request_hash=row.request_hash, policy_hash=row.policy_hash,
                            initiator=row.initiator, proposed_ms=row.proposed_ms, now_ms=now)

    def _expire(self, row: Row, now: int) -> bool:
        """Mark a PENDING/APPROVED request past its expiry EXPIRED (audited); True if it is."""
        meta = json.loads(row.request_json).get("meta", {})
        if row.state not in ("PENDING_APPROVAL", "APPROVED"):
            return row.state == "EXPIRED"
        if now <= row.proposed_ms + int(meta.get("expiry_ms", 0)):
            return False
        if self.store.set_state(row.id, "EXPIRED", row.state):
            self._audit({"event": "expired", "id": row.id,
                                     "request_hash": row.request_hash, "time_ms": now})
            self._journal_rejected(row, "the approval request expired")
        return True

    def _journal_rejected(self, row: Row, why: str) -> None:
        """The held journal entry of ``row`` (if this journal has it) ends REJECTED."""
        if self.journal is None:
            return
        from tui.journal.states import EntryState, IllegalTransition

        key = json.loads(row.request_json).get("params", {}).get("client_key")
        entry = self.journal.by_key(key) if key else None
        if entry is not None and entry.state is EntryState.PENDING_APPROVAL:
            try:
                self.journal.transition(entry.id, EntryState.REJECTED, note=why,
                                        detail=f"approval request {row.id}: {why}")
            except IllegalTransition:
                pass

    # -- listing ---------------------------------------------------------------------------

    def _item(self, row: Row, sigs: list[Signed], now: int, d: dict | None = None) -> QueueItem:
        d = d if d is not None else json.loads(row.request_json)
        meta = d.get("meta", {})
        approvers = {s.statement.operator for s in sigs
                     if s.statement.decision == "approve" and s.statement.request_hash == row.request_hash
                     and (s.statement.operator != row.initiator or meta.get("self"))}
        voted = {s.statement.operator for s in sigs}
        waiting = False
        if row.state == "PENDING_APPROVAL" and self.me and self.me not in voted \
                and (self.me != row.initiator or meta.get("self")) and self.loaded.policy is not None:
            groups = quorum_groups(meta.get("quorum", ""))
            waiting = any(self.me in self.loaded.policy.groups.get(g, ()) for g in groups)
        return QueueItem(row.id, row.state, now - row.proposed_ms, row.initiator, d["action"],
                         d["profile"], d["venue"], Decimal(d["amount"]), d["coin"],
                         d.get("destination", ""), meta.get("rule", ""), meta.get("quorum", ""),
                         len(approvers), needed_count(meta.get("quorum", "")),
                         row.proposed_ms + int(meta.get("expiry_ms", 0)) - now, waiting,
                         row.outcome)

    def queue(self, filter: str = "all") -> list[QueueItem]:
        """Requests for ``filter``: waiting-for-me (I may still vote), mine (I proposed, not
        final), all (not final), history (rejected, expired, done). Oldest first."""
        if filter not in FILTERS:
            raise ApprovalsError(f"filter is one of {', '.join(FILTERS)}")
        now = self.clock()
        items = []
        rows = self.store.list()
        many = getattr(self.store, "signatures_many", None)
        sigs = many() if many is not None else None
        for row in rows:
            d = json.loads(row.request_json)
            expiry = row.proposed_ms + int(d.get("meta", {}).get("expiry_ms", 0))
            if row.state in ("PENDING_APPROVAL", "APPROVED") and now > expiry \
                    and self._expire(row, now):
                row = self.store.get(row.id) or row
            final = row.state in FINAL
            if (filter == "history") != final:
                continue
            if filter == "mine" and row.initiator != self.me:
                continue
            mine = sigs.get(row.id, []) if sigs is not None else self.store.signatures(row.id)
            item = self._item(row, mine, now, d)
            if filter == "waiting-for-me" and not item.waiting_for_me:
                continue
            items.append(item)
        return items

    def waiting_count(self) -> int:
        """How many requests wait for my vote (for the screen bar)."""
        return len(self.queue("waiting-for-me")) if self.active else 0

    def detail(self, request_id: str) -> Detail:
        """Every wire parameter, the rule and why, and each signature verified or not."""
        row = self._row(request_id)
        now = self.clock()
        sigs = self.store.signatures(row.id)
        item = self._item(row, sigs, now)
        d = json.loads(row.request_json)
        meta = d.get("meta", {})
        req = request_from_json(row.request_json)
        hash_ok = request_hash(req, row.policy_hash) == row.request_hash
        policy = self.loaded.policy
        views = []
        for s in sigs:
            st = s.statement
            op = policy.operators.get(st.operator) if policy else None
            ok = op is not None and verify(op.public_key, s)
            note = ("not a policy operator" if op is None else "bad signature" if not ok
                    else "for another request" if st.request_hash != row.request_hash
                    else "under another policy" if st.policy_hash != row.policy_hash
                    else "initiator's own (does not count)" if st.operator == row.initiator
                    and not meta.get("self") else "counts")
            views.append(SignatureView(st.operator, st.decision, st.time_ms, st.reason, ok, note))
        used = left = None
        rule_now = outcome_now = ""
        if policy is not None:
            ev = evaluate(policy, req, self.context(None, req.params.get("client_key")))
            used, left = ev.velocity_used, ev.velocity_left
            rule_now, outcome_now = ev.rule_name, ev.outcome
        if policy is not None and meta.get("quorum"):
            q = self._quorum(row, meta, now)
            met, qnote = q.satisfied, q.reason
        else:
            met, qnote = False, "no policy in force" if policy is None else "no quorum"
        return Detail(item, req.params, row.request_hash, row.policy_hash, hash_ok,
                      row.policy_hash == self.loaded.hash, tuple(meta.get("why", ())), used, left,
                      tuple(views), met, qnote, rule_now, outcome_now)

    # -- executing ---------------------------------------------------------------------------

    async def execute(self, request_id: str, mover: Any, *, available: Decimal | None = None,
                      trade_password: Any = None):
        """Claim an APPROVED request once, re-verify everything here (authorize), then send it
        through the journal. Returns the journal entry as it stands afterwards.

        ApprovalsError when it cannot be claimed or is refused (then nothing is sent and the
        request is DONE with the refusal as its outcome)."""
        from tui.journal.dispatch import settlement_for
        from tui.journal.states import EntryState

        policy = self.policy
        row = self._row(request_id)
        if self._expire(row, self.clock()):
            raise ApprovalsError(f"request {row.id} expired; propose it again")
        if not self.store.claim_for_execution(row.id):
            current = self._row(row.id)
            raise ApprovalsError(f"request {row.id} is {current.state}; only an APPROVED request "
                                 "can be executed, once")
        row = self._row(row.id)
        req = request_from_json(row.request_json)
        who = self.me or "-"
        self._audit({"event": "executing", "id": row.id, "operator": who,
                                 "request_hash": row.request_hash, "time_ms": self.clock()})
        try:
            jr = journal_request_from(req)
        except Exception:  # noqa: BLE001 - a stored request coinsole cannot read is refused
            jr = None
        ctx = self.context(available, req.params.get("client_key"))
        auth = authorize(row, self.store.signatures(row.id), policy, self.loaded.hash, ctx)
        reason = None if auth.ok else auth.reason
        if reason is None and jr is None:
            reason = "the stored wire parameters do not form a request coinsole can send"
        entry = None
        if reason is None:
            entry = mover.journal.by_key(jr.client_key)
            if entry is not None and json.loads(entry.request.model_dump_json()) != req.params:
                reason = f"journal entry {entry.id} differs from the approved request"
            elif entry is not None and entry.state is not EntryState.PENDING_APPROVAL:
                reason = (f"journal entry {entry.id} is {entry.state.value}, not waiting for "
                          "approval (already executed?)")
        if reason is not None:
            self.store.record_outcome(row.id, f"refused: {reason}")
            self._audit({"event": "outcome", "id": row.id, "outcome": "refused",
                                     "reason": reason, "time_ms": self.clock()})
            if reason.startswith(("blocked", "the policy changed", "request expired", "rejected")):
                self._journal_rejected(row, f"not executed: {reason}")
            raise ApprovalsError(f"request {row.id} refused, nothing sent: {reason}")
        if entry is None:
            # authorize() re-evaluated it as its initiator's; the executor is not initiating
            entry = mover.record(jr, settlement_for(mover.session.adapter(jr.profile), jr),
                                 ask_policy=False)
            entry = mover.journal.transition(entry.id, EntryState.PENDING_APPROVAL,
                                             detail=f"approval request {row.id} (from the store)")
        entry = mover.approve(entry, by=f"approval request {row.id} ({auth.reason})")
        try:
            entry = await mover.submit(entry, trade_password=trade_password)
        except BaseException as exc:
            self.store.record_outcome(row.id, f"UNKNOWN: {exc}")
            self._audit({"event": "outcome", "id": row.id, "outcome": "UNKNOWN",
                                     "journal_entry": entry.id, "time_ms": self.clock()})
            raise
        self.store.record_outcome(row.id, f"{entry.state.value}; journal entry {entry.id}")
        self._audit({"event": "outcome", "id": row.id, "outcome": entry.state.value,
                                 "journal_entry": entry.id, "time_ms": self.clock()})
        return entry

    # -- audit -------------------------------------------------------------------------------

    def _audit(self, record: dict) -> dict:
        """Append ``record`` to the audit chain and anchor the new head on this machine
        (:mod:`.anchor`)."""
        rec = self.store.audit_append(record)
        anchor.record_head(self.store, rec, self.operator, self.clock())
        return rec

    def audit_verify(self, head: str | None = None,
                     records: list[dict] | None = None) -> tuple[int, str] | None:
        """The first break of the audit chain (index, why), or None when intact. Signatures
        are checked against the policy's keys when a policy is in force; the chain must
        hold this machine's anchored head (its tail cut off otherwise) and ``head`` when
        given (a hash anchored out of band). A missing head is reported at the index
        after the last record."""
        keys = {n: o.public_key for n, o in self.loaded.policy.operators.items()} \
            if self.loaded.policy else None
        check = audit.signature_checker(keys) if keys is not None else None
        records = self.store.audit_read() if records is None else records
        broken = audit.verify(records, check)
        if broken is not None:
            return broken
        if head is not None:
            missing = anchor.head_missing(records, head)
            if missing is not None:
                return len(records), missing
        problem = anchor.anchor_problem(self.store, records, keys)
        return (len(records), problem) if problem is not None else None
