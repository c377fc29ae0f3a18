"""Settling by lookup takes a venue record only when it is provably the request's.

Against the in-process sandbox (real adapters over httpx's ASGI transport, a real journal):
an unrelated identical withdrawal, two alike candidates, a record another entry holds, a
target behind more than a page of newer records, and an endpoint with no lookup. The
decision itself (tui/journal/matching.py) is checked as a pure function, with hypothesis.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.models import AccountKind, AccountRef
from tui.core.moves import (
    LookupCandidate,
    LookupResult,
    MoveKind,
    MoveReceipt,
    MoveRequest,
    MoveStatus,
    Recipient,
    Settlement,
)
from tui.journal.executor import Mover
from tui.journal.matching import decide
from tui.journal.states import EntryState as S
from tui.journal import store
from tui.journal.store import Journal
from tui.sandbox import Sandbox
from tui.venues.base import LOOKUP_MARGIN_MS, Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue
from tui.venues.bitunix import BitunixVenue

D = Decimal
TRON = "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"
NETWORK = "Tron (TRC-20)"


class Clock:
    """The real clock plus an offset the test moves (the sandbox's clock)."""

    def __init__(self) -> None:
        self.offset = 0.0  # float-ok: seconds

    def __call__(self) -> float:  # float-ok: seconds
        return time.time() + self.offset


class OneAdapter:
    """A session handing out one adapter for every profile."""

    def __init__(self, adapter) -> None:
        self._adapter = adapter

    def adapter(self, name: str):
        """The one adapter."""
        return self._adapter


class LookupInsideTransfers(BitunixVenue):
    """Bitunix with inside transfers settled by LOOKUP (their records carry the
    ``outBizId``): shows a key match is taken even beside identical records."""

    def settlement(self, request):
        """LOOKUP for an inside transfer, as declared otherwise."""
        if request.kind is MoveKind.INTERNAL_TRANSFER:
            return Settlement.LOOKUP
        return super().settlement(request)


@pytest.fixture
def box():
    """(sandbox, clock, mover factory) with a journal in ``tmp_path``."""
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    yield sandbox, clock
    sandbox.close()


def bitunix(sandbox: Sandbox, cls=BitunixVenue):
    """The Bitunix demo profile's adapter, in process, without a client-side rate wait."""
    profile = sandbox.profile("bitunix")
    settings_ = VenueSettings(profile=profile.name, base_url="http://sandbox" + profile.prefix,
                              transport=httpx.ASGITransport(app=sandbox.app),
                              rate_limit=(10_000, 1.0),
                              retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0))
    return cls(settings_, Credentials(profile.api_key, profile.secret))


def mover(adapter, tmp_path, **kwargs) -> Mover:
    """A mover over ``adapter`` with its own journal; the history is authoritative at once
    (as the CLI runs it) unless told otherwise."""
    kwargs.setdefault("lookup_final_after_ms", 0)
    return Mover(OneAdapter(adapter), Journal(tmp_path / "journal.sqlite"), **kwargs)


async def withdraw(m: Mover, amount: str, sandbox: Sandbox | None = None, **faults):
    """Send a USDT withdrawal to the demo address through the journal; ``faults`` are
    configured on the sandbox for this one send."""
    entry = m.approve(m.prepare(kind=MoveKind.WITHDRAW, profile="demo-bitunix", coin="USDT",
                                amount=D(amount), network=NETWORK, address=TRON))
    if sandbox is not None and faults:
        sandbox.faults.configure("bitunix", **faults)
    try:
        return await m.submit(entry)
    finally:
        if sandbox is not None:
            sandbox.faults.configure("bitunix")


async def direct_withdrawal(adapter, amount: str) -> str:
    """A withdrawal made at the venue outside this journal (the web, another tool)."""
    return await adapter.withdraw("USDT", NETWORK, TRON, D(amount))


# -- against the sandbox ---------------------------------------------------------------


async def test_a_500_is_not_settled_by_an_older_identical_withdrawal(box, tmp_path,
                                                                     monkeypatch):
    sandbox, _ = box
    adapter = bitunix(sandbox)
    older = await direct_withdrawal(adapter, "5")
    # the journal's clock runs three margins ahead: this request is sent well after it
    ahead = store.now_ms() + 3 * LOOKUP_MARGIN_MS
    monkeypatch.setattr(store, "now_ms", lambda: ahead)
    m = mover(adapter, tmp_path)
    entry = await withdraw(m, "5", sandbox, error_rate=1.0)  # HTTP 500: not applied
    assert entry.state is S.UNKNOWN
    entry = await m.settle(entry)
    assert entry.state is S.UNKNOWN and entry.receipt is None
    assert older in entry.note and "before this request was first sent" in entry.note
    assert "journal resolve" in entry.note
    await adapter.aclose()


async def test_two_alike_candidates_stay_unknown_with_both_listed(box, tmp_path):
    sandbox, _ = box
    adapter = bitunix(sandbox)
    m = mover(adapter, tmp_path)
    first = await withdraw(m, "6", sandbox, drop_rate=1.0)  # committed, reply lost
    second = await withdraw(m, "6", sandbox, drop_rate=1.0)
    assert (first.state, second.state) == (S.UNKNOWN, S.UNKNOWN)
    settled = await m.settle(first)
    assert settled.state is S.UNKNOWN
    assert "one of 2 alike records" in settled.note
    refs = [r for r in settled.note.split() if r.isdigit() and len(r) > 15]
    assert len(set(refs)) == 2
    await adapter.aclose()


async def test_a_record_another_entry_holds_is_not_used(box, tmp_path):
    sandbox, _ = box
    adapter = bitunix(sandbox)
    m = mover(adapter, tmp_path)
    earlier = await withdraw(m, "7")  # accepted: holds its record as venue_ref
    assert earlier.state is S.ACCEPTED
    lost = await withdraw(m, "7", sandbox, drop_rate=1.0)
    settled = await m.settle(lost)
    assert settled.state is S.ACCEPTED
    assert settled.venue_ref != earlier.venue_ref
    assert f"already journal entry {earlier.id}'s record" in settled.receipt.evidence
    # with only the held record left, the lost one is not taken
    lost_again = await withdraw(m, "7", sandbox, error_rate=1.0)
    settled = await m.settle(lost_again)
    assert settled.state is S.UNKNOWN
    assert f"already journal entry {earlier.id}'s record" in settled.note
    await adapter.aclose()


async def test_a_key_match_is_taken_beside_identical_records(box, tmp_path):
    sandbox, _ = box
    adapter = bitunix(sandbox, LookupInsideTransfers)
    m = mover(adapter, tmp_path)
    to = Recipient(kind="uid", value="989541187")
    for _ in range(2):  # identical transfers made elsewhere, just before
        await adapter.inside_transfer(adapter.new_client_key(MoveKind.INTERNAL_TRANSFER),
                                      "USDT", D("3"), "uid", to_uid=989541187)
    entry = m.approve(m.prepare(kind=MoveKind.INTERNAL_TRANSFER, profile="demo-bitunix",
                                coin="USDT", amount=D("3"), recipient=to))
    assert entry.settlement is Settlement.LOOKUP
    sandbox.faults.configure("bitunix", drop_rate=1.0)
    entry = await m.submit(entry)
    sandbox.faults.configure("bitunix")
    settled = await m.settle(entry)
    assert settled.state is S.ACCEPTED
    assert f"outBizId {entry.client_key}" in settled.receipt.evidence
    await adapter.aclose()


async def test_the_target_behind_more_than_a_page_of_newer_records_is_found(box, tmp_path):
    sandbox, clock = box
    adapter = bitunix(sandbox)
    m = mover(adapter, tmp_path)
    lost = await withdraw(m, "9", sandbox, drop_rate=1.0)
    for _ in range(101):  # newer withdrawals of the same coin push it off the first page
        clock.offset += 0.15  # float-ok: seconds, under the sandbox's 10 per second
        await direct_withdrawal(adapter, "2")
    settled = await m.settle(lost)
    assert settled.state is S.ACCEPTED
    assert settled.receipt.arrival == D("8")
    await adapter.aclose()


async def test_an_endpoint_without_lookup_says_so_not_not_found(box, tmp_path):
    sandbox, _ = box
    adapter = bitunix(sandbox)
    m = mover(adapter, tmp_path)
    entry = m.approve(m.prepare(kind=MoveKind.TRANSFER, profile="demo-bitunix", coin="USDT",
                                amount=D("1"), from_account=AccountRef(kind=AccountKind.SPOT),
                                to_account=AccountRef(kind=AccountKind.FUTURES)))
    assert entry.settlement is Settlement.NONE
    sandbox.faults.configure("bitunix", drop_rate=1.0)
    entry = await m.submit(entry)
    sandbox.faults.configure("bitunix")
    settled = await m.settle(entry)
    assert settled.state is S.UNKNOWN
    assert "no matching record" not in settled.note and "not found" not in settled.note
    assert "cannot be looked up at the venue" in settled.note
    assert "balances of both accounts" in settled.note
    assert "coinsole journal resolve ID accepted|rejected --note" in settled.note
    assert "`a` in the Activity screen" in settled.note
    await adapter.aclose()


# -- the decision, as a pure function ----------------------------------------------------

SINCE = 1_000_000


def candidate(ref: str, time_ms: int | None = SINCE + 1, proof: str = "") -> LookupCandidate:
    """A candidate record ``ref`` created at ``time_ms``."""
    return LookupCandidate(receipt=MoveReceipt(venue_ref=ref, status=MoveStatus.PENDING,
                                               venue_status="pending", evidence=f"rec {ref}"),
                           time_ms=time_ms, amount=D("1"), proof=proof, matched="alike")


def test_one_unclaimed_record_in_the_window_is_taken():
    verdict = decide(LookupResult(candidates=(candidate("a"), candidate("old", SINCE - 1)),
                                  since_ms=SINCE), claimed={})
    assert verdict.receipt is not None and verdict.receipt.venue_ref == "a"
    assert "old" in verdict.receipt.evidence


def test_a_search_cut_short_takes_nothing():
    verdict = decide(LookupResult(candidates=(candidate("a"),), since_ms=SINCE, complete=False,
                                  pages=20), claimed={})
    assert verdict.receipt is None and "20 pages" in verdict.evidence
    assert not verdict.nothing_found


def test_nothing_at_all_is_nothing_found_but_rejected_lookalikes_are_not():
    assert decide(LookupResult(since_ms=SINCE), claimed={}).nothing_found
    assert not decide(LookupResult(candidates=(candidate("x", SINCE - 5),), since_ms=SINCE),
                      claimed={}).nothing_found
    assert not decide(LookupResult(since_ms=SINCE, complete=False), claimed={}).nothing_found


def test_unsupported_is_not_nothing_found():
    verdict = decide(LookupResult(supported=False, reason="no history"), claimed={})
    assert not verdict.supported and not verdict.nothing_found and verdict.reason == "no history"


refs = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=6)


@settings(max_examples=200, deadline=None)
@given(eligible=refs, proofs=st.lists(st.booleans(), min_size=6, max_size=6),
       old=st.lists(st.booleans(), min_size=6, max_size=6),
       held=st.sets(st.sampled_from("abcdefgh")), complete=st.booleans())
def test_the_decision_never_takes_an_unprovable_record(eligible, proofs, old, held, complete):
    cands = tuple(candidate(r, SINCE - 1 if old[i] else SINCE + i, "key" if proofs[i] else "")
                  for i, r in enumerate(eligible))
    claimed = {r: 99 for r in held}
    verdict = decide(LookupResult(candidates=cands, since_ms=SINCE, complete=complete),
                     claimed=claimed)
    free = [c for c in cands if c.receipt.venue_ref not in claimed]
    proven = [c for c in free if c.proof]
    alike = [c for c in free if not c.proof and c.time_ms >= SINCE]
    if verdict.receipt is None:
        assert not (len(proven) == 1 or (not proven and len(alike) == 1 and complete))
        assert len(verdict.rejected) == len(cands)
        return
    taken = verdict.receipt.venue_ref
    assert taken not in claimed
    if proven:
        assert [c.receipt.venue_ref for c in proven] == [taken]
    else:
        assert complete and [c.receipt.venue_ref for c in alike] == [taken]


# -- BHEX withdrawal history, paged by from_id -------------------------------------------


def bhex_history(seen: list[dict[str, str]], count: int, target: int):
    """A BHEX venue answering ``withdraw/order`` from ``count`` records (orderId 1 ..
    ``count``, newer with higher ids) by ``from_id`` (exclusive) and ``limit``; record
    ``target`` is the alike one."""
    def record(i: int) -> dict:
        alike = i == target
        return {"time": str(SINCE + 10 * i), "orderId": str(i), "tokenId": "BTC",
                "address": "bc1qalike" if alike else "bc1qother", "addressExt": "",
                "quantity": "0.5", "arriveQuantity": "0.49", "status": 5,
                "statusCode": "PROCESSING_STATUS", "feeTokenId": "BTC", "fee": "0.01"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/basic/time"):
            return httpx.Response(200, text=json.dumps({"time": str(int(time.time() * 1000))}))
        query = dict(parse_qsl(request.url.query.decode()))
        seen.append(query)
        below = int(query.get("from_id") or count + 1)
        ids = [i for i in range(count, 0, -1) if i < below][:int(query["limit"])]
        return httpx.Response(200, text=json.dumps({"status": 0,
                                                    "data": [record(i) for i in ids]}))

    settings_ = VenueSettings(profile="p", base_url="http://venue.test/bhex", user_id="42",
                              transport=httpx.MockTransport(handler),
                              retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0))
    return BhexVenue(settings_, Credentials("k", "s"))


def bhex_withdrawal():
    """The looked-up BHEX withdrawal."""
    return MoveRequest(kind=MoveKind.WITHDRAW, profile="p", venue="bhex", coin="BTC",
                       amount=D("0.5"), client_key="7", address="bc1qalike")


async def test_bhex_lookup_pages_by_from_id_back_to_the_send_time():
    seen: list[dict[str, str]] = []
    venue = bhex_history(seen, count=250, target=30)
    found = await venue.lookup_move(bhex_withdrawal(), venue_ref=None,
                                    sent_after_ms=SINCE + 10 * 20 + LOOKUP_MARGIN_MS)
    assert [c.receipt.venue_ref for c in found.candidates] == ["30"]
    assert found.complete and found.pages == 3
    assert [q.get("from_id") for q in seen] == [None, "151", "51"]
    assert decide(found, claimed={}).receipt.venue_ref == "30"
    await venue.aclose()


async def test_bhex_lookup_stops_at_the_page_bound_and_says_so(monkeypatch):
    monkeypatch.setattr("tui.venues.lookup_walk.LOOKUP_MAX_PAGES", 2)
    seen: list[dict[str, str]] = []
    venue = bhex_history(seen, count=250, target=30)
    found = await venue.lookup_move(bhex_withdrawal(), venue_ref=None,
                                    sent_after_ms=SINCE + LOOKUP_MARGIN_MS)
    assert not found.complete and found.pages == 2 and found.candidates == ()
    verdict = decide(found, claimed={})
    assert verdict.receipt is None and not verdict.nothing_found
    await venue.aclose()
