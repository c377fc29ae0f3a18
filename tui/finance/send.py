"""Sending a journaled finance batch, task by task, without ever applying a task twice,
and reading every row's outcome back.

:func:`send_batch` is what the journal's dispatch calls to send a
:class:`~tui.finance.request.FinanceBatchRequest` (and to resend it, KEYED, after a crash
or a lost reply). Each task of an airdrop or batch lock/unlock is first looked up by its
``client_order_id`` through its result call: a task the venue already has is settled, not
sent. A task whose reply is lost is looked up again, then resent with the same
``client_order_id`` (the venue keys tasks by it). ``lock`` / ``unlock`` have no result call:
they are resent with the same ``client_order_id`` only (docs/wire.md, "BHEX finance").
When some task's outcome is still unknown the send raises
:class:`~tui.core.errors.OutcomeUnknown`, so the journal holds the batch UNKNOWN and
``coinsole journal settle`` (or ``finance resume``) sends the rest.

:func:`collect_results` polls the result calls until every task has finished and gives one
:class:`RowOutcome` per row of the file.
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.core.errors import (InsufficientFunds, InvalidRequest, OutcomeUnknown, RateLimited,
                             VenueError, VenueUnavailable)
from tui.core.moves import MoveReceipt, MoveStatus
from tui.finance.request import FinanceBatchRequest, FinanceTaskSpec
from tui.venues.bhex_finance import FinanceOp, TaskResult

__all__ = ["send_batch", "look_up_batch", "collect_results", "RowOutcome", "task_rows",
           "write_results_csv", "PROGRESS", "SEND_ATTEMPTS", "refused_tasks"]

SEND_ATTEMPTS = 4
"""Sends of one task (the first and same-key resends) before its outcome is left unknown."""
PROGRESS: dict[str, Callable[[str, int, int], None]] = {}
"""batch key -> callback(phase, done, total), called while sending and polling."""
_REFUSED = "refused "
_UNSURE = (OutcomeUnknown, VenueUnavailable, RateLimited)


def _report(key: str, phase: str, done: int, total: int) -> None:
    callback = PROGRESS.get(key)
    if callback is not None:
        callback(phase, done, total)


async def _lookup(adapter: Any, op: FinanceOp, cid: str) -> TaskResult | None:
    """The task's result, retrying a read the venue could not answer."""
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await adapter.finance_result(op, cid)
        except _UNSURE:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))  # float-ok: seconds
    return None


async def _send_task(adapter: Any, request: FinanceBatchRequest,
                     task: FinanceTaskSpec) -> str:
    """``sent`` / ``found`` / ``refused: why``; raises OutcomeUnknown when it cannot tell
    (also for any error once the task has been sent: it may have landed)."""
    op = request.op
    if op.is_batch and await _lookup(adapter, op, task.client_order_id) is not None:
        return "found"
    try:
        return await _send_and_check(adapter, request, task)
    except OutcomeUnknown:
        raise
    except VenueError as exc:
        raise OutcomeUnknown("bhex", f"task {task.client_order_id}: "
                                     f"{str(exc).removeprefix('bhex: ')} after sending; "
                                     "settle the batch to finish it") from None


async def _send_and_check(adapter: Any, request: FinanceBatchRequest,
                          task: FinanceTaskSpec) -> str:
    op = request.op
    for attempt in range(SEND_ATTEMPTS):
        try:
            await adapter.finance_send_text(op, task.client_order_id, task.data_type,
                                            task.items, desc=request.desc)
            return "sent"
        except _UNSURE:
            if attempt == SEND_ATTEMPTS - 1:
                break
            await asyncio.sleep(0.1 * (attempt + 1))  # float-ok: seconds
            if op.is_batch and await _lookup(adapter, op, task.client_order_id) is not None:
                return "found"
        except (InvalidRequest, InsufficientFunds) as exc:
            if op.is_batch and await _lookup(adapter, op, task.client_order_id) is not None:
                return "found"  # a repeat the venue refused: the first send applied it
            sure = "" if attempt == 0 else " (after a lost reply: an earlier send may have applied it)"
            return f"refused: {str(exc).removeprefix('bhex: ')}{sure}"
    raise OutcomeUnknown("bhex", f"task {task.client_order_id}: no answer after "
                                 f"{SEND_ATTEMPTS} sends; settle the batch to finish it")


async def send_batch(adapter: Any, request: FinanceBatchRequest) -> MoveReceipt:
    """Send (or resume) every task of ``request``; the batch's receipt (DONE, with how many
    tasks the venue took and which it refused)."""
    total = len(request.tasks)
    refused: list[str] = []
    found = 0
    for n, task in enumerate(request.tasks, start=1):
        try:
            outcome = await _send_task(adapter, request, task)
        except OutcomeUnknown:
            raise
        except VenueError as exc:
            if n == 1:
                raise  # nothing of the batch reached the venue: the refusal stands
            # Earlier tasks are at the venue: the batch is unfinished, not refused.
            raise OutcomeUnknown("bhex", f"task {task.client_order_id} stopped the batch "
                                         f"({str(exc).removeprefix('bhex: ')}); settle it "
                                         "to send the rest") from None
        if outcome == "found":
            found += 1
        elif outcome.startswith("refused"):
            refused.append(f"{_REFUSED}{task.client_order_id}: {outcome[9:]}")
        _report(request.client_key, "sending", n, total)
    taken = total - len(refused)
    evidence = f"{taken} of {total} tasks at the venue ({found} found by client_order_id)"
    if refused:
        evidence += " | " + " | ".join(refused)
    return MoveReceipt(venue_ref=request.client_key, status=MoveStatus.DONE,
                       venue_status=f"{taken} of {total} tasks accepted", evidence=evidence)


async def look_up_batch(adapter: Any, request: FinanceBatchRequest) -> MoveReceipt | None:
    """The batch's receipt when the venue has every task (batch operations), else None."""
    if not request.op.is_batch:
        raise NotImplementedError("lock / unlock have no result call")
    for task in request.tasks:
        if await _lookup(adapter, request.op, task.client_order_id) is None:
            return None
    total = len(request.tasks)
    return MoveReceipt(venue_ref=request.client_key, status=MoveStatus.DONE,
                       venue_status=f"{total} of {total} tasks accepted",
                       evidence="every task found by client_order_id")


def refused_tasks(receipt: MoveReceipt | None) -> dict[str, str]:
    """client_order_id -> why, for the tasks a receipt says the venue refused."""
    out = {}
    for part in ((receipt.evidence or "").split(" | ") if receipt else [])[1:]:
        if part.startswith(_REFUSED):
            cid, _, why = part[len(_REFUSED):].partition(": ")
            out[cid] = why
    return out


# -- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowOutcome:
    """One file row's outcome: ``ok`` True done, False failed, None not known yet."""

    line: int
    uid: str
    coin: str
    amount: Decimal
    client_order_id: str
    outcome: str
    ok: bool | None


def task_rows(op: FinanceOp, task: FinanceTaskSpec) -> list[tuple[str, str, Decimal]]:
    """(uid, coin, amount) of each item a task carries, from its journaled wire text."""
    if task.data_type == "json":
        return [(str(r.get("target_user_id", r.get("user_id"))), str(r["token_id"]),
                 Decimal(str(r["amount"]))) for r in json.loads(task.items)]
    return [(f[0], f[1], Decimal(f[2])) for f in (p.split(",") for p in task.items.split(";"))]


def _outcomes(request: FinanceBatchRequest, task: FinanceTaskSpec,
              result: TaskResult | None, refused: str | None, sent: bool) -> list[RowOutcome]:
    rows = task_rows(request.op, task)
    lines = request.lines[task.first_row:task.first_row + task.rows]
    out = []
    items = list(result.items) if result is not None else []
    for k, ((uid, coin, amount), line) in enumerate(zip(rows, lines)):
        if refused is not None:
            text, ok = f"refused: {refused}", False
        elif not request.op.is_batch:
            text, ok = ("done (success)", True) if sent else ("not sent", None)
        elif result is None:
            text, ok = ("not at the venue", False) if sent else ("not sent", None)
        elif result.task.running:
            text, ok = "running", None
        elif k < len(items) and (items[k].user_id, items[k].token_id, items[k].amount) == \
                (uid, coin, amount):
            text, ok = items[k].status_text, items[k].ok
        else:
            match = next((i for i in items if (i.user_id, i.token_id, i.amount)
                          == (uid, coin, amount)), None)
            text, ok = ((match.status_text, match.ok) if match
                        else (f"task {result.task.status_text}, row not listed", False))
        out.append(RowOutcome(line, uid, coin, amount, task.client_order_id, text, ok))
    return out


async def collect_results(adapter: Any, request: FinanceBatchRequest,
                          receipt: MoveReceipt | None, *, wait_s: float = 120.0,  # float-ok
                          interval_s: float = 0.5) -> list[RowOutcome]:  # float-ok: seconds
    """Every row's outcome: poll each task's result call until it is no longer running (or
    ``wait_s`` passes; then its rows read ``running``)."""
    refused = refused_tasks(receipt)
    sent = receipt is not None
    done: dict[str, TaskResult | None] = {}
    pending = [t for t in request.tasks if t.client_order_id not in refused]
    if not request.op.is_batch:
        pending = []
    total = len(request.tasks)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while pending:
        still = []
        for task in pending:
            try:
                result = await _lookup(adapter, request.op, task.client_order_id)
            except VenueError:
                result = None
                still.append(task)
                continue
            done[task.client_order_id] = result
            if result is not None and result.task.running:
                still.append(task)
        pending = still
        _report(request.client_key, "polling", total - len(pending), total)
        if not pending or loop.time() + interval_s > deadline:
            break
        await asyncio.sleep(interval_s)
    out: list[RowOutcome] = []
    for task in request.tasks:
        out += _outcomes(request, task, done.get(task.client_order_id),
                         refused.get(task.client_order_id), sent)
    return out


def write_results_csv(path: Path | str, rows: list[RowOutcome]) -> None:
    """Every row's outcome as CSV (line, uid, coin, amount, client_order_id, outcome)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "uid", "coin", "amount", "client_order_id", "outcome"])
        for row in rows:
            writer.writerow([row.line, row.uid, row.coin, format(row.amount, "f"),
                             row.client_order_id, row.outcome])
