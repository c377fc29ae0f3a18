"""Finance bench (issue 16): a 100,000-row airdrop CSV validated and previewed, then sent
through the sandbox under 30% commit-then-drop with no row doubled or lost.

    PYTHONPATH=. python bench/finance.py [--rows 100000] [--drop 0.3] [--task-rows 500]

1. **prepare**: in a fresh child process (so its peak RSS is the preparation's own), the
   CSV is read (twice, as the CLI does: once for the coins it names), every row checked (uids against a file user index of the org, coins,
   exact amounts, duplicates), the preview with per-coin totals built and the batch split
   into tasks: wall time and peak RSS (targets <= 2 s, <= 200 MB).
2. **send**: the batch journaled (one entry, every task's client_order_id) and sent to the
   sandbox served by uvicorn on loopback with ``drop_rate`` 0.3 (each write commits, then
   its reply is lost 30% of the time), settled until done, every row's result read back.
   Prints rows applied once, doubled and lost (target 0 and 0), tasks sent again after they
   landed, and the operating account's debit against the batch's total.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

COINS = {"AT": 18, "USDT": 18, "BTC": 18, "ETH": 18}


def make_csv(path: Path, user_ids: list[str]) -> None:
    """``uid,coin,amount,lock,subject`` rows: one per user, AT amounts of 0.00001 to 0.09999."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeffuid,coin,amount,lock,subject\n")
        for n, uid in enumerate(user_ids):
            lock = "true" if n % 7 == 0 else ""
            handle.write(f"{uid},AT,0.0{(n % 9999) + 1:04d},{lock},\n")


def prepare(csv_path: str, index_path: str, task_rows: int) -> None:
    """Phase 1 (in the child): time and peak RSS of check + preview + split."""
    from tui.finance.batch import prepare_csv, read_csv_rows
    from tui.finance.request import plan_batch
    from tui.support.user_index import UserIndex
    from tui.venues.bhex_finance import FinanceOp

    index = UserIndex.open("bench", Path(index_path))
    started = time.perf_counter()  # float-ok: seconds
    cpu = time.process_time()  # float-ok: seconds
    # the coins the file names, as tui/finance/checks.py reads them before the check
    named = {(row.get("coin") or "").strip().upper()
             for _, row in read_csv_rows(Path(csv_path).read_bytes())}
    assert named <= set(COINS)
    batch = prepare_csv(FinanceOp.AIRDROP, csv_path, coins=COINS,
                        known_users=index.existing, available={"AT": Decimal("15000")})
    preview = batch.preview_lines()
    request = plan_batch(batch, profile="bhex-demo", task_rows=task_rows)
    took = time.perf_counter() - started  # float-ok: seconds
    cpu = time.process_time() - cpu  # float-ok: seconds
    index.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"seconds": round(took, 3), "cpu": round(cpu, 3), "rss_mb": rss, "rows": batch.row_count,
                      "tasks": len(request.tasks), "preview": preview}))


async def send(box, base_url: str, csv_path: Path, task_rows: int, drop: float) -> None:  # float-ok: probability
    """Phase 2: journal, send under commit-then-drop, settle, read every row back."""
    from tui.core.moves import Settlement
    from tui.demo import demo_credentials, demo_profiles
    from tui.finance.batch import prepare_csv
    from tui.finance.request import plan_batch
    from tui.finance.send import collect_results
    from tui.journal import EntryState, Journal, Mover
    from tui.session import Session
    from tui.venues.bhex_finance import FinanceOp

    fin = box.services["bhex"].finance
    operator = "482698709891649536"

    def operating() -> Decimal:
        rows = box.ledger.accounts("bhex", operator, account_type="1", account_index=0)
        return next(r.available for r in rows if r.coin == "AT")

    session = Session(demo_profiles(base_url), credentials=demo_credentials)
    journal = Journal(Path(tempfile.mkdtemp()) / "journal.sqlite")
    mover = Mover(session, journal, keyed_attempts=5, keyed_backoff_s=0)
    batch = prepare_csv(FinanceOp.AIRDROP, csv_path, coins=COINS)
    request = plan_batch(batch, profile="bhex-demo", task_rows=task_rows)
    before = operating()
    box.faults.configure("bhex", drop_rate=drop)
    started = time.perf_counter()  # float-ok: seconds
    entry = mover.approve(mover.record(request, Settlement.KEYED))
    entry = await mover.submit(entry)
    settles = 0
    while entry.state is EntryState.UNKNOWN and settles < 50:
        entry = await mover.settle(entry)
        settles += 1
    sent_s = time.perf_counter() - started  # float-ok: seconds
    box.faults.configure("bhex")
    rows = await collect_results(session.adapter("bhex-demo"), request, entry.receipt,
                                 wait_s=60, interval_s=0.2)
    took = time.perf_counter() - started  # float-ok: seconds
    await session.aclose()
    journal.close()
    expected = Counter((i.user_id, i.token_id) for i in batch.items)
    applied = Counter({(user, token): n for (kind, user, token), n
                       in fin.row_applications.items() if kind == "airdrop"})
    doubled = sum(1 for k, n in applied.items() if n > expected.get(k, 0))
    lost = sum(1 for k in expected if applied.get(k, 0) < expected[k])
    done = sum(1 for r in rows if r.ok)
    debit = before - operating()
    print(f"send: {len(rows):,} rows in {len(request.tasks)} tasks through the sandbox with "
          f"{drop:.0%} commit-then-drop: journal entry {entry.state.value} after "
          f"{settles} settle(s), sent in {sent_s:.1f} s, all results read in {took:.1f} s")
    print(f"  rows done {done:,}; doubled {doubled} (target 0); lost {lost} (target 0); "
          f"tasks applied {len(fin.applications)} of {len(request.tasks)}, none twice: "
          f"{set(fin.applications.values()) == {1}}; tasks sent again after they landed: "
          f"{sum(fin.repeats.values())}")
    print(f"  operating account debit {debit} AT = batch total {request.totals['AT']} AT: "
          f"{debit == Decimal(request.totals['AT'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--drop", type=float, default=0.3)  # float-ok: probability
    parser.add_argument("--task-rows", type=int, default=500)
    parser.add_argument("--prepare-child", nargs=2, metavar=("CSV", "INDEX"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare_child:
        prepare(*args.prepare_child, args.task_rows)
        return

    from sandbox_server import running_sandbox
    from tui.sandbox import Sandbox
    from tui.sandbox.limits import RateLimiter
    from tui.support.user_index import UserIndex

    print(f"command: PYTHONPATH=. python bench/finance.py --rows {args.rows} "
          f"--drop {args.drop} --task-rows {args.task_rows}")
    box = Sandbox(bhex_users=max(20_000, args.rows + 1_000))
    box.services["bhex"].finance.run_ms = 50
    work = Path(tempfile.mkdtemp())
    user_ids = [box.bhex_org.user_id_at(n) for n in range(args.rows)]
    csv_path = work / "airdrop.csv"
    make_csv(csv_path, user_ids)
    index = UserIndex.open("bench", work / "index.sqlite")
    index.bulk_load((uid, "", "", "", 2, 0) for uid in user_ids)
    index.close()
    size = csv_path.stat().st_size
    child = subprocess.run([sys.executable, __file__, "--task-rows", str(args.task_rows),
                            "--prepare-child", str(csv_path), str(work / "index.sqlite")],
                           capture_output=True, text=True, env={**os.environ,
                                                                "PYTHONPATH": str(ROOT)})
    if child.returncode:
        sys.exit(child.stderr)
    figures = json.loads(child.stdout)
    print(f"prepare: {figures['rows']:,} rows ({size / 2**20:.1f} MB CSV) checked against a "
          f"{args.rows:,}-user index, previewed and split into {figures['tasks']} tasks in "
          f"{figures['seconds']:.2f} s (target <= 2 s, ratio {figures['seconds'] / 2:.2f}; "
          f"CPU {figures['cpu']:.2f} s, load average {os.getloadavg()[0]:.1f}); "
          f"peak RSS {figures['rss_mb']} MB (target <= 200 MB, ratio "
          f"{figures['rss_mb'] / 200:.2f})")
    for line in figures["preview"]:
        print(f"  | {line}")
    box.services["bhex"].limiter = RateLimiter(100_000, 1, box.clock)
    with running_sandbox(box) as base_url:
        asyncio.run(send(box, base_url, csv_path, args.task_rows, args.drop))
    box.close()


if __name__ == "__main__":
    main()
