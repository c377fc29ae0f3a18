"""Orders through the journal, against the demo sandbox: a placement whose reply is dropped
ends UNKNOWN (not refused) and is settled by ``order/get`` to ACCEPTED with the venue's
order id, never placed twice; one the venue never saw stays UNKNOWN with the evidence; a
dropped cancel settles to CANCELED; order entries read back from the journal as orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.actions import OrderCancelRequest, OrderPlaceRequest
from tui.core.moves import Settlement
from tui.core.orders import OrderSide, OrderStatus, OrderType
from tui.demo import demo_session
from tui.journal import EntryState, Journal, Mover
from tui.journal.dispatch import cancel_order, order_outcome_text, place_order

PROFILE = "bhex-demo"


@pytest.fixture
async def setup():
    session = demo_session()
    journal = Journal(":memory:")
    mover = Mover(session, journal)  # a real venue's policy: "not found" stays UNKNOWN
    yield session, journal, mover
    await session.aclose()
    journal.close()


def place_request(session, key: str, *, price: str = "10") -> OrderPlaceRequest:
    return OrderPlaceRequest(profile=PROFILE, venue="bhex", client_key=key, symbol="ATUSDT",
                             base="AT", side=OrderSide.SELL, type=OrderType.LIMIT,
                             quantity=Decimal("300"), price=Decimal(price))


async def orders_with_key(session, key: str) -> list:
    venue = session.adapter(PROFILE)
    found = await venue.all_open_orders(symbol_id="ATUSDT")
    found += await venue.all_trade_orders(symbol_id="ATUSDT")
    return [o for o in found if o.client_order_id == key]


async def test_dropped_placement_is_unknown_then_settled_by_order_get(setup):
    session, journal, mover = setup
    session.sandbox.faults.configure("bhex", drop_rate=1.0)
    entry = await place_order(mover, place_request(session, "csdrop1"))
    assert entry.state is EntryState.UNKNOWN
    assert entry.settlement is Settlement.LOOKUP
    assert "refused" not in order_outcome_text(entry)
    assert "outcome unknown" in order_outcome_text(entry)
    session.sandbox.faults.configure("bhex")

    settled = await mover.settle(entry)
    placed = await orders_with_key(session, "csdrop1")
    assert len(placed) == 1  # the dropped placement happened once, and settle sent nothing
    assert settled.state is EntryState.ACCEPTED
    assert settled.venue_ref == placed[0].order_id
    assert settled.attempts == 1
    assert "order/get" in settled.receipt.evidence

    again = await mover.settle(settled)  # settling an accepted entry changes nothing
    assert again.state is EntryState.ACCEPTED and again.attempts == 1
    assert len(await orders_with_key(session, "csdrop1")) == 1


async def test_placement_never_taken_stays_unknown_with_evidence(setup):
    session, journal, mover = setup
    session.sandbox.faults.configure("bhex", error_rate=1.0)  # 500 before acting
    entry = await place_order(mover, place_request(session, "csnever1"))
    assert entry.state is EntryState.UNKNOWN
    session.sandbox.faults.configure("bhex")
    settled = await mover.settle(entry)
    assert settled.state is EntryState.UNKNOWN
    assert "not found" in settled.note
    assert await orders_with_key(session, "csnever1") == []


async def test_refused_placement_is_rejected(setup):
    session, journal, mover = setup
    entry = await place_order(mover, place_request(session, "csbad1", price="10.00001"))
    assert entry.state is EntryState.REJECTED
    assert "refused" in order_outcome_text(entry)


async def test_dropped_cancel_settles_as_cancelled(setup):
    session, journal, mover = setup
    placed = await place_order(mover, place_request(session, "cscancel1"))
    assert placed.state is EntryState.ACCEPTED
    cancel = OrderCancelRequest(profile=PROFILE, venue="bhex", client_key="cx-cancel1",
                                symbol="ATUSDT", base="AT", order_id=placed.venue_ref,
                                side=OrderSide.SELL, quantity=Decimal("300"))
    session.sandbox.faults.configure("bhex", drop_rate=1.0)
    entry = await cancel_order(mover, cancel)
    assert entry.state is EntryState.UNKNOWN
    session.sandbox.faults.configure("bhex")
    settled = await mover.settle(entry)
    assert settled.state is EntryState.ACCEPTED
    assert settled.receipt.venue_status == OrderStatus.CANCELED.value
    (order,) = await orders_with_key(session, "cscancel1")
    assert order.status is OrderStatus.CANCELED


async def test_order_entries_read_back_with_display_fields(setup):
    session, journal, mover = setup
    placed = await place_order(mover, place_request(session, "csread1"))
    entry = journal.get(placed.id)
    assert isinstance(entry.request, OrderPlaceRequest)
    assert entry.kind == "order_place"
    assert entry.request.price == Decimal("10") and entry.request.quantity == Decimal("300")
    assert (entry.request.coin, entry.request.amount) == ("AT", Decimal("300"))
    assert entry.request.destination == "SELL 300 ATUSDT @ 10 LIMIT"
    assert entry.as_record()["request"]["quantity"] == "300"


def test_order_request_refuses_a_limit_without_price():
    with pytest.raises(ValueError):
        OrderPlaceRequest(profile=PROFILE, venue="bhex", client_key="k", symbol="ATUSDT",
                          side=OrderSide.BUY, type=OrderType.LIMIT, quantity=Decimal("1"))
