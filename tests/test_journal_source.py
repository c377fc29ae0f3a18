"""The journal as pages of rows (tui/stores/journal_source.py), on a real SQLite journal:
keyset pages at every boundary, the filter as a query, new and changed entries seen."""

from __future__ import annotations

import sqlite3

from journal_fill import coin_of, fill, kind_of, request_of

from tui.core.moves import MoveKind, Settlement
from tui.journal import EntryState
from tui.journal_ui import MOVE_KIND_WORDS
from tui.screens.activity import entry_cells
from tui.stores import table_query
from tui.stores.journal_source import NEWEST_FIRST, JournalSource
from tui.stores.table_query import Query

COUNT = 257


def source_over(tmp_path, count: int = COUNT):
    journal = fill(tmp_path / "journal.sqlite", count)
    return journal, JournalSource(journal, entry_cells, [], MOVE_KIND_WORDS)


def words(*typed: str) -> Query:
    return Query(NEWEST_FIRST.sort, True, (), typed)


def test_pages_walk_every_entry_once_newest_first(tmp_path) -> None:
    journal, source = source_over(tmp_path)
    for height in (1, 7, 40, COUNT, COUNT + 3):
        window = table_query.top(source, NEWEST_FIRST, height)
        seen = [row.ident[0] for row in window.rows]
        while True:
            window = table_query.down(source, NEWEST_FIRST,
                                      table_query.Window(window.rows, window.offset,
                                                         len(window.rows) - 1), height, height)
            fresh = [row.ident[0] for row in window.rows if row.ident[0] < seen[-1]]
            if not fresh:
                break
            seen += fresh
        assert seen == list(range(COUNT, 0, -1)), height
        end = table_query.end(source, NEWEST_FIRST, height, COUNT)
        assert [row.ident[0] for row in end.rows] == list(range(min(height, COUNT), 0, -1))
    journal.close()


def test_filter_words_match_the_request_values_not_its_key(tmp_path) -> None:
    journal, source = source_over(tmp_path)
    expected = [i for i in range(COUNT, 0, -1)
                if kind_of(i) is MoveKind.WITHDRAW and coin_of(i) == "TRX"]
    query = words("withdraw", "trx")
    assert source.count(query) == len(expected)
    assert [r.ident[0] for r in source.page(query, None, forward=True, limit=500)] == expected
    assert source.count(words("fill-000000001")) == 0  # the idempotency key is not searched
    assert source.count(words("TQn9Y2khEsLJW1ChVWFMSMeRDo00000004")) == 1  # an address
    assert source.count(words("send")) == source.count(words("internal_transfer"))
    journal.close()


def test_a_new_entry_and_a_changed_state_are_found(tmp_path) -> None:
    journal, source = source_over(tmp_path)
    assert source.count(words("unknown")) == 0
    request = request_of(COUNT + 1).model_copy(update={"client_key": "late-one",
                                                       "coin": "DOGE"})
    entry = journal.add(request, Settlement.KEYED)
    assert source.count(words("doge")) == 1  # indexed on the next query
    journal.transition(entry.id, EntryState.APPROVED)
    journal.transition(entry.id, EntryState.SUBMITTING, sending=True)
    journal.transition(entry.id, EntryState.UNKNOWN, detail="no reply")
    assert [r.ident[0] for r in source.page(words("unknown"), None, forward=True,
                                             limit=5)] == [entry.id]
    journal.close()


def test_a_damaged_row_is_left_out_and_paging_reads_past_it(tmp_path) -> None:
    journal, source = source_over(tmp_path, 30)
    db = sqlite3.connect(tmp_path / "journal.sqlite", isolation_level=None)
    db.execute("UPDATE entries SET request_json = 'not json' WHERE id IN (25, 26)")
    db.close()
    rows = source.page(NEWEST_FIRST, (28,), forward=True, limit=5)
    assert [r.ident[0] for r in rows] == [27, 24, 23, 22, 21]
    journal.close()
