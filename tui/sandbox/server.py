"""Run the sandbox on a loopback port with uvicorn, and describe how to reach it."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

import uvicorn
from starlette.types import ASGIApp

from tui.sandbox.app import Sandbox
from tui.sandbox.demo import DEMO_PROFILES

__all__ = ["serve", "describe", "bind", "socket_url", "make_server"]


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket bound to ``host:port`` (``0`` picks a free port) for uvicorn to serve."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def socket_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    """A uvicorn server that reports its base URL once it accepts connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None] | None) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._on_ready is not None and sockets:
            self._on_ready(socket_url(sockets[0]))


def make_server(app: ASGIApp, on_ready: Callable[[str], None] | None = None) -> uvicorn.Server:
    """A quiet uvicorn server for ``app`` (no lifespan, warnings only); serve it with
    ``server.run(sockets=[bind(...)])``. ``on_ready`` gets the base URL once it listens."""
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False,
                            date_header=False)  # each venue sends its own (skewed) Date
    return _Server(config, on_ready)


def serve(host: str = "127.0.0.1", port: int = 0, *, latency_ms: int = 0,
          error_rate: float = 0.0, rate_429: float = 0.0,  # float-ok: probabilities
          drop_rate: float = 0.0,  # float-ok: probability
          db_path: str | os.PathLike[str] | None = None, bhex_users: int | None = None,
          chainup_users: int | None = None, chainup_churn: int = 0,
          chainup_rate: tuple[int, int] | None = None,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve a :class:`Sandbox` on ``host:port`` until interrupted (Ctrl+C).

    The fault settings apply to every venue; ``bhex_users`` sizes the BHEX org;
    ``chainup_users`` serves a generated ChainUp org of that many users (see
    :class:`~tui.sandbox.app.Sandbox`). ``on_ready`` is called with the base URL
    (e.g. ``http://127.0.0.1:54321``) once the server accepts connections.
    """
    sized = {} if bhex_users is None else {"bhex_users": bhex_users}
    sandbox = Sandbox(db_path, chainup_users=chainup_users, chainup_churn=chainup_churn,
                      chainup_rate=chainup_rate, **sized)
    sandbox.faults.configure(latency_ms=latency_ms, error_rate=error_rate, rate_429=rate_429,
                             drop_rate=drop_rate)
    sock = bind(host, port)
    try:
        make_server(sandbox.app, on_ready).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        sandbox.close()


def describe(base_url: str) -> str:
    """Human text listing each venue's base URL with its demo key, secret and user id.

    These are sandbox credentials, printed on purpose so a person can try the venues.
    """
    lines = [f"coinsole sandbox at {base_url}", ""]
    for profile in DEMO_PROFILES:
        lines += [f"{profile.name}  ({profile.venue})",
                  f"  base URL  {base_url.rstrip('/')}{profile.prefix}",
                  f"  api key   {profile.api_key}",
                  f"  secret    {profile.secret}"]
        if profile.user_id is not None:
            lines.append(f"  user id   {profile.user_id}")
        lines.append("")
    lines += ["Ready to paste, after `coinsole vault init` (each asks for the vault "
              "passphrase, or reads COINSOLE_PASSPHRASE):", *profile_add_lines(base_url)]
    return "\n".join(lines).rstrip() + "\n"


def profile_add_lines(base_url: str) -> list[str]:
    """One shell line per demo venue that adds it as a profile with its demo key and
    secret (piped in with ``--credentials-stdin``, so nothing is typed twice)."""
    import shlex

    lines = []
    for profile in DEMO_PROFILES:
        args = ["coinsole", "profile", "add", profile.name, "--venue", profile.venue,
                "--base-url", f"{base_url.rstrip('/')}{profile.prefix}"]
        if profile.user_id is not None:
            args += ["--user-id", profile.user_id]
        args.append("--credentials-stdin")
        feed = ["printf", "%s\\n", profile.api_key, profile.secret]
        lines.append(f"{shlex.join(feed)} | {shlex.join(args)}")
    return lines
