"""Argon2id cost parameters: the defaults, the bounds a file may declare, and the cheap
set for tests.

The defaults follow RFC 9106 section 4's second recommended option (Argon2id, t=3,
4 lanes, 128-bit salt, 256-bit tag) with memory raised from 64 MiB to 192 MiB, so that one
unlock takes about 0.4 s on the idle development machine (2 vCPU) and well under 1 s
while other work loads it (measured with ``bench/vault.py``; 256 MiB at t=3 took 0.5 s
idle but 0.9-1.1 s loaded). They are written into every vault header, so they can be raised
later without breaking existing files.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KdfParams", "DEFAULT_KDF", "TEST_KDF", "SALT_BYTES", "KEY_BYTES"]

#: Salt length for new vaults (RFC 9106 recommends 128 bits).
SALT_BYTES = 16
#: Length of the Argon2id output (the master key).
KEY_BYTES = 32

# Bounds a header may declare. They reject absurd values from a damaged or hostile file
# (a 4 TiB memory cost would be a denial of service) before any derivation runs.
_MIN_MEMORY_PER_LANE = 8  # KiB, Argon2's own floor
_MAX_MEMORY = 4 * 1024 * 1024  # KiB = 4 GiB
_MAX_ITERATIONS = 64
_MAX_LANES = 64


@dataclass(frozen=True)
class KdfParams:
    """Argon2id costs: ``memory_cost`` in KiB, ``iterations`` (passes), ``lanes``."""

    memory_cost: int
    iterations: int
    lanes: int

    def problem(self) -> str | None:
        """Why these parameters are unacceptable, or None when they are within bounds."""
        if not 1 <= self.lanes <= _MAX_LANES:
            return f"lanes {self.lanes} outside 1..{_MAX_LANES}"
        if not 1 <= self.iterations <= _MAX_ITERATIONS:
            return f"iterations {self.iterations} outside 1..{_MAX_ITERATIONS}"
        low = _MIN_MEMORY_PER_LANE * self.lanes
        if not low <= self.memory_cost <= _MAX_MEMORY:
            return f"memory cost {self.memory_cost} KiB outside {low}..{_MAX_MEMORY}"
        return None

    def describe(self) -> str:
        """Human-readable form, e.g. ``Argon2id m=256 MiB t=3 p=4``."""
        mem = self.memory_cost
        size = f"{mem // 1024} MiB" if mem % 1024 == 0 else f"{mem} KiB"
        return f"Argon2id m={size} t={self.iterations} p={self.lanes}"


#: What new vaults use: ~0.4-0.7 s and 192 MiB per unlock on the development machine.
DEFAULT_KDF = KdfParams(memory_cost=192 * 1024, iterations=3, lanes=4)

#: TEST-ONLY: the cheapest parameters Argon2 allows, so the test suite stays fast.
#: Never use them for a real vault: they offer no resistance to guessing.
TEST_KDF = KdfParams(memory_cost=8, iterations=1, lanes=1)
