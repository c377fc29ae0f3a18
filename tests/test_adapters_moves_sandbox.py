"""Each money movement through the real adapters against the in-process sandbox.

The balances the adapter reads back change by exactly the amount; a KEYED move repeated
with the same key moves money once; a withdrawal whose reply was dropped (committed, then
HTTP 502) is OutcomeUnknown and found again by ``lookup_move``; state machines advance on
the sandbox clock; refusals arrive as typed errors.
"""

from __future__ import annotations

import time
from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr

from tui.core.errors import InvalidRequest, OutcomeUnknown, PermissionDenied
from tui.core.models import AccountKind, AccountRef
from tui.core.money import EXACT
from tui.core.moves import LookupResult, MoveKind, MoveReceipt, MoveRequest, MoveStatus, Recipient
from tui.sandbox import Sandbox
from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.registry import adapter_class

D = Decimal
TRON = "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"
BHEX_BTC = "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"
ASSET_CENTER = AccountRef(kind=AccountKind.ASSET_CENTER)


class ShiftedClock:
    """The real clock plus an offset the test moves (the adapters keep the real clock;
    a few seconds apart is well inside every venue's timestamp window)."""

    def __init__(self) -> None:
        self.offset = 0.0  # float-ok: seconds

    def __call__(self) -> float:  # float-ok: seconds
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:  # float-ok: seconds
        self.offset += seconds


@pytest.fixture
def clock_box():
    """(sandbox, clock): a sandbox whose clock the test can move forward."""
    clock = ShiftedClock()
    box = Sandbox(clock=clock)
    yield box, clock
    box.close()


def adapter(box: Sandbox, venue: str):
    """The adapter for ``venue``'s demo profile, in process."""
    profile = box.profile(venue)
    settings = VenueSettings(profile=profile.name, base_url="http://sandbox" + profile.prefix,
                             user_id=profile.user_id,
                             transport=httpx.ASGITransport(app=box.app),
                             retry=RetryPolicy(attempts=2, base_delay=0, max_delay=0))
    return adapter_class(venue)(settings, Credentials(profile.api_key, profile.secret))


async def available(venue_client, coin: str, account: AccountRef | None = None) -> Decimal:
    """The available balance of ``coin`` (in ``account``, else the venue's main one)."""
    for balance in await venue_client.balances():
        if balance.coin == coin and (account is None or _same(balance.account, account)):
            return balance.available
    return D(0)


def only(found: LookupResult) -> MoveReceipt:
    """The receipt of the one candidate a lookup returned (the test expects exactly one)."""
    (candidate,) = found.candidates
    return candidate.receipt


def _same(a: AccountRef, b: AccountRef) -> bool:
    return (a.kind, a.index) == (b.kind, b.index)


def request(venue: str, kind: MoveKind, coin: str, amount: str, key: str, **fields):
    """A MoveRequest for ``venue``'s demo profile."""
    return MoveRequest(kind=kind, profile=f"demo-{venue}", venue=venue, coin=coin,
                       amount=D(amount), client_key=key, **fields)


def minus(a: Decimal, b: Decimal) -> Decimal:
    """Exact a - b."""
    return EXACT.subtract(a, b)


# -- fcoin -------------------------------------------------------------------------------


@pytest.mark.parametrize("to", [AccountRef(kind=AccountKind.SPOT),
                                AccountRef(kind=AccountKind.CONTRACT),
                                AccountRef(kind=AccountKind.OTHER, name="bx")])
async def test_fcoin_transfer_moves_once_per_source_id(sandbox, to):
    venue = adapter(sandbox, "fcoin")
    before = await available(venue, "ETH")
    move = request("fcoin", MoveKind.TRANSFER, "ETH", "0.123456789012345678",
                   venue.new_client_key(MoveKind.TRANSFER), from_account=ASSET_CENTER,
                   to_account=to)
    first = await venue.submit_move(move)
    again = await venue.submit_move(move)
    assert first.venue_ref == again.venue_ref
    assert await available(venue, "ETH") == minus(before, D("0.123456789012345678"))
    assert first.status is (MoveStatus.PENDING if to.name == "bx" else MoveStatus.DONE)
    await venue.aclose()


async def test_fcoin_tiny_amount_is_signed_as_sent(sandbox):
    venue = adapter(sandbox, "fcoin")
    move = request("fcoin", MoveKind.TRANSFER, "ETH", "0.000000000000000001", "f" * 32,
                   from_account=ASSET_CENTER, to_account=AccountRef(kind=AccountKind.SPOT))
    try:
        assert (await venue.submit_move(move)).status is MoveStatus.DONE
    finally:
        await venue.aclose()


async def test_fcoin_insufficient_balance(sandbox):
    from tui.core.errors import InsufficientFunds

    venue = adapter(sandbox, "fcoin")
    move = request("fcoin", MoveKind.TRANSFER, "BTC", "1000", venue.new_client_key(
        MoveKind.TRANSFER), from_account=ASSET_CENTER, to_account=AccountRef(kind=AccountKind.SPOT))
    with pytest.raises(InsufficientFunds):
        await venue.submit_move(move)
    await venue.aclose()


# -- bitunix -----------------------------------------------------------------------------


async def test_bitunix_funds_transfer_both_ways(sandbox):
    venue = adapter(sandbox, "bitunix")
    spot, futures = AccountRef(kind=AccountKind.SPOT), AccountRef(kind=AccountKind.FUTURES)
    before = await available(venue, "USDT")
    out = request("bitunix", MoveKind.TRANSFER, "USDT", "100.01", "a" * 32,
                  from_account=spot, to_account=futures)
    receipt = await venue.submit_move(out)
    assert receipt.status is MoveStatus.DONE and receipt.venue_ref
    assert await available(venue, "USDT") == minus(before, D("100.01"))
    back = request("bitunix", MoveKind.TRANSFER, "USDT", "0.01", "b" * 32,
                   from_account=futures, to_account=spot)
    await venue.submit_move(back)
    assert await available(venue, "USDT") == minus(before, D("100"))
    await venue.aclose()


@pytest.mark.parametrize("recipient", [
    Recipient(kind="uid", value="989541187"),
    Recipient(kind="email", value="bob@coinsole.test"),
    Recipient(kind="phone", value="7700900123", country_code="44"),
])
async def test_bitunix_inside_transfer_is_keyed_and_cancellable(clock_box, recipient):
    box, clock = clock_box
    venue = adapter(box, "bitunix")
    before = await available(venue, "USDT")
    move = request("bitunix", MoveKind.INTERNAL_TRANSFER, "USDT", "10.5",
                   venue.new_client_key(MoveKind.INTERNAL_TRANSFER), recipient=recipient)
    first = await venue.submit_move(move)
    again = await venue.submit_move(move)
    assert first.venue_ref == again.venue_ref
    assert first.status is MoveStatus.PENDING
    assert await available(venue, "USDT") == minus(before, D("10.5"))

    found = only(await venue.lookup_move(move, venue_ref=None, sent_after_ms=0))
    assert (found.venue_ref, found.status) == (first.venue_ref, MoveStatus.PENDING)

    cancelled = await venue.cancel_move(move, first.venue_ref)
    assert cancelled.status is MoveStatus.CANCELLED
    assert await available(venue, "USDT") == before
    looked = only(await venue.lookup_move(move, venue_ref=first.venue_ref, sent_after_ms=0))
    assert looked.status is MoveStatus.CANCELLED
    await venue.aclose()


async def test_bitunix_inside_transfer_done_after_delay_cannot_be_cancelled(clock_box):
    box, clock = clock_box
    venue = adapter(box, "bitunix")
    move = request("bitunix", MoveKind.INTERNAL_TRANSFER, "USDT", "1", "c" * 32,
                   recipient=Recipient(kind="uid", value="989541187"))
    receipt = await venue.submit_move(move)
    clock.advance(3.5)
    found = only(await venue.lookup_move(move, venue_ref=receipt.venue_ref, sent_after_ms=0))
    assert found.status is MoveStatus.DONE
    with pytest.raises(InvalidRequest, match="no longer be cancelled"):
        await venue.cancel_move(move, receipt.venue_ref)
    await venue.aclose()


async def test_bitunix_unknown_recipient(sandbox):
    venue = adapter(sandbox, "bitunix")
    move = request("bitunix", MoveKind.INTERNAL_TRANSFER, "USDT", "1", "d" * 32,
                   recipient=Recipient(kind="uid", value="1"))
    with pytest.raises(InvalidRequest, match="no Bitunix user"):
        await venue.submit_move(move)
    await venue.aclose()


def withdrawal(amount: str = "20") -> MoveRequest:
    """A TRX withdrawal to the demo whitelisted Tron address."""
    return request("bitunix", MoveKind.WITHDRAW, "TRX", amount, "e" * 32,
                   network="Tron (TRC-20)", address=TRON)


async def test_bitunix_withdraw_pending_then_success(clock_box):
    box, clock = clock_box
    venue = adapter(box, "bitunix")
    before = await available(venue, "TRX")
    quote = await venue.withdraw_quote("TRX", "Tron (TRC-20)")
    assert quote.available == before
    receipt = await venue.submit_move(withdrawal("5"))
    assert receipt.status is MoveStatus.PENDING
    assert receipt.arrival == venue.arrival_amount(quote, D("5"), None) == D("4")
    assert await available(venue, "TRX") == minus(before, D("5"))
    clock.advance(3.5)
    done = only(await venue.lookup_move(withdrawal("5"), venue_ref=receipt.venue_ref,
                                        sent_after_ms=0))
    assert (done.status, done.arrival, done.fee) == (MoveStatus.DONE, D("4"), D("1"))
    await venue.aclose()


async def test_bitunix_dropped_withdrawal_is_found_by_lookup(sandbox):
    venue = adapter(sandbox, "bitunix")
    before = await available(venue, "TRX")
    sent_after = int(time.time() * 1000)
    sandbox.faults.configure("bitunix", drop_rate=1.0)
    with pytest.raises(OutcomeUnknown):
        await venue.submit_move(withdrawal("7"))
    sandbox.faults.configure("bitunix")
    assert await available(venue, "TRX") == minus(before, D("7"))  # committed once
    found = only(await venue.lookup_move(withdrawal("7"), venue_ref=None,
                                         sent_after_ms=sent_after))
    assert found.status is MoveStatus.PENDING
    assert found.arrival == D("6")
    assert "matches" in found.evidence and TRON in found.evidence
    assert (await venue.lookup_move(withdrawal("8"), venue_ref=None,
                                    sent_after_ms=sent_after)).candidates == ()
    # cancel while pending returns the funds
    cancelled = await venue.cancel_move(withdrawal("7"), found.venue_ref)
    assert cancelled.status is MoveStatus.CANCELLED
    assert await available(venue, "TRX") == before
    await venue.aclose()


async def test_bitunix_withdraw_refusals(sandbox):
    venue = adapter(sandbox, "bitunix")
    elsewhere = request("bitunix", MoveKind.WITHDRAW, "TRX", "5", "f" * 32,
                        network="Tron (TRC-20)", address="TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSF")
    with pytest.raises(PermissionDenied):
        await venue.submit_move(elsewhere)
    no_memo = request("bitunix", MoveKind.WITHDRAW, "USDT", "5", "f" * 32, network="EOS",
                      address="coinsoledemo")
    with pytest.raises(InvalidRequest, match="memo"):
        await venue.submit_move(no_memo)
    await venue.aclose()


# -- bhex --------------------------------------------------------------------------------


async def test_bhex_sub_account_transfer_moves_exactly(sandbox):
    venue = adapter(sandbox, "bhex")
    routes = await venue.fetch_transfer_routes()
    main, quant = routes[0][0], next(b for a, b in routes if b.index == 1
                                     and b.kind is AccountKind.SPOT)
    assert (main.kind, main.index) == (AccountKind.SPOT, 0)
    main_before = await available(venue, "USDT", main)
    quant_before = await available(venue, "USDT", quant)
    move = request("bhex", MoveKind.TRANSFER, "USDT", "0.123456",
                   venue.new_client_key(MoveKind.TRANSFER), from_account=quant, to_account=main)
    receipt = await venue.submit_move(move)
    assert receipt.status is MoveStatus.DONE
    assert await available(venue, "USDT", main) == EXACT.add(main_before,
                                                              D("0.123456"))
    assert await available(venue, "USDT", quant) == minus(quant_before, D("0.123456"))
    await venue.aclose()


def bhex_withdrawal(key: str, amount: str = "0.0015", **fields) -> MoveRequest:
    """A BTC withdrawal to the demo whitelisted address."""
    return request("bhex", MoveKind.WITHDRAW, "BTC", amount, key, address=BHEX_BTC, **fields)


async def test_bhex_withdraw_keyed_by_client_order_id(clock_box):
    box, clock = clock_box
    venue = adapter(box, "bhex")
    main = AccountRef(kind=AccountKind.SPOT)
    before = await available(venue, "BTC", main)
    quote = await venue.withdraw_quote("BTC")
    assert quote.allowed and quote.precision == 8
    miner = quote.miner_fee_suggested
    move = bhex_withdrawal(venue.new_client_key(MoveKind.WITHDRAW), miner_fee=miner,
                           convert_rate=quote.convert_rate)
    password = SecretStr(DEMO_TRADE_PASSWORD)
    first = await venue.submit_move(move, trade_password=password)
    again = await venue.submit_move(move, trade_password=password)
    assert first.venue_ref == again.venue_ref
    assert await available(venue, "BTC", main) == minus(before, D("0.0015"))

    found = only(await venue.lookup_move(move, venue_ref=first.venue_ref, sent_after_ms=0))
    assert found.status is MoveStatus.PENDING
    assert found.arrival == venue.arrival_amount(quote, D("0.0015"), miner)
    for _ in range(4):
        clock.advance(2.1)
        found = only(await venue.lookup_move(move, venue_ref=first.venue_ref, sent_after_ms=0))
    assert (found.status, found.venue_status) == (MoveStatus.DONE, "WITHDRAWAL_SUCCESS_STATUS")
    await venue.aclose()


async def test_bhex_dropped_withdrawal_is_found_and_resent_once(sandbox):
    venue = adapter(sandbox, "bhex")
    main = AccountRef(kind=AccountKind.SPOT)
    before = await available(venue, "BTC", main)
    move = bhex_withdrawal(venue.new_client_key(MoveKind.WITHDRAW), miner_fee=D("0.0001"),
                           convert_rate=D("1"))
    sent_after = int(time.time() * 1000)
    sandbox.faults.configure("bhex", drop_rate=1.0)
    with pytest.raises(OutcomeUnknown):
        await venue.submit_move(move, trade_password=SecretStr(DEMO_TRADE_PASSWORD))
    sandbox.faults.configure("bhex")
    found = only(await venue.lookup_move(move, venue_ref=None, sent_after_ms=sent_after))
    assert found is not None and found.status is MoveStatus.PENDING
    resent = await venue.submit_move(move, trade_password=SecretStr(DEMO_TRADE_PASSWORD))
    assert resent.venue_ref == found.venue_ref
    assert await available(venue, "BTC", main) == minus(before, D("0.0015"))
    await venue.aclose()


async def test_bhex_withdraw_refusals_keep_the_password_out(sandbox):
    venue = adapter(sandbox, "bhex")
    wrong = "not-the-password"
    move = bhex_withdrawal("11", miner_fee=D("0.0001"), convert_rate=D("1"))
    with pytest.raises(InvalidRequest) as caught:
        await venue.submit_move(move, trade_password=SecretStr(wrong))
    assert "trade password" in str(caught.value)
    assert wrong not in str(caught.value) + repr(caught.value)
    elsewhere = request("bhex", MoveKind.WITHDRAW, "BTC", "0.0015", "12",
                        address="1BoatSLRHtKNngkdXEeobR76b53LETtpyT", miner_fee=D("0.0001"),
                        convert_rate=D("1"))
    with pytest.raises(PermissionDenied):
        await venue.submit_move(elsewhere, trade_password=SecretStr(DEMO_TRADE_PASSWORD))
    await venue.aclose()
