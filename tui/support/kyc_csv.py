"""Read a KYC batch from a CSV file, checking every row before anything is sent.

The file has a header naming the columns (any order; ``user_id``, ``country_code``,
``first_name``, ``card_no``, ``verify_status`` required, ``last_name`` and ``card_type``
optional; an unknown column is refused so a misspelt one is not silently dropped). It is
UTF-8 (a byte-order mark is allowed: spreadsheets write one). Blank lines are skipped.
Any invalid row refuses the whole file: :class:`KycCsvError` names every bad line (line
numbers as an editor shows them, the header being line 1), up to
:data:`MAX_LISTED`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.errors import InvalidRequest
from tui.venues.bhex_users import kyc_item

__all__ = ["KycRow", "KycCsvError", "read_kyc_csv", "parse_kyc_csv", "COLUMNS",
           "REQUIRED", "MAX_ROWS", "MAX_LISTED"]

COLUMNS = ("user_id", "country_code", "first_name", "last_name", "card_type", "card_no",
           "verify_status")
REQUIRED = ("user_id", "country_code", "first_name", "card_no", "verify_status")
MAX_ROWS = 10_000
"""More rows than this is refused (split the file): one call carries them all."""
MAX_LISTED = 20
MAX_BYTES = 8 * 1024 * 1024


class KycCsvError(ValueError):
    """The file is refused as a whole; the message names the lines at fault."""


@dataclass(frozen=True)
class KycRow:
    """One checked row: its line in the file and the KYC fields (the document's names)."""

    line: int
    user_id: str
    fields: dict[str, Any]


def read_kyc_csv(path: Path) -> list[KycRow]:
    """The checked rows of the CSV at ``path``; :class:`KycCsvError` when any is bad."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise KycCsvError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise KycCsvError(exc.strerror or str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KycCsvError(f"not UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    return parse_kyc_csv(text)


def _int_cell(value: str, name: str) -> int | None:
    if value == "":
        return None
    if not value.isdigit():
        raise InvalidRequest("bhex", f"{name} must be a whole number, got {value[:20]!r}")
    return int(value)


def parse_kyc_csv(text: str) -> list[KycRow]:
    """The checked rows of CSV ``text``; :class:`KycCsvError` naming every bad line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise KycCsvError(f"line 1: {exc}") from None
    if header is None or not any(cell.strip() for cell in header):
        raise KycCsvError("the file is empty; the first line names the columns "
                          f"({', '.join(COLUMNS)})")
    names = [cell.strip().lower() for cell in header]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise KycCsvError(f"line 1: unknown column {unknown[0]!r}; the columns are "
                          f"{', '.join(COLUMNS)}")
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise KycCsvError(f"line 1: column {doubled[0]!r} appears twice")
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise KycCsvError(f"line 1: missing column {', '.join(missing)}")
    rows: list[KycRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {line}: {exc}")
            break
        line = reader.line_num  # a quoted cell may span lines: the row's last line
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            problems.append(f"line {line}: {len(cells)} cells, the header has {len(names)}")
            continue
        cell = {n: c.strip() for n, c in zip(names, cells, strict=True)}
        try:
            item = kyc_item(cell["user_id"], country_code=cell["country_code"],
                            first_name=cell["first_name"], card_no=cell["card_no"],
                            last_name=cell.get("last_name") or None,
                            card_type=_int_cell(cell.get("card_type", ""), "card_type"),
                            verify_status=_int_cell(cell["verify_status"], "verify_status"))
            if item["verify_status"] is None:
                raise InvalidRequest("bhex", "verify_status is required")
        except InvalidRequest as exc:
            problems.append(f"line {line}: {str(exc).removeprefix('bhex: ')}")
            continue
        uid = item["user_id"]
        if uid in seen:
            problems.append(f"line {line}: user {uid} again (first on line {seen[uid]})")
            continue
        seen[uid] = line
        rows.append(KycRow(line, uid, {k: v for k, v in item.items() if k != "user_id"}))
    if problems:
        more = len(problems) - MAX_LISTED
        listed = "; ".join(problems[:MAX_LISTED]) + (f"; and {more} more" if more > 0 else "")
        raise KycCsvError(f"{len(problems)} invalid row(s), the file is refused: {listed}")
    if not rows:
        raise KycCsvError("no rows after the header")
    if len(rows) > MAX_ROWS:
        raise KycCsvError(f"{len(rows)} rows; at most {MAX_ROWS} in one file")
    return rows
