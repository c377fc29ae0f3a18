"""Where a :class:`~tui.widgets.record_table.RecordTable` keeps its records: a private,
temporary SQLite database, so a table of a million records holds a screenful in memory.

Each record is stored pickled, beside what the table needs to find it without unpickling:
its key (``record_key``), its load order (``seq``), a sort key per column and the
case-folded text the filter searches. With ``derive`` (what RecordTable uses) a record's
sort keys and search text are worked out as it is loaded, while it is in hand, so the
first sort only builds an index and the first filter only scans text; without it they
are worked out, unpickling every record, the first time the table is sorted by a column
or filtered (records added later get theirs on the next such use). :class:`RecordSource` reads it as a
:class:`~tui.stores.table_query.RowSource`, so the table pages through it by key
(keyset, no OFFSET) with the same window arithmetic as the virtual table.

Orders: load order is ``seq``; a column sorts numbers (exactly, by
:func:`~tui.stores.exact.sort_key`) before text (case-folded) before blanks, ties in load
order; reversed is the exact reverse of that list. The page cache is small and the
database lives in a temporary file SQLite deletes on close, so memory stays flat however
many records are loaded.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.stores.exact import sort_key
from tui.stores.keyset import page_sql
from tui.stores.table_query import Column, FilterError, Query, Record

__all__ = ["RecordStore", "RecordSource", "StoredRecord", "SortValue", "sort_value",
           "LOAD_ORDER", "CACHE_KB"]

LOAD_ORDER = ""
"""The sort of a :class:`Query` that keeps the records in load order."""
CACHE_KB = 2048
"""SQLite's page cache per table: what a table holds in memory however large it is."""
BATCH = 2000
"""Records written per statement batch (bounds the memory a long load holds)."""

SortValue = tuple[int, str]
"""A cell's sort key: rank (0 number, 1 text, 2 blank) and text ordering within it."""


def sort_value(value: Any, text: Callable[[Any], str]) -> SortValue:
    """``value``'s sort key: numbers exactly by size, then text case-folded (``text``
    gives a value's text), then blanks (None or "")."""
    if value is None or value == "":
        return (2, "")
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        key = _number_key(value)
        if key is not None:
            return (0, key)
    return (1, text(value).casefold())


def _number_key(value: int | Decimal) -> str | None:
    if isinstance(value, int):
        return sort_key((value, 0))
    if not value.is_finite():
        return None
    sign, digits, exponent = value.as_tuple()
    number = int("".join(map(str, digits)) or "0")
    if exponent >= 0:  # type: ignore[operator]
        number, scale = number * 10 ** exponent, 0  # type: ignore[operator]
    else:
        scale = -exponent  # type: ignore[operator]
    if number and not -500 < len(str(number)) - 1 - scale < 499:
        return None  # beyond the key's exponent range: sorted as text
    return sort_key((-number if sign else number, scale))


@dataclass(frozen=True)
class StoredRecord(Record):
    """A row of a :class:`RecordStore` in a window: ``record`` is the record itself
    (``key`` places it in the order, ``ident`` is ``(seq,)``)."""

    record: Any = None


class RecordStore:
    """The records of one table (see the module text).

    ``sorts`` gives a record's sort key for each column (by index, see
    :func:`sort_value`); ``search`` the case-folded text a filter looks in. Used from the
    thread that made it."""

    def __init__(self, columns: int, *, sorts: Callable[[Any, int], SortValue],
                 search: Callable[[Any], str],
                 derive: Callable[[Any], tuple[str, Sequence[SortValue]]] | None = None
                 ) -> None:
        self.columns = columns
        self._sorts = sorts
        self._search = search
        self._derive = derive
        # "" is a private temporary database on disk, deleted when the connection closes
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KB}")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        sorts_sql = "".join(f", r{i} INTEGER, v{i} TEXT" for i in range(columns))
        self.db.execute(f"CREATE TABLE rows (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, "
                        f"blob BLOB NOT NULL, search TEXT{sorts_sql})")
        self.db.execute("CREATE INDEX rows_key ON rows(key)")
        self._next = 0
        self._count = 0
        self._indexed: set[int] = set()
        self._ready: set[int | str] = set(range(columns)) | {"search"} if derive else set()
        """Columns whose sort keys every row has (and "search" when every row's text is in);
        with ``derive`` every row gets all of them as it is added."""

    def close(self) -> None:
        """Drop the records (SQLite deletes the temporary file)."""
        self.db.close()

    def __len__(self) -> int:
        return self._count

    # -- writing ------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget every record."""
        self.db.execute("DELETE FROM rows")
        self._count = 0

    def add(self, rows: Iterable[tuple[str, Any]], *, skip_known: bool = False) -> int:
        """Append ``(key, record)`` rows in load order; with ``skip_known``, rows whose
        key is already stored (or repeated) are left out. Returns how many were added."""
        added = 0
        seen: set[str] = set()
        batch: list[tuple[str, Any]] = []
        dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
        derive = self._derive
        derived = "".join(f", r{i}, v{i}" for i in range(self.columns))
        insert = (f"INSERT INTO rows (seq, key, blob, search{derived}) VALUES "
                  f"(?, ?, ?, ?{', ?, ?' * self.columns})")

        def flush() -> None:
            nonlocal added
            if skip_known:
                known = {k for (k,) in self._known([key for key, _ in batch])}
                fresh = []
                for key, record in batch:
                    if key not in known and key not in seen:
                        seen.add(key)
                        fresh.append((key, record))
            else:
                fresh = batch
            first = self._next
            self._next += len(fresh)
            if derive is None:
                self.db.executemany("INSERT INTO rows (seq, key, blob) VALUES (?, ?, ?)",
                                    [(first + n, key, dumps(record, protocol))
                                     for n, (key, record) in enumerate(fresh)])
            else:
                self.db.executemany(insert, [_derived_row(first + n, key, dumps(record, protocol),
                                                          *derive(record))
                                             for n, (key, record) in enumerate(fresh)])
            added += len(fresh)
            batch.clear()

        self.db.execute("BEGIN")
        try:
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    flush()
            if batch:
                flush()
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        finally:
            self._count = self.db.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
        if added and derive is None:
            self._ready.clear()
        return added

    def _known(self, keys: list[str]) -> list[tuple[str]]:
        found: list[tuple[str]] = []
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            found += self.db.execute(f"SELECT key FROM rows WHERE key IN "
                                     f"({', '.join('?' for _ in part)})", part).fetchall()
        return found

    # -- what a query needs ---------------------------------------------------------------

    def sortable(self, column: int) -> None:
        """Make sure every row has ``column``'s sort key, and an index to read it by."""
        if column not in self._ready:
            self._fill(f"r{column} IS NULL", f"r{column} = ?, v{column} = ?",
                       lambda record: self._sorts(record, column))
            self._ready.add(column)
        if column not in self._indexed:
            self.db.execute(f"CREATE INDEX IF NOT EXISTS sort{column} "
                            f"ON rows(r{column}, v{column}, seq)")
            self._indexed.add(column)

    def searchable(self) -> None:
        """Make sure every row has its search text."""
        if "search" not in self._ready:
            self._fill("search IS NULL", "search = ?", lambda record: (self._search(record),))
            self._ready.add("search")

    def _fill(self, missing: str, assign: str, values: Callable[[Any], tuple[Any, ...]]) -> None:
        loads = pickle.loads
        self.db.execute("BEGIN")
        try:
            while True:
                rows = self.db.execute(f"SELECT seq, blob FROM rows WHERE {missing} "
                                       f"LIMIT {BATCH}").fetchall()
                if not rows:
                    break
                self.db.executemany(f"UPDATE rows SET {assign} WHERE seq = ?",
                                    [(*values(loads(blob)), seq) for seq, blob in rows])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise


def _derived_row(seq: int, key: str, blob: bytes, search: str,
                 sorts: Sequence[SortValue]) -> tuple[Any, ...]:
    row: list[Any] = [seq, key, blob, search]
    for rank, text in sorts:
        row += (rank, text)
    return tuple(row)


def _order(query: Query, columns: Sequence[Column]) -> tuple[str, ...]:
    if query.sort == LOAD_ORDER:
        return ("seq",)
    index = [c.key for c in columns].index(query.sort)
    return (f"r{index}", f"v{index}", "seq")


class RecordSource:
    """A :class:`RecordStore` as a :class:`~tui.stores.table_query.RowSource`: a sort is
    a column key (or :data:`LOAD_ORDER`), the filter free words only, each of which must
    appear in a record's text."""

    def __init__(self, store: RecordStore, columns: Sequence[Column]) -> None:
        self.store = store
        self.columns = columns

    def check(self, query: Query) -> None:
        """Raise :class:`FilterError` for a sort by an unknown column or a typed filter."""
        if query.predicates:
            raise FilterError("this table filters by words only")
        if query.sort != LOAD_ORDER and query.sort not in [c.key for c in self.columns]:
            raise FilterError(f"cannot sort by {query.sort!r}")

    def _where(self, query: Query) -> tuple[list[str], list[Any]]:
        if query.words:
            self.store.searchable()
        if query.sort != LOAD_ORDER:
            self.store.sortable([c.key for c in self.columns].index(query.sort))
        return ["instr(search, ?) > 0" for _ in query.words], list(query.words)

    def page(self, query: Query, after: tuple[Any, ...] | None, *, forward: bool,
             limit: int, inclusive: bool = False) -> list[StoredRecord]:
        """Up to ``limit`` records next to ``after`` in ``query``'s order (keyset)."""
        order = _order(query, self.columns)
        where, args = self._where(query)
        descending = query.descending != (not forward) if query.sort != LOAD_ORDER \
            else not forward
        sql, args = page_sql("blob", "rows", order, where, args, after=after,
                             descending=descending, inclusive=inclusive, limit=limit)
        return [StoredRecord(tuple(row[1:]), (), (row[-1],), pickle.loads(row[0]))
                for row in self.store.db.execute(sql, args)]

    def count(self, query: Query) -> int:
        """How many records match ``query``'s words."""
        if not query.words:
            return len(self.store)
        where, args = self._where(query)
        return int(self.store.db.execute(
            f"SELECT COUNT(*) FROM rows WHERE {' AND '.join(where)}", args).fetchone()[0])

    def position(self, query: Query, key: Hashable) -> tuple[StoredRecord, int] | None:
        """The first record shown with record key ``key`` and how many come before it in
        ``query``'s order (None when no shown record has that key)."""
        where, args = self._where(query)
        order = _order(query, self.columns)
        row = self.store.db.execute(
            f"SELECT blob, {', '.join(order)} FROM rows WHERE key = ?"
            f"{''.join(' AND ' + w for w in where)} ORDER BY seq LIMIT 1",
            [str(key), *args]).fetchone()
        if row is None:
            return None
        record = StoredRecord(tuple(row[1:]), (), (row[-1],), pickle.loads(row[0]))
        descending = query.descending if query.sort != LOAD_ORDER else False
        before = f"({', '.join(order)}) {'>' if descending else '<'} " \
                 f"({', '.join('?' for _ in order)})"
        count = self.store.db.execute(
            f"SELECT COUNT(*) FROM rows WHERE {' AND '.join(where + [before])}",
            [*args, *record.key]).fetchone()[0]
        return record, int(count)

    def walk(self, query: Query, chunk: int = 500) -> Iterator[Any]:
        """Every record ``query`` shows, in its order, read a chunk at a time."""
        after: tuple[Any, ...] | None = None
        while True:
            rows = self.page(query, after, forward=True, limit=chunk)
            for row in rows:
                yield row.record
            if len(rows) < chunk:
                return
            after = rows[-1].key

    def at(self, query: Query, index: int) -> Any:
        """The record at ``index`` (0-based, negative from the end) in ``query``'s order."""
        total = self.count(query)
        if index < 0:
            index += total
        if not 0 <= index < total:
            raise IndexError("record index out of range")
        forward = index < total - index
        order = _order(query, self.columns)
        where, args = self._where(query)
        descending = (query.descending if query.sort != LOAD_ORDER else False) != (not forward)
        direction = " DESC" if descending else ""
        row = self.store.db.execute(
            f"SELECT blob FROM rows{' WHERE ' + ' AND '.join(where) if where else ''} "
            f"ORDER BY {', '.join(c + direction for c in order)} LIMIT 1 OFFSET ?",
            [*args, index if forward else total - 1 - index]).fetchone()
        return pickle.loads(row[0])
