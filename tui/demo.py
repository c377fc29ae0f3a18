"""The demo: the whole app against the in-process sandbox, with no network and no keys.

The sandbox's demo credentials are plain data (:data:`tui.sandbox.DEMO_PROFILES`); this
module turns them into profiles and a :class:`~tui.session.Session` whose every request
goes through ``httpx.ASGITransport`` straight into the sandbox app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.config import Profile
from tui.core.credentials import Credentials
from tui.session import Session

if TYPE_CHECKING:
    import httpx

    from tui.sandbox import Sandbox

__all__ = ["DEMO_HOST", "DemoSession", "demo_profiles", "demo_credentials", "demo_session"]

DEMO_HOST = "http://sandbox"
"""The made-up origin demo profiles use; the ASGI transport never resolves it."""


def demo_profiles(host: str = DEMO_HOST) -> list[Profile]:
    """One profile per sandbox venue, addressed at ``host`` plus the venue's prefix."""
    from tui.sandbox import DEMO_PROFILES

    return [
        Profile(name=d.name, venue=d.venue, base_url=host + d.prefix, user_id=d.user_id)
        for d in DEMO_PROFILES
    ]


def demo_credentials(profile: Profile) -> Credentials:
    """The sandbox's demo key and secret for a demo profile."""
    from tui.sandbox import DEMO_PROFILES

    for demo in DEMO_PROFILES:
        if demo.name == profile.name:
            return Credentials(api_key=demo.api_key, secret=demo.secret)
    raise KeyError(profile.name)


class DemoSession(Session):
    """A session over every demo profile, served in process by its own sandbox.

    The sandbox is built on first use (the first request, or ``session.sandbox`` for tests
    and the demo's fault injection), so the app paints before the sandbox exists."""

    def __init__(self, sandbox: "Sandbox | None" = None, *, host: str = DEMO_HOST,
                 org_users: int | None = None) -> None:
        super().__init__(demo_profiles(host), credentials=demo_credentials)
        self._sandbox = sandbox
        self._org_users = org_users

    @property
    def sandbox(self) -> "Sandbox":
        """The in-process sandbox serving this session (built on first use)."""
        if self._sandbox is None:
            from tui.sandbox import Sandbox

            self._sandbox = Sandbox(chainup_users=self._org_users)
        return self._sandbox

    @property
    def transport(self) -> httpx.AsyncBaseTransport:
        """Requests go straight into the sandbox app, in process."""
        if self._transport is None:
            import httpx

            self._transport = httpx.ASGITransport(app=self.sandbox.app)
        return self._transport


def demo_session(sandbox: "Sandbox | None" = None, *, host: str = DEMO_HOST,
                 org_users: int | None = None) -> DemoSession:
    """A :class:`DemoSession` over ``sandbox``, or over a fresh sandbox built on first use.

    ``org_users``: the demo's ChainUp org is a generated one of that many users (4 account
    rows each: ``coinsole --demo --org-users 250000`` is a million rows), with its own host
    name, so its local stores are not the plain demo's."""
    if org_users is not None:
        host = f"http://sandbox-org-{org_users}"
    return DemoSession(sandbox, host=host, org_users=org_users)
