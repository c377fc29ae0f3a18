"""Sandbox payments move balances in the sandbox ledger, so the lifecycle is real end to
end (adapter <-> sandbox over loopback HTTP, real SQLite ledger): the payer is debited on
pay (PREPAY held as frozen), the payee credited at once for PAY and on settle for PREPAY,
unlocks and refunds go back to the payer; repeats and refusals move nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from test_bhex_payments import OTHER, PAYER, client, fund, main_balance  # noqa: F401
from tui.core.errors import InvalidRequest
from tui.sandbox.bhex_payments import OPERATING_USER_ID
from tui.venues.bhex_payments import PayLine

D = Decimal


def balances(box, token: str, *users: str) -> list[tuple[Decimal, Decimal]]:
    return [main_balance(box, u, token) for u in users]


async def test_pay_then_refund_moves_usdt_between_payer_and_payee(client) -> None:  # noqa: F811
    box, venue = client
    fund(box, PAYER, "USDT", "20")
    (p0, pf0), (e0, ef0) = balances(box, "USDT", PAYER, OPERATING_USER_ID)
    order = await venue.payment_order_create("l-pay-1", PAYER,
                                             [PayLine("PAY", "USDT", D("12.5"))], 600)
    assert balances(box, "USDT", PAYER, OPERATING_USER_ID) == [(p0, pf0), (e0, ef0)]
    box.services["bhex"].payments.pay(order.order_id)
    assert balances(box, "USDT", PAYER, OPERATING_USER_ID) == [(p0 - D("12.5"), pf0),
                                                               (e0 + D("12.5"), ef0)]
    item = order.pay_info[0].item_id
    await venue.payment_order_refund(item, "USDT", D("2.5"), "lr-1", order_id=order.order_id)
    await venue.payment_order_refund(item, "USDT", D("2.5"), "lr-1", order_id=order.order_id)
    assert balances(box, "USDT", PAYER, OPERATING_USER_ID) == [(p0 - D("10"), pf0),
                                                               (e0 + D("10"), ef0)]
    with pytest.raises(InvalidRequest, match="more than"):
        await venue.payment_order_refund(item, "USDT", D("10.01"), "lr-2",
                                         order_id=order.order_id)
    assert balances(box, "USDT", PAYER, OPERATING_USER_ID) == [(p0 - D("10"), pf0),
                                                               (e0 + D("10"), ef0)]


async def test_prepay_is_held_then_settled_to_the_payee_and_the_rest_unlocked(client) -> None:  # noqa: F811,E501
    box, venue = client
    fund(box, PAYER, "BTC", "1")
    (p0, pf0), (e0, ef0) = balances(box, "BTC", PAYER, OTHER)
    order = await venue.payment_order_create("l-pre-1", PAYER,
                                             [PayLine("PREPAY", "BTC", D("1"))], 600,
                                             payee_user_id=OTHER)
    box.services["bhex"].payments.pay(order.order_id)
    assert balances(box, "BTC", PAYER, OTHER) == [(p0 - 1, pf0 + 1), (e0, ef0)]
    await venue.payment_order_settle("BTC", D("0.6"), "ls-1", order_id=order.order_id)
    await venue.payment_order_settle("BTC", D("0.6"), "ls-1", order_id=order.order_id)
    assert balances(box, "BTC", PAYER, OTHER) == [(p0 - 1, pf0 + D("0.4")),
                                                  (e0 + D("0.6"), ef0)]
    done = await venue.payment_order_unlock("BTC", D("0.4"), "lu-1", order_id=order.order_id)
    assert done.status == "COMPLETED"
    assert balances(box, "BTC", PAYER, OTHER) == [(p0 - D("0.6"), pf0), (e0 + D("0.6"), ef0)]


async def test_a_payer_without_the_balance_cannot_pay_and_nothing_moves(client) -> None:  # noqa: F811,E501
    box, venue = client
    (p0, pf0), = balances(box, "ETH", PAYER)
    order = await venue.payment_order_create("l-poor-1", PAYER,
                                             [PayLine("PAY", "ETH", p0 + D("0.5"))], 600)
    with pytest.raises(ValueError, match="lacks the balance"):
        box.services["bhex"].payments.pay(order.order_id)
    assert balances(box, "ETH", PAYER) == [(p0, pf0)]
    detail = await venue.payment_order_detail(order_id=order.order_id)
    assert detail.status == "WAIT_FOR_PAYMENT" and detail.pay_info[0].paid_amount == 0


async def test_a_mapping_order_gives_the_payer_its_product(client) -> None:  # noqa: F811
    box, venue = client
    fund(box, PAYER, "USDT", "5")
    fund(box, OPERATING_USER_ID, "BTC", "0.1")
    usdt0 = balances(box, "USDT", PAYER, OPERATING_USER_ID)
    btc0 = balances(box, "BTC", PAYER, OPERATING_USER_ID)
    order = await venue.payment_order_create("l-map-1", PAYER,
                                             [PayLine("PAY", "USDT", D("5"))], 60,
                                             product_info=[PayLine("PAY", "BTC", D("0.1"))])
    box.services["bhex"].payments.pay(order.order_id)
    usdt1 = balances(box, "USDT", PAYER, OPERATING_USER_ID)
    btc1 = balances(box, "BTC", PAYER, OPERATING_USER_ID)
    assert usdt1[0][0] == usdt0[0][0] - 5 and usdt1[1][0] == usdt0[1][0] + 5
    assert btc1[0][0] == btc0[0][0] + D("0.1") and btc1[1][0] == btc0[1][0] - D("0.1")


async def test_seeded_orders_move_no_balances(client) -> None:  # noqa: F811
    """The seeded book predates the ledger: settling its held BTC changes no balance."""
    box, venue = client
    seeded = next(o for o in await venue.payment_orders(payee_user_id=OPERATING_USER_ID,
                                                        status="PROCESSING")
                  if o.pay_info[0].token_id == "BTC")
    before = balances(box, "BTC", seeded.payer_user_id, OPERATING_USER_ID)
    await venue.payment_order_settle("BTC", D("0.1"), "ls-seed", order_id=seeded.order_id)
    assert balances(box, "BTC", seeded.payer_user_id, OPERATING_USER_ID) == before
