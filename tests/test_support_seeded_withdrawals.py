"""The sandbox org's seeded withdrawals awaiting broker audit, seen from the support desk:
the statistics' seeded rows are the users' own ``withdraw/order`` rows too, so the card of a
demo user shows them with the broker-audit state said plainly, and one can be opened by id."""

from __future__ import annotations

from decimal import Decimal

from tui.demo import demo_session
from tui.sandbox.bhex_stats import SEEDED_WITHDRAWALS
from tui.sandbox.profiles import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS
from tui.support.card import PartState, load_card
from tui.support.card_text import part_lines

USERS = (BHEX_DEMO_USER_ID, *BHEX_OTHER_USER_IDS)


async def test_card_shows_withdrawals_awaiting_broker_audit() -> None:
    session = demo_session()
    try:
        adapter = session.adapter("bhex-demo")
        user = USERS[1]
        card = await load_card(adapter, user)
        part = card.parts["withdrawals"]
        assert part.state is PartState.LOADED
        text = "\n".join(part_lines(part))
        assert "300582.13173 USDT  Broker Auditing (awaiting broker audit)" in text
        seeded = [s for s in SEEDED_WITHDRAWALS if s[0] == 1]
        assert len(part_lines(part)) == len(seeded)
        waiting = [r for r in part.data if r.venue_status == "BROKER_AUDITING_STATUS"]
        assert [r.amount for r in waiting] == [Decimal("300582.13173")]
    finally:
        await session.aclose()


async def test_a_seeded_withdrawal_opens_by_id_and_pages_newest_first() -> None:
    session = demo_session()
    try:
        adapter = session.adapter("bhex-demo")
        user = USERS[2]
        rows = await adapter.request("GET", "/api/v2/org/asset/withdraw/order", read=True,
                                     params={"user_id": user, "limit": 10})
        ids = [int(r["orderId"]) for r in rows]
        assert ids == sorted(ids, reverse=True) and len(ids) == 3
        older = await adapter.request("GET", "/api/v2/org/asset/withdraw/order", read=True,
                                      params={"user_id": user, "from_id": ids[0], "limit": 10})
        assert [int(r["orderId"]) for r in older] == ids[1:]  # from_id is exclusive
        waiting = next(r for r in rows if r["status"] == 1)
        detail = await adapter.request("GET", "/api/v2/org/asset/withdraw/order/detail",
                                       read=True, params={"user_id": user,
                                                          "order_id": waiting["orderId"]})
        assert detail["statusCode"] == "BROKER_AUDITING_STATUS" and detail["txid"] == ""
        assert Decimal(detail["fee"]) == Decimal(detail["quantity"]) - Decimal(
            detail["arriveQuantity"])
    finally:
        await session.aclose()
