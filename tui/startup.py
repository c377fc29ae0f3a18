"""Process start-up helpers for the ``coinsole`` command.

Starting coinsole imports a few hundred modules and builds the app: hundreds of thousands
of objects that live as long as the process, and almost no garbage. Python's cyclic
garbage collector still walks them, repeatedly, while they are created (each full pass
~16 ms here). :func:`collector_paused` pauses it around that work, and :func:`settle`
moves what start-up built out of its reach for good (``gc.freeze``), so the collections
that do run later skip those objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "settle"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with the cyclic garbage collector paused (restored afterwards, as it
    was: a caller that had disabled it keeps it disabled)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Freeze everything built so far (imported modules, the app) out of the collector's
    reach: it lives as long as the process anyway."""
    gc.freeze()
