"""One TLS context for every venue connection of the process, built off the event loop.

httpx builds a TLS context for every client it creates, and building one means parsing
certifi's CA bundle: ~15 ms each, on the event loop, so five profiles froze the UI for
~75 ms right after its first frame. Every network adapter shares one context instead
(httpx's own default: :func:`httpx.create_ssl_context`, which honours ``SSL_CERT_FILE``
and ``SSL_CERT_DIR``), built once per process in a worker thread, where OpenSSL parses
the bundle with the GIL released: the UI keeps drawing while it loads. A process that
ends meanwhile waits for the load to finish before it exits.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from concurrent.futures import Future

from tui.core.errors import ConfigError
from tui.startup import optional_imports_skipped

with optional_imports_skipped("httpx._main"):
    import httpx

__all__ = ["prepare_tls_context", "tls_context"]

_lock = threading.Lock()
_future: Future[ssl.SSLContext] | None = None


def _build(future: Future[ssl.SSLContext]) -> None:
    try:
        future.set_result(httpx.create_ssl_context())
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        future.set_exception(ConfigError(
            f"cannot load the TLS certificates to verify venues with ({exc}); "
            "check SSL_CERT_FILE and SSL_CERT_DIR, or unset them to use the bundled ones"))


def prepare_tls_context() -> Future[ssl.SSLContext]:
    """Start building the shared context (once per process) and return its future; the
    first network adapter calls this so the bundle loads while the others are set up."""
    global _future
    with _lock:
        if _future is None:
            _future = Future()
            # Not a daemon: the interpreter waits for it at exit. A daemon thread still
            # inside OpenSSL (the bundle load releases the GIL) when a short command ends
            # races libcrypto's exit-time cleanup and dies with SIGSEGV.
            threading.Thread(target=_build, args=(_future,), name="coinsole-tls",
                             daemon=False).start()
        return _future


async def tls_context() -> ssl.SSLContext:
    """The shared context, waiting (without blocking the event loop) until it is built.

    Raises :class:`ConfigError` when the CA certificates cannot be loaded. A waiter that
    is cancelled stops waiting; the context goes on loading for the others."""
    future = prepare_tls_context()
    if not future.done():
        loop = asyncio.get_running_loop()
        built = asyncio.Event()

        def wake(_: Future[ssl.SSLContext]) -> None:
            try:
                loop.call_soon_threadsafe(built.set)
            except RuntimeError:  # that event loop has closed meanwhile
                pass

        future.add_done_callback(wake)
        await built.wait()
    return future.result()
