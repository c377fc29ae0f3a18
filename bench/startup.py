"""Process start to balances painted with ``--demo``, beside a bare Textual app's first paint.

Each figure is a fresh Python process, timed from just before it is spawned until it
reports, from inside, the first frame after the event in question: for coinsole, every
demo profile loaded and the balances table painted; for the bare app, its first paint.
Both run headless, after one warm-up run each (file system, bytecode and coinsole's own
caches warm, as on a second start). Prints the medians and the ratio (target <= 2.0). Run:

    .venv/bin/python bench/startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COINSOLE_PROBE = """
import time
from pathlib import Path

import tui.app
from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens.balances import BalancesScreen

class Probe(CoinsoleApp):
    CSS_PATH = Path(tui.app.__file__).parent / CoinsoleApp.CSS_PATH
    def on_ready(self) -> None:
        self.set_interval(0.005, self._check)

    def _check(self) -> None:
        screen = self.screen
        if isinstance(screen, BalancesScreen) and screen.states and not screen.loading:
            if screen.table.row_count:
                self.call_after_refresh(self._done)

    def _done(self) -> None:
        print(f"PAINTED {time.time()!r}", flush=True)
        self.exit()

Probe(demo_session(), demo=True).run(headless=True, size=(120, 36))
"""

BARE_PROBE = """
import time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_ready(self) -> None:
        self.call_after_refresh(self._done)

    def _done(self) -> None:
        print(f"PAINTED {time.time()!r}", flush=True)
        self.exit()

Bare().run(headless=True, size=(120, 36))
"""


_HOME = tempfile.mkdtemp(prefix="coinsole-bench-")
"""A private COINSOLE_HOME: the warm-up run leaves the caches a restart finds there."""


def _start_to_paint(probe: Path) -> float:  # float-ok: seconds
    # Both apps run as installed software runs: with bytecode caching on (some shells set
    # PYTHONDONTWRITEBYTECODE, which would make coinsole recompile its own modules every
    # run while Textual's were compiled by pip at install time).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COINSOLE_HOME"] = _HOME
    started = time.time()
    output = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                            timeout=120, check=True, env=env).stdout
    for line in output.splitlines():
        if line.startswith("PAINTED "):
            return float(line.split()[1]) - started  # float-ok: seconds
    raise SystemExit(f"the probe never reported a paint:\n{output}")


def main() -> None:
    """Run both probes ``--repeat`` times and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        # Textual resolves an App subclass's CSS relative to its source file, so the
        # probes run from files rather than ``python -c``.
        bare_probe, coinsole_probe = Path(scratch, "bare.py"), Path(scratch, "coinsole.py")
        bare_probe.write_text(BARE_PROBE)
        coinsole_probe.write_text(COINSOLE_PROBE)
        _start_to_paint(bare_probe)  # warm the file system and bytecode caches for both
        _start_to_paint(coinsole_probe)
        bare = statistics.median(_start_to_paint(bare_probe) for _ in range(args.repeat))
        coinsole = statistics.median(_start_to_paint(coinsole_probe) for _ in range(args.repeat))
    print(f"median of {args.repeat} runs, headless, 120x36")
    print(f"  bare Textual app, start to first paint:     {bare * 1000:8.1f} ms")
    print(f"  coinsole --demo, start to balances painted: {coinsole * 1000:8.1f} ms")
    print(f"ratio coinsole / bare: {coinsole / bare:.2f}  (target <= 2.0)")


if __name__ == "__main__":
    main()
