"""What a virtual table asks a store for: columns, a sort, a filter, and pages of rows
by key (keyset paging), plus the window arithmetic that moves through them.

A :class:`RowSource` answers :meth:`~RowSource.page` with at most ``limit`` rows strictly
after (or before) a row's key in the sort order; every order ends in the row's primary
key, so equal sort values never make a row be skipped or shown twice. No OFFSET anywhere:
the cost of a page does not grow with how far into the table it is.

Filters are typed: ``coin=BTC``, ``total>1000``, ``uid=30000001``, ``type!=202``, joined
by spaces, and any word without an operator is free text matched anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["Column", "Record", "Predicate", "Query", "FilterError", "RowSource", "Window",
           "parse_filter", "top", "end", "down", "up", "reload", "OPERATORS"]

OPERATORS = ("!=", ">=", "<=", "=", ">", "<")
_PREDICATE = re.compile(r"([A-Za-z_]+)(!=|>=|<=|=|>|<)(.*)")
MAX_FILTER = 500


class FilterError(ValueError):
    """A filter that cannot be applied (unknown column, bad value); the message is one line."""


@dataclass(frozen=True)
class Column:
    """A table column: ``key`` names it in sorts and filters; ``numeric`` right-aligns it;
    ``width`` is its narrowest (a numeric column widens to its widest value in view, a
    text column cuts longer text with "…"); ``drop`` orders the columns left out when the
    line is too narrow (the highest first; 0: always shown)."""

    key: str
    title: str
    width: int
    numeric: bool = False
    sortable: bool = True
    drop: int = 0


@dataclass(frozen=True)
class Record:
    """One row: ``key`` places it in the current order (what the next page starts after);
    ``cells`` are the texts shown, one per column; ``ident`` is its primary key."""

    key: tuple[Any, ...]
    cells: tuple[str, ...]
    ident: tuple[Any, ...]


@dataclass(frozen=True)
class Predicate:
    """``column op value`` (``value`` as typed)."""

    column: str
    op: str
    value: str


@dataclass(frozen=True)
class Query:
    """A sort (``sort`` column key, ``descending``) and a filter (predicates, all of
    which must hold, and free-text words, each of which must appear somewhere)."""

    sort: str
    descending: bool = False
    predicates: tuple[Predicate, ...] = ()
    words: tuple[str, ...] = ()
    text: str = field(default="", compare=False)


def parse_filter(text: str, columns: Sequence[Column]) -> tuple[tuple[Predicate, ...],
                                                                 tuple[str, ...]]:
    """Split a filter into predicates and free words; raises :class:`FilterError` for an
    unknown column or an empty value."""
    if len(text) > MAX_FILTER:
        raise FilterError(f"a filter is at most {MAX_FILTER} characters")
    names = {column.key for column in columns}
    predicates, words = [], []
    for part in text.split():
        match = _PREDICATE.fullmatch(part)
        if match is None:
            words.append(part)
            continue
        name, op, value = match.groups()
        name = name.lower()
        if name not in names:
            raise FilterError(f"unknown column {name!r}; filter on: {', '.join(sorted(names))}")
        if not value:
            raise FilterError(f"{name}{op} needs a value")
        predicates.append(Predicate(name, op, value))
    return tuple(predicates), tuple(words)


class RowSource(Protocol):
    """A store the virtual table reads (see the module text)."""

    columns: Sequence[Column]

    def check(self, query: Query) -> None:
        """Raise :class:`FilterError` when ``query`` cannot be run."""

    def page(self, query: Query, after: tuple[Any, ...] | None, *, forward: bool,
             limit: int, inclusive: bool = False) -> list[Record]:
        """Up to ``limit`` rows after (``forward``) or before ``after`` in ``query``'s
        order, nearest first; from the start (or the end) when ``after`` is None;
        ``inclusive`` includes the row at ``after`` itself."""

    def count(self, query: Query) -> int:
        """How many rows match ``query``."""


@dataclass(frozen=True)
class Window:
    """The rows on screen: ``offset`` is the absolute position of the first (None when
    not known), ``cursor`` the highlighted row's index in ``rows``."""

    rows: tuple[Record, ...] = ()
    offset: int | None = 0
    cursor: int = 0

    @property
    def current(self) -> Record | None:
        """The highlighted row."""
        return self.rows[self.cursor] if self.rows else None


def top(source: RowSource, query: Query, height: int) -> Window:
    """The first ``height`` rows."""
    return Window(tuple(source.page(query, None, forward=True, limit=height)), 0, 0)


def end(source: RowSource, query: Query, height: int, total: int | None) -> Window:
    """The last ``height`` rows, the cursor on the last."""
    rows = tuple(reversed(source.page(query, None, forward=False, limit=height)))
    offset = None if total is None else max(total - len(rows), 0)
    return Window(rows, offset, max(len(rows) - 1, 0))


def down(source: RowSource, query: Query, window: Window, height: int, steps: int) -> Window:
    """Move the cursor ``steps`` rows down, fetching only the rows that come into view."""
    rows = window.rows
    if not rows:
        return window
    target = window.cursor + steps
    if target < len(rows):
        return Window(rows, window.offset, target)
    more = source.page(query, rows[-1].key, forward=True, limit=target - len(rows) + 1)
    combined = rows + tuple(more)
    target = min(target, len(combined) - 1)
    drop = max(0, len(combined) - height, target - height + 1)
    offset = None if window.offset is None else window.offset + drop
    return Window(combined[drop:drop + height], offset, target - drop)


def up(source: RowSource, query: Query, window: Window, height: int, steps: int) -> Window:
    """Move the cursor ``steps`` rows up, fetching only the rows that come into view."""
    rows = window.rows
    if not rows:
        return window
    target = window.cursor - steps
    if target >= 0:
        return Window(rows, window.offset, target)
    more = tuple(reversed(source.page(query, rows[0].key, forward=False, limit=-target)))
    combined = more + rows
    target = max(target + len(more), 0)
    offset = None if window.offset is None else max(window.offset - len(more), 0)
    return Window(combined[:height], offset, target)


def reload(source: RowSource, query: Query, window: Window, height: int) -> Window:
    """The same place read again (after rows changed or the height did): from the first
    row on screen, inclusive; the top when the screen was empty."""
    if not window.rows:
        return top(source, query, height)
    rows = tuple(source.page(query, window.rows[0].key, forward=True, limit=height,
                             inclusive=True))
    if len(rows) < height:  # near the end: fill from above
        before = tuple(reversed(source.page(query, rows[0].key if rows else None,
                                            forward=False, limit=height - len(rows))))
        rows = before + rows
        offset = None if window.offset is None else max(window.offset - len(before), 0)
        return Window(rows, offset, min(window.cursor + len(before), max(len(rows) - 1, 0)))
    return Window(rows, window.offset, min(window.cursor, len(rows) - 1))
