"""The sandbox over real HTTP: uvicorn on an ephemeral loopback port."""

from __future__ import annotations

import base64
import hashlib
import hmac
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx

from tui.core.money import loads_exact
from tui.sandbox import DEMO_PROFILES
from tui.sandbox.server import describe

PROFILES = {p.venue: p for p in DEMO_PROFILES}


def fcoin_headers(url: str) -> dict[str, str]:
    p = PROFILES["fcoin"]
    ts = str(int(time.time() * 1000))  # float-ok: clock
    payload = base64.b64encode(f"GET{url}{ts}".encode())
    sig = base64.b64encode(hmac.new(p.secret.encode(), payload, hashlib.sha1).digest()).decode()
    return {"FC-ACCESS-KEY": p.api_key, "FC-ACCESS-TIMESTAMP": ts, "FC-ACCESS-SIGNATURE": sig}


async def test_fcoin_over_http_signs_host_and_port(live_sandbox) -> None:
    _, base_url = live_sandbox
    assert urlsplit(base_url).port
    url = f"{base_url}/fcoin/v2/assets/user/accounts"
    async with httpx.AsyncClient() as client:
        reply = await client.get(url, headers=fcoin_headers(url))
        wrong_port = await client.get(url, headers=fcoin_headers(
            url.replace(base_url, "http://127.0.0.1:1")))
    assert reply.status_code == 200
    assert "5094.859925211325094096" in reply.text
    assert loads_exact(reply.content)["ETH"][0].as_tuple().exponent == -18
    assert wrong_port.status_code == 401 and wrong_port.json()["status"] == 6005


async def test_faults_apply_over_http(live_sandbox) -> None:
    sandbox, base_url = live_sandbox
    sandbox.faults.down("bhex")
    async with httpx.AsyncClient(base_url=f"{base_url}/bhex") as client:
        down = await client.get("/api/v2/org/basic/time")
        sandbox.faults.up("bhex")
        up = await client.get("/api/v2/org/basic/time")
    assert down.status_code == 503 and down.json()["status"] == 503
    assert up.status_code == 200 and up.json()["data"]["time"].isdigit()


def test_describe_lists_every_venue() -> None:
    text = describe("http://127.0.0.1:5000")
    for profile in DEMO_PROFILES:
        assert f"http://127.0.0.1:5000{profile.prefix}" in text
        assert profile.api_key in text and profile.secret in text
    assert PROFILES["chainup"].user_id in text and PROFILES["bhex"].user_id in text


def test_serve_reports_its_url_and_stops_on_interrupt() -> None:
    code = ("from tui.sandbox.server import serve\n"
            "serve(on_ready=lambda url: print(url, flush=True))\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        reply = httpx.get(f"{url}/bhex/api/v2/org/basic/time")
        assert reply.json()["status"] == 0
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
