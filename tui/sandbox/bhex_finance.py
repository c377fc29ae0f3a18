"""BHEX Org API finance tasks, simulated (doc 004, section 5), on the BHEX service's prefix,
keys, signing, limits and faults (latency, 5xx, 429, commit-then-drop on every write).

- ``air_drop`` pays each item out of the key's operating account (its main account in the
  ledger, debited per task and token) to the target user; ``batch_lock_position`` /
  ``batch_unlock_position`` and ``lock`` / ``unlock`` move a user's amount between their
  available and locked balance. Users other than the ledger's are held in memory, each
  starting with :data:`START_BALANCE` of every token.
- A task is applied when it is created (so a dropped reply leaves it committed) and reads
  ``status`` 0 (running) for :attr:`BhexFinance.run_ms`, then 1 when every item succeeded,
  2 when some failed. Items fail one by one: 31009 for a user the org does not have, 5 for
  too little to lock or unlock. An airdrop the operating account cannot pay is refused
  whole (nothing applied).
- Idempotent by ``client_order_id``: a repeat of a known id applies nothing and answers the
  first task (lock / unlock: ``success`` again). :attr:`BhexFinance.applications` counts how
  often each id was applied (never above 1), :attr:`BhexFinance.repeats` how often a known
  id was sent again.
- A result call for an id the sandbox does not know answers ``{"status": 0, "data": null}``
  (docs/wire.md, "BHEX finance").
"""

from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import exact_sum, plain
from tui.sandbox.service import Refusal, Refused

if TYPE_CHECKING:
    from tui.sandbox.bhex import BhexService

__all__ = ["BhexFinance", "bhex_finance_routes", "START_BALANCE", "RUN_MS"]

_FIN = "/api/v2/org/finance/"
START_BALANCE = Decimal(1000)
"""What an org user outside the ledger holds of every token before any finance task."""
RUN_MS = 300
"""How long a new task reads "running"."""
_KINDS = {"air_drop": "airdrop", "batch_lock_position": "lock",
          "batch_unlock_position": "unlock"}
_RESULTS = {"get_air_drop_result": "airdrop", "get_batch_lock_position_result": "lock",
            "get_batch_unlock_position_result": "unlock", "get_batch_transfer_result": "transfer"}


@dataclass
class _Task:
    kind: str
    id: str
    client_order_id: str
    desc: str
    created_ms: int
    items: list[dict[str, Any]] = field(default_factory=list)


def _amount(text: Any) -> Decimal:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise Refused(Refusal.INVALID, "amount is not a number") from None
    if not value.is_finite() or value <= 0 or "e" in str(text).lower():
        raise Refused(Refusal.INVALID, "amount must be a plain number above 0")
    return value


def _flag(text: Any) -> bool:
    if isinstance(text, bool):
        return text
    value = str(text or "").strip().lower()
    if value not in ("", "true", "false"):
        raise Refused(Refusal.INVALID, "a lock flag is true or false")
    return value == "true"


class BhexFinance:
    """The finance endpoints over the BHEX service's ledger and org directory."""

    def __init__(self, service: "BhexService") -> None:
        self.service = service
        self.run_ms = RUN_MS
        self.tasks: dict[str, _Task] = {}
        self.singles: dict[str, str] = {}
        self.applications: Counter[str] = Counter()
        """How often each ``client_order_id`` was applied."""
        self.repeats: Counter[str] = Counter()
        """How often a write arrived for a ``client_order_id`` already applied (answered
        with the first result, applying nothing): a client that settles by the result
        calls first never causes one."""
        self.row_applications: Counter[tuple[str, str, str]] = Counter()
        """(kind, user, token) -> items applied, for checking a whole batch landed once."""
        self.available: dict[tuple[str, str], Decimal] = defaultdict(lambda: START_BALANCE)
        self.locked: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self._next_id = 1
        self._lock = threading.Lock()

    def routes(self) -> list[Route]:
        """Every live finance endpoint of the document (the deprecated ones are absent)."""
        svc = self.service
        writes = [(name, self._batch) for name in _KINDS] + [("lock", self._single),
                                                             ("unlock", self._single)]
        return ([svc.route(_FIN + name, self._signed(name, h), ["POST"], write=True)
                 for name, h in writes]
                + [svc.route(_FIN + name, self._signed(name, self._result), ["POST"])
                   for name in _RESULTS])

    def _signed(self, name: str, handler: Any) -> Any:
        async def run(request: Request) -> Any:
            key, params = await self.service.authenticate(request)
            with self._lock:
                return handler(name, key.api_key, params)
        return run

    # -- helpers -------------------------------------------------------------------------

    def _known(self, user_id: str) -> bool:
        org = getattr(self.service, "org", None)
        if org is not None and org.find(user_id) is not None:
            return True
        return bool(self.service.ledger.sub_accounts("bhex", user_id)) if user_id.isdigit() \
            else False

    def _cid(self, params: dict[str, str]) -> str:
        cid = params.get("client_order_id", "").strip()
        if not cid:
            raise Refused(Refusal.INVALID, "client_order_id is required")
        return cid

    def _items(self, kind: str, params: dict[str, str]) -> list[dict[str, Any]]:
        data_type = params.get("data_type", "")
        text = params.get("items", "")
        if not text:
            raise Refused(Refusal.INVALID, "items is required")
        if data_type == "json":
            try:
                rows = json.loads(text)
            except ValueError:
                raise Refused(Refusal.INVALID, "items is not a JSON array") from None
            if not isinstance(rows, list):
                raise Refused(Refusal.INVALID, "items is not a JSON array")
        elif data_type == "simple":
            names = (("target_user_id", "token_id", "amount", "to_target_lock",
                      "sub_business_subject") if kind == "airdrop"
                     else ("user_id", "token_id", "amount", "desc"))
            rows = []
            for part in text.split(";"):
                fields = part.split(",")
                if len(fields) < 3 or len(fields) > len(names):
                    raise Refused(Refusal.INVALID, f"items entry {part[:40]!r} is malformed")
                rows.append({n: v for n, v in zip(names, fields) if v != ""})
        else:
            raise Refused(Refusal.INVALID, "data_type is simple or json")
        out = []
        for row in rows:
            if not isinstance(row, dict):
                raise Refused(Refusal.INVALID, "an items entry is not an object")
            user = str(row.get("target_user_id" if kind == "airdrop" else "user_id", ""))
            token = str(row.get("token_id", ""))
            if not user.isdigit() or not token:
                raise Refused(Refusal.INVALID, "an items entry lacks its user or token")
            out.append({"user": user, "token": token, "amount": _amount(row.get("amount")),
                        "lock": _flag(row.get("to_target_lock")),
                        "desc": str(row.get("desc") or "")})
        return out

    def _move(self, kind: str, user: str, token: str, amount: Decimal) -> int:
        """Apply one lock / unlock; the item's status."""
        if not self._known(user):
            return 31009
        key = (user, token)
        source, target = ((self.available, self.locked) if kind == "lock"
                          else (self.locked, self.available))
        if source[key] < amount:
            return 5
        source[key] -= amount
        target[key] += amount
        self.row_applications[(kind, user, token)] += 1
        return 200

    def _pay(self, api_key: str, items: list[dict[str, Any]]) -> None:
        """Debit the operating account for the items going to known users (refuses the
        whole task when it cannot pay)."""
        payer = self.service.key_user(api_key)
        due: dict[str, list[Decimal]] = defaultdict(list)
        for item in items:
            if self._known(item["user"]):
                due[item["token"]].append(item["amount"])
        now = self.service.now_ms()
        with self.service.store.txn() as txn:
            for token, amounts in due.items():
                txn.change("bhex", payer, "1", token, now_ms=now, flow_type="AIRDROP",
                           available=-exact_sum(amounts))

    # -- endpoints -----------------------------------------------------------------------

    def _reply(self, task: _Task) -> dict[str, Any]:
        return {"status": 0, "data": {"id": task.id, "clientOrderId": task.client_order_id,
                                      "desc": task.desc, "status": 0}}

    def _batch(self, name: str, api_key: str, params: dict[str, str]) -> dict[str, Any]:
        kind = _KINDS[name]
        cid = self._cid(params)
        known = self.tasks.get(cid)
        if known is not None:
            self.repeats[cid] += 1
            if known.kind != kind:
                raise Refused(Refusal.INVALID, "client_order_id already used")
            return self._reply(known)
        items = self._items(kind, params)
        if kind == "airdrop":
            self._pay(api_key, items)
        task = _Task(kind, str(self._next_id), cid, params.get("desc", ""),
                     self.service.now_ms())
        self._next_id += 1
        for item in items:
            if kind == "airdrop":
                status = 200 if self._known(item["user"]) else 31009
                if status == 200:
                    bucket = self.locked if item["lock"] else self.available
                    bucket[(item["user"], item["token"])] += item["amount"]
                    self.row_applications[("airdrop", item["user"], item["token"])] += 1
            else:
                status = self._move(kind, item["user"], item["token"], item["amount"])
            task.items.append({**item, "status": status})
        self.tasks[cid] = task
        self.applications[cid] += 1
        return self._reply(task)

    def _single(self, name: str, api_key: str, params: dict[str, str]) -> dict[str, Any]:
        cid = self._cid(params)
        if cid in self.singles:
            self.repeats[cid] += 1
            if self.singles[cid] != name:
                raise Refused(Refusal.INVALID, "client_order_id already used")
            return {"status": 0, "data": {"success": True}}
        user = params.get("user_id", "")
        token = params.get("token_id", "")
        if not user.isdigit() or not token:
            raise Refused(Refusal.INVALID, "user_id and token_id are required")
        status = self._move(name, user, token, _amount(params.get("amount")))
        if status == 31009:
            raise Refused(Refusal.INVALID, "no such user")
        if status != 200:
            raise Refused(Refusal.INSUFFICIENT)
        self.singles[cid] = name
        self.applications[cid] += 1
        return {"status": 0, "data": {"success": True}}

    def _result(self, name: str, api_key: str, params: dict[str, str]) -> dict[str, Any]:
        kind = _RESULTS[name]
        task = self.tasks.get(self._cid(params))
        if task is None or task.kind != kind:
            return {"status": 0, "data": None}
        running = self.service.now_ms() - task.created_ms < self.run_ms
        status = 0 if running else (1 if all(i["status"] == 200 for i in task.items) else 2)
        head = {"id": task.id, "clientOrderId": task.client_order_id, "desc": task.desc,
                "status": status}
        items = [] if running else [self._item_row(kind, i) for i in task.items]
        key = "transferTask" if kind == "airdrop" else "task"
        return {"status": 0, "data": {key: head, "items": items}}

    @staticmethod
    def _item_row(kind: str, item: dict[str, Any]) -> dict[str, Any]:
        if kind == "airdrop":
            return {"targetUserId": item["user"], "tokenId": item["token"],
                    "amount": plain(item["amount"]), "toTargetLock": item["lock"],
                    "status": item["status"]}
        return {"userId": item["user"], "tokenId": item["token"],
                "amount": plain(item["amount"]), "desc": item["desc"],
                "status": item["status"]}


def bhex_finance_routes(service: "BhexService") -> list[Route]:
    """The finance routes on ``service`` (the simulation kept as ``service.finance``)."""
    finance = BhexFinance(service)
    service.finance = finance  # type: ignore[attr-defined]
    return finance.routes()
