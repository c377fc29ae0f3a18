"""BHEX Org API finance tasks (doc 004, section 5) for the BHEX adapter: airdrops, batch
lock and unlock of positions, single lock and unlock, and the task result calls.

:class:`BhexFinanceMixin` is combined into :class:`tui.venues.bhex.BhexVenue`; each endpoint
is one method named ``finance_<endpoint>`` taking the document's parameter names. Task items
are :class:`FinanceItem` rows (Decimal amounts) written as the document's ``simple`` text
(:func:`simple_items`) or ``json`` array (:func:`json_items`); replies are parsed by the
``parse_*`` functions into frozen dataclasses, anything unreadable becoming
:class:`~tui.core.errors.MalformedReply`. The deprecated ``mapping``, ``transfer`` and
``batch_transfer`` are not offered (docs/wire.md, "BHEX finance"); the result call of
``batch_transfer`` is, to read tasks made before.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple

from tui.core.errors import InvalidRequest
from tui.core.money import plain
from tui.venues.base import reads_reply, wire_amount

__all__ = ["BhexFinanceMixin", "FinanceOp", "FinanceItem", "FinanceTask", "TaskItem",
           "TaskResult", "simple_items", "json_items", "parse_task", "parse_result",
           "ITEM_OK", "ITEM_USER_ERROR", "TASK_RUNNING", "TASK_DONE", "DATA_TYPES",
           "NOT_OFFERED"]

FINANCE = "/api/v2/org/finance/"
TASK_RUNNING, TASK_DONE = 0, 1
"""A task's ``status``: 0 running, 1 succeeded, anything else abnormal (the document)."""
ITEM_OK, ITEM_USER_ERROR = 200, 31009
"""An item's ``status``: 200 succeeded, 31009 bad user, anything else failed."""
DATA_TYPES = ("simple", "json")
DESC_MAX = 100
"""The document's limit on a ``desc`` (characters)."""
NOT_OFFERED = {"mapping": "stopped by the venue for its security risk",
               "transfer": "stopped by the venue for its security risk",
               "batch_transfer": "stopped by the venue for its security risk"}
"""The deprecated finance endpoints and why coinsole does not offer them."""


class FinanceOp(str, Enum):
    """A finance write: the batch tasks and the single lock / unlock."""

    AIRDROP = "airdrop"
    BATCH_LOCK = "batch-lock"
    BATCH_UNLOCK = "batch-unlock"
    LOCK = "lock"
    UNLOCK = "unlock"

    @property
    def is_batch(self) -> bool:
        """Whether the venue runs it as a task with a result call."""
        return self in (FinanceOp.AIRDROP, FinanceOp.BATCH_LOCK, FinanceOp.BATCH_UNLOCK)

    @property
    def endpoint(self) -> str:
        """The document's endpoint name."""
        return {FinanceOp.AIRDROP: "air_drop", FinanceOp.BATCH_LOCK: "batch_lock_position",
                FinanceOp.BATCH_UNLOCK: "batch_unlock_position", FinanceOp.LOCK: "lock",
                FinanceOp.UNLOCK: "unlock"}[self]

    @property
    def result_endpoint(self) -> str | None:
        """The result call of a batch task (None for lock / unlock)."""
        return {FinanceOp.AIRDROP: "get_air_drop_result",
                FinanceOp.BATCH_LOCK: "get_batch_lock_position_result",
                FinanceOp.BATCH_UNLOCK: "get_batch_unlock_position_result"}.get(self)

    @property
    def spends_operating_account(self) -> bool:
        """An airdrop pays out of the broker's operating account; locks move users' own."""
        return self is FinanceOp.AIRDROP


class FinanceItem(NamedTuple):
    """One row of a task: who, which token, how much; ``lock`` (airdrop: into the locked
    balance), ``subject`` (airdrop: ``sub_business_subject``) and ``desc`` (lock/unlock).
    A tuple: a batch holds hundreds of thousands of them."""

    user_id: str
    token_id: str
    amount: Decimal
    lock: bool | None = None
    subject: int | None = None
    desc: str | None = None


@dataclass(frozen=True)
class FinanceTask:
    """A task as the venue describes it: ``status`` 0 running, 1 done, else abnormal."""

    id: str
    client_order_id: str
    desc: str
    status: int

    @property
    def running(self) -> bool:
        """Still being executed by the venue."""
        return self.status == TASK_RUNNING

    @property
    def status_text(self) -> str:
        """The document's words for ``status``."""
        return {TASK_RUNNING: "running", TASK_DONE: "done"}.get(self.status,
                                                                f"abnormal ({self.status})")


@dataclass(frozen=True)
class TaskItem:
    """One item of a task result: ``status`` 200 done, 31009 bad user, else failed."""

    user_id: str
    token_id: str
    amount: Decimal
    status: int
    lock: bool | None = None
    desc: str = ""
    source_user_id: str = ""

    @property
    def ok(self) -> bool:
        """The item was applied."""
        return self.status == ITEM_OK

    @property
    def status_text(self) -> str:
        """The document's words for ``status``."""
        if self.status == ITEM_OK:
            return "done"
        if self.status == ITEM_USER_ERROR:
            return "failed: user information wrong (31009)"
        return f"failed ({self.status})"


@dataclass(frozen=True)
class TaskResult:
    """A result call's answer: the task and its items (none while it runs)."""

    task: FinanceTask
    items: tuple[TaskItem, ...]


# -- items on the wire ------------------------------------------------------------------


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _check_simple_text(text: str | None, name: str) -> str:
    text = text or ""
    if any(c in text for c in ",;"):
        raise InvalidRequest("bhex", f"{name} holds a comma or semicolon; send it as json")
    return text


def simple_items(op: FinanceOp, items: Sequence[FinanceItem]) -> str:
    """The ``simple`` form: fields joined by ``,`` (empty optional fields keep their comma),
    items by ``;`` (airdrop: ``target_user_id,token_id,amount,to_target_lock,
    sub_business_subject``; batch lock/unlock: ``user_id,token_id,amount,desc``)."""
    rows = []
    for item in items:
        amount = plain(item.amount)
        if op is FinanceOp.AIRDROP:
            subject = "" if item.subject is None else str(item.subject)
            rows.append(f"{item.user_id},{item.token_id},{amount},{_bool(item.lock)},{subject}")
        else:
            rows.append(f"{item.user_id},{item.token_id},{amount},"
                        f"{_check_simple_text(item.desc, 'desc')}")
    return ";".join(rows)


def json_items(op: FinanceOp, items: Sequence[FinanceItem]) -> str:
    """The ``json`` form: an array of objects, ids and amounts as strings (the document)."""
    out: list[dict[str, Any]] = []
    for item in items:
        if op is FinanceOp.AIRDROP:
            row: dict[str, Any] = {"target_user_id": item.user_id, "token_id": item.token_id,
                                   "amount": plain(item.amount)}
            if item.lock is not None:
                row["to_target_lock"] = item.lock
            if item.subject is not None:
                row["sub_business_subject"] = item.subject
        else:
            row = {"user_id": item.user_id, "token_id": item.token_id,
                   "amount": plain(item.amount)}
            if item.desc:
                row["desc"] = item.desc
        out.append(row)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def needs_json(items: Iterable[FinanceItem]) -> bool:
    """Whether some item's text cannot be written in the ``simple`` form."""
    return any(item.desc and any(c in item.desc for c in ",;") for item in items)


# -- replies ----------------------------------------------------------------------------


def parse_task(data: Any) -> FinanceTask:
    """A task object ``{id, clientOrderId, desc, status}``."""
    return FinanceTask(id=str(data["id"]), client_order_id=str(data["clientOrderId"]),
                       desc=str(data.get("desc") or ""), status=int(data["status"]))


def _opt_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise ValueError(f"not a boolean: {value!r}")


def _item(row: dict[str, Any]) -> TaskItem:
    user = row.get("targetUserId", row.get("userId"))
    if user is None:
        raise KeyError("targetUserId")
    lock = row.get("toTargetLock")
    return TaskItem(user_id=str(user), token_id=str(row["tokenId"]),
                    amount=wire_amount(row["amount"]), status=int(row["status"]),
                    lock=_opt_bool(lock), desc=str(row.get("desc") or ""),
                    source_user_id=str(row.get("sourceUserId") or ""))


def parse_result(data: Any) -> TaskResult | None:
    """A result call's ``data``: ``task`` (or ``transferTask`` for airdrops) and ``items``;
    None when the venue knows no such task (``data`` empty or without a task)."""
    if not data:
        return None
    task = data.get("task") or data.get("transferTask")
    if not task:
        return None
    items = data.get("items") or []
    if not isinstance(items, list):
        raise TypeError("items is not a list")
    return TaskResult(parse_task(task), tuple(_item(row) for row in items))


# -- the endpoints ----------------------------------------------------------------------


def _client_order_id(value: str) -> str:
    text = (value or "").strip()
    if not text or len(text) > 64 or not text.isascii() or not text.isprintable():
        raise InvalidRequest("bhex", "client_order_id must be 1-64 printable ASCII characters")
    return text


def _desc(value: str | None) -> str | None:
    if value is not None and len(value) > DESC_MAX:
        raise InvalidRequest("bhex", f"desc is at most {DESC_MAX} characters")
    return value or None


def _positive(amount: Decimal) -> str:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise InvalidRequest("bhex", "amount must be an exact amount above 0")
    return plain(amount)


class BhexFinanceMixin:
    """The finance endpoints; mixed into the BHEX adapter (needs its ``request``)."""

    request: Callable[..., Awaitable[Any]]

    async def _finance(self, name: str, form: dict[str, Any], *, read: bool) -> Any:
        return await self.request("POST", FINANCE + name, read=read, form=form)

    async def _task(self, op: FinanceOp, client_order_id: str, items: Sequence[FinanceItem],
                    *, data_type: str, desc: str | None,
                    sub_business_subject: int | None = None) -> FinanceTask:
        if data_type not in DATA_TYPES:
            raise InvalidRequest("bhex", "data_type is simple or json")
        if not items:
            raise InvalidRequest("bhex", "a task needs at least one item")
        for item in items:
            _positive(item.amount)
            _desc(item.desc)
        text = simple_items(op, items) if data_type == "simple" else json_items(op, items)
        form = {"client_order_id": _client_order_id(client_order_id), "desc": _desc(desc),
                "data_type": data_type, "items": text}
        if op is FinanceOp.AIRDROP:
            form["sub_business_subject"] = sub_business_subject
        return parse_task(await self._finance(op.endpoint, form, read=False))

    @reads_reply
    async def finance_air_drop(self, client_order_id: str, items: Sequence[FinanceItem], *,
                               data_type: str = "simple", desc: str | None = None,
                               sub_business_subject: int | None = None) -> FinanceTask:
        """``POST finance/air_drop``: pay ``items`` out of the operating account as one
        task (answered at once, running)."""
        return await self._task(FinanceOp.AIRDROP, client_order_id, items,
                                data_type=data_type, desc=desc,
                                sub_business_subject=sub_business_subject)

    @reads_reply
    async def finance_batch_lock_position(self, client_order_id: str,
                                          items: Sequence[FinanceItem], *,
                                          data_type: str = "simple",
                                          desc: str | None = None) -> FinanceTask:
        """``POST finance/batch_lock_position``: lock each user's amount, as one task."""
        return await self._task(FinanceOp.BATCH_LOCK, client_order_id, items,
                                data_type=data_type, desc=desc)

    @reads_reply
    async def finance_batch_unlock_position(self, client_order_id: str,
                                            items: Sequence[FinanceItem], *,
                                            data_type: str = "simple",
                                            desc: str | None = None) -> FinanceTask:
        """``POST finance/batch_unlock_position``: unlock each user's amount, as one task."""
        return await self._task(FinanceOp.BATCH_UNLOCK, client_order_id, items,
                                data_type=data_type, desc=desc)

    async def _single(self, name: str, client_order_id: str, user_id: str, token_id: str,
                      amount: Decimal, desc: str | None) -> bool:
        from tui.venues.bhex_users import check_user_id

        form = {"client_order_id": _client_order_id(client_order_id),
                "user_id": check_user_id(user_id), "token_id": token_id,
                "amount": _positive(amount), "desc": _desc(desc)}
        data = await self._finance(name, form, read=False)
        return isinstance(data, dict) and data.get("success") is True

    async def finance_lock(self, client_order_id: str, user_id: str, token_id: str,
                           amount: Decimal, *, desc: str | None = None) -> bool:
        """``POST finance/lock``: lock ``amount`` of the user's ``token_id``; success."""
        return await self._single("lock", client_order_id, user_id, token_id, amount, desc)

    async def finance_unlock(self, client_order_id: str, user_id: str, token_id: str,
                             amount: Decimal, *, desc: str | None = None) -> bool:
        """``POST finance/unlock``: unlock ``amount`` of the user's ``token_id``; success."""
        return await self._single("unlock", client_order_id, user_id, token_id, amount, desc)

    @reads_reply
    async def _result(self, name: str, client_order_id: str) -> TaskResult | None:
        data = await self._finance(name, {"client_order_id": _client_order_id(client_order_id)},
                                   read=True)
        return parse_result(data)

    async def finance_get_air_drop_result(self, client_order_id: str) -> TaskResult | None:
        """``POST finance/get_air_drop_result``: the airdrop task and its items; None when
        the venue knows no task with this ``client_order_id``."""
        return await self._result("get_air_drop_result", client_order_id)

    async def finance_get_batch_transfer_result(self, client_order_id: str
                                                ) -> TaskResult | None:
        """``POST finance/get_batch_transfer_result`` (tasks of the deprecated
        ``batch_transfer``): as :meth:`finance_get_air_drop_result`."""
        return await self._result("get_batch_transfer_result", client_order_id)

    async def finance_get_batch_lock_position_result(self, client_order_id: str
                                                     ) -> TaskResult | None:
        """``POST finance/get_batch_lock_position_result``."""
        return await self._result("get_batch_lock_position_result", client_order_id)

    async def finance_get_batch_unlock_position_result(self, client_order_id: str
                                                       ) -> TaskResult | None:
        """``POST finance/get_batch_unlock_position_result``."""
        return await self._result("get_batch_unlock_position_result", client_order_id)

    async def finance_send(self, op: FinanceOp, client_order_id: str,
                           items: Sequence[FinanceItem], *, data_type: str = "simple",
                           desc: str | None = None) -> FinanceTask | bool:
        """Send one task of ``op`` (lock / unlock: its single item)."""
        if op is FinanceOp.AIRDROP:
            return await self.finance_air_drop(client_order_id, items, data_type=data_type,
                                               desc=desc)
        if op is FinanceOp.BATCH_LOCK:
            return await self.finance_batch_lock_position(client_order_id, items,
                                                          data_type=data_type, desc=desc)
        if op is FinanceOp.BATCH_UNLOCK:
            return await self.finance_batch_unlock_position(client_order_id, items,
                                                            data_type=data_type, desc=desc)
        if len(items) != 1:
            raise InvalidRequest("bhex", f"{op.value} takes one item")
        item = items[0]
        call = self.finance_lock if op is FinanceOp.LOCK else self.finance_unlock
        return await call(client_order_id, item.user_id, item.token_id, item.amount,
                          desc=item.desc or desc)

    @reads_reply
    async def finance_send_text(self, op: FinanceOp, client_order_id: str, data_type: str,
                                items: str, *, desc: str | None = None) -> FinanceTask | bool:
        """Send one task whose ``items`` are already the exact wire text of ``data_type``
        (as journaled); lock / unlock take the one-item ``json`` form."""
        if data_type not in DATA_TYPES or not items:
            raise InvalidRequest("bhex", "a task needs its data_type and items")
        if op.is_batch:
            form = {"client_order_id": _client_order_id(client_order_id), "desc": _desc(desc),
                    "data_type": data_type, "items": items}
            return parse_task(await self._finance(op.endpoint, form, read=False))
        (row,) = json.loads(items)
        return await self._single(op.endpoint, client_order_id, str(row["user_id"]),
                                  str(row["token_id"]), Decimal(str(row["amount"])),
                                  row.get("desc") or desc)

    async def finance_result(self, op: FinanceOp, client_order_id: str) -> TaskResult | None:
        """The result call of a batch ``op`` (NotImplementedError for lock / unlock)."""
        if op.result_endpoint is None:
            raise NotImplementedError(f"{op.value} has no result call")
        return await self._result(op.result_endpoint, client_order_id)
