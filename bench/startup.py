"""Process start to balances painted with ``--demo``, beside a bare Textual app's first paint.

Each figure is a fresh Python process, timed from just before it is spawned until it
reports, from inside, the first frame after the event in question: for coinsole, every
demo profile loaded and the balances table painted; for the bare app, its first paint;
and for the bare app again after importing the libraries live balances need (the floor
any live paint on this stack has). All run headless, interleaved, after one warm-up run
each (file system, bytecode and coinsole's own caches warm, as on a second start).
Prints the medians and the ratios (target <= 2.0). Run:

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

# Both probes note the moment a frame is written to the (headless) terminal by wrapping
# App._display, Textual's one path from a screen update to the output: a frame, not a
# callback that may run later when the event loop is busy loading.

COINSOLE_PROBE = """
import sys
import time

import tui.cli
from tui.app import CoinsoleApp
from tui.screens.balances import BalancesScreen

marked = set()
display = CoinsoleApp._display

def mark(what):
    if what not in marked:
        marked.add(what)
        print(f"{what} {time.time()!r}", flush=True)

def probe_display(self, screen, renderable):
    display(self, screen, renderable)
    if not isinstance(screen, BalancesScreen) or not screen.table.row_count:
        return
    mark("FIRST")
    if screen.states and all(s.value in ("ok", "error") for s in screen.states.values()):
        mark("PAINTED")
        self.exit()

# The app as `coinsole --demo` starts it (the same entry point, click included), headless.
CoinsoleApp._display = probe_display
run = CoinsoleApp.run
CoinsoleApp.run = lambda self, **kw: run(self, headless=True, size=(120, 36))
sys.argv = ["coinsole", "--demo"]
tui.cli.main(standalone_mode=False)
"""

BARE_PROBE = """
import time
{preload}
from textual.app import App
from textual.widgets import Static

class Bare(App):
    painted = False

    def compose(self):
        yield Static("hello")

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if not self.painted:
            self.painted = True
            print(f"PAINTED {time.time()!r}", flush=True)
            self.exit()

Bare().run(headless=True, size=(120, 36))
"""

STACK = """
import click, pydantic, starlette.applications
from pydantic import BaseModel
from tui.startup import optional_imports_skipped
with optional_imports_skipped("httpx._main"):
    import httpx
"""
"""The libraries the design names that coinsole's live balances need (click for the entry
point, pydantic for the models, httpx for the venue layer, imported as coinsole imports it,
without its command-line client; starlette for the demo sandbox). The bare app after
importing just these is a floor for coinsole's live paint: no implementation on this
stack can paint live balances sooner."""


_HOME = tempfile.mkdtemp(prefix="coinsole-bench-")
"""A private COINSOLE_HOME: the warm-up run leaves the caches a second start finds there."""


def _start_to_paint(probe: Path) -> dict[str, float]:  # float-ok: seconds
    """Seconds from spawning ``probe`` to each event it reports (FIRST, PAINTED)."""
    # Both apps run as installed software runs: with bytecode caching on (some shells set
    # PYTHONDONTWRITEBYTECODE, which would make coinsole recompile its own modules every
    # run while Textual's were compiled by pip at install time).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COINSOLE_HOME"] = _HOME
    started = time.time()
    output = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                            timeout=120, check=True, env=env).stdout
    marks = {}
    for line in output.splitlines():
        what, _, stamp = line.partition(" ")
        if what in ("FIRST", "PAINTED"):
            marks[what] = float(stamp) - started  # float-ok: seconds
    if "PAINTED" not in marks:
        raise SystemExit(f"the probe never reported a paint:\n{output}")
    return marks


def main() -> None:
    """Run the probes ``--repeat`` times and print the medians and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        # Textual resolves an App subclass's CSS relative to its source file, so the
        # probes run from files rather than ``python -c``.
        bare_probe, coinsole_probe = Path(scratch, "bare.py"), Path(scratch, "coinsole.py")
        stack_probe = Path(scratch, "stack.py")
        bare_probe.write_text(BARE_PROBE.replace("{preload}", ""))
        stack_probe.write_text(BARE_PROBE.replace("{preload}", STACK))
        coinsole_probe.write_text(COINSOLE_PROBE)
        for probe in (bare_probe, stack_probe, coinsole_probe):
            _start_to_paint(probe)  # warm file system and bytecode caches, and coinsole's
        # Interleaved, so a change in the machine's load touches every probe alike.
        bares, stacks, runs = [], [], []
        for _ in range(args.repeat):
            bares.append(_start_to_paint(bare_probe)["PAINTED"])
            stacks.append(_start_to_paint(stack_probe)["PAINTED"])
            runs.append(_start_to_paint(coinsole_probe))
        bare, stack = statistics.median(bares), statistics.median(stacks)
    first = statistics.median(run["FIRST"] for run in runs)
    live = statistics.median(run["PAINTED"] for run in runs)
    print(f"median of {args.repeat} runs, headless, 120x36, a second start (caches warm)")
    print(f"  bare Textual app, start to first paint:              {bare * 1000:8.1f} ms")
    print(f"  coinsole --demo, start to balances on screen:        {first * 1000:8.1f} ms"
          "  (last run's, marked cached)")
    print(f"  coinsole --demo, start to live balances painted:     {live * 1000:8.1f} ms"
          "  (all five venues answered)")
    print(f"  bare app after importing the stack live balances need: {stack * 1000:6.1f} ms"
          "  (click, pydantic, httpx, starlette)")
    print(f"ratio balances on screen / bare: {first / bare:.2f}  (target <= 2.0)")
    print(f"ratio live balances / bare:      {live / bare:.2f}")
    print(f"ratio stack floor / bare:        {stack / bare:.2f}  (no live paint can beat this)")


if __name__ == "__main__":
    main()
