"""Process start-up helpers for the ``coinsole`` command.

Starting coinsole imports a few hundred modules and builds the app: hundreds of thousands
of objects that live as long as the process, and almost no garbage. Python's cyclic
garbage collector still walks them, repeatedly, while they are created (each full pass
~16 ms here). :func:`collector_paused` pauses it around that work, and :func:`settle`
moves what start-up built out of its reach for good (``gc.freeze``), so the collections
that do run later skip those objects.

:func:`optional_imports_skipped` keeps a library's optional extras (httpx's command-line
client) from loading when coinsole imports it.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "optional_imports_skipped", "settle"]


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


@contextmanager
def optional_imports_skipped(*names: str) -> Iterator[None]:
    """Run the body (an import) with the modules ``names`` unimportable, for libraries
    that import an optional extra inside ``try: ... except ImportError`` and carry on
    without it. Names already imported are left alone; afterwards every name can be
    imported again as usual.

    coinsole uses it for ``httpx._main``, the command-line client that ``import httpx``
    loads (with pygments and rich's syntax and progress modules, ~14 ms) and that httpx
    replaces with a stub when it cannot be imported; coinsole never runs it."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
