"""A finance batch as one journal request: every task with its own ``client_order_id`` and
its exact wire ``items`` text, so the whole batch is on disk before the first task is sent.

:class:`FinanceBatchRequest` is the journal's ``finance_batch`` kind and the approvals
policy's one request for the batch (its totals, row count and file hash are among its
parameters; policy rules name it by the action ``airdrop``, ``lock`` or ``unlock`` and the
destination ``finance:<op>``, e.g. ``finance:batch-lock``). :func:`plan_batch` splits a prepared batch into venue-sized tasks.
"""

from __future__ import annotations

import secrets
import time
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from tui.core.money import exact_sum, plain
from tui.core.org_request import NoFeeOrRemark, current_operator
from tui.finance.batch import PreparedBatch
from tui.venues.bhex_finance import FinanceItem, FinanceOp, json_items, needs_json, simple_items

__all__ = ["FinanceAction", "FinanceTaskSpec", "FinanceBatchRequest", "plan_batch",
           "FINANCE_KINDS", "action_for", "is_finance_request", "parse_finance", "TASK_ROWS", "new_batch_key"]

TASK_ROWS = 500
"""Rows per batch task (the document sets no limit; docs/wire.md, "BHEX finance")."""


class FinanceAction(str, Enum):
    """Journaled finance actions: the approvals policy's action names for them."""

    AIRDROP = "airdrop"
    LOCK = "lock"
    UNLOCK = "unlock"


def action_for(op: FinanceOp) -> FinanceAction:
    """The journal kind (and policy action) of ``op``: airdrop, lock or unlock."""
    if op is FinanceOp.AIRDROP:
        return FinanceAction.AIRDROP
    return FinanceAction.LOCK if op in (FinanceOp.LOCK, FinanceOp.BATCH_LOCK) \
        else FinanceAction.UNLOCK


FINANCE_KINDS = frozenset(k.value for k in FinanceAction)


class FinanceTaskSpec(BaseModel):
    """One task: its ``client_order_id``, the file rows it carries (``first_row`` is the
    0-based position of its first row in the batch) and the exact ``items`` text sent."""

    model_config = ConfigDict(frozen=True)

    client_order_id: str
    first_row: int
    rows: int
    data_type: Literal["simple", "json"]
    items: str


class FinanceBatchRequest(NoFeeOrRemark, BaseModel):
    """A finance batch exactly as confirmed: ``op``, its tasks, and what approvers see
    (``totals`` per coin, ``row_count``, ``file_hash``, ``source``)."""

    model_config = ConfigDict(frozen=True)

    kind: FinanceAction
    profile: str
    venue: str = "bhex"
    client_key: str
    op: FinanceOp
    source: str
    file_hash: str
    row_count: int
    totals: dict[str, str]
    lines: list[int]
    """The file line of every row, in order (for the results table)."""
    tasks: list[FinanceTaskSpec]
    desc: str | None = None
    operator: str = ""

    @model_validator(mode="after")
    def _kind_fits_op(self) -> "FinanceBatchRequest":
        if self.kind is not action_for(self.op):
            raise ValueError(f"a {self.op.value} batch is journaled as {action_for(self.op).value}")
        return self

    @field_validator("totals")
    @classmethod
    def _exact(cls, value: dict[str, str]) -> dict[str, str]:
        for text in value.values():
            Decimal(text)
        return value

    # what journal listings and the approvals policy read from any request
    @property
    def coin(self) -> str:
        """The batch's coin, or ``MULTI`` when it moves several (the approvals policy then
        decides each coin's total on its own: :mod:`tui.approvals.per_coin`)."""
        return next(iter(self.totals)) if len(self.totals) == 1 else "MULTI"

    @property
    def amount(self) -> Decimal:
        """The total of the batch's coin (several coins: their sum, as a size only; rules
        read each coin's own total from ``totals``)."""
        return exact_sum(Decimal(t) for t in self.totals.values())

    @property
    def symbol(self) -> str:
        """What the policy's allow-lists match: ``finance:<op>``."""
        return f"finance:{self.op.value}"

    @property
    def destination(self) -> str:
        """The batch in words."""
        return (f"{self.op.value} of {self.row_count} rows in {len(self.tasks)} tasks "
                f"({self.source}, sha256 {self.file_hash[:12]})")

    def summary(self) -> list[tuple[str, str]]:
        """What is confirmed: the operation, rows, tasks, totals, file hash."""
        rows = [("operation", self.op.value), ("rows", str(self.row_count)),
                ("tasks", f"{len(self.tasks)} (client_order_id {self.tasks[0].client_order_id}"
                          f"{' …' if len(self.tasks) > 1 else ''})"),
                ("file", self.source), ("sha256", self.file_hash)]
        rows += [(f"total {coin}", text) for coin, text in sorted(self.totals.items())]
        return [*rows, ("profile", self.profile)]


def new_batch_key() -> str:
    """A fresh batch key; its tasks' ``client_order_id`` are this plus ``-<n>``."""
    return f"fb{time.time_ns() // 1_000_000}{secrets.token_hex(3)}"


def plan_batch(batch: PreparedBatch, *, profile: str, task_rows: int = TASK_ROWS,
               data_type: str | None = None, desc: str | None = None,
               key: str | None = None) -> FinanceBatchRequest:
    """Split ``batch`` into tasks of at most ``task_rows`` rows (lock / unlock: one row
    each), each with its ``client_order_id``; ``data_type`` None picks ``simple`` unless a
    row's text needs ``json``."""
    key = key or new_batch_key()
    size = task_rows if batch.op.is_batch else 1
    if size < 1:
        raise ValueError("a task holds at least one row")
    tasks = []
    for n, start in enumerate(range(0, batch.row_count, size), start=1):
        chunk: list[FinanceItem] = batch.items[start:start + size]
        kind = data_type or ("json" if needs_json(chunk) or not batch.op.is_batch
                             else "simple")
        text = (simple_items(batch.op, chunk) if kind == "simple"
                else json_items(batch.op, chunk))
        tasks.append(FinanceTaskSpec(client_order_id=f"{key}-{n}", first_row=start,
                                     rows=len(chunk), data_type=kind, items=text))
    return FinanceBatchRequest(kind=action_for(batch.op), profile=profile, client_key=key,
                               op=batch.op,
                               source=batch.source, file_hash=batch.file_hash,
                               row_count=batch.row_count,
                               totals={c: plain(t) for c, t in sorted(batch.totals.items())},
                               lines=list(batch.lines), tasks=tasks, desc=desc,
                               operator=current_operator())


def is_finance_request(request: Any) -> bool:
    """Whether ``request`` is a finance batch (for the journal's dispatch)."""
    return isinstance(request, FinanceBatchRequest)


def parse_finance(kind: str, text: str) -> FinanceBatchRequest:
    """A stored finance request of ``kind`` (JSON ``text``)."""
    if kind in FINANCE_KINDS:
        return FinanceBatchRequest.model_validate_json(text)
    raise ValueError(f"unknown finance action {kind!r}")
