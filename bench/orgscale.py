"""Org holdings at 100,000 and 1,000,000 ChainUp account rows, beside Textual's DataTable.

For each size, a fresh Python process:

1. starts ``coinsole sandbox serve --chainup-users N/4`` in another process (a generated
   org, 4 account rows per user, the request limit lifted) and syncs the org into a new
   holdings store over loopback HTTP with the real adapter (``OrgSync``): rows/s;
2. opens the Org holdings table (a ``VirtualTable`` over the store, sorted by uid) in a
   headless Textual app and times, each from the key or call to the first frame the app
   composed after the rows arrived (``bench/frames.py``): the view's open time (store
   opened, table mounted, first rows painted), jump to the end, sort by total
   (descending), filter ``coin=BTC``, a uid lookup (``uid=...``); each also to the end of
   ``pilot.pause()`` (``*_paused``: Textual's test pilot waits for idle in 20 ms steps, so
   these are never under 20-30 ms);
3. reports the process's peak RSS (sync and view together).

Then, in another fresh process, Textual's DataTable holding the same 100,000 rows (read
from the 100k store): mount and paint, jump to the end, sort by total, filter coin=BTC
(rebuild with the matching rows), uid lookup (scan, move the cursor), peak RSS.

Prints every figure, the targets, the growth from 100k to 1M and DataTable / virtual
ratios at 100k. Run:

    .venv/bin/python bench/orgscale.py [--sizes 100000,1000000] [--no-datatable]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS_PER_USER = 4
STEPS = ("frame_ms", "open_ms", "end_ms", "sort_ms", "filter_ms", "uid_ms")
TARGETS = {"sync_rows_per_s": ">= 50,000 at 1M", "frame_ms": "(a repaint, no query)",
           "open_ms": "<= 300", "end_ms": "<= 50",
           "sort_ms": "<= 1000", "filter_ms": "<= 300", "uid_ms": "<= 20",
           "peak_rss_mb": "<= 150 at 1M, <= 100k + 20", "q_end_us": "(store query only)",
           "q_sort_us": "(store query only)", "q_filter_us": "(query + count)",
           "q_uid_us": "(query + count)",
           **{f"{step}_paused": "(to pilot.pause's end)" for step in STEPS}}


def peak_rss_mb() -> int:
    """This process's peak resident set, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def ms(seconds: float) -> int:  # float-ok: durations, not money
    return round(seconds * 1000)


# -- one size: sync and the virtual table ----------------------------------------------


async def sync(rows: int, path: Path) -> dict[str, int]:
    """Serve a generated org of ``rows`` rows in another process and sync it into ``path``."""
    from tui.sandbox import DEMO_PROFILES
    from tui.stores.org_holdings import HoldingsStore
    from tui.venues.base import Credentials, VenueSettings
    from tui.venues.chainup import ChainupVenue
    from tui.venues.chainup_org_sync import OrgSync

    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "sandbox", "serve", "--chainup-users",
         str(rows // ROWS_PER_USER), "--chainup-rate", "1000000"],
        stdout=subprocess.PIPE, text=True)
    try:
        url = None
        while url is None:
            line = server.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise RuntimeError("the sandbox did not start")
            found = re.search(r"http://\S+", line)
            url = found.group(0) if found else None
        profile = next(p for p in DEMO_PROFILES if p.venue == "chainup")
        venue = ChainupVenue(VenueSettings(profile="bench", base_url=f"{url}/chainup",
                                           rate_limit=(1_000_000, 1.0)),  # float-ok: seconds
                             Credentials(profile.api_key, profile.secret))
        store = HoldingsStore.open(path)
        started = time.perf_counter()
        merged = await OrgSync(venue, store).run()
        elapsed = time.perf_counter() - started
        count = store.count()
        store.close()
        await venue.aclose()
    finally:
        server.terminate()
        server.wait()
    return {"rows": count, "merged": merged, "sync_s_x1000": ms(elapsed),
            "sync_rows_per_s": round(count / elapsed)}


async def view(path: Path) -> dict[str, int]:
    """Time the virtual table's operations over the store at ``path``."""
    from textual.app import App, ComposeResult
    from textual.containers import Vertical

    from tui.stores.holdings_source import HoldingsSource
    from tui.stores.org_holdings import HoldingsStore
    from tui.venues.chainup_org_sync import type_name
    from tui.widgets.virtual_table import VirtualTable

    from frames import ArrivalClock, FrameClock

    class Bench(App):
        def compose(self) -> ComposeResult:
            yield Vertical(id="slot")

    app = Bench()
    figures: dict[str, int] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        frames = FrameClock(app)
        await pilot.pause()

        async def settled() -> None:
            await app.workers.wait_for_complete()
            await pilot.pause()

        started = time.perf_counter()
        store = HoldingsStore.open(path)
        source = HoldingsSource(store.reader(), describe_type=type_name,
                                ensure_index=store.ensure_index)
        table = VirtualTable(source, sort="uid", id="table")
        arrivals = ArrivalClock(table, "_apply")
        await app.query_one("#slot").mount(table)
        table.focus()
        while not table.window.rows or table.total is None:
            await settled()
        figures["open_ms_paused"] = ms(time.perf_counter() - started)
        figures["open_ms"] = ms(frames.first_after(arrivals.last) - started)

        async def timed(name: str, action) -> None:
            began = time.perf_counter()
            result = action()
            if asyncio.iscoroutine(result):
                await result
            await settled()
            figures[name + "_paused"] = ms(time.perf_counter() - began)
            shown = frames.first_after(max(began, arrivals.last))
            assert shown is not None, f"{name}: no frame after the rows arrived"
            figures[name] = ms(shown - began)

        await timed("frame_ms", lambda: table.refresh())  # one repaint, no query
        await timed("end_ms", table.action_end)
        assert table.window.offset == table.total - len(table.window.rows)
        await timed("sort_ms", lambda: table.set_sort("total", descending=True))
        await timed("filter_ms", lambda: table.set_filter("coin=BTC"))
        assert all(r.cells[1].startswith("BTC") for r in table.window.rows)
        uid = str(30_000_000 + (store.count() // ROWS_PER_USER) * 3 // 4)
        await timed("uid_ms", lambda: table.set_filter(f"uid={uid}"))
        assert {r.ident[0] for r in table.window.rows} == {uid}
        height = table.height_rows
        store.close()
    figures.update(queries(path, height))
    return figures


def queries(path: Path, height: int) -> dict[str, int]:
    """The same operations on the store alone (the queries, no widget, no frame), in µs."""
    from tui.stores.holdings_source import HoldingsSource
    from tui.stores.org_holdings import HoldingsStore
    from tui.stores.table_query import Query, end, parse_filter, top

    store = HoldingsStore.open(path)
    source = HoldingsSource(store.reader())
    total = store.count()
    uid = str(30_000_000 + (total // ROWS_PER_USER) * 3 // 4)

    def query(sort: str, descending: bool, text: str = "") -> Query:
        predicates, words = parse_filter(text, source.columns)
        return Query(sort, descending, predicates, words, text)

    def timed(work) -> int:
        began = time.perf_counter()
        work()
        return round((time.perf_counter() - began) * 1_000_000)

    figures = {
        "q_end_us": timed(lambda: end(source, query("uid", False), height, total)),
        "q_sort_us": timed(lambda: top(source, query("total", True), height)),
        "q_filter_us": timed(lambda: (source.count(query("total", True, "coin=BTC")),
                                      top(source, query("total", True, "coin=BTC"), height))),
        "q_uid_us": timed(lambda: (source.count(query("total", True, f"uid={uid}")),
                                   top(source, query("total", True, f"uid={uid}"), height))),
    }
    store.close()
    return figures


def run_size(rows: int) -> dict[str, int]:
    """Sync and view at ``rows`` rows (in this, a fresh, process)."""
    with tempfile.TemporaryDirectory(prefix="orgscale-") as directory:
        path = Path(directory) / "org.sqlite"
        figures = asyncio.run(sync(rows, path))
        figures.update(asyncio.run(view(path)))
        keep = Path(tempfile.gettempdir()) / f"orgscale-{rows}.sqlite"
        if rows == 100_000:  # the DataTable run reads the same rows
            path.replace(keep)
            figures["kept"] = 1
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


# -- Textual's DataTable at 100k ----------------------------------------------------------


def run_datatable(path: Path) -> dict[str, int]:
    """The same operations with every row in a DataTable."""
    import sqlite3
    from decimal import Decimal

    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from tui.stores.holdings_source import group_digits
    from tui.venues.chainup_org_sync import type_name

    db = sqlite3.connect(path)
    rows = [(uid, coin, type_name(type_), balance) for uid, coin, type_, balance in
            db.execute("SELECT uid, coin, type, balance FROM holdings ORDER BY uid, coin, type")]
    db.close()

    def cells(row):
        return (row[0], row[1], row[2], group_digits(row[3]))

    class Bench(App):
        def compose(self) -> ComposeResult:
            yield DataTable(id="table")

    figures: dict[str, int] = {}

    from frames import FrameClock

    async def main() -> None:
        app = Bench()
        async with app.run_test(size=(160, 50)) as pilot:
            frames = FrameClock(app)
            table = app.query_one(DataTable)

            async def timed(name: str, action) -> None:
                # the work is done in the call: the first frame after it began shows it
                began = time.perf_counter()
                action()
                await pilot.pause()
                figures[name + "_paused"] = ms(time.perf_counter() - began)
                figures[name] = ms(frames.first_after(began) - began)

            def fill() -> None:
                table.add_columns("UID", "Coin", "Account", "Total")
                table.add_rows([cells(r) for r in rows])
                table.focus()

            await timed("open_ms", fill)

            await timed("end_ms", lambda: table.move_cursor(row=table.row_count - 1))
            keys = list(table.columns)
            await timed("sort_ms", lambda: table.sort(
                keys[3], key=lambda text: Decimal(text.replace(",", "")), reverse=True))

            def refill(matching) -> None:
                table.clear()
                table.add_rows([cells(r) for r in matching])

            await timed("filter_ms", lambda: refill([r for r in rows if r[1] in ("BTC",
                                                                                   "BTC1658")]))
            refill(rows)
            await pilot.pause()
            uid = str(30_000_000 + (len(rows) // ROWS_PER_USER) * 3 // 4)

            def lookup() -> None:
                for index in range(table.row_count):
                    if table.get_row_at(index)[0] == uid:
                        table.move_cursor(row=index)
                        return

            await timed("uid_ms", lookup)

    asyncio.run(main())
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


# -- the report -------------------------------------------------------------------------


def child(args: list[str]) -> dict[str, int]:
    """Run this script with ``args`` in a fresh process; its last line is JSON."""
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--no-datatable", action="store_true")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--datatable", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_size(args.worker)))
        return
    if args.datatable:
        print(json.dumps(run_datatable(Path(args.datatable))))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    results = {size: child(["--worker", str(size)]) for size in sizes}
    datatable = None
    kept = Path(tempfile.gettempdir()) / "orgscale-100000.sqlite"
    if not args.no_datatable and kept.exists():
        datatable = child(["--datatable", str(kept)])
    for suffix in ("", "-wal", "-shm"):
        Path(str(kept) + suffix).unlink(missing_ok=True)

    names = ["sync_rows_per_s", *STEPS, *(f"{step}_paused" for step in STEPS),
             "q_end_us", "q_sort_us", "q_filter_us", "q_uid_us", "peak_rss_mb"]
    head = f"{'figure':<18}" + "".join(f"{size:>12,}" for size in sizes)
    head += f"{'growth':>9}{'target':>28}"
    if datatable:
        head += f"{'DataTable 100k':>16}{'ratio':>9}"
    print(f"ChainUp org rows: {', '.join(f'{s:,}' for s in sizes)} "
          f"(4 account rows per user; sync over loopback HTTP)")
    print(head)
    for name in names:
        line = f"{name:<18}" + "".join(f"{results[s][name]:>12,}" for s in sizes)
        first, last = results[sizes[0]][name], results[sizes[-1]][name]
        line += f"{(last / first if first else 0):>8.2f}x" if len(sizes) > 1 else f"{'':>9}"
        line += f"{TARGETS[name]:>28}"
        if datatable and name in datatable and 100_000 in results:
            ours = results[100_000][name]
            line += f"{datatable[name]:>16,}{(datatable[name] / ours if ours else 0):>8.1f}x"
        print(line)
    if len(sizes) > 1:
        gap = results[sizes[-1]]["peak_rss_mb"] - results[sizes[0]]["peak_rss_mb"]
        print(f"peak RSS {sizes[-1]:,} - {sizes[0]:,}: {gap} MB (target <= 20)")
    print("growth = figure at the largest size / at the smallest; ratio = DataTable / "
          "virtual table at 100,000 rows (above 1: the virtual table is faster or smaller)")


if __name__ == "__main__":
    main()
