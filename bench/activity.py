"""The Activity screen over a journal of 100,000 entries (written straight into its SQLite
file by tests/journal_fill.py): open, End, a filter, and the memory it takes.

A fresh process opens the demo app headless on that journal and times, each from the key
to the frame after it: opening Activity (key 4, to the refresh after the first screenful is in the table), the
search cache filled behind it (from the same key, while the screen already answers), End (the
oldest entry), a filter (``withdraw eth``, set at once as if pasted; timed from the
end of the 0.15 s typing pause), a second filter (``unknown``), and clearing it. The
filter's search cache is filled between frames after the screen opens (by the time the
first filter is typed). It reports the resident set before opening and
after, and the peak.

    .venv/bin/python bench/activity.py [--entries 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def rss_mb() -> int:
    """This process's resident set now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def ms(seconds: float) -> int:  # float-ok: durations, not money
    return round(seconds * 1000)


def run(path: Path) -> dict[str, int]:
    """Open Activity over the journal at ``path`` and time it (see the module text)."""
    from test_app_support import wait_loaded

    from tui.app import CoinsoleApp
    from tui.demo import demo_session
    from tui.journal import Journal
    from tui.journal_ui import attach_journal
    from textual.widgets import Input

    from tui.screens.activity import FILTER_PAUSE_S, ActivityScreen

    ActivityScreen.refresh_seconds = None
    ActivityScreen.reconcile_pending = False
    session = demo_session()
    attach_journal(session, Journal(path))
    app = CoinsoleApp(session, demo=True)
    figures: dict[str, int] = {}

    async def main() -> None:
        async with app.run_test(size=(140, 45)) as pilot:
            await wait_loaded(pilot)
            figures["rss_before_mb"] = rss_mb()

            async def timed(name: str, *keys: str) -> None:
                began = time.perf_counter()
                await pilot.press(*keys)
                await wait_loaded(pilot)
                figures[name] = ms(time.perf_counter() - began)

            shown: list[float] = []  # float-ok: times
            show_window = ActivityScreen.show_window

            def first_shown(screen: ActivityScreen, window) -> None:
                show_window(screen, window)
                if window.rows and not shown:
                    screen.app.call_after_refresh(lambda: shown.append(time.perf_counter()))

            ActivityScreen.show_window = first_shown  # type: ignore[method-assign]
            began = time.perf_counter()
            await pilot.press("4")
            await wait_loaded(pilot)
            figures["open_ms"] = ms(shown[0] - began)
            figures["search_cache_ms"] = ms(time.perf_counter() - began)
            screen = app.screen
            assert isinstance(screen, ActivityScreen) and screen.entries
            figures["table_rows"] = len(screen.entries)
            await timed("end_ms", "end")
            assert screen.selected_id() == 1
            await pilot.press("slash")
            field = screen.query_one("#filter", Input)

            async def typed(name: str, text: str) -> None:
                began = time.perf_counter()
                field.value = text  # as if pasted: one change, then the typing pause
                await wait_loaded(pilot)
                figures[name] = ms(time.perf_counter() - began - FILTER_PAUSE_S)

            await typed("first_filter_ms", "withdraw eth")
            figures["filter_rows"] = screen.total
            await typed("second_filter_ms", "unknown")
            await timed("clear_filter_ms", "escape")
            figures["rss_after_mb"] = rss_mb()

    asyncio.run(main())
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run(Path(args.worker))))
        return
    from journal_fill import fill

    path = Path(tempfile.mkdtemp()) / "journal.sqlite"
    began = time.perf_counter()
    fill(path, args.entries).close()
    made = ms(time.perf_counter() - began)
    out = subprocess.run([sys.executable, __file__, "--worker", str(path)],
                         capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"Activity over a journal of {args.entries:,} entries (written in {made:,} ms)")
    for name, value in figures.items():
        print(f"{name:<18}{value:>10,}")
    print("times in ms from the keys to the frame after them (a filter from the end of "
          "the typing pause); rss in MB")


if __name__ == "__main__":
    main()
