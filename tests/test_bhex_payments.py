"""BHEX payments (doc 004, section 7): the parser pinned to the document's example
replies, and every endpoint adapter <-> sandbox over real HTTP on loopback, with the
document's lifecycle enforced by the sandbox and idempotency by client ids."""

from __future__ import annotations

from decimal import Decimal

import pytest
from demo_env import bhex_client as client  # noqa: F401 (client: a fixture)

from tui.core.errors import InvalidRequest, MalformedReply, OutcomeUnknown
from tui.core.money import loads_exact
from tui.sandbox.bhex_payments import ORDER_ID_BASE, OPERATING_USER_ID, SEEDED
from tui.venues.bhex_payments import PayLine, parse_order, parse_orders, pay_info_json

PAYER, OTHER = "482698709891649537", "482698709891649538"

# The document's example replies, as printed (comments removed). The create example
# writes ``"isMapping: true,`` (an unclosed key, not JSON); it is read here as
# ``"isMapping": true``.
_ORDER = """{{"orderId": "476682884348973312", "clientOrderId": "Activity201910200001",
"payerUserId": "83214971450163200", "payeeUserId": "231215678785585152", "isMapping": {mapping},
"payInfo": [{{"itemId": "428843489733161027", "payType": "{pay_type}", "tokenId": "BTC",
"amount": "0.1575", "paidAmount": "{paid}", "refundedAmount": "{refunded}",
"unlockedAmount": "{unlocked}"}}]{product},
"status": "{status}", "statusDesc": "x", "expired": "1571561027984",
"desc": "Order description", "extendInfo": "{{\\"value\\":\\"Extend info for order\\"}}",
"created": "1571561027984", "updated": "{updated}"}}"""
_PRODUCT = """, "productInfo": [{"itemId": "428828843489762083", "payType": "PAY",
"tokenId": "BTC", "amount": "0.1575", "paidAmount": "0", "refundedAmount": "0",
"unlockedAmount": "0"}]"""


def doc(status: str = "WAIT_FOR_PAYMENT", pay_type: str = "PREPAY", paid: str = "0",
        refunded: str = "0", unlocked: str = "0", mapping: str = "false", product: str = "",
        updated: str = "1571561027984") -> str:
    """One of the document's example replies (they differ only in these fields)."""
    return '{"status":0,"data":' + _ORDER.format(
        status=status, pay_type=pay_type, paid=paid, refunded=refunded, unlocked=unlocked,
        mapping=mapping, product=product, updated=updated) + "}"


def test_document_create_reply() -> None:
    order = parse_order(loads_exact(doc(pay_type="PAY", mapping="true",
                                        product=_PRODUCT))["data"])
    assert order.order_id == "476682884348973312"
    assert order.client_order_id == "Activity201910200001"
    assert (order.payer_user_id, order.payee_user_id) == ("83214971450163200",
                                                          "231215678785585152")
    assert order.is_mapping and order.status == "WAIT_FOR_PAYMENT"
    item = order.pay_info[0]
    assert (item.item_id, item.pay_type, item.token_id, item.amount) == (
        "428843489733161027", "PAY", "BTC", Decimal("0.1575"))
    assert order.product_info[0].item_id == "428828843489762083"
    assert order.extend_info == '{"value":"Extend info for order"}'
    assert order.expired == 1571561027984


def test_document_list_detail_and_lifecycle_replies() -> None:
    listed = parse_orders(loads_exact('{"status":0,"data":[' + _ORDER.format(
        status="WAIT_FOR_PAYMENT", pay_type="PREPAY", paid="0", refunded="0", unlocked="0",
        mapping="false", product="", updated="1571561027984") + "]}")["data"])
    assert [o.order_id for o in listed] == ["476682884348973312"]
    assert listed[0].product_info == () and listed[0].pay_info[0].pay_type == "PREPAY"
    settled = parse_order(loads_exact(doc("COMPLETED", paid="0.1575",
                                          updated="1571561028984"))["data"])
    assert settled.status == "COMPLETED" and settled.pay_info[0].paid_amount == Decimal("0.1575")
    refunded = parse_order(loads_exact(doc("COMPLETED", refunded="0.1517"))["data"])
    assert refunded.pay_info[0].refunded_amount == Decimal("0.1517")
    unlocked = parse_order(loads_exact(doc("COMPLETED", unlocked="0.1517"))["data"])
    assert unlocked.pay_info[0].unlocked_amount == Decimal("0.1517")
    cancelled = parse_order(loads_exact(doc("CANCELLED"))["data"])
    assert cancelled.status == "CANCELLED"


@pytest.mark.parametrize("bad", [
    doc(status="PAID"), doc(pay_type="CREDIT"), doc(paid="0.1e9999"),
    doc().replace('"orderId": "476682884348973312"', '"orderId": 4.5'),
    doc().replace('"amount": "0.1575"', '"amount": null')])
def test_unreadable_orders_are_refused(bad: str) -> None:
    with pytest.raises((TypeError, ValueError, KeyError, ArithmeticError)):
        parse_order(loads_exact(bad)["data"])


def test_pay_info_is_sent_as_exact_strings() -> None:
    text = pay_info_json([PayLine("PAY", "BTC", Decimal("0.15750")),
                          PayLine("PREPAY", "USDT", Decimal("1E+2"))])
    assert text == ('[{"pay_type":"PAY","token_id":"BTC","amount":"0.15750"},'
                    '{"pay_type":"PREPAY","token_id":"USDT","amount":"100"}]')


# -- adapter <-> sandbox over loopback -------------------------------------------------


def fund(box, user: str, token: str, amount: str) -> None:
    """Deposit ``amount`` into ``user``'s main spot account in the sandbox ledger (the
    demo's other users hold random balances)."""
    service = box.services["bhex"]
    with service.store.txn() as txn:
        txn.change("bhex", user, "1", token, now_ms=service.now_ms(), flow_type="DEPOSIT",
                   available=Decimal(amount))


def main_balance(box, user: str, token: str) -> tuple[Decimal, Decimal]:
    """(available, frozen) of ``user``'s main spot ``token`` in the sandbox ledger."""
    rows = box.ledger.accounts("bhex", user, account_type="1", account_index=0, coins=[token])
    return (rows[0].available, rows[0].frozen) if rows else (Decimal(0), Decimal(0))


async def test_seeded_book_has_every_state(client) -> None:
    box, venue = client
    mine = await venue.payment_orders(payee_user_id=OPERATING_USER_ID, limit=100)
    theirs = await venue.payment_orders(payee_user_id=OTHER, limit=100)
    states = {o.status for o in [*mine, *theirs]}
    assert states == {"WAIT_FOR_PAYMENT", "COMPLETED", "PROCESSING", "EXPIRED", "CANCELLED"}
    assert len(mine) + len(theirs) == len(SEEDED)
    ids = [int(o.order_id) for o in mine]
    assert ids == sorted(ids, reverse=True)  # newest first
    mapping = [o for o in mine if o.is_mapping]
    assert len(mapping) == 1 and mapping[0].product_info[0].token_id == "BTC"


async def test_list_filters_and_pages(client) -> None:
    _, venue = client
    waiting = await venue.payment_orders(payee_user_id=OPERATING_USER_ID,
                                         status="WAIT_FOR_PAYMENT")
    assert waiting and all(o.status == "WAIT_FOR_PAYMENT" for o in waiting)
    by_payer = await venue.payment_orders(payer_user_id=PAYER, limit=100)
    assert by_payer and all(o.payer_user_id == PAYER for o in by_payer)
    first = await venue.payment_orders(payee_user_id=OPERATING_USER_ID, limit=3)
    second = await venue.payment_orders(payee_user_id=OPERATING_USER_ID, limit=3,
                                        from_id=first[-1].order_id)
    assert len(first) == 3 and int(second[0].order_id) < int(first[-1].order_id)
    with pytest.raises(InvalidRequest, match="payer or a payee"):
        await venue.payment_orders()
    with pytest.raises(InvalidRequest, match="status is one of"):
        await venue.payment_orders(payer_user_id=PAYER, status="PAID")


async def test_create_pay_refund_cycle(client) -> None:
    box, venue = client
    order = await venue.payment_order_create("t-create-1", PAYER,
                                             [PayLine("PAY", "USDT", Decimal("12.50"))], 600,
                                             desc="tea")
    assert order.status == "WAIT_FOR_PAYMENT" and order.payee_user_id == OPERATING_USER_ID
    again = await venue.payment_order_create("t-create-1", PAYER,
                                             [PayLine("PAY", "USDT", Decimal("12.50"))], 600)
    assert again.order_id == order.order_id  # idempotent by client_order_id
    with pytest.raises(InvalidRequest, match="already used"):
        await venue.payment_order_create("t-create-1", PAYER,
                                         [PayLine("PAY", "USDT", Decimal("13"))], 600)
    fund(box, PAYER, "USDT", "12.5")
    box.services["bhex"].payments.pay(order.order_id)
    item = order.pay_info[0].item_id
    refunded = await venue.payment_order_refund(item, "USDT", Decimal("2.5"), "r-1",
                                                client_order_id="t-create-1")
    assert refunded.pay_info[0].refunded_amount == Decimal("2.5")
    repeat = await venue.payment_order_refund(item, "USDT", Decimal("2.5"), "r-1",
                                              order_id=order.order_id)
    assert repeat.pay_info[0].refunded_amount == Decimal("2.5")  # not twice
    with pytest.raises(InvalidRequest, match="more than"):
        await venue.payment_order_refund(item, "USDT", Decimal("10.01"), "r-2",
                                         order_id=order.order_id)
    with pytest.raises(InvalidRequest, match="item"):
        await venue.payment_order_refund("1", "USDT", Decimal("1"), "r-3",
                                         order_id=order.order_id)
    with pytest.raises(InvalidRequest, match="only an unpaid order"):
        await venue.payment_order_cancel(order_id=order.order_id)


async def test_createv2_prepay_settle_unlock(client) -> None:
    box, venue = client
    order = await venue.payment_order_create("t-pre-1", PAYER,
                                             [PayLine("PREPAY", "BTC", Decimal("1"))], 600,
                                             payee_user_id=OTHER)
    assert order.payee_user_id == OTHER and not order.is_mapping
    with pytest.raises(InvalidRequest, match="PROCESSING"):
        await venue.payment_order_settle("BTC", Decimal("0.1"), "s-0", order_id=order.order_id)
    fund(box, PAYER, "BTC", "1")
    box.services["bhex"].payments.pay(order.order_id)
    settled = await venue.payment_order_settle("BTC", Decimal("0.6"), "s-1",
                                               order_id=order.order_id)
    assert settled.status == "PROCESSING" and settled.pay_info[0].paid_amount == Decimal("0.6")
    with pytest.raises(InvalidRequest, match="more than"):
        await venue.payment_order_unlock("BTC", Decimal("0.5"), "u-1", order_id=order.order_id)
    done = await venue.payment_order_unlock("BTC", Decimal("0.4"), "u-2",
                                            order_id=order.order_id)
    assert done.status == "COMPLETED" and done.pay_info[0].unlocked_amount == Decimal("0.4")
    detail = await venue.payment_order_detail(client_order_id="t-pre-1")
    assert detail == done


async def test_mapping_orders_are_pay_only(client) -> None:
    box, venue = client
    with pytest.raises(InvalidRequest, match="PAY lines only"):  # refused locally
        await venue.payment_order_create("t-map-1", PAYER,
                                         [PayLine("PREPAY", "USDT", Decimal("5"))], 60,
                                         product_info=[PayLine("PAY", "BTC", Decimal("0.1"))])
    order = await venue.payment_order_create("t-map-2", PAYER,
                                             [PayLine("PAY", "USDT", Decimal("5"))], 60,
                                             product_info=[PayLine("PAY", "BTC", Decimal("0.1"))])
    assert order.is_mapping and order.product_info[0].amount == Decimal("0.1")


async def test_cancel_and_not_found(client) -> None:
    _, venue = client
    order = await venue.payment_order_create("t-cx-1", PAYER,
                                             [PayLine("PAY", "USDT", Decimal("1"))], 600)
    cancelled = await venue.payment_order_cancel(client_order_id="t-cx-1")
    assert cancelled.status == "CANCELLED"
    with pytest.raises(InvalidRequest) as caught:
        await venue.payment_order_detail(order_id="1")
    assert caught.value.code == "-2013"
    with pytest.raises(InvalidRequest, match="name the order"):
        await venue.payment_order_cancel()
    with pytest.raises(InvalidRequest, match="client_order_id must be"):
        await venue.payment_order_create("bad id!", PAYER,
                                         [PayLine("PAY", "USDT", Decimal("1"))], 600)
    assert cancelled.order_id == order.order_id


async def test_expiry_moves_waiting_orders(client) -> None:
    box, venue = client
    order = await venue.payment_order_create("t-exp-1", PAYER,
                                             [PayLine("PAY", "USDT", Decimal("1"))], 1)
    box.services["bhex"].payments.orders[int(order.order_id)]["expired"] = "1"
    assert (await venue.payment_order_detail(order_id=order.order_id)).status == "EXPIRED"


async def test_dropped_create_settles_by_detail(client) -> None:
    box, venue = client
    box.faults.configure("bhex", drop_rate=1.0)  # float-ok: probability
    with pytest.raises(OutcomeUnknown):
        await venue.payment_order_create("t-drop-1", PAYER,
                                         [PayLine("PAY", "USDT", Decimal("3"))], 600)
    box.faults.configure("bhex")
    found = await venue.payment_order_detail(client_order_id="t-drop-1")
    assert found.client_order_id == "t-drop-1" and found.status == "WAIT_FOR_PAYMENT"


async def test_malformed_reply_is_refused(client, monkeypatch) -> None:
    box, venue = client
    payments = box.services["bhex"].payments
    payments.orders[ORDER_ID_BASE]["status"] = "PAID"
    with pytest.raises(MalformedReply):
        await venue.payment_order_detail(order_id=str(ORDER_ID_BASE))


async def test_only_post_is_served_and_429_is_a_rate_limit(client) -> None:
    import httpx

    from tui.core.errors import RateLimited

    box, venue = client
    origin = str(venue.settings.base_url).rstrip("/")
    async with httpx.AsyncClient() as raw:
        reply = await raw.get(f"{origin}/api/v2/org/payment/orders")
    assert reply.status_code == 405  # the method coinsole chose is the only one served
    box.faults.configure("bhex", rate_429=1.0)  # float-ok: probability
    with pytest.raises(RateLimited):
        await venue.payment_orders(payer_user_id=PAYER)
    box.faults.configure("bhex")
    assert await venue.payment_orders(payer_user_id=PAYER)
