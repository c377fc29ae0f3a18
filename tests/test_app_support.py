"""Shared helpers for the app's pilot tests: fake sessions, waiting for loads, screen text.

Not a test module of its own; named ``test_app_*`` so it sits with the tests it serves.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from tui.config import Profile
from tui.core.errors import CoinsoleError, VenueUnavailable
from tui.core.models import AccountKind, AccountRef, Balance
from tui.sandbox import Sandbox
from tui.session import ProfileResult, Session

__all__ = ["FakeSession", "fake_profiles", "wait_loaded", "wait_until", "hold_venues",
           "SteppedClock", "screen_text", "balance"]


def balance(profile: str, venue: str, coin: str, available: str, frozen: str = "0",
            kind: AccountKind = AccountKind.SPOT, **valuations: str) -> Balance:
    """A Balance built from strings, for fixtures."""
    return Balance(profile=profile, venue=venue, account=AccountRef(kind=kind), coin=coin,
                   available=Decimal(available), frozen=Decimal(frozen),
                   valuations={k: Decimal(v) for k, v in valuations.items()})


def fake_profiles(*specs: tuple[str, str]) -> list[Profile]:
    """Profiles named and typed by ``(name, venue)`` pairs."""
    return [Profile(name=name, venue=venue, base_url=f"http://{venue}.test") for name, venue in specs]


class FakeSession(Session):
    """A session whose profiles answer from fixed data: balances, an error, or a gate
    (an :class:`asyncio.Event` the profile waits on before answering)."""

    def __init__(self, data: dict[str, list[Balance] | CoinsoleError], profiles: list[Profile],
                 gates: dict[str, asyncio.Event] | None = None) -> None:
        super().__init__(profiles)
        self.data = data
        self.gates = gates or {}
        self.calls: list[str] = []
        self.closed = False

    async def load_balances(self, name: str) -> ProfileResult:
        self.calls.append(name)
        gate = self.gates.get(name)
        if gate is not None:
            await gate.wait()
        answer = self.data[name]
        if isinstance(answer, CoinsoleError):
            return ProfileResult(self.profile(name), error=answer)
        return ProfileResult(self.profile(name), balances=list(answer))

    async def aclose(self) -> None:
        self.closed = True


def small_session() -> FakeSession:
    """Two good profiles and one that is down."""
    profiles = fake_profiles(("alpha", "fcoin"), ("beta", "bitz"), ("gamma", "bhex"))
    data: dict[str, list[Balance] | CoinsoleError] = {
        "alpha": [balance("alpha", "fcoin", "BTC", "1.5"),
                  balance("alpha", "fcoin", "ETH", "5094.859925211325094096")],
        "beta": [balance("beta", "bitz", "BTC", "0.25", "0.05", usd="27370.37")],
        "gamma": VenueUnavailable("bhex", "the venue failed with HTTP 503"),
    }
    return FakeSession(data, profiles)


async def wait_loaded(pilot: Pilot, timeout: float = 30.0) -> None:
    """Wait until every worker has finished and the screen has caught up.

    ``timeout`` only stops a hang: a loaded machine (CI) may take many times longer
    than an idle one, so it is generous."""
    app = pilot.app

    async def settle() -> None:
        while True:
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not any(not w.is_finished for w in app.workers):
                return

    await asyncio.wait_for(settle(), timeout)
    await pilot.pause()


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Pause until ``predicate()`` holds, then let the screen catch up.

    For states that arrive on a timer or a message rather than a worker (what
    :func:`wait_loaded` waits for); never a fixed sleep, which a loaded machine outruns."""

    async def loop() -> None:
        while not predicate():
            await pilot.pause(0.02)

    await asyncio.wait_for(loop(), timeout)
    await pilot.pause()


def hold_venues(sandbox: Sandbox, *venues: str) -> asyncio.Event:
    """Make the in-process ``sandbox`` hold every request to ``venues`` (all when none are
    named) until the returned event is set: a slow venue that stays slow however long
    the test's own steps take, unlike a fixed latency."""
    release = asyncio.Event()
    faults = sandbox.faults
    original = faults.apply

    async def held(venue: str) -> Any:
        if not venues or venue in venues:
            await release.wait()
        return await original(venue)

    faults.apply = held  # type: ignore[method-assign]
    return release


class SteppedClock:
    """A monotonic clock the test moves by hand. Set it as a module's ``time``
    (``monkeypatch.setattr("tui.app.time", clock)``) where that module only reads
    ``time.monotonic()``, so a deadline passes when the test says, not when the machine
    gets round to it."""

    def __init__(self, start: float = 1000.0) -> None:  # float-ok: seconds
        self.now = start

    def monotonic(self) -> float:  # float-ok: seconds
        """The time the test has reached."""
        return self.now

    def advance(self, seconds: float) -> None:  # float-ok: seconds
        """Move the clock on by ``seconds``."""
        self.now += seconds


def screen_text(app: App) -> str:
    """Everything visible on screen as plain text (from a screenshot of the terminal)."""
    svg = app.export_screenshot()
    spans = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(spans)).replace("\xa0", " ")
