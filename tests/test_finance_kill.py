"""SIGKILL mid-batch, twice, then resume: no task applied twice, none lost.

A child process (this file run as a script) journals an airdrop batch and sends it to a
sandbox served over real HTTP by the test process; the test kills it with SIGKILL once some
tasks have landed, starts a second child that resumes the batch and kills that one too,
then resumes in the test process. The sandbox counts applications per client_order_id."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.journal import EntryState, Journal, Mover  # noqa: E402

ROWS = 600
TASK_ROWS = 10
USERS = ("482698709891649537", "482698709891649538")
OPERATOR = "482698709891649536"


def _session(base_url: str):
    from tui.demo import demo_credentials, demo_profiles
    from tui.session import Session

    return Session(demo_profiles(base_url), credentials=demo_credentials)


def _csv(path: Path) -> None:
    lines = ["uid,coin,amount"] + [f"{USERS[n % 2]},AT,0.{n + 1:04d}" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _child(base_url: str, mode: str, csv_path: str) -> None:
    from tui.finance.batch import prepare_csv
    from tui.finance.request import plan_batch
    from tui.core.moves import Settlement
    from tui.venues.bhex_finance import FinanceOp

    session = _session(base_url)
    mover = Mover(session, Journal(), keyed_attempts=5, keyed_backoff_s=0)
    try:
        if mode == "send":
            batch = prepare_csv(FinanceOp.AIRDROP, csv_path, coins={"AT": 18},
                                allow_duplicates=True)
            request = plan_batch(batch, profile="bhex-demo", task_rows=TASK_ROWS)
            entry = mover.approve(mover.record(request, Settlement.KEYED))
            print("journaled", flush=True)
            await mover.submit(entry)
        else:
            print("journaled", flush=True)
            await mover.recover()
    finally:
        await session.aclose()


def _run_and_kill(base_url: str, mode: str, csv_path: Path, env: dict, fin,
                  at_least: int) -> bool:
    proc = subprocess.Popen([sys.executable, __file__, base_url, mode, str(csv_path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "journaled", proc.stderr.read()
        deadline = time.monotonic() + 30
        while len(fin.applications) < at_least and proc.poll() is None:
            assert time.monotonic() < deadline, "the child sent nothing"
            time.sleep(0.005)  # float-ok: seconds
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return killed
    finally:
        proc.stdout.close()
        proc.stderr.close()


def test_sigkill_mid_batch_then_resume(live_sandbox, tmp_path) -> None:
    box, base_url = live_sandbox
    fin = box.services["bhex"].finance
    fin.run_ms = 0
    box.faults.configure("bhex", latency_ms=10, drop_rate=0.2)
    csv_path = tmp_path / "drop.csv"
    _csv(csv_path)
    env = {**os.environ, "COINSOLE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    tasks = ROWS // TASK_ROWS
    before = _operating(box)

    assert _run_and_kill(base_url, "send", csv_path, env, fin, at_least=8)
    first = len(fin.applications)
    assert 0 < first < tasks
    assert _run_and_kill(base_url, "resume", csv_path, env, fin, at_least=first + 8)
    assert len(fin.applications) < tasks

    box.faults.configure("bhex")
    journal = Journal(tmp_path / "data" / "journal.sqlite")
    (entry,) = journal.entries()
    assert entry.state in (EntryState.SUBMITTING, EntryState.UNKNOWN)
    session = _session(base_url)
    try:
        settled = asyncio.run(_resume(session, journal))
    finally:
        journal.close()
    assert settled.state is EntryState.ACCEPTED, settled.note
    request = settled.request
    assert set(fin.applications) == {t.client_order_id for t in request.tasks}
    assert set(fin.applications.values()) == {1}, "a task was applied twice"
    assert not fin.repeats, f"tasks sent again after they landed: {dict(fin.repeats)}"
    total = sum((Decimal(f"0.{n + 1:04d}") for n in range(ROWS)), Decimal(0))
    assert before - _operating(box) == total


async def _resume(session, journal):
    mover = Mover(session, journal, keyed_attempts=5, keyed_backoff_s=0)
    try:
        (entry,) = await mover.recover()
        return entry
    finally:
        await session.aclose()


def _operating(box) -> Decimal:
    rows = box.ledger.accounts("bhex", OPERATOR, account_type="1", account_index=0)
    return next(r.available for r in rows if r.coin == "AT")


if __name__ == "__main__":
    asyncio.run(_child(sys.argv[1], sys.argv[2], sys.argv[3]))
