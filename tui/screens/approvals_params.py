"""The wire parameters of an approval request as the detail shows them: short values in
full, long lists and long texts collapsed to a summary (how many, the first few), and a
finance batch (``tasks`` / ``lines`` of thousands of rows) summed up as its row count,
per-coin totals, file hash and first rows. Nothing here changes the parameters: the
request hash covers them exactly as stored, and :func:`full_text` shows every one of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["ParamLine", "LIST_SHOWN", "TEXT_SHOWN", "param_text", "param_lines",
           "batch_summary", "first_rows", "full_text"]

LIST_SHOWN = 3
"""Items of a long list shown before it is summed up."""
LIST_LONG = 6
"""A list of this many items or more is collapsed."""
TEXT_SHOWN = 120
"""Characters of a long value shown before the rest is cut."""
TEXT_LONG = 160
"""A value whose text is longer than this is collapsed."""


@dataclass(frozen=True)
class ParamLine:
    """One wire parameter in the detail: its name, its text, whether it was shortened."""
    key: str
    text: str
    collapsed: bool = False


def param_text(value: Any) -> str:
    """A wire parameter as read in the detail: ``-`` for none, objects as ``key=value``."""
    if value in (None, "", {}, []):
        return "-"
    if isinstance(value, dict):
        return "  ".join(f"{k}={param_text(v)}" for k, v in sorted(value.items())
                         if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(param_text(v) for v in value)
    return str(value)


def _cut(text: str, limit: int = TEXT_SHOWN) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _line(key: str, value: Any) -> ParamLine:
    if isinstance(value, list) and len(value) >= LIST_LONG:
        head = ", ".join(_cut(param_text(v), TEXT_SHOWN // LIST_SHOWN) for v in value[:LIST_SHOWN])
        return ParamLine(key, f"{len(value):,} items: {head}, …", True)
    text = param_text(value)
    if len(text) > TEXT_LONG:
        return ParamLine(key, f"{_cut(text)} ({len(text):,} characters)", True)
    return ParamLine(key, text)


def param_lines(params: dict) -> list[ParamLine]:
    """Every wire parameter, sorted by name, long ones collapsed."""
    return [_line(str(key), params[key]) for key in sorted(params)]


def first_rows(params: dict, n: int = LIST_SHOWN) -> list[str]:
    """The first ``n`` rows a finance batch sends (from its first task's ``items``: the
    ``simple`` form's ``;``-separated rows or the ``json`` form's objects), as text."""
    tasks = params.get("tasks") or []
    rows: list[str] = []
    for task in tasks:
        if len(rows) >= n or not isinstance(task, dict):
            break
        items = str(task.get("items", ""))
        if task.get("data_type") == "json":
            try:
                parsed = json.loads(items)
            except ValueError:
                parsed = []
            rows += [" ".join(str(v) for v in row.values()) if isinstance(row, dict)
                     else str(row) for row in parsed[:n - len(rows)]]
        else:
            rows += [row.replace(",", " ").strip() for row in items.split(";")[:n - len(rows)]]
    return rows


def batch_summary(params: dict) -> list[tuple[str, str]] | None:
    """A finance batch in a few lines - rows and tasks, the total of each coin, the file and
    its hash, the first rows - or None when ``params`` is not a batch."""
    if not {"row_count", "totals", "file_hash", "tasks"} <= params.keys():
        return None
    rows = int(params["row_count"])
    tasks = params["tasks"] if isinstance(params["tasks"], list) else []
    totals = params["totals"] if isinstance(params["totals"], dict) else {}
    shown = first_rows(params)
    more = f" (first {len(shown)} of {rows:,})" if rows > len(shown) else ""
    return [("rows", f"{rows:,} in {len(tasks):,} task{'s' if len(tasks) != 1 else ''}"),
            ("totals", " · ".join(f"{coin} {total}" for coin, total in sorted(totals.items()))
             or "-"),
            ("file", f"{params.get('source') or '-'}  sha256 {params['file_hash']}"),
            ("first rows", "; ".join(shown) + more if shown else "-")]


def full_text(params: dict) -> str:
    """Every wire parameter in full (JSON, keys sorted, one value a line), for reading."""
    return json.dumps(params, indent=2, sort_keys=True, ensure_ascii=False)
