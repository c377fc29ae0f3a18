"""Run a sandbox over real HTTP on an ephemeral loopback port, for integration tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tui.sandbox import Sandbox
from tui.sandbox.server import bind, make_server, socket_url

__all__ = ["running_sandbox"]


@contextmanager
def running_sandbox(sandbox: Sandbox) -> Iterator[str]:
    """Serve ``sandbox.app`` with uvicorn on 127.0.0.1 (a free port) in a background thread;
    yield the base URL once it accepts connections, and shut it down cleanly after."""
    sock = bind("127.0.0.1", 0)
    server = make_server(sandbox.app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="sandbox-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)  # float-ok: seconds
        yield socket_url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
