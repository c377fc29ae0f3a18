"""The Approvals screen opening with 10,000 pending requests (target <= 300 ms).

A real SQLite approvals store in a temporary COINSOLE_HOME is filled with N pending
requests (each a canonical request body and hash, as the service proposes them); the
demo app runs headless and, in the same process, a Textual pilot presses ``8``. Timed
from the key press to frames Textual writes (``App._display`` wrapped, as
bench/startup.py does):

- first paint: the first frame of the Approvals screen (its loading line);
- queue painted: the first frame showing the queue's rows.

Also printed: the model's load of the whole store (``ApprovalsModel.load``; first, and
again with its parse cache warm, as every live update is), the table fill, a reload after another operator's change (what each live update costs), and the
same open with the table unpaged (every row read into the DataTable) beside the paged one
(the first :data:`~tui.screens.approvals_model.PAGE_SIZE` rows read, the rest counted and
read as the cursor moves). Medians of
``--repeat`` runs after one warm-up. Then, on a throwaway PostgreSQL cluster (skipped
with a line saying why when none starts): the time from another operator's approval to
this screen painting the new vote count, LISTEN/NOTIFY alone (target <= 200 ms). Run:

    .venv/bin/python bench/approvals_screen.py [--requests 10000] [--repeat 5] [--pg-trials 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TARGET_MS = 300


def fill_store(n: int) -> None:
    """N pending requests by ann in the configured store, as ``ApprovalService.propose``
    writes them (one transaction)."""
    from approvals_world import TRON

    from tui.approvals.canonical import canonical_bytes, request_hash
    from tui.approvals.policy import Request
    from tui.approvals.service import load_policy_file
    from tui.approvals.store import Row
    from tui.approvals.store_factory import open_store

    loaded = load_policy_file()
    store = open_store()
    now = time.time_ns() // 1_000_000
    meta = {"rule": "big withdrawals", "quorum": "2 of treasury", "self": False,
            "expiry_ms": 86_400_000, "why": ["action withdraw", "amount >= 100"]}
    store._db.execute("BEGIN")
    for i in range(n):
        amount = Decimal(100) + Decimal(i) / Decimal(1000)
        params = {"kind": "withdraw", "profile": "bitunix-demo", "coin": "USDT",
                  "amount": str(amount), "address": TRON, "client_key": f"bench-{i}"}
        req = Request("withdraw", "bitunix-demo", "bitunix", "USDT", amount, "ann", TRON, params)
        h = request_hash(req, loaded.hash)
        body = {"action": req.action, "profile": req.profile, "venue": req.venue,
                "coin": req.coin, "amount": req.amount, "initiator": req.initiator,
                "destination": req.destination, "params": req.params, "meta": meta}
        store.propose(Row(h[:16], canonical_bytes(body).decode(), h, loaded.hash, "ann",
                          "PENDING_APPROVAL", now - (n - i) * 1000))
    store._db.execute("COMMIT")
    store.close()


async def open_once(page: int) -> dict[str, float]:  # float-ok: milliseconds
    """Open the screen once in a fresh demo app; the timings in ms."""
    from test_app_move import make_app

    from tui.screens import approvals_model
    from tui.screens.approvals import ApprovalsScreen

    approvals_model.PAGE_SIZE = page
    ApprovalsScreen.tick_seconds = None
    app, _, _ = make_app()
    marks: dict[str, float] = {}  # float-ok: seconds
    display = app._display

    def probe(screen, renderable):
        display(screen, renderable)
        if isinstance(screen, ApprovalsScreen):
            marks.setdefault("first", time.perf_counter())
            if screen.view is not None and screen.query_one("DataTable").row_count:
                marks.setdefault("rows", time.perf_counter())
                marks.setdefault("rows_cpu", time.process_time())

    app._display = probe
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        t0, c0 = time.perf_counter(), time.process_time()
        await pilot.press("8")
        while "rows" not in marks and time.perf_counter() - t0 < 30:
            await pilot.pause(0.001)
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen), screen
        shown, total = len(screen.view.items), screen.view.total
        from tui.screens.approvals_model import ApprovalsModel

        cold = ApprovalsModel(lambda: screen.model.service)
        tc = time.perf_counter()
        cold.load("all", limit=page)
        t1 = time.perf_counter()
        view = screen.model.load("all", limit=page)
        t2 = time.perf_counter()
        screen.view = view
        screen.rebuild()
        t3 = time.perf_counter()
        screen.reload()
        t4 = time.perf_counter()
    return {"first": (marks["first"] - t0) * 1000, "rows": (marks["rows"] - t0) * 1000,
            "rows_cpu": (marks["rows_cpu"] - c0) * 1000,
            "cold": (t1 - tc) * 1000, "load": (t2 - t1) * 1000, "fill": (t3 - t2) * 1000, "reload": (t4 - t3) * 1000,
            "shown": shown, "total": total}


async def postgres_latency(url: str, trials: int) -> list[float]:  # float-ok: milliseconds
    """On the PostgreSQL team store: ms from another operator's approval (committed) to the
    Approvals screen painting the new vote count, ``trials`` times."""
    from approvals_world import hold_transfer, service_for
    from test_app_move import make_app

    from tui.screens.approvals import ApprovalsScreen

    os.environ["COINSOLE_TEAM_STORE"] = url
    ApprovalsScreen.tick_seconds = None  # LISTEN/NOTIFY alone
    app, session, _ = make_app()
    painted: dict[str, float] = {}  # float-ok: seconds
    display = app._display

    def probe(screen, renderable):
        display(screen, renderable)
        if isinstance(screen, ApprovalsScreen) and screen.view is not None:
            votes = tuple(i.votes for i in screen.view.items)
            painted.setdefault(votes, time.perf_counter())

    app._display = probe
    out = []
    async with app.run_test(size=(160, 45)) as pilot:
        items = [hold_transfer(session, amount=str(10 + n)) for n in range(trials)]
        await pilot.press("8")
        while not isinstance(app.screen, ApprovalsScreen) or app.screen.view is None \
                or len(app.screen.view.items) < trials:
            await pilot.pause(0.01)
        screen = app.screen
        cat = service_for(session, "cat")
        for n, item in enumerate(items):
            before = tuple(i.votes for i in screen.view.items)
            want = before[:n] + ("1/2",) + before[n + 1:]
            t0 = time.perf_counter()
            await asyncio.to_thread(cat.approve, item.id)
            while want not in painted and time.perf_counter() - t0 < 5:
                await asyncio.sleep(0.001)
            out.append((painted.get(want, float("inf")) - t0) * 1000)  # float-ok: ms
        cat.close()
    os.environ.pop("COINSOLE_TEAM_STORE", None)
    return out


def postgres(trials: int) -> None:
    """The PostgreSQL figure, on a throwaway cluster (tests/pg_cluster.py)."""
    from pg_cluster import ClusterUnavailable, start_cluster

    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        print(f"\nPostgreSQL: skipped ({exc})")
        return
    try:
        runs = asyncio.run(postgres_latency(cluster.create_database("screen"), trials))
    finally:
        cluster.stop()
    runs.sort()
    print(f"\nPostgreSQL (loopback), another operator's approval -> this screen painted, "
          f"{len(runs)} trials:")
    print(f"  p50 {statistics.median(runs):.1f} ms, max {runs[-1]:.1f} ms   target <= 200 ms  "
          f"ratio {statistics.median(runs) / 200:.2f}")


def main() -> None:
    """Fill a store, open the screen ``--repeat`` times paged and unpaged, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg-trials", type=int, default=20,
                        help="approvals timed on PostgreSQL (0: skip)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="coinsole-bench-")
    os.environ["COINSOLE_HOME"] = home
    from approvals_world import policy_text

    policy = Path(home) / "policy.toml"
    policy.write_text(policy_text(), encoding="utf-8")
    os.environ["COINSOLE_POLICY"] = str(policy)
    os.environ["COINSOLE_OPERATOR"] = "bob"
    t = time.perf_counter()
    fill_store(args.requests)
    print(f"store filled with {args.requests:,} pending requests in "
          f"{(time.perf_counter() - t) * 1000:,.0f} ms")
    from tui.screens.approvals_model import PAGE_SIZE

    load = os.getloadavg()[0]
    print(f"load average now {load:.1f} on {os.cpu_count()} CPUs: wall times on a busy machine "
          "run longer than the CPU time they take")
    for label, page in (("paged", PAGE_SIZE), ("unpaged", args.requests)):
        asyncio.run(open_once(page))  # warm-up
        runs = [asyncio.run(open_once(page)) for _ in range(args.repeat)]

        def med(key: str) -> float:  # float-ok: milliseconds
            return statistics.median(r[key] for r in runs)

        print(f"\n{label}: {runs[0]['shown']:,} of {runs[0]['total']:,} rows in the table "
              f"(median of {args.repeat})")
        print(f"  key 8 -> first paint (loading line): {med('first'):7.1f} ms")
        print(f"  key 8 -> queue painted:              {med('rows'):7.1f} ms   target <= "
              f"{TARGET_MS} ms  ratio {med('rows') / TARGET_MS:.2f}")
        print(f"  key 8 -> queue painted, CPU time:    {med('rows_cpu'):7.1f} ms   (this process's "
              "CPU: what an idle machine's wall time approaches)")
        print(f"  model load, first (cold):            {med('cold'):7.1f} ms")
        print(f"  model load, again (parsed cache):    {med('load'):7.1f} ms")
        print(f"  table fill:                          {med('fill'):7.1f} ms")
        print(f"  reload after a change (live update): {med('reload'):7.1f} ms")
    if args.pg_trials:
        postgres(args.pg_trials)


if __name__ == "__main__":
    main()
