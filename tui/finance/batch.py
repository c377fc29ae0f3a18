"""Preparing a finance batch: rows read from a CSV (header ``uid,coin,amount``, optional
``lock``, ``subject``) or typed, every row checked, and a preview with per-coin totals
against the operating account's available balance.

A file with any invalid row is refused whole: :class:`BatchRefused` lists every problem by
line number. Checks per row: ``uid`` digits (and in the org's user index when one is
given), ``coin`` one the venue knows (its spelling kept), ``amount`` plain digits above 0
within the coin's decimals (``1e3``, signs, thousands separators refused), ``lock``
true/false (airdrop only), ``subject`` a ``sub_business_subject`` number (airdrop) or the
row's ``desc`` (lock and unlock, at most 100 characters). The same user and coin twice is
a duplicate and refused unless allowed. A BOM, quoted fields and blank lines are read as
CSV means them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.core.money import exact_sum, plain
from tui.venues.bhex_finance import DESC_MAX, FinanceItem, FinanceOp

__all__ = ["BatchRefused", "PreparedBatch", "prepare_csv", "prepare_rows", "read_csv_rows",
           "COLUMNS", "REQUIRED", "MAX_ROWS", "MAX_PROBLEMS_SHOWN"]

REQUIRED = ("uid", "coin", "amount")
COLUMNS = (*REQUIRED, "lock", "subject")
MAX_ROWS = 1_000_000
MAX_BYTES = 256 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 20
_AMOUNT = re.compile(r"[0-9]{1,40}(\.[0-9]{1,40})?")
_EXPONENT = re.compile(r"[+-]?[0-9.]+[eE][+-]?[0-9]+")
_UID = re.compile(r"[0-9]{1,19}")
_TRUE = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": None}


class BatchRefused(ValueError):
    """The batch is refused whole; ``problems`` are ``line N: why`` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        super().__init__(f"the batch is refused ({len(self.problems)} problem"
                         f"{'s' if len(self.problems) != 1 else ''}): {text}")


@dataclass
class PreparedBatch:
    """A checked batch: its rows (with their file lines), totals and the preview's facts."""

    op: FinanceOp
    items: list[FinanceItem]
    lines: list[int]
    file_hash: str
    source: str
    totals: dict[str, Decimal] = field(default_factory=dict)
    available: dict[str, Decimal | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        """How many rows the batch holds."""
        return len(self.items)

    def shortfalls(self) -> dict[str, Decimal]:
        """Coin -> how much the operating account lacks (airdrops only; a coin whose
        balance could not be read counts as none available)."""
        if not self.op.spends_operating_account:
            return {}
        short = {}
        for coin, total in self.totals.items():
            have = self.available.get(coin) or Decimal(0)
            if total > have:
                short[coin] = total - have
        return short

    def preview_lines(self) -> list[str]:
        """The preview: rows, file hash and per-coin totals against what is available."""
        out = [f"{self.op.value}: {self.row_count} rows from {self.source} "
               f"(sha256 {self.file_hash[:16]}…)"]
        width = max((len(c) for c in self.totals), default=4)
        for coin in sorted(self.totals):
            total = self.totals[coin]
            if self.op.spends_operating_account:
                have = self.available.get(coin)
                after = "unknown" if have is None else plain(have - total)
                mark = "  SHORT" if coin in self.shortfalls() else ""
                out.append(f"  {coin.ljust(width)}  total {plain(total)}  available "
                           f"{'unknown' if have is None else plain(have)}  after "
                           f"{after}{mark}")
            else:
                out.append(f"  {coin.ljust(width)}  total {plain(total)}")
        out += [f"  note: {n}" for n in self.notes]
        return out


def read_csv_rows(data: bytes) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number where the row starts, row by lower-case column) of a CSV file's bytes;
    a BOM is dropped and blank lines skipped. Raises BatchRefused for a missing or unknown column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchRefused([f"the file is not UTF-8 text (byte {exc.start})"]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    ended = 0
    try:
        for fields in reader:
            # a row's line is where it starts (a quoted field may span lines)
            line, ended = ended + 1, reader.line_num
            if not fields or not "".join(fields).strip():
                continue
            if header is None:
                header = [f.strip().lower() for f in fields]
                missing = [c for c in REQUIRED if c not in header]
                unknown = [c for c in header if c not in COLUMNS]
                dup = {c for c in header if header.count(c) > 1}
                if missing or unknown or dup:
                    why = []
                    if missing:
                        why.append(f"missing column {', '.join(missing)}")
                    if unknown:
                        why.append(f"unknown column {', '.join(repr(u) for u in unknown)}")
                    if dup:
                        why.append(f"column {', '.join(sorted(dup))} twice")
                    raise BatchRefused([f"line {reader.line_num}: header: {'; '.join(why)} "
                                        f"(columns: {', '.join(COLUMNS)})"])
                continue
            if len(fields) != len(header):
                yield line, {"__width__": f"{len(fields)} fields where the header "
                                         f"has {len(header)}"}
                continue
            yield line, dict(zip(header, fields))
    except csv.Error as exc:
        raise BatchRefused([f"line {reader.line_num}: not valid CSV ({exc})"]) from None
    if header is None:
        raise BatchRefused(["the file holds no header (uid,coin,amount)"])


def prepare_csv(op: FinanceOp, path: Path | str, **checks: Any) -> PreparedBatch:
    """Read and check the CSV file at ``path`` (see :func:`prepare_rows` for ``checks``)."""
    source = Path(path)
    try:
        if source.stat().st_size > MAX_BYTES:
            raise BatchRefused([f"{source.name} is larger than {MAX_BYTES // 2**20} MB"])
        data = source.read_bytes()
    except OSError as exc:
        raise BatchRefused([f"cannot read {source}: {exc.strerror or exc}"]) from None
    batch = prepare_rows(op, read_csv_rows(data), file_hash=hashlib.sha256(data).hexdigest(),
                         source=source.name, **checks)
    return batch


def _typed_hash(rows: list[tuple[int, dict[str, str]]]) -> str:
    digest = hashlib.sha256()
    for line, row in rows:
        digest.update(f"{line}:{sorted(row.items())}\n".encode())
    return digest.hexdigest()


def prepare_rows(op: FinanceOp, rows: Iterable[tuple[int, Mapping[str, str]]], *,
                 coins: Mapping[str, int] | None = None,
                 known_users: Callable[[Iterable[str]], set[str]] | None = None,
                 available: Mapping[str, Decimal | None] | None = None,
                 allow_duplicates: bool = False, file_hash: str | None = None,
                 source: str = "typed rows") -> PreparedBatch:
    """Check ``rows`` ((line, {column: text})) for ``op``; the batch, or BatchRefused listing
    every problem.

    ``coins``: the coins the venue knows, upper-case name -> decimals allowed (None: any
    coin, 18 decimals). ``known_users``: which of the given uids the org has (the user
    index; None: not checked). ``available``: the operating account's available balance
    per coin (for the preview)."""
    problems: list[str] = []
    items: list[FinanceItem] = []
    lines: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    materialised = rows if file_hash is not None else list(rows)
    is_airdrop = op is FinanceOp.AIRDROP
    spelled = {name.upper(): name for name in (coins or {})}
    for line, row in materialised:
        if len(lines) + len(problems) >= MAX_ROWS:
            problems.append(f"line {line}: more than {MAX_ROWS} rows; split the file")
            break
        if "__width__" in row:
            problems.append(f"line {line}: {row['__width__']}")
            continue
        why: list[str] = []
        uid = (row.get("uid") or "").strip()
        if not _UID.fullmatch(uid) or int(uid) == 0:
            why.append(f"uid {uid[:24]!r} is not a user id (digits)")
        coin_text = (row.get("coin") or "").strip()
        coin = spelled.get(coin_text.upper(), coin_text) if coins is not None else coin_text
        decimals = 18
        if not coin_text:
            why.append("coin is empty")
        elif coins is not None and coin_text.upper() not in spelled:
            why.append(f"coin {coin_text[:16]!r} is not one the venue lists")
        elif coins is not None:
            decimals = coins[coin]
        amount_text = (row.get("amount") or "").strip()
        amount = None
        if _EXPONENT.fullmatch(amount_text):
            why.append(f"amount {amount_text!r} is written with an exponent; write the digits")
        elif not _AMOUNT.fullmatch(amount_text):
            why.append(f"amount {amount_text[:24]!r} is not a plain amount (digits and one "
                       "point)")
        else:
            # 1.50 is 1.5: the same value, so nothing is rounded
            digits = amount_text.rstrip("0").rstrip(".") if "." in amount_text else amount_text
            amount = Decimal(digits or "0")
            places = len(digits.partition(".")[2])
            if amount <= 0:
                why.append("amount must be more than 0")
            elif places > decimals:
                why.append(f"amount {amount_text} has {places} decimals; {coin} allows "
                           f"{decimals}")
        lock_text = (row.get("lock") or "").strip().lower()
        lock = _TRUE.get(lock_text, "bad")
        if lock == "bad":
            why.append(f"lock {lock_text[:8]!r} is not true or false")
        elif lock is not None and not is_airdrop:
            why.append("lock applies to airdrops only")
        subject_text = (row.get("subject") or "").strip()
        subject: int | None = None
        desc: str | None = None
        if is_airdrop and subject_text:
            if not subject_text.isdigit() or len(subject_text) > 9:
                why.append(f"subject {subject_text[:12]!r} is not a sub_business_subject "
                           "number")
            else:
                subject = int(subject_text)
        elif subject_text:
            if len(subject_text) > DESC_MAX or not subject_text.isprintable():
                why.append(f"subject (the desc) must be at most {DESC_MAX} printable "
                           "characters")
            desc = subject_text
        if not why:
            key = (uid, coin)
            first = seen.get(key)
            if first is not None and not allow_duplicates:
                why.append(f"duplicate of line {first} (uid {uid}, {coin})")
            else:
                seen.setdefault(key, line)
        if why:
            problems.append(f"line {line}: {'; '.join(why)}")
            continue
        items.append(FinanceItem(uid, coin, amount, lock=lock,  # type: ignore[arg-type]
                                 subject=subject, desc=desc))
        lines.append(line)
    if not items and not problems:
        problems.append("the batch holds no rows")
    if known_users is not None and items:
        have = known_users(item.user_id for item in items)
        for item, line in zip(items, lines):
            if item.user_id not in have:
                problems.append(f"line {line}: uid {item.user_id} is not in the org's user "
                                "index (run `coinsole users sync`)")
    if problems:
        problems.sort(key=lambda p: int(p.split(":", 1)[0].removeprefix("line ") or 0)
                      if p.startswith("line ") else 0)
        raise BatchRefused(problems)
    by_coin: dict[str, list[Decimal]] = {}
    for item in items:
        by_coin.setdefault(item.token_id, []).append(item.amount)
    totals = {coin: exact_sum(amounts) for coin, amounts in by_coin.items()}
    batch = PreparedBatch(op, items, lines,
                          file_hash or _typed_hash(list(materialised)),  # type: ignore[arg-type]
                          source, totals)
    batch.available = {coin: (available or {}).get(coin) for coin in totals}
    if known_users is None:
        batch.notes.append("uids not checked: no user index for this org "
                           "(`coinsole users sync` builds one)")
    return batch
