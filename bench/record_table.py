"""RecordTable at 10,000 and 100,000 records: the store-backed table against the one that
held every record in memory and a DataTable row for each (before).

For each size and each table, a fresh Python process mounts a ``RecordTable`` (the
History screen's kind of record: time, coin, exact amount, status, id) in a headless
Textual app, then times, each from the call to the frame after it: loading the records
(``set_records`` from a generator, to the first rows painted), End, sort by amount
(reversed), a filter, then the same sort the other way and another filter (the store
works out each record's sort keys and search text as it loads; a column's index is made
on its first sort). It reports the resident set before the load and after, and
the process's peak. "before" is ``tui/widgets/record_table.py`` as of commit
:data:`BEFORE` (read with ``git show``; skipped when git cannot read it).

    .venv/bin/python bench/record_table.py [--sizes 10000,100000] [--no-before]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

BEFORE = "0a47f67"
"""The last commit whose RecordTable held every record in memory."""
ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> int:
    """This process's resident set now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def peak_rss_mb() -> int:
    """This process's peak resident set, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def ms(seconds: float) -> int:  # float-ok: durations, not money
    return round(seconds * 1000)


@dataclass(frozen=True)
class Transfer:
    """A history row as the History screen shows one."""

    id: str
    time_ms: int
    coin: str
    amount: Decimal
    status: str


def records(count: int):
    """``count`` generated records, made one at a time."""
    coins = ("BTC", "ETH", "USDT", "DOGE", "TRX")
    for i in range(count):
        yield Transfer(f"tx-{i:08d}", 1_700_000_000_000 + i * 1000, coins[i % 5],
                       Decimal(i * 7919 % 1_000_003) / Decimal(1000), ("done", "pending")[i % 2])


def load_table_module(which: str):
    """The RecordTable module: this tree's, or the one of commit :data:`BEFORE`."""
    if which == "store":
        import tui.widgets.record_table as module

        return module
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:tui/widgets/record_table.py"],
                          capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "record_table_before.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("record_table_before", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["record_table_before"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def run(which: str, size: int) -> dict[str, int]:
    """Mount and time one table of ``size`` records (see the module text)."""
    import asyncio

    from textual.app import App, ComposeResult

    module = load_table_module(which)
    Column, RecordTable = module.Column, module.RecordTable
    columns = [module.time_column(), Column("coin", "coin"),
               Column("amount", "amount", numeric=True), Column("status", "status"),
               Column("id", "id")]

    from frames import ArrivalClock, FrameClock

    class Bench(App):
        def compose(self) -> ComposeResult:
            yield RecordTable(columns, record_key=lambda r: r.id, name="bench")

    figures: dict[str, int] = {}

    async def main() -> None:
        app = Bench()
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.focus_table()
            figures["rss_before_mb"] = rss_mb()

            async def timed(name: str, action) -> None:
                began = time.perf_counter()
                action()
                await pilot.pause()
                await pilot.pause()
                figures[name] = ms(time.perf_counter() - began)

            made = list(records(size))
            frames = FrameClock(app)
            arrived = ArrivalClock(table, "rebuild")
            began = time.perf_counter()
            table.set_records(made)
            # how long the call held the event loop (many records load in a worker thread)
            figures["load_call_ms"] = ms(time.perf_counter() - began)
            await pilot.pause()
            while getattr(table, "busy", False):
                await app.workers.wait_for_complete()
                await pilot.pause()
            await pilot.pause()
            # to the first frame after the records were in place (the last rebuild)
            figures["load_ms"] = ms(frames.first_after(arrived.last) - began)
            del made
            assert len(table.shown) == size
            figures["grid_rows"] = table.grid.row_count

            async def end() -> None:
                await pilot.press("end")

            began = time.perf_counter()
            await end()
            await pilot.pause()
            figures["end_ms"] = ms(time.perf_counter() - began)
            await timed("sort_ms", lambda: table.sort_by("amount", reverse=True))
            await timed("filter_ms", lambda: table.set_filter("doge pending"))
            await timed("sort_again_ms", lambda: table.sort_by("amount"))
            await timed("filter_again_ms", lambda: table.set_filter("btc done"))
            figures["rss_after_mb"] = rss_mb()

    asyncio.run(main())
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def child(which: str, size: int) -> dict[str, int]:
    """Run one table in a fresh process; its last line is JSON."""
    out = subprocess.run([sys.executable, __file__, "--worker", which, str(size)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--no-before", action="store_true")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run(args.worker[0], int(args.worker[1]))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = ["store"] if args.no_before else ["store", "before"]
    results = {}
    for kind in kinds:
        for size in sizes:
            try:
                results[kind, size] = child(kind, size)
            except subprocess.CalledProcessError as exc:
                print(f"{kind} {size:,}: failed: {exc.stderr.strip().splitlines()[-1:]}")
    names = ["load_call_ms", "load_ms", "end_ms", "sort_ms", "filter_ms", "sort_again_ms", "filter_again_ms",
             "grid_rows", "rss_before_mb",
             "rss_after_mb", "peak_rss_mb"]
    shown = [(k, s) for k in kinds for s in sizes if (k, s) in results]
    print("RecordTable: store-backed (this tree) vs every record in memory (before, "
          f"commit {BEFORE}); records: {', '.join(f'{s:,}' for s in sizes)}")
    print(f"{'figure':<15}" + "".join(f"{k + ' ' + format(s, ','):>18}" for k, s in shown)
          + (f"{'before/store':>14}" if ("before", sizes[-1]) in results else ""))
    for name in names:
        line = f"{name:<15}" + "".join(f"{results[key][name]:>18,}" for key in shown)
        big = sizes[-1]
        if ("before", big) in results and ("store", big) in results:
            ours, theirs = results["store", big][name], results["before", big][name]
            line += f"{(theirs / ours if ours else 0):>13.1f}x"
        print(line)
    print("times in ms from the call to the frame after it; rss in MB; before/store at "
          f"{sizes[-1]:,} records (above 1: the store-backed table is faster or smaller)")


if __name__ == "__main__":
    main()
