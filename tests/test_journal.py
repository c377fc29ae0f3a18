"""The journal store: schema, the transition table (every allowed and refused change),
the append-only history, and that nothing secret is written."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from itertools import product

import pytest

from tui.core.errors import CoinsoleError, ConfigError
from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind, MoveReceipt, MoveRequest, MoveStatus, Settlement
from tui.journal import (
    SCHEMA_VERSION,
    TRANSITIONS,
    EntryNotFound,
    EntryState,
    IllegalTransition,
    Journal,
    default_journal_path,
)

S = EntryState


def _request(key: str = "k1", amount: str = "1.000000000000000001") -> MoveRequest:
    return MoveRequest(kind=MoveKind.TRANSFER, profile="p", venue="fcoin", coin="USDT",
                       amount=Decimal(amount), client_key=key,
                       from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                       to_account=AccountRef(kind=AccountKind.SPOT))


# Shortest path from DRAFT to each state, to put an entry in that state through the table.
_PATHS = {
    S.DRAFT: [],
    S.PENDING_APPROVAL: [S.PENDING_APPROVAL],
    S.APPROVED: [S.APPROVED],
    S.SUBMITTING: [S.APPROVED, S.SUBMITTING],
    S.ACCEPTED: [S.APPROVED, S.SUBMITTING, S.ACCEPTED],
    S.REJECTED: [S.APPROVED, S.SUBMITTING, S.REJECTED],
    S.UNKNOWN: [S.APPROVED, S.SUBMITTING, S.UNKNOWN],
    S.RECONCILED: [S.APPROVED, S.SUBMITTING, S.ACCEPTED, S.RECONCILED],
}

EXPECTED = {
    (S.DRAFT, S.PENDING_APPROVAL), (S.DRAFT, S.APPROVED),
    (S.PENDING_APPROVAL, S.APPROVED), (S.PENDING_APPROVAL, S.REJECTED),
    (S.APPROVED, S.SUBMITTING),
    (S.SUBMITTING, S.ACCEPTED), (S.SUBMITTING, S.REJECTED), (S.SUBMITTING, S.UNKNOWN),
    (S.UNKNOWN, S.SUBMITTING), (S.UNKNOWN, S.ACCEPTED), (S.UNKNOWN, S.REJECTED),
    (S.ACCEPTED, S.RECONCILED),
}


def test_the_table_is_exactly_the_documented_one():
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == EXPECTED
    assert {s for s in S if s.final} == {S.REJECTED, S.RECONCILED}


@pytest.mark.parametrize(("current", "wanted"), list(product(S, S)),
                         ids=lambda s: s.value)
def test_every_transition_is_allowed_or_refused_by_the_table(current, wanted):
    journal = Journal(":memory:")
    entry = journal.add(_request(), Settlement.KEYED)
    for step in _PATHS[current]:
        entry = journal.transition(entry.id, step)
    assert entry.state is current
    if current is wanted:  # a note: same state, recorded as evidence
        assert journal.note(entry.id, "evidence").state is current
    elif (current, wanted) in EXPECTED:
        assert journal.transition(entry.id, wanted).state is wanted
    else:
        with pytest.raises(IllegalTransition, match=f"is {current.value} and cannot become {wanted.value}"):
            journal.transition(entry.id, wanted)
        assert journal.get(entry.id).state is current


def test_entries_round_trip_exactly_and_history_is_kept(tmp_path):
    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        entry = journal.add(_request(), Settlement.KEYED)
        assert entry.state is S.DRAFT and entry.attempts == 0
        journal.transition(entry.id, S.APPROVED, detail="ok")
        sent = journal.transition(entry.id, S.SUBMITTING, sending=True, needs_password=True)
        assert sent.attempts == 1 and sent.first_sent_ms and sent.needs_password
        receipt = MoveReceipt(venue_ref="42", status=MoveStatus.PENDING, venue_status="PENDING",
                              fee=Decimal("0.10"), arrival=Decimal("0.900000000000000001"))
        journal.transition(entry.id, S.ACCEPTED, receipt=receipt)
    with Journal(path) as journal:
        again = journal.get(entry.id)
        assert again.request.amount == Decimal("1.000000000000000001")
        assert again.receipt == receipt and again.venue_ref == "42"
        assert [e.to_state for e in journal.events(entry.id)] == [S.DRAFT, S.APPROVED,
                                                                  S.SUBMITTING, S.ACCEPTED]
        assert journal.by_key("k1").id == entry.id
        assert [e.id for e in journal.entries([S.ACCEPTED])] == [entry.id]
        record = again.as_record()
        assert record["request"]["amount"] == "1.000000000000000001"
        assert record["receipt"]["fee"] == "0.10"


def test_wal_full_sync_and_schema_version(tmp_path):
    path = tmp_path / "j.sqlite"
    journal = Journal(path)
    assert journal._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert journal._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    journal.close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(ConfigError, match="newer than this"):
        Journal(path)


def test_events_are_append_only():
    journal = Journal(":memory:")
    entry = journal.add(_request(), Settlement.KEYED)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        journal._db.execute("UPDATE events SET detail = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        journal._db.execute("DELETE FROM events")
    assert len(journal.events(entry.id)) == 1


def test_duplicate_key_and_missing_entry_are_refused():
    journal = Journal(":memory:")
    journal.add(_request("same"), Settlement.KEYED)
    with pytest.raises(CoinsoleError, match="already in the journal"):
        journal.add(_request("same"), Settlement.KEYED)
    with pytest.raises(EntryNotFound):
        journal.get(999)


def test_expect_guards_against_a_stale_state():
    journal = Journal(":memory:")
    entry = journal.add(_request(), Settlement.KEYED)
    with pytest.raises(IllegalTransition):
        journal.transition(entry.id, S.SUBMITTING, expect=S.APPROVED)


def test_default_path_is_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    assert default_journal_path() == tmp_path / "data" / "journal.sqlite"
    Journal().close()
    assert (tmp_path / "data" / "journal.sqlite").exists()
