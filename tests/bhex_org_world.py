"""A BHEX org of generated users in a sandbox served over real HTTP on loopback, and the
demo BHEX profile's adapter pointed at it: for the tests of the org's user endpoints and
of the local user index."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sandbox_server import running_sandbox
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.limits import RateLimiter
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue

__all__ = ["BHEX", "served_org", "org_venue"]

BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")


@contextmanager
def served_org(users: int) -> Iterator[tuple[Sandbox, str]]:
    """A sandbox whose BHEX org has ``users`` generated users (its rate limit lifted, so
    paging through them all is never refused), served; yields it and its base URL."""
    box = Sandbox(bhex_users=users)
    box.services["bhex"].limiter = RateLimiter(1_000_000, 1, box.clock)
    try:
        with running_sandbox(box) as url:
            yield box, url
    finally:
        box.close()


def org_venue(url: str) -> BhexVenue:
    """The demo BHEX profile's adapter at the sandbox served at ``url``: one attempt per
    request, a rate limit that never waits. The caller closes it."""
    return BhexVenue(VenueSettings(profile="bhex-demo", base_url=url + "/bhex",
                                   user_id=BHEX.user_id, rate_limit=(10_000, 1.0),
                                   retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0)),
                     Credentials(BHEX.api_key, BHEX.secret))
