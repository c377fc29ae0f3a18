"""The thread a store watcher delivers changes from, stopped on every way out of the process.

A watcher's thread spends its life inside a C library (libpq waiting on its socket, sqlite3
reading the file). A daemon thread still in there while the interpreter's exit runs the
libraries' cleanup can crash the process (the class of bug fixed in tui/venues/tls.py). So
the thread is not a daemon, and every watcher still running when the main thread ends - a
``return`` without ``stop()``, ``sys.exit``, an uncaught exception - is stopped by
threading's exit hook, which runs before the interpreter joins the non-daemon threads.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Protocol

__all__ = ["Stoppable", "start_watch_thread", "forget", "stop_all", "running"]


class Stoppable(Protocol):
    """A watcher: ``stop()`` ends its thread promptly (within a poll interval)."""

    def stop(self) -> None: ...


_LIVE: "weakref.WeakSet[Any]" = weakref.WeakSet()
_LOCK = threading.Lock()
_HOOKED = False


def _hook() -> None:
    """Register :func:`stop_all` once, to run before non-daemon threads are joined."""
    global _HOOKED
    if _HOOKED:
        return
    # threading._register_atexit (3.9+) runs before the interpreter joins non-daemon
    # threads; a plain atexit hook would run after, and the join would never end.
    threading._register_atexit(stop_all)  # type: ignore[attr-defined]
    _HOOKED = True


def start_watch_thread(watcher: Stoppable, loop: Callable[[], None], name: str) -> threading.Thread:
    """Run ``loop`` in a non-daemon thread named ``name`` for ``watcher``; the process's
    exit stops ``watcher`` (and so ends ``loop``) unless :func:`forget` was called first."""
    with _LOCK:
        _hook()
        _LIVE.add(watcher)
    thread = threading.Thread(target=loop, name=name, daemon=False)
    thread.start()
    return thread


def forget(watcher: Stoppable) -> None:
    """``watcher`` has stopped: the exit hook need not stop it."""
    with _LOCK:
        _LIVE.discard(watcher)


def running() -> list[Any]:
    """The watchers whose threads the exit hook would stop now."""
    with _LOCK:
        return list(_LIVE)


def stop_all() -> None:
    """Stop every watcher still running (the exit hook; callable any time)."""
    for watcher in running():
        try:
            watcher.stop()
        except Exception:  # noqa: BLE001 - one failing stop must not keep the others running
            forget(watcher)
