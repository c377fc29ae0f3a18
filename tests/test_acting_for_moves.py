"""Money moved while acting for a BHEX org user stays that user's: the journal records the
user id, the withdrawal is sent, and later looked up, as them (whoever the profile acts
for by then); a sub-account transfer, which names no user, is refused while acting."""

from __future__ import annotations

import json
from decimal import Decimal

from pydantic import SecretStr
from test_sandbox_bhex_trading import Clock

from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind, MoveRequest
from tui.demo import demo_session
from tui.journal import EntryState
from tui.journal_ui import mover_for
from tui.sandbox import Sandbox
from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD
from tui.sandbox.profiles import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS

OTHER = BHEX_OTHER_USER_IDS[0]
BTC_ADDRESS = "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"


async def btc(session, user_id: str) -> Decimal:
    rows = await session.adapter("bhex-demo").account_balance(user_id, 1, 0)
    return next(Decimal(r["free"]) for r in rows if r["tokenId"] == "BTC")


def test_a_request_without_a_user_reads_and_dumps_as_before() -> None:
    fields = dict(kind=MoveKind.WITHDRAW, profile="p", venue="bhex", coin="BTC",
                  amount=Decimal("1"), client_key="1", address="a")
    plain = MoveRequest(**fields)
    assert "user_id" not in json.loads(plain.model_dump_json())
    acting = MoveRequest(**fields, user_id=OTHER)
    assert json.loads(acting.model_dump_json())["user_id"] == OTHER
    assert MoveRequest.model_validate_json(acting.model_dump_json()).user_id == OTHER


async def test_withdrawal_for_the_user_acted_for_is_theirs_to_the_end() -> None:
    box = Sandbox(clock=Clock())
    session = demo_session(box)
    try:
        own_before, other_before = await btc(session, BHEX_DEMO_USER_ID), await btc(session, OTHER)
        session.act_for("bhex-demo", OTHER)
        mover = mover_for(session)
        entry = mover.prepare(kind=MoveKind.WITHDRAW, profile="bhex-demo", coin="BTC",
                              amount=Decimal("0.0015"), address=BTC_ADDRESS,
                              miner_fee=Decimal("0.0001"), convert_rate=Decimal("1"))
        assert entry.request.user_id == OTHER
        mover.approve(entry)
        sent = await mover.submit(entry, trade_password=SecretStr(DEMO_TRADE_PASSWORD))
        assert sent.state is EntryState.ACCEPTED, sent.last_error
        session.act_for("bhex-demo", None)  # back to the profile's own user
        assert await btc(session, OTHER) == other_before - Decimal("0.0015")
        assert await btc(session, BHEX_DEMO_USER_ID) == own_before
        found = await session.adapter("bhex-demo").lookup_move(
            sent.request, venue_ref=sent.receipt.venue_ref, sent_after_ms=0)
        assert [c.receipt.venue_ref for c in found.candidates] == [sent.receipt.venue_ref]
        checked = await mover.reconcile(sent)
        assert checked.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
        assert checked.receipt.venue_ref == sent.receipt.venue_ref
        from tui.screens.activity import ActivityDetailScreen

        fields = dict(ActivityDetailScreen(checked, []).fields())
        assert fields["profile"] == f"bhex-demo (venue bhex), for user {OTHER}"
    finally:
        await session.aclose()


async def test_sub_account_transfer_is_refused_while_acting_for_another_user() -> None:
    box = Sandbox(clock=Clock())
    session = demo_session(box)
    try:
        session.act_for("bhex-demo", OTHER)
        mover = mover_for(session)
        entry = mover.prepare(kind=MoveKind.TRANSFER, profile="bhex-demo", coin="USDT",
                              amount=Decimal("1"), from_account=AccountRef(kind=AccountKind.SPOT),
                              to_account=AccountRef(kind=AccountKind.SPOT, index=1,
                                                    name="Quant team 1"))
        mover.approve(entry)
        sent = await mover.submit(entry)
        assert sent.state is EntryState.REJECTED
        assert "own user" in (sent.last_error or "")
    finally:
        await session.aclose()


async def test_order_placed_for_the_user_acted_for_is_found_as_theirs() -> None:
    from tui.core.orders import OrderRequest, OrderSide, OrderType
    from tui.journal.dispatch import look_up, place_order, place_request_for

    box = Sandbox(clock=Clock())
    session = demo_session(box)
    try:
        adapter = session.adapter("bhex-demo")
        rule = (await adapter.basic_symbols())["BTCUSDT"]
        session.act_for("bhex-demo", OTHER)
        order = OrderRequest(symbol_id="BTCUSDT", side=OrderSide.SELL, type=OrderType.LIMIT,
                             quantity=Decimal("0.5"), price=Decimal("990000"),
                             client_order_id=adapter.new_client_order_id())
        entry = await place_order(mover_for(session), place_request_for(
            order, rule, profile="bhex-demo", venue="bhex"))
        assert entry.state is EntryState.ACCEPTED and entry.request.user_id == OTHER
        session.act_for("bhex-demo", None)
        assert [o.order_id for o in await adapter.open_orders(user_id=OTHER)] == [
            entry.venue_ref]
        found = await look_up(adapter, entry.request, venue_ref=None, sent_after_ms=0)
        assert found is not None and found.venue_ref == entry.venue_ref
    finally:
        await session.aclose()
