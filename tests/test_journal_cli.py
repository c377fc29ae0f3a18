"""The CLI around the journal under trouble (issue 11: items 1, 4, 14 journal part): a
settle beside a live transfer in another process, a journal that cannot be written around
a send, and a damaged journal file, each ending with one line and the right exit code."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from demo_env import use_demo_profiles

from tui.cli import main
from tui.journal import EntryState, Journal
from tui.journal.store import JournalWriteFailed

ROOT = Path(__file__).resolve().parent.parent
TRANSFER = ["transfer", "--from", "asset_center", "--to", "contract", "--coin", "USDT",
            "--amount", "3.25", "--yes"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    monkeypatch.setenv("COINSOLE_RESEND_BACKOFF_MS", "1")
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def _journal_path(home) -> Path:
    return home / "data" / "journal.sqlite"


@pytest.fixture
def live_profiles(live_sandbox, monkeypatch, home):
    sandbox, base_url = live_sandbox
    use_demo_profiles(base_url, monkeypatch)
    return sandbox


def test_settle_beside_a_live_transfer_skips_it_and_says_so(live_profiles, home):
    sandbox = live_profiles
    sandbox.faults.configure("fcoin", latency_ms=1500)
    proc = subprocess.Popen([sys.executable, "-m", "tui", *TRANSFER,
                             "--profile", "fcoin-demo"],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _journal_path(home).exists():
                with Journal(_journal_path(home)) as journal:
                    if journal.entries([EntryState.SUBMITTING]):
                        break
            time.sleep(0.05)
        settled = invoke("journal", "settle")
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert f"is being sent by pid {proc.pid} on" in settled.output, (settled.output, out, err)
    assert "skipped" in settled.output
    assert "Traceback" not in settled.output
    assert proc.returncode == 0, err
    with Journal(_journal_path(home)) as journal:
        [entry] = journal.entries()
        assert entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED) and entry.attempts == 1
        assert not any("crashed" in e.detail for e in journal.events(entry.id))


def _fail_writes_after_sending(monkeypatch):
    """Every journal write fails once the request has gone (as with a full disk)."""
    import tui.journal.executor as executor
    from tui.journal.store import Journal as Store

    real_send, real_write = executor.send_request, Store._write
    sent = []

    async def send(*args, **kwargs):
        sent.append(True)
        return await real_send(*args, **kwargs)

    def write(self):
        if sent:
            raise JournalWriteFailed(f"could not write the journal at {self.path}: "
                                     "database or disk is full")
        return real_write(self)

    monkeypatch.setattr(executor, "send_request", send)
    monkeypatch.setattr(Store, "_write", write)
    return sent


def test_a_journal_write_failing_after_the_send_exits_4_with_one_line(home, monkeypatch):
    sent = _fail_writes_after_sending(monkeypatch)
    result = invoke(*TRANSFER, "--demo", "--profile", "fcoin-demo")
    assert sent and result.exit_code == 4, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "journal settle" in lines[0] and "Traceback" not in lines[0]


def test_a_journal_write_failing_before_the_send_sends_nothing(home, monkeypatch):
    from tui.journal.store import Journal as Store
    import tui.journal.executor as executor

    sent = []

    async def send(*args, **kwargs):
        sent.append(True)

    real_write, real_add = Store._write, Store.add
    armed = []

    def write(self):
        if armed:
            raise JournalWriteFailed(f"could not write the journal at {self.path}: disk full")
        return real_write(self)

    def add(self, *args, **kwargs):
        armed.append(True)  # the journal opened fine; the disk fills before the record
        return real_add(self, *args, **kwargs)

    monkeypatch.setattr(executor, "send_request", send)
    monkeypatch.setattr(Store, "_write", write)
    monkeypatch.setattr(Store, "add", add)
    result = invoke(*TRANSFER, "--demo", "--profile", "fcoin-demo")
    assert result.exit_code not in (0, 1, 4) and not sent
    assert "nothing was sent" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("damage", ["garbage", "empty", "directory"])
@pytest.mark.parametrize("command", [["journal"], ["journal", "settle"], ["journal", "show", "1"]])
def test_a_damaged_journal_is_one_line_exit_2_and_untouched(home, damage, command):
    path = _journal_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    if damage == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"" if damage == "empty" else b"\x13garbage" * 500)
    before = None if damage == "directory" else path.read_bytes()
    result = invoke(*command)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    if before is not None:
        assert path.read_bytes() == before


def test_a_bad_state_row_is_listed_as_damaged_beside_the_others(home):
    invoke(*TRANSFER, "--profile", "nobody")  # creates nothing; the journal is made below
    path = _journal_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    from decimal import Decimal

    from tui.core.models import AccountKind, AccountRef
    from tui.core.moves import MoveKind, MoveRequest, Settlement

    with Journal(path) as journal:
        for key in ("k1", "k2"):
            journal.add(MoveRequest(kind=MoveKind.TRANSFER, profile="p", venue="fcoin",
                                    coin="USDT", amount=Decimal("1.5"), client_key=key,
                                    from_account=AccountRef(kind=AccountKind.ASSET_CENTER),
                                    to_account=AccountRef(kind=AccountKind.SPOT)),
                        Settlement.KEYED)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET state = 'BOGUS' WHERE id = 1")
    result = invoke("journal")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "DAMAGED" in lines[0] and lines[1].split()[:2] == ["2", "DRAFT"]
