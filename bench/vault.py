"""Vault unlock cost with the default Argon2id parameters: time and memory.

Creates a throw-away vault holding a few profiles, then unlocks it ``--repeat`` times
from a fresh ``Vault`` object each time (read the file, derive the key with Argon2id,
check it, decrypt). Prints the parameters, the median and spread of the unlock time, and
peak memory: the process's maximum RSS growth (``resource.getrusage``; Argon2's work area
is native memory, so this is the figure that matters) and the Python-heap peak seen by
``tracemalloc``. The target is an unlock of roughly 0.3-1 s on the machine it runs on.
Run:

    /work/venv/bin/python bench/vault.py [--repeat 7] [--memory KiB --iterations N --lanes N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from tui.vault import DEFAULT_KDF, KdfParams, Vault
from tui.venues.base import Credentials


def _maxrss_kib() -> int:
    """Peak resident set size of this process so far, in KiB (Linux units)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--memory", type=int, default=DEFAULT_KDF.memory_cost, help="KiB")
    parser.add_argument("--iterations", type=int, default=DEFAULT_KDF.iterations)
    parser.add_argument("--lanes", type=int, default=DEFAULT_KDF.lanes)
    args = parser.parse_args()
    kdf = KdfParams(memory_cost=args.memory, iterations=args.iterations, lanes=args.lanes)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data" / "vault.bin"
        rss_before = _maxrss_kib()
        tracemalloc.start()
        vault = Vault.init(path, "bench passphrase", kdf=kdf)
        for i in range(5):
            vault.put(f"profile-{i}", Credentials(f"key-{i}" * 4, f"secret-{i}" * 8))
        vault.lock()
        tracemalloc.reset_peak()
        times = []
        for _ in range(args.repeat):
            fresh = Vault(path)
            started = time.perf_counter()
            fresh.unlock("bench passphrase")
            times.append(time.perf_counter() - started)
            fresh.lock()
        _, py_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_growth = _maxrss_kib() - rss_before
        size = path.stat().st_size

    print(f"parameters   {kdf.describe()} (memory_cost={kdf.memory_cost} KiB, "
          f"iterations={kdf.iterations}, lanes={kdf.lanes}), salt 16 B, key 32 B")
    print(f"machine      {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"unlock       median {statistics.median(times):.3f} s over {len(times)} "
          f"(min {min(times):.3f} s, max {max(times):.3f} s)")
    print(f"memory       peak RSS growth {rss_growth / 1024:.1f} MiB (ru_maxrss), "
          f"Python heap peak {py_peak / 1024:.1f} KiB (tracemalloc)")
    print(f"ratio        RSS growth / Argon2 memory cost = "
          f"{rss_growth / kdf.memory_cost:.2f}")
    print(f"vault file   {size} bytes for 5 profiles")


if __name__ == "__main__":
    main()
