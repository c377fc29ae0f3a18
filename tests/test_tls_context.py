"""The TLS context every network adapter shares (tui.venues.tls): built once per process,
off the event loop; a cancelled waiter does not spoil it; a bad CA setting is a clear
ConfigError on each profile's load, never a crash."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from tui.core.errors import ConfigError
from tui.core.models import VENUE_IDS
from tui.demo import demo_credentials, demo_profiles
from tui.session import Session
from tui.venues import tls


@pytest.fixture
def fresh_context(monkeypatch):
    """No shared context built yet in this test, and every CA bundle load counted."""
    monkeypatch.setattr(tls, "_future", None)
    loads = []
    original = ssl.create_default_context

    def counting(*args, **kwargs):
        loads.append(kwargs.get("cafile") or kwargs.get("capath"))
        return original(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    return loads


def network_session(sandbox, origin: str) -> Session:
    """A session over every demo profile at ``origin``, reached over the network."""
    return Session(demo_profiles(origin), credentials=demo_credentials)


async def test_every_network_profile_shares_one_context(live_sandbox, fresh_context):
    sandbox, origin = live_sandbox
    session = network_session(sandbox, origin)
    try:
        results = await session.load_all()
        assert [r.error for r in results] == [None] * len(VENUE_IDS)
        # A second round (new requests on the open clients) builds nothing either.
        await session.load_all()
    finally:
        await session.aclose()
    assert len(fresh_context) == 1


async def test_in_process_transports_build_no_context(sandbox, fresh_context):
    from tui.demo import demo_session

    session = demo_session(sandbox)
    try:
        assert all(r.ok for r in await session.load_all())
    finally:
        await session.aclose()
    assert fresh_context == []
    assert tls._future is None


async def test_a_cancelled_waiter_leaves_the_context_to_the_others(fresh_context):
    first = asyncio.ensure_future(tls.tls_context())
    await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    context = await asyncio.wait_for(tls.tls_context(), timeout=10)
    assert isinstance(context, ssl.SSLContext)
    assert context is await tls.tls_context()
    assert len(fresh_context) == 1


async def test_unreadable_certificates_are_a_clear_error_per_profile(
        live_sandbox, fresh_context, monkeypatch, tmp_path):
    sandbox, origin = live_sandbox
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    session = network_session(sandbox, origin)
    try:
        results = await session.load_all()
    finally:
        await session.aclose()
    for result in results:
        assert isinstance(result.error, ConfigError)
        assert "SSL_CERT_FILE" in str(result.error)


_EXIT_WHILE_LOADING = """
import sys, time
import httpx
from tui.venues import tls

real = httpx.create_ssl_context

def slow_load(*args, **kwargs):
    context = real(*args, **kwargs)
    time.sleep(0.5)  # a loaded machine: the bundle is still loading when the command ends
    print("context built", flush=True)
    return context

httpx.create_ssl_context = slow_load
tls.prepare_tls_context()
sys.exit(0)  # a short command (a settle that lost its race) ends without any request
"""


def test_a_command_that_ends_while_the_context_loads_waits_for_it():
    """The load runs inside OpenSSL with the GIL released; a process that exits under it
    runs libcrypto's exit-time cleanup beside it and dies with SIGSEGV now and then (a
    ``journal settle`` of the process soak did). The process waits for the load instead."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", _EXIT_WHILE_LOADING], cwd=root,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["context built"]
