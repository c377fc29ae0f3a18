"""Every adapter against the sandbox: in process (httpx ASGI transport) and over real HTTP
(uvicorn on loopback). Balances arrive with exact decimals, a wrong secret is an
AuthError in the venue's words without the secret, and one venue down spares the others."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tui.config import Profile
from tui.core.errors import AuthError, VenueUnavailable
from tui.core.models import VENUE_IDS
from tui.core.money import plain
from tui.session import Session
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.registry import adapter_class

# A digit-for-digit amount from each venue's document that the demo data carries.
DOCUMENTED_AMOUNT = {
    "fcoin": "5094.859925211325094096",
    "bitunix": "1.204500000000000001",
    "bitz": "37.49067275",
    "chainup": "207488.14138893953",
    "bhex": "0.002076307322576214",
}
BAD_SIGNATURE_MESSAGE = {
    "fcoin": "api signature not valid",
    "bitunix": "Signature error",
    "bitz": "Invalid api signature",
    "chainup": "sign error",
    "bhex": "Signature for this request is not valid.",
}
WRONG_SECRET = "wrong-secret-0123456789abcdef"


def adapter(sandbox, venue: str, origin: str, transport=None, secret: str | None = None):
    """The adapter for ``venue``'s demo profile at ``origin`` + the venue's prefix."""
    profile = sandbox.profile(venue)
    settings = VenueSettings(profile=profile.name, base_url=origin + profile.prefix,
                             user_id=profile.user_id, transport=transport,
                             retry=RetryPolicy(attempts=2, base_delay=0, max_delay=0))
    return adapter_class(venue)(settings, Credentials(profile.api_key, secret or profile.secret))


@pytest.fixture(params=["in_process", "http"])
def reach(request):
    """(sandbox, origin, transport) for one way of reaching the sandbox."""
    if request.param == "in_process":
        sandbox = request.getfixturevalue("sandbox")
        return sandbox, "http://sandbox", httpx.ASGITransport(app=sandbox.app)
    live, origin = request.getfixturevalue("live_sandbox")
    return live, origin, None


@pytest.mark.parametrize("venue", VENUE_IDS)
async def test_balances_are_exact(reach, venue):
    sandbox, origin, transport = reach
    venue_client = adapter(sandbox, venue, origin, transport)
    try:
        balances = await venue_client.balances()
    finally:
        await venue_client.aclose()
    assert balances
    for balance in balances:
        assert (balance.venue, balance.profile) == (venue, sandbox.profile(venue).name)
        for amount in (balance.available, balance.frozen, balance.total):
            assert type(amount) is Decimal
    shown = {plain(b.available) for b in balances} | {plain(b.total) for b in balances}
    assert DOCUMENTED_AMOUNT[venue] in shown


@pytest.mark.parametrize("venue", VENUE_IDS)
async def test_wrong_secret_is_an_auth_error_in_the_venue_words(reach, venue):
    sandbox, origin, transport = reach
    venue_client = adapter(sandbox, venue, origin, transport, secret=WRONG_SECRET)
    try:
        with pytest.raises(AuthError) as caught:
            await venue_client.balances()
    finally:
        await venue_client.aclose()
    text = str(caught.value)
    assert BAD_SIGNATURE_MESSAGE[venue] in text
    assert WRONG_SECRET not in text
    assert sandbox.profile(venue).secret not in text
    assert sandbox.profile(venue).api_key not in text


async def test_one_venue_down_leaves_the_others_loading(reach):
    sandbox, origin, transport = reach
    sandbox.faults.down("bitz")
    profiles = [Profile(name=p.name, venue=p.venue, base_url=origin + p.prefix,
                        user_id=p.user_id) for p in sandbox.profiles]
    keys = {p.name: Credentials(p.api_key, p.secret) for p in sandbox.profiles}
    session = Session(profiles, credentials=lambda p: keys[p.name], transport=transport)
    try:
        results = {r.profile.venue: r for r in await session.load_all()}
    finally:
        await session.aclose()
        sandbox.faults.up("bitz")
    assert isinstance(results["bitz"].error, VenueUnavailable)
    assert all(results[v].ok and results[v].balances for v in VENUE_IDS if v != "bitz")


async def test_bhex_measures_a_skewed_venue_clock(reach):
    sandbox, origin, transport = reach
    sandbox.faults.configure("bhex", clock_skew_ms=-120_000)  # far outside the 30 s window
    venue_client = adapter(sandbox, "bhex", origin, transport)
    try:
        assert await venue_client.balances()
    finally:
        await venue_client.aclose()
    assert -125_000 < venue_client.clock_offset_ms < -115_000


async def test_chainup_second_load_is_incremental_and_equal(reach):
    sandbox, origin, transport = reach
    venue_client = adapter(sandbox, "chainup", origin, transport)
    cursors = []
    by_update_time = venue_client.batch_query_user_accounts_by_update_time

    async def spy(update_time):
        """Record the cursor, then call the real endpoint."""
        cursors.append(update_time)
        return await by_update_time(update_time)

    venue_client.batch_query_user_accounts_by_update_time = spy
    try:
        first = await venue_client.balances()
        assert cursors == []
        second = await venue_client.balances()
    finally:
        await venue_client.aclose()
    assert second == first
    assert len(cursors) == 1
