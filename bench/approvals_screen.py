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
same open with the table unpaged (every row in the DataTable) beside the paged one
(:data:`~tui.screens.approvals_model.PAGE_SIZE` rows, the rest counted). Medians of
``--repeat`` runs after one warm-up. Run:

    .venv/bin/python bench/approvals_screen.py [--requests 10000] [--repeat 5]
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
    from tui.approvals.stores import open_store

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


def main() -> None:
    """Fill a store, open the screen ``--repeat`` times paged and unpaged, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
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


if __name__ == "__main__":
    main()
