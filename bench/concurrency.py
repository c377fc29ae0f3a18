"""Balances from all five venues at once, beside each venue alone, with added latency.

Every sandbox venue answers after ``--latency-ms`` (200 by default). Loading all five
profiles concurrently should cost about as much as the slowest venue alone, not the sum.
Two starts are measured: cold (empty cache: ChainUp pulls its org page by page, BHEX lists
the sub-accounts before asking for their balances) and warm (a restart: ChainUp's stored
snapshot needs one incremental call, BHEX asks for every remembered account at once).
State lives in a temporary COINSOLE_HOME. Prints each venue's time alone, the time for all
five, and the ratios. Run:

    .venv/bin/python bench/concurrency.py [--latency-ms 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time

from tui.demo import demo_session
from tui.sandbox import Sandbox


async def _timed_load(sandbox: Sandbox, names: list[str] | None) -> float:  # float-ok: seconds
    session = demo_session(sandbox)
    try:
        started = time.perf_counter()
        results = await session.load_all(names)
        elapsed = time.perf_counter() - started
    finally:
        await session.aclose()
    failed = [r.profile.name for r in results if not r.ok]
    if failed:
        raise SystemExit(f"profiles failed during the benchmark: {failed}")
    return elapsed


def _median(sandbox: Sandbox, names: list[str] | None, repeat: int, *,
            cold: bool) -> float:  # float-ok: seconds
    from tui.paths import app_paths

    times = []
    for _ in range(repeat):
        if cold:
            shutil.rmtree(app_paths().cache_dir, ignore_errors=True)
        else:
            asyncio.run(_timed_load(sandbox, names))  # leaves the caches a restart finds
        times.append(asyncio.run(_timed_load(sandbox, names)))
    return statistics.median(times)


def _report(title: str, alone: dict[str, float], together: float) -> None:  # float-ok
    slowest_name = max(alone, key=alone.get)
    fastest_name = min(alone, key=alone.get)
    print(title)
    for name, seconds in alone.items():
        print(f"  {name:<14} alone: {seconds * 1000:8.1f} ms")
    print(f"  all five together: {together * 1000:8.1f} ms")
    print(f"  sum of the five alone: {sum(alone.values()) * 1000:8.1f} ms")
    print(f"  ratio all-five / fastest venue alone ({fastest_name}): "
          f"{together / alone[fastest_name]:.2f}  (target <= 1.3)")
    print(f"  ratio all-five / slowest venue alone ({slowest_name}): "
          f"{together / alone[slowest_name]:.2f}")
    print(f"  ratio all-five / sum of the five alone: {together / sum(alone.values()):.2f}")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    os.environ["COINSOLE_HOME"] = tempfile.mkdtemp(prefix="coinsole-bench-")
    sandbox = Sandbox()
    sandbox.faults.configure(latency_ms=args.latency_ms)
    names = [p.name for p in demo_session(sandbox).profiles]

    print(f"latency per request: {args.latency_ms} ms; median of {args.repeat} runs")
    for cold, title in ((True, "cold start (no cache)"), (False, "warm start (a restart)")):
        alone = {name: _median(sandbox, [name], args.repeat, cold=cold) for name in names}
        together = _median(sandbox, None, args.repeat, cold=cold)
        _report(title, alone, together)
    shutil.rmtree(os.environ["COINSOLE_HOME"], ignore_errors=True)


if __name__ == "__main__":
    main()
