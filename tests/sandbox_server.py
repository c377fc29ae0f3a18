"""Run a sandbox over real HTTP on an ephemeral loopback port, for integration tests; and
signed requests to its money endpoints (this file's own signers: tests never import
tui.venues) on a clock the test moves."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx

from tui.core.money import dumps_exact, loads_exact
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.server import bind, make_server, socket_url

__all__ = ["running_sandbox", "Clock", "Venues", "START"]


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


# -- signed requests on a hand-moved clock ----------------------------------------
START = 1_764_000_000.0  # float-ok: seconds
PROFILES = {p.venue: p for p in DEMO_PROFILES}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START  # float-ok: seconds

    def __call__(self) -> float:  # float-ok: seconds
        return self.now

    def advance(self, seconds: float) -> None:  # float-ok: seconds
        self.now += seconds

    @property
    def ms(self) -> int:
        return int(self.now * 1000)  # float-ok


class Venues:
    """One sandbox with signed helpers for fcoin, bitunix and bhex."""

    def __init__(self, box: Sandbox, clock: Clock) -> None:
        self.box, self.clock = box, clock

    def _client(self, venue: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.box.app),
                                 base_url=f"http://sandbox/{venue}")

    # fcoin
    async def fcoin(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        p = PROFILES["fcoin"]
        ts = str(self.clock.ms)
        text = ""
        if body is not None:
            text = "&".join(f"{k}={_text(body[k])}" for k in sorted(body))
        payload = base64.b64encode(f"{method}http://sandbox/fcoin{path}{ts}{text}".encode())
        sig = base64.b64encode(hmac.new(p.secret.encode(), payload, hashlib.sha1).digest())
        headers = {"FC-ACCESS-KEY": p.api_key, "FC-ACCESS-TIMESTAMP": ts,
                   "FC-ACCESS-SIGNATURE": sig.decode(), "Content-Type": "application/json"}
        async with self._client("fcoin") as c:
            return await c.request(method, path, headers=headers,
                                   content=dumps_exact(body) if body is not None else None)

    async def fcoin_balances(self) -> dict[str, list[Decimal]]:
        return loads_exact((await self.fcoin("GET", "/v2/assets/user/accounts")).content)

    # bitunix
    async def bitunix(self, path: str, body: dict | None = None,
                      method: str = "POST") -> httpx.Response:
        p = PROFILES["bitunix"]
        ts, nonce = str(self.clock.ms), "x" * 32
        text = dumps_exact(body) if body is not None else ""
        digest = hashlib.sha256(f"{nonce}{ts}{p.api_key}{text}".encode()).hexdigest()
        sign = hashlib.sha256((digest + p.secret).encode()).hexdigest()
        headers = {"api-key": p.api_key, "nonce": nonce, "timestamp": ts, "sign": sign,
                   "Content-Type": "application/json"}
        async with self._client("bitunix") as c:
            return await c.request(method, "/api/spot/v1" + path, headers=headers,
                                   content=text or None)

    async def bitunix_data(self, path: str, body: dict | None = None) -> Any:
        reply = loads_exact((await self.bitunix(path, body)).content)
        assert reply["code"] == "0", reply
        return reply["data"]

    async def bitunix_spot(self) -> dict[str, tuple[Decimal, Decimal]]:
        data = loads_exact((await self.bitunix("/user/account", method="GET")).content)["data"]
        return {row["coin"]: (row["balance"], row["balanceLocked"]) for row in data}

    # bhex
    async def bhex(self, method: str, path: str, params: dict) -> httpx.Response:
        p = PROFILES["bhex"]
        params = {"user_id": p.user_id, **params, "timestamp": str(self.clock.ms)}
        params = {k: str(v) for k, v in params.items()}
        text = "&".join(f"{k}={params[k]}" for k in sorted(params))
        params["signature"] = hmac.new(p.secret.encode(), text.encode(),
                                       hashlib.sha256).hexdigest()
        headers = {"X-ACCESS-KEY": p.api_key}
        async with self._client("bhex") as c:
            if method == "GET":
                return await c.get("/api/v2/org" + path, params=params, headers=headers)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            return await c.post("/api/v2/org" + path, content=urlencode(params),
                                headers=headers)

    async def bhex_balance(self, account_type: int = 1, index: int = 0) -> dict[str, dict]:
        r = await self.bhex("POST", "/account/balance",
                            {"account_type": account_type, "account_index": index})
        return {row["tokenId"]: row for row in r.json()["data"]}


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)
