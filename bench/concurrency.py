"""Balances from all five venues at once, beside each venue alone, with added latency.

Every sandbox venue answers after ``--latency-ms`` (200 by default). Loading all five
profiles concurrently should cost about as much as the slowest venue alone, not the sum.
Prints each venue's time alone, the time for all five, and the ratios. Run:

    .venv/bin/python bench/concurrency.py [--latency-ms 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
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


def _median(sandbox: Sandbox, names: list[str] | None, repeat: int) -> float:  # float-ok
    return statistics.median(asyncio.run(_timed_load(sandbox, names)) for _ in range(repeat))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    sandbox = Sandbox()
    sandbox.faults.configure(latency_ms=args.latency_ms)
    names = [p.name for p in demo_session(sandbox).profiles]

    alone = {name: _median(sandbox, [name], args.repeat) for name in names}
    together = _median(sandbox, None, args.repeat)
    slowest_name = max(alone, key=alone.get)
    fastest_name = min(alone, key=alone.get)

    print(f"latency per request: {args.latency_ms} ms; median of {args.repeat} runs")
    for name, seconds in alone.items():
        print(f"  {name:<14} alone: {seconds * 1000:8.1f} ms")
    print(f"  all five together: {together * 1000:8.1f} ms")
    print(f"  sum of the five alone: {sum(alone.values()) * 1000:8.1f} ms")
    print(f"ratio all-five / slowest venue alone ({slowest_name}): "
          f"{together / alone[slowest_name]:.2f}  (target <= 1.3)")
    print(f"ratio all-five / fastest venue alone ({fastest_name}): "
          f"{together / alone[fastest_name]:.2f}")
    print(f"ratio all-five / sum of the five alone: {together / sum(alone.values()):.2f}")


if __name__ == "__main__":
    main()
