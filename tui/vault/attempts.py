"""Growing delays between failed unlock attempts, remembered across restarts.

After ``n`` consecutive failures the next attempt may start only ``backoff_delay(n)``
seconds after the last failure (0, 1, 2, 4, 8 ... capped at 30 s). The count lives in a
small sidecar next to the vault (``vault.bin.attempts``, JSON, 0600) holding only a
number and a timestamp, so quitting and restarting coinsole does not reset it; a correct
passphrase deletes it.

This slows guessing through coinsole only. Someone who can copy ``vault.bin`` can guess
offline at whatever speed Argon2id allows, so the sidecar is deliberately not
authenticated: tampering with it can only reset a delay that such a person does not
face anyway. An unreadable sidecar counts as no failures rather than locking the owner
out.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from pathlib import Path

from tui.vault.files import atomic_write

__all__ = ["backoff_delay", "FailureTracker", "MAX_DELAY"]

#: The longest wait between attempts, in seconds.
MAX_DELAY = 30.0


def backoff_delay(failures: int) -> float:
    """Seconds to wait before the attempt that follows ``failures`` consecutive
    failures: 0, 1, 2, 4, 8, 16, 30, 30 ..."""
    if failures <= 0:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - 1))


class FailureTracker:
    """Counts consecutive failed unlocks of one vault file, persisted in a sidecar.

    ``clock`` gives wall-clock seconds (it must survive restarts, so not monotonic);
    ``policy`` maps a failure count to a delay.
    """

    def __init__(self, vault_path: Path, *, clock: Callable[[], float] = time.time,
                 policy: Callable[[int], float] = backoff_delay) -> None:
        self.path = vault_path.with_name(vault_path.name + ".attempts")
        self._clock = clock
        self._policy = policy

    def _load(self) -> tuple[int, float]:
        try:
            doc = json.loads(self.path.read_text())
            return max(0, int(doc["failures"])), float(doc["last_failure"])  # float-ok: seconds, not money
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    @property
    def failures(self) -> int:
        """Consecutive failed attempts so far."""
        return self._load()[0]

    def next_delay(self) -> float:
        """The full delay the next attempt is subject to (0 when there were no failures)."""
        return self._policy(self._load()[0])

    def remaining(self) -> float:
        """Seconds still to wait before the next attempt may run (0 if none)."""
        failures, last = self._load()
        if failures == 0:
            return 0.0
        wait = self._policy(failures) - (self._clock() - last)
        return max(0.0, min(wait, self._policy(failures)))  # a clock set back can't extend it

    def record_failure(self) -> int:
        """Count one more failure now; returns the new count."""
        failures = self._load()[0] + 1
        if self.path.parent.is_dir():
            data = json.dumps({"failures": failures, "last_failure": self._clock()})
            with contextlib.suppress(OSError):
                atomic_write(self.path, data.encode())
        return failures

    def reset(self) -> None:
        """Forget the failures (after a successful unlock)."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
