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
