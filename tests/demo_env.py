"""Test helpers: the demo profiles pointed at a live sandbox, with their keys in the
environment, so CLI commands run in a test talk to it over HTTP (the caller has set
``COINSOLE_HOME`` to a temporary directory first); a demo session with a journal and a
mover, for the journaled org writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest


def use_demo_profiles(base_url: str, monkeypatch: Any) -> None:
    """Save every demo profile with ``base_url`` and set its key and secret variables."""
    from tui.config import ProfileStore
    from tui.credentials import env_var_names
    from tui.demo import demo_profiles
    from tui.sandbox import DEMO_PROFILES

    store = ProfileStore()
    for profile in demo_profiles(base_url):
        store.add(profile)
    for demo in DEMO_PROFILES:
        key_var, secret_var = env_var_names(demo.name)
        monkeypatch.setenv(key_var, demo.api_key)
        monkeypatch.setenv(secret_var, demo.secret)


@asynccontextmanager
async def demo_journal(tmp_path: Path) -> AsyncIterator[tuple[Any, Any, Any]]:
    """A demo session (in-process sandbox), a journal at ``tmp_path/journal.sqlite`` and a
    mover over both that settles an unknown outcome at once; closed afterwards."""
    from tui.demo import demo_session
    from tui.journal import Journal, Mover

    session = demo_session()
    journal = Journal(tmp_path / "journal.sqlite")
    try:
        yield session, journal, Mover(session, journal, lookup_final_after_ms=0)
    finally:
        await session.aclose()
        journal.close()


def demo_bhex_venue(box: Any, origin: str) -> Any:
    """A BHEX adapter of the demo profile talking to ``box`` served at ``origin`` over
    loopback: no retries, and the sandbox's rate limit lifted so tests never wait."""
    from tui.sandbox import DEMO_PROFILES
    from tui.sandbox.limits import RateLimiter
    from tui.venues.base import Credentials, RetryPolicy, VenueSettings
    from tui.venues.bhex import BhexVenue

    bhex = next(p for p in DEMO_PROFILES if p.venue == "bhex")
    box.services["bhex"].limiter = RateLimiter(100_000, 1, box.clock)
    return BhexVenue(VenueSettings(profile="bhex-demo", base_url=f"{origin}/bhex",
                                   user_id=bhex.user_id, rate_limit=(10_000, 1.0),
                                   retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                     Credentials(bhex.api_key, bhex.secret))


@pytest.fixture
async def bhex_client(live_sandbox: Any) -> AsyncIterator[tuple[Any, Any]]:
    """(sandbox, the demo BHEX adapter over loopback) — import it into a test module as
    its ``client`` fixture; the adapter is closed afterwards."""
    box, origin = live_sandbox
    venue = demo_bhex_venue(box, origin)
    yield box, venue
    await venue.aclose()
