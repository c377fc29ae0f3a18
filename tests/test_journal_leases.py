"""Ownership of an entry being sent (leases), races between processes, the mover's own
same-key resends, and a journal write that fails around a send (issue 11: items 1, 4, 19).

"Another process" is simulated with a second :class:`Journal` on the same file whose lease
names a pid that is alive (the test runner's parent) or one that does not exist (a crash).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from decimal import Decimal

import pytest
from pydantic import SecretStr

from test_journal_fakes import FakeAdapter, FakeSession
from tui.core.errors import ConfigError
from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind, Settlement
from tui.journal import EntryState, Journal, Mover
from tui.journal.executor import UnrecordedOutcome, skipped_line
from tui.journal.store import JournalWriteFailed

S = EntryState
GONE_PID = 4_194_301  # above the default pid_max: no such process


def run(coro):
    return asyncio.run(coro)


def _mover(adapter: FakeAdapter, path, **kwargs) -> Mover:
    kwargs.setdefault("keyed_backoff_s", 0.001)  # float-ok: seconds
    return Mover(FakeSession(adapter), Journal(path), **kwargs)


def _approved(mover: Mover, amount: str = "1.5"):
    entry = mover.prepare(kind=MoveKind.TRANSFER, profile="p", coin="USDT",
                          amount=Decimal(amount),
                          from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                          to_account=AccountRef(kind=AccountKind.SPOT))
    return mover.approve(entry)


def _sending_elsewhere(path, entry_id: int, pid: int) -> None:
    """Make ``entry_id`` SUBMITTING under a lease of another process ``pid``."""
    other = Journal(path)
    other.transition(entry_id, S.SUBMITTING, sending=True, detail="sending (other process)")
    other.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET lease_pid = ? WHERE id = ?", (pid, entry_id))


# -- item 1: a live entry of another process is never settled -----------------------------


def test_settle_and_recover_skip_an_entry_another_live_process_is_sending(tmp_path):
    path = tmp_path / "journal.sqlite"
    adapter = FakeAdapter()
    mover = _mover(adapter, path)
    entry = _approved(mover)
    _sending_elsewhere(path, entry.id, os.getppid())
    recovered = run(mover.recover())
    [same] = recovered
    assert same.state is S.SUBMITTING and adapter.sends == []
    assert skipped_line(same) == (f"entry {entry.id} is being sent by pid {os.getppid()} on "
                                  f"{same.lease.host}; skipped")
    assert run(mover.settle(entry.id)).state is S.SUBMITTING
    assert [e.to_state for e in mover.journal.events(entry.id)][-1] is S.SUBMITTING


def test_a_stale_lease_is_a_crash_and_is_recovered(tmp_path):
    path = tmp_path / "journal.sqlite"
    adapter = FakeAdapter()
    mover = _mover(adapter, path)
    entry = _approved(mover)
    _sending_elsewhere(path, entry.id, GONE_PID)
    [done] = run(mover.recover())
    assert done.state is S.ACCEPTED and len(adapter.sends) == 1
    assert skipped_line(done) is None


def test_an_old_heartbeat_is_stale_even_if_the_pid_exists(tmp_path):
    path = tmp_path / "journal.sqlite"
    mover = _mover(FakeAdapter(), path)
    entry = _approved(mover)
    _sending_elsewhere(path, entry.id, os.getppid())
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET lease_beat_ms = 1 WHERE id = ?", (entry.id,))
    assert run(mover.settle(entry.id)).state is S.ACCEPTED


def test_a_settle_that_lost_the_race_rereads_instead_of_crashing(tmp_path):
    path = tmp_path / "journal.sqlite"
    adapter = FakeAdapter(script=["lost"])
    mover = _mover(adapter, path, keyed_attempts=1)
    entry = run(mover.submit(_approved(mover)))
    assert entry.state is S.UNKNOWN

    def other_process_finishes_it(request):
        # Meanwhile another process (its own settle) settles and reconciles the entry.
        other = Journal(path)
        with sqlite3.connect(path) as db:
            db.execute("UPDATE entries SET lease_token = 'theirs' WHERE id = ?", (entry.id,))
        other.transition(entry.id, S.ACCEPTED, detail="accepted (other process)")
        other.transition(entry.id, S.RECONCILED, detail="final (other process)")
        other.close()

    adapter.on_send = other_process_finishes_it
    settled = run(mover.settle(entry.id))
    assert settled.state is S.RECONCILED


def test_settle_all_finishes_its_loop_when_one_entry_fails(tmp_path):
    path = tmp_path / "journal.sqlite"
    adapter = FakeAdapter(script=["lost", "lost"])
    mover = _mover(adapter, path, keyed_attempts=1)
    first = run(mover.submit(_approved(mover, "1")))
    second = run(mover.submit(_approved(mover, "2")))
    calls = []

    class Flaky(FakeSession):
        def adapter(self, name):
            calls.append(name)
            if len(calls) == 1:
                raise ConfigError("the vault is locked: unlock it")
            return adapter

    mover.session = Flaky(adapter)
    settled = run(mover.settle_all())
    assert [e.state for e in settled] == [S.UNKNOWN, S.ACCEPTED]
    assert first.id in mover.failures and "locked" in mover.failures[first.id]
    assert second.id not in mover.failures


def test_nothing_changes_state_before_the_credentials_are_in_hand(tmp_path):
    path = tmp_path / "journal.sqlite"
    adapter = FakeAdapter(script=["lost"])
    mover = _mover(adapter, path, keyed_attempts=1)
    entry = run(mover.submit(_approved(mover)))
    events = len(mover.journal.events(entry.id))

    class Locked(FakeSession):
        def adapter(self, name):
            raise ConfigError("vault is locked: press ctrl+u to unlock it")

    mover.session = Locked(adapter)
    with pytest.raises(ConfigError):
        run(mover.settle(entry.id))
    after = mover.journal.get(entry.id)
    assert after.state is S.UNKNOWN and len(mover.journal.events(entry.id)) == events


def test_the_senders_own_lease_is_live_while_it_awaits_the_reply(tmp_path):
    path = tmp_path / "journal.sqlite"
    seen = []
    adapter = FakeAdapter()
    mover = _mover(adapter, path)
    other = Mover(FakeSession(adapter), Journal(path))

    def settle_meanwhile(request):
        entry = other.journal.by_key(request.client_key)
        seen.append((entry.state, skipped_line(entry) is not None))

    adapter.on_send = settle_meanwhile
    done = run(mover.submit(_approved(mover)))
    assert seen == [(S.SUBMITTING, True)] and done.state is S.ACCEPTED and done.lease is None


def test_version_1_journal_is_migrated_keeping_its_rows(tmp_path):
    path = tmp_path / "journal.sqlite"
    mover = _mover(FakeAdapter(), path)
    entry = run(mover.submit(_approved(mover)))
    mover.journal.close()
    with sqlite3.connect(path) as db:  # back to the version 1 layout
        for column in ("lease_pid", "lease_host", "lease_token", "lease_beat_ms"):
            db.execute(f"ALTER TABLE entries DROP COLUMN {column}")
        db.execute("PRAGMA user_version = 1")
    with Journal(path) as journal:
        assert journal.get(entry.id).state is S.ACCEPTED
        assert journal._db.execute("PRAGMA user_version").fetchone()[0] == 2
        new = journal.add(entry.request.model_copy(update={"client_key": "k2"}),
                          Settlement.KEYED)
        assert new.id == entry.id + 1


# -- item 19: the mover resends a keyed request itself -------------------------------------


def test_a_lost_keyed_reply_is_resent_with_the_same_key_and_password(tmp_path):
    adapter = FakeAdapter(script=["drop", "lost", "ok"])
    mover = _mover(adapter, tmp_path / "journal.sqlite")
    password = SecretStr("hunter2")
    entry = run(mover.submit(_approved(mover), trade_password=password))
    assert entry.state is S.ACCEPTED and entry.attempts == 3
    assert adapter.applied == [entry.client_key]
    assert {key for key, _ in adapter.sends} == {entry.client_key}
    assert [pw for _, pw in adapter.sends] == [password] * 3
    details = [e.detail for e in mover.journal.events(entry.id)]
    assert sum("resending with the same key" in d for d in details) == 2


def test_keyed_resends_are_bounded_then_unknown(tmp_path):
    adapter = FakeAdapter(script=["lost"] * 5)
    mover = _mover(adapter, tmp_path / "journal.sqlite", keyed_attempts=3)
    entry = run(mover.submit(_approved(mover)))
    assert entry.state is S.UNKNOWN and entry.attempts == 3 and len(adapter.sends) == 3


def test_a_lookup_request_is_never_resent_by_submit(tmp_path):
    adapter = FakeAdapter(script=["lost"],
                          settlements={k: Settlement.LOOKUP for k in MoveKind})
    mover = _mover(adapter, tmp_path / "journal.sqlite")
    entry = run(mover.submit(_approved(mover)))
    assert entry.state is S.UNKNOWN and len(adapter.sends) == 1


# -- item 4: the journal write around a send fails ----------------------------------------


def _lock_writes(path):
    """Another connection holds the write lock (as a stuck process would)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    return db


def test_a_failed_write_after_the_send_is_unrecorded_and_recoverable(tmp_path):
    path = tmp_path / "journal.sqlite"
    adapter = FakeAdapter()
    mover = _mover(adapter, path)
    entry = _approved(mover)
    holders = []

    def lock_the_journal(request):
        mover.journal._db.execute("PRAGMA busy_timeout = 20")
        holders.append(_lock_writes(path))

    adapter.on_send = lock_the_journal
    with pytest.raises(UnrecordedOutcome) as caught:
        run(mover.submit(entry))
    assert "journal settle" in str(caught.value)
    holders[0].execute("ROLLBACK")
    holders[0].close()
    adapter.on_send = None
    left = mover.journal.get(entry.id)
    assert left.state is S.SUBMITTING and left.live_lease() is None  # stale: recoverable
    fresh = _mover(adapter, path)
    [settled] = run(fresh.recover())
    assert settled.state is S.ACCEPTED and adapter.applied == [entry.client_key]


def test_a_failed_write_before_the_send_sends_nothing(tmp_path):
    path = tmp_path / "journal.sqlite"
    adapter = FakeAdapter()
    mover = _mover(adapter, path)
    entry = _approved(mover)
    mover.journal._db.execute("PRAGMA busy_timeout = 20")
    holder = _lock_writes(path)
    try:
        with pytest.raises(JournalWriteFailed) as caught:
            run(mover.submit(entry))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not isinstance(caught.value, UnrecordedOutcome)
    assert adapter.sends == [] and mover.journal.get(entry.id).state is S.APPROVED
