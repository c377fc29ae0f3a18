"""Process start to balances painted, beside a bare Textual app's first paint.

Each figure is a fresh Python process, timed from just before it is spawned until it
reports, from inside, the first frame after the event in question. Three coinsole starts
are measured:

- ``coinsole --demo``: the demo, with its sandbox in process;
- ``coinsole`` on five configured profiles (credentials from the environment) against
  ``coinsole sandbox serve`` running in another process on loopback: the path real
  venues take (TCP, HTTP/1.1, the TLS context), with venues that answer at once;
- the same with venues that answer ``--latency-ms`` late (100 by default, a distant venue).

For each: the balances table first painted with rows (last run's, marked cached) and
every profile loaded and painted. Beside them, the bare app's first paint and the bare
app after importing the libraries live balances need (the floor any live paint on this
stack has). All run headless, interleaved, after one warm-up run each (file system,
bytecode and coinsole's own caches warm, as on a second start). Prints the medians and
the ratios (target <= 2.0). Run:

    .venv/bin/python bench/startup.py [--repeat 7] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Both probes note the moment a frame is written to the (headless) terminal by wrapping
# App._display, Textual's one path from a screen update to the output: a frame, not a
# callback that may run later when the event loop is busy loading.

COINSOLE_PROBE = """
import importlib.abc
import importlib.machinery
import sys
import time

import tui.cli

marked = set()

def mark(what):
    if what not in marked:
        marked.add(what)
        print(f"{what} {time.time()!r}", flush=True)

def instrument(app_module):
    # The app as `coinsole ARGS` starts it (the same entry point, click included), headless.
    from tui.screens.balances import BalancesScreen

    App = app_module.CoinsoleApp
    display, run_async = App._display, App.run_async

    def probe_display(self, screen, renderable):
        display(self, screen, renderable)
        if not isinstance(screen, BalancesScreen) or not screen.table.row_count:
            return
        mark("FIRST")
        if screen.states and all(s.value in ("ok", "error") for s in screen.states.values()):
            mark("PAINTED")
            print("STATES " + ",".join(s.value for s in screen.states.values()), flush=True)
            self.exit()

    App._display = probe_display
    App.run_async = lambda self, **kw: run_async(self, **{**kw, "headless": True,
                                                          "size": (120, 36)})

class InstrumentOnImport(importlib.abc.MetaPathFinder):
    # Patches tui.app when coinsole itself imports it: importing it here, first, would
    # move Textual's import ahead of coinsole's own start-up work and change what is timed.
    def find_spec(self, name, path, target=None):
        if name != "tui.app":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        exec_module = spec.loader.exec_module

        def exec_and_instrument(module):
            exec_module(module)
            instrument(module)

        spec.loader.exec_module = exec_and_instrument
        return spec

sys.meta_path.insert(0, InstrumentOnImport())
sys.argv = ["coinsole", *sys.argv[1:]]
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
"""A private COINSOLE_HOME for the demo: the warm-up run leaves the caches a second start
finds there."""


@dataclass
class Start:
    """How to start one probe: its file, arguments, and what to add to its environment."""

    probe: Path
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def _start_to_paint(start: Start) -> dict[str, float]:  # float-ok: seconds
    """Seconds from spawning the probe to each event it reports (FIRST, PAINTED)."""
    # Both apps run as installed software runs: with bytecode caching on (some shells set
    # PYTHONDONTWRITEBYTECODE, which would make coinsole recompile its own modules every
    # run while Textual's were compiled by pip at install time).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COINSOLE_HOME"] = _HOME
    env.update(start.env)
    started = time.time()
    output = subprocess.run([sys.executable, str(start.probe), *start.args],
                            capture_output=True, text=True, timeout=120, check=True,
                            env=env).stdout
    marks = {}
    for line in output.splitlines():
        what, _, rest = line.partition(" ")
        if what in ("FIRST", "PAINTED"):
            marks[what] = float(rest) - started  # float-ok: seconds
        elif what == "STATES" and set(rest.split(",")) != {"ok"}:
            raise SystemExit(f"a profile did not load ({rest}):\n{output}")
    if "PAINTED" not in marks:
        raise SystemExit(f"the probe never reported a paint:\n{output}")
    return marks


@contextmanager
def _served_sandbox(latency_ms: int) -> Iterator[str]:
    """``coinsole sandbox serve`` on a free loopback port, in a process of its own, every
    reply ``latency_ms`` late; yields its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "sandbox", "serve", "--port", "0",
         "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "COINSOLE_HOME": tempfile.mkdtemp(prefix="coinsole-bench-")})
    try:
        first = server.stdout.readline() if server.stdout else ""
        if not first.startswith("coinsole sandbox at "):
            raise SystemExit(f"the sandbox did not start: {first!r}")
        yield first.removeprefix("coinsole sandbox at ").strip()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _served_start(probe: Path, base_url: str) -> Start:
    """A COINSOLE_HOME with one profile per sandbox venue at ``base_url``, credentials in
    the environment (as scripts give them), and the start of ``coinsole`` on it."""
    from tui.credentials import env_var_names
    from tui.sandbox import DEMO_PROFILES

    home = tempfile.mkdtemp(prefix="coinsole-bench-served-")
    env = {"COINSOLE_HOME": home}
    for demo in DEMO_PROFILES:
        name = demo.venue + "-live"
        command = [sys.executable, "-m", "tui", "profile", "add", name, "--venue", demo.venue,
                   "--base-url", base_url + demo.prefix, "--no-credentials"]
        if demo.user_id:
            command += ["--user-id", demo.user_id]
        subprocess.run(command, check=True, capture_output=True,
                       env={**os.environ, "COINSOLE_HOME": home})
        key_name, secret_name = env_var_names(name)
        env[key_name], env[secret_name] = demo.api_key, demo.secret
    return Start(probe, (), env)


def _print_start(title: str, runs: list[dict[str, float]], bare: float) -> None:  # float-ok
    first = statistics.median(run["FIRST"] for run in runs)
    live = statistics.median(run["PAINTED"] for run in runs)
    print(title)
    print(f"  start to balances on screen:       {first * 1000:8.1f} ms  (last run's, marked "
          f"cached)   ratio {first / bare:.2f}  (target <= 2.0)")
    print(f"  start to live balances painted:    {live * 1000:8.1f} ms  (every profile "
          f"answered)  ratio {live / bare:.2f}")


def main() -> None:
    """Run the probes ``--repeat`` times and print the medians and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--latency-ms", type=int, default=100,
                        help="the served venues' reply delay in the third scenario")
    args = parser.parse_args()
    with (tempfile.TemporaryDirectory() as scratch, _served_sandbox(0) as base_url,
          _served_sandbox(args.latency_ms) as slow_url):
        # Textual resolves an App subclass's CSS relative to its source file, so the
        # probes run from files rather than ``python -c``.
        bare_probe, coinsole_probe = Path(scratch, "bare.py"), Path(scratch, "coinsole.py")
        stack_probe = Path(scratch, "stack.py")
        bare_probe.write_text(BARE_PROBE.replace("{preload}", ""))
        stack_probe.write_text(BARE_PROBE.replace("{preload}", STACK))
        coinsole_probe.write_text(COINSOLE_PROBE)
        starts = {"bare": Start(bare_probe), "stack": Start(stack_probe),
                  "demo": Start(coinsole_probe, ("--demo",)),
                  "served": _served_start(coinsole_probe, base_url),
                  "slow": _served_start(coinsole_probe, slow_url)}
        for start in starts.values():
            _start_to_paint(start)  # warm file system and bytecode caches, and coinsole's
        # Interleaved, so a change in the machine's load touches every probe alike.
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in starts}
        for _ in range(args.repeat):
            for name, start in starts.items():
                runs[name].append(_start_to_paint(start))
    bare = statistics.median(run["PAINTED"] for run in runs["bare"])
    stack = statistics.median(run["PAINTED"] for run in runs["stack"])
    print(f"median of {args.repeat} runs, headless, 120x36, a second start (caches warm)")
    print(f"bare Textual app, start to first paint:                   {bare * 1000:8.1f} ms")
    print(f"bare app after importing the stack live balances need:    {stack * 1000:8.1f} ms"
          f"  ratio {stack / bare:.2f}  (click, pydantic, httpx, starlette: no live paint "
          "can beat this)")
    _print_start("coinsole --demo (the sandbox in process):", runs["demo"], bare)
    _print_start("coinsole on five profiles, the sandbox in another process over loopback "
                 "HTTP (the real venues' path):", runs["served"], bare)
    _print_start(f"the same, every venue answering {args.latency_ms} ms late (as a distant "
                 "venue does):", runs["slow"], bare)


if __name__ == "__main__":
    main()
