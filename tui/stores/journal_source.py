"""The journal as a :class:`~tui.stores.table_query.RowSource`: the Activity screen reads
it a screenful at a time, newest first, by key (``id``), never the whole journal.

The filter is a query too: each word typed must appear (case-folded) in the entry's id,
profile, venue, kind (or its word, ``withdraw``/``send``/``transfer``), state, venue
reference, venue status, or in any value of its request (coin, amount, address, network,
symbol, account kinds, user id...; the idempotency key is not searched). SQLite answers
it, so a filter over 100,000 entries parses only the entries it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tui.journal import JournalEntry
from tui.stores.table_query import Column, Query, Record

__all__ = ["JournalSource", "EntryRecord", "NEWEST_FIRST"]

NEWEST_FIRST = Query("id", descending=True)
"""The only order the Activity screen shows (its s/S keys settle, they do not sort)."""


@dataclass(frozen=True)
class EntryRecord(Record):
    """A journal entry as a row: ``key`` and ``ident`` are ``(id,)``."""

    entry: JournalEntry | None = None


SEARCH_TABLE = "temp.activity_search"
"""The per-connection cache of each entry's fixed text (TEMP: never in the journal file)."""

_LIVE_MATCH = ("(instr(lower(replace(state, '_', ' ')), ?) > 0 "
               "OR instr(lower(COALESCE(venue_ref, '')), ?) > 0 "
               "OR (instr(lower(COALESCE(receipt_json, '')), ?) > 0 AND instr(lower("
               "COALESCE(json_extract(receipt_json, '$.venue_status'), '') || ' ' || "
               "COALESCE(json_extract(receipt_json, '$.status'), '')), ?) > 0))")
"""What changes as an entry settles (state, venue reference, venue status): matched in
the journal itself (the receipt's JSON is parsed only where its text has the word)."""


def _fixed_text(kind_words: dict[str, str]) -> tuple[str, list[str]]:
    """The SQL (and its arguments) for what never changes once an entry is written: its
    id, profile, venue, kind (and its word) and every value of its request but the key."""
    cases = " ".join("WHEN ? THEN ?" for _ in kind_words)
    args = [part for pair in kind_words.items() for part in pair]
    kind_word = f"CASE kind {cases} ELSE '' END" if kind_words else "''"
    text = (f"lower(id || ' ' || profile || ' ' || venue || ' ' || kind || ' ' || {kind_word}"
            " || ' ' || COALESCE((SELECT group_concat(atom, ' ') FROM json_tree(request_json) "
            "WHERE atom IS NOT NULL AND key IS NOT 'client_key'), ''))")
    return text, args


class JournalSource:
    """Pages of journal entries in :data:`NEWEST_FIRST` order, filtered by words (see the
    module text). ``journal`` is a :class:`~tui.journal.Journal`; ``cells`` gives an
    entry's row texts; ``kind_words`` names kinds as the table shows them."""

    def __init__(self, journal: Any, cells: Callable[[JournalEntry], Sequence[str]],
                 columns: Sequence[Column], kind_words: dict[str, str]) -> None:
        self.journal = journal
        self.cells = cells
        self.columns = columns
        self._fixed, self._fixed_args = _fixed_text(kind_words)

    def check(self, query: Query) -> None:
        """Only newest-first by id and free words are answered."""
        if query.sort != "id" or query.predicates:
            raise ValueError("the journal is shown newest first, filtered by words")

    def where(self, query: Query) -> tuple[list[str], list[Any]]:
        """The SQL conditions (and their arguments) for ``query``'s words."""
        where, args = [], []
        if query.words:
            self.index()
        for word in query.words:
            needle = word.casefold()
            where.append(f"(instr((SELECT text FROM {SEARCH_TABLE} s WHERE s.id = "
                         f"entries.id), ?) > 0 OR {_LIVE_MATCH})")
            args += [needle] * 5
        return where, args

    def index(self, limit: int | None = None) -> int:
        """Bring the search cache up to date: the fixed text of every entry not in it yet
        (all of them the first time, then only the new ones; a request never changes),
        or of the next ``limit`` of them. Returns how many were added."""
        self.journal.view_sql(f"CREATE TEMP TABLE IF NOT EXISTS {SEARCH_TABLE.split('.')[1]} "
                              "(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        before = self.journal.view_sql(f"SELECT COUNT(*) FROM {SEARCH_TABLE}")[0][0]
        self.journal.view_sql(
            f"INSERT INTO {SEARCH_TABLE} (id, text) SELECT id, {self._fixed} FROM entries "
            f"WHERE id > (SELECT COALESCE(MAX(id), 0) FROM {SEARCH_TABLE}) ORDER BY id"
            f"{' LIMIT ?' if limit is not None else ''}",
            [*self._fixed_args, *([limit] if limit is not None else [])])
        return int(self.journal.view_sql(f"SELECT COUNT(*) FROM {SEARCH_TABLE}")[0][0]) - before

    def page(self, query: Query, after: tuple[Any, ...] | None, *, forward: bool,
             limit: int, inclusive: bool = False) -> list[EntryRecord]:
        """Up to ``limit`` entries after (``forward``: older) or before ``after``."""
        descending = query.descending if forward else not query.descending
        found: list[EntryRecord] = []
        while len(found) < limit:
            where, args = self.where(query)
            if after is not None:
                where.append(f"id {'<' if descending else '>'}{'=' if inclusive else ''} ?")
                args.append(after[0])
            wanted = limit - len(found)
            entries = self.journal.select(" AND ".join(where), args,
                                          order="id DESC" if descending else "id",
                                          limit=wanted)
            found += [self.record(entry) for entry in entries]
            damaged = list(self.journal.damaged)
            if len(entries) + len(damaged) < wanted or not damaged:
                break
            # a row that cannot be read is left out: read on past it
            ids = [entry.id for entry in entries] + damaged
            after, inclusive = ((min(ids) if descending else max(ids)),), False
        return found

    def record(self, entry: JournalEntry) -> EntryRecord:
        """``entry`` as a row."""
        return EntryRecord((entry.id,), tuple(self.cells(entry)), (entry.id,), entry)

    def count(self, query: Query) -> int:
        """How many entries pass ``query``'s words."""
        where, args = self.where(query)
        return self.journal.count(" AND ".join(where), args)

    def newer(self, query: Query, entry_id: int) -> int:
        """How many shown entries come before entry ``entry_id`` (are newer)."""
        where, args = self.where(query)
        return self.journal.count(" AND ".join([*where, "id > ?"]), [*args, entry_id])
