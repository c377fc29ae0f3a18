"""BHEX remembers a user's accounts, so a refresh or a restart needs one round of requests."""

import json

import httpx

from tui.demo import demo_credentials, demo_profiles
from tui.sandbox import Sandbox
from tui.venues.bhex import BhexVenue
from tui.venues.bhex_accounts import KnownAccounts
from tui.venues.base import VenueSettings


class RoundCounter(httpx.AsyncBaseTransport):
    """Wraps a transport and notes, for every request, how many replies had come back
    before it was sent: requests sent with the same count went out in the same round."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.replies = 0
        self.sent: list[tuple[str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.url.path.rsplit("/", 1)[-1], self.replies))
        response = await self.inner.handle_async_request(request)
        self.replies += 1
        return response

    def rounds(self) -> int:
        return len({replies_before for _, replies_before in self.sent})

    def reset(self) -> None:
        self.sent.clear()
        self.replies = 0


def bhex(sandbox: Sandbox, counter: RoundCounter) -> BhexVenue:
    sandbox.faults.configure("bhex", latency_ms=20)  # replies take time, as over a network
    profile = next(p for p in demo_profiles() if p.venue == "bhex")
    settings = VenueSettings(profile=profile.name, base_url=profile.base_url,
                             user_id=profile.user_id, transport=counter)
    return BhexVenue(settings, demo_credentials(profile))


async def test_a_refresh_asks_for_every_known_account_in_one_round(sandbox) -> None:
    counter = RoundCounter(httpx.ASGITransport(app=sandbox.app))
    venue = bhex(sandbox, counter)
    first = await venue.balances()
    assert counter.rounds() == 2  # nothing known yet: the list, then the sub-accounts
    counter.reset()
    again = await venue.balances()
    assert counter.rounds() == 1
    assert [b.model_dump() for b in again] == [b.model_dump() for b in first]
    await venue.aclose()


async def test_a_restart_uses_the_remembered_list(sandbox) -> None:
    counter = RoundCounter(httpx.ASGITransport(app=sandbox.app))
    first = await bhex(sandbox, counter).balances()
    counter.reset()
    restarted = bhex(sandbox, counter)
    again = await restarted.balances()
    assert counter.rounds() == 1
    assert {(b.account.label, b.coin, b.total) for b in again} == \
        {(b.account.label, b.coin, b.total) for b in first}
    text = KnownAccounts(restarted.settings.base_url, restarted.settings.user_id).path.read_text()
    secret = demo_credentials(next(p for p in demo_profiles() if p.venue == "bhex")).secret
    assert secret.get_secret_value() not in text
    await restarted.aclose()


async def test_a_vanished_account_is_dropped_and_a_new_one_fetched(sandbox) -> None:
    counter = RoundCounter(httpx.ASGITransport(app=sandbox.app))
    venue = bhex(sandbox, counter)
    known = KnownAccounts(venue.settings.base_url, venue.settings.user_id)
    remembered = {(1, 0): "Main", (3, 0): "Contract", (1, 9): "closed long ago"}
    known.save(remembered)
    balances = await venue.balances()
    assert not any(b.account.index == 9 for b in balances)
    assert {(b.account.kind.value, b.account.index) for b in balances} >= {("spot", 1), ("spot", 2)}
    saved = json.loads(known.path.read_text())
    assert [1, 9, "closed long ago"] not in next(iter(saved.values()))
    await venue.aclose()
