"""kill -9 mid-flight, several times, then recover: nothing lost, nothing doubled.

A child process (this file run as a script) sends moves through the journal to a sandbox
served over real HTTP by the test process; the test kills it with SIGKILL at random
moments, starts another, and finally recovers the journal in the test process and compares
it with the sandbox ledger."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402

from bench.soak import TRADE_PASSWORD, compare, ledger_count, plan  # noqa: E402
from tui.core.moves import Settlement  # noqa: E402
from tui.journal import EntryState, Journal, Mover  # noqa: E402

CHILDREN = 5
PER_CHILD = 40


def _session(base_url: str):
    from tui.demo import demo_credentials, demo_profiles
    from tui.session import Session

    return Session(demo_profiles(base_url), credentials=demo_credentials)


async def _child(base_url: str, start: int, count: int) -> None:
    """Send plan items ``start .. start+count`` one after another, printing progress."""
    session = _session(base_url)
    mover = Mover(session, Journal())
    password = SecretStr(TRADE_PASSWORD)
    print("ready", flush=True)
    try:
        for profile, fields in plan(CHILDREN * PER_CHILD)[start:start + count]:
            entry = mover.approve(mover.prepare(profile=profile, **fields))
            needs = entry.venue == "bhex" and entry.kind == "withdraw"
            await mover.submit(entry, trade_password=password if needs else None)
    finally:
        await session.aclose()


def test_kill_9_mid_flight_then_recover(live_sandbox, tmp_path):
    sandbox, base_url = live_sandbox
    for venue in ("fcoin", "bitunix", "bhex"):
        sandbox.faults.configure(venue, latency_ms=15, drop_rate=0.2)
    env = {**os.environ, "COINSOLE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    rng = random.Random(7)
    killed_mid_run = 0
    for child in range(CHILDREN):
        proc = subprocess.Popen(
            [sys.executable, __file__, base_url, str(child * PER_CHILD), str(PER_CHILD)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.1, 0.8))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_run += 1
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert killed_mid_run >= 3

    for venue in ("fcoin", "bitunix", "bhex"):
        sandbox.faults.configure(venue)
    journal = Journal(tmp_path / "data" / "journal.sqlite")
    entries_before = journal.entries()
    assert entries_before, "the children journaled nothing"
    assert any(e.state is EntryState.SUBMITTING for e in entries_before) or \
        any(e.state is EntryState.UNKNOWN for e in entries_before)

    async def recover():
        session = _session(base_url)
        try:
            mover = Mover(session, journal, lookup_final_after_ms=0)
            await mover.recover(trade_password=SecretStr(TRADE_PASSWORD))
        finally:
            await session.aclose()

    asyncio.run(recover())
    entries = journal.entries()
    assert not [e for e in entries if e.state is EntryState.SUBMITTING]
    never_sent = [e for e in entries if e.state in (EntryState.DRAFT, EntryState.APPROVED)]
    for entry in never_sent:  # written before sending: a crash before the send sent nothing
        assert ledger_count(sandbox, entry) == 0
    sent = [e for e in entries if e not in never_sent]
    result = compare(sandbox, sent)
    assert result.duplicated == 0 and result.lost == 0, result.problems
    for entry in sent:
        n = ledger_count(sandbox, entry)
        if entry.settlement is Settlement.NONE:
            assert n <= 1
        else:  # KEYED and LOOKUP settle completely
            assert entry.state in (EntryState.ACCEPTED, EntryState.REJECTED)
            assert n == (1 if entry.state is EntryState.ACCEPTED else 0)
    journal.close()


if __name__ == "__main__":
    asyncio.run(_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
