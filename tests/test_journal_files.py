"""The journal file on disk: private modes, and a damaged file refused with one line that
names it, never re-initialised (issue 11: items 8 and 14, the journal part)."""

from __future__ import annotations

import os
import sqlite3
import stat
from decimal import Decimal

import pytest

from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind, MoveRequest, Settlement
from tui.journal import EntryState, Journal
from tui.journal.store import SCHEMA_VERSION, JournalDamaged


def _request(key: str) -> MoveRequest:
    return MoveRequest(kind=MoveKind.TRANSFER, profile="p", venue="fake", coin="USDT",
                       amount=Decimal("1.5"), client_key=key,
                       from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                       to_account=AccountRef(kind=AccountKind.SPOT))


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_journal_and_its_wal_and_shm_are_0600(tmp_path):
    path = tmp_path / "journal.sqlite"
    old = os.umask(0o022)
    try:
        with Journal(path) as journal:
            journal.add(_request("k1"), Settlement.KEYED)
            files = [path, tmp_path / "journal.sqlite-wal", tmp_path / "journal.sqlite-shm"]
            assert all(p.exists() for p in files)
            assert [_mode(p) for p in files] == [0o600] * 3
    finally:
        os.umask(old)


def test_an_existing_0644_journal_is_made_private(tmp_path):
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    os.chmod(path, 0o644)
    Journal(path).close()
    assert _mode(path) == 0o600


def _refused(path) -> str:
    with pytest.raises(JournalDamaged) as caught:
        Journal(path)
    text = str(caught.value)
    assert str(path) in text and "\n" not in text
    return text


def test_a_zero_length_journal_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"")
    assert "empty" in _refused(path) and "move it aside" in _refused(path)
    assert path.read_bytes() == b""


def test_a_journal_without_tables_is_refused_never_reinitialised(tmp_path):
    path = tmp_path / "journal.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE other (x)")
    before = path.read_bytes()
    assert "no journal tables" in _refused(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"this is not a database" * 100,
                                     b"SQLite format 3\x00" + b"\x00" * 40],
                         ids=["garbage", "header-only"])
def test_garbage_or_truncated_journal_is_refused(tmp_path, content):
    path = tmp_path / "journal.sqlite"
    path.write_bytes(content)
    _refused(path)
    assert path.read_bytes() == content


def test_a_truncated_real_journal_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        for i in range(40):
            journal.add(_request(f"k{i}"), Settlement.KEYED)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    (tmp_path / "journal.sqlite-wal").unlink(missing_ok=True)
    with pytest.raises(JournalDamaged):
        with Journal(path) as journal:
            journal.entries()
            journal.add(_request("again"), Settlement.KEYED)


def test_a_directory_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite"
    path.mkdir()
    assert "is a directory" in _refused(path)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    assert "upgrade coinsole" in _refused(path)


def test_a_held_lock_is_one_line(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    with sqlite3.connect(path) as db:  # back to an older version: opening must write
        db.execute("PRAGMA user_version = 1")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(Journal, "open_timeout_s", 0.05)  # float-ok: seconds
    try:
        assert "locked by another process" in _refused(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_bad_state_in_one_row_does_not_hide_the_others(tmp_path):
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        first = journal.add(_request("k1"), Settlement.KEYED)
        second = journal.add(_request("k2"), Settlement.KEYED)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET state = 'EXPLODED' WHERE id = ?", (first.id,))
    with Journal(path) as journal:
        assert [e.id for e in journal.entries()] == [second.id]
        assert list(journal.damaged) == [first.id]
        with pytest.raises(JournalDamaged) as caught:
            journal.get(first.id)
        assert str(path) in str(caught.value)
        with pytest.raises(JournalDamaged):
            journal.transition(first.id, EntryState.APPROVED)


def test_ids_never_restart(tmp_path):
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        last = journal.add(_request("k1"), Settlement.KEYED)
    with Journal(path) as journal:
        assert journal.add(_request("k2"), Settlement.KEYED).id == last.id + 1
