"""The local payment lifecycle model: every action in every state, each illegal one
refused with a clear message before anything is sent."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tui.payments.lifecycle import PaymentAction as A
from tui.payments.lifecycle import actions_allowed, held, refundable, refusal
from tui.venues.bhex_payments import PayItem, PaymentOrder

D = Decimal


def item(pay_type: str = "PAY", token: str = "USDT", amount: str = "10", paid: str = "0",
         refunded: str = "0", unlocked: str = "0", item_id: str = "11") -> PayItem:
    return PayItem(item_id, pay_type, token, D(amount), D(paid), D(refunded), D(unlocked))


def order(status: str, *items: PayItem, mapping: bool = False) -> PaymentOrder:
    return PaymentOrder("900", "c-1", "1", "2", mapping, tuple(items),
                        (item(),) if mapping else (), status, "", 0, "", "", 0, 0)


WAITING_PAY = order("WAIT_FOR_PAYMENT", item())
WAITING_PRE = order("WAIT_FOR_PAYMENT", item("PREPAY"))
HELD = order("PROCESSING", item("PREPAY", paid="3", unlocked="2"))
PAID = order("COMPLETED", item(paid="10", refunded="4"))
MAPPING = order("COMPLETED", item(paid="10"), mapping=True)
SETTLED = order("COMPLETED", item("PREPAY", paid="10"))
EXPIRED = order("EXPIRED", item())
CANCELLED = order("CANCELLED", item())
MIXED = order("PROCESSING", item("PREPAY", item_id="11"),
              item("PAY", "ETH", "1", paid="1", item_id="12"))


@pytest.mark.parametrize("subject, allowed", [
    (WAITING_PAY, {A.CANCEL}), (WAITING_PRE, {A.CANCEL}), (HELD, {A.SETTLE, A.UNLOCK}),
    (PAID, {A.REFUND}), (MAPPING, {A.REFUND}), (SETTLED, set()), (EXPIRED, set()),
    (CANCELLED, set()), (MIXED, {A.SETTLE, A.UNLOCK, A.REFUND}),
])
def test_actions_by_state(subject: PaymentOrder, allowed: set[A]) -> None:
    assert set(actions_allowed(subject)) == allowed
    for action in set(A) - allowed:
        message = refusal(subject, action)
        assert message is not None and "900" in message


def test_figures() -> None:
    assert held(HELD.pay_info[0]) == D("5")
    assert refundable(PAID.pay_info[0]) == D("6")


@pytest.mark.parametrize("subject, action, kwargs, words", [
    (WAITING_PAY, A.REFUND, {"item_id": "11", "amount": D("1")}, "no paid PAY item"),
    (WAITING_PRE, A.SETTLE, {"token_id": "USDT", "amount": D("1")}, "PROCESSING"),
    (PAID, A.CANCEL, {}, "only an order the payer has not paid"),
    (HELD, A.CANCEL, {}, "WAIT_FOR_PAYMENT"),
    (HELD, A.SETTLE, {"token_id": "USDT", "amount": D("5.01")}, "settle at most 5"),
    (HELD, A.UNLOCK, {"token_id": "BTC", "amount": D("1")}, "holds no prepaid BTC"),
    (HELD, A.REFUND, {"item_id": "11", "amount": D("1")}, "no paid PAY item"),
    (HELD, A.SETTLE, {"token_id": "USDT", "amount": D("0")}, "above 0"),
    (PAID, A.REFUND, {"item_id": "11", "token_id": "USDT", "amount": D("6.000001")},
     "more than the 6"),
    (PAID, A.REFUND, {"item_id": "99", "amount": D("1")}, "no pay item 99"),
    (PAID, A.REFUND, {"item_id": "11", "token_id": "BTC", "amount": D("1")}, "paid in USDT"),
    (MIXED, A.REFUND, {"item_id": "11", "amount": D("1")}, "only PAY items are refunded"),
    (MAPPING, A.SETTLE, {"token_id": "USDT", "amount": D("1")}, "mapping order"),
    (MAPPING, A.UNLOCK, {}, "mapping order"),
    (SETTLED, A.SETTLE, {}, "PROCESSING"),
    (PAID, A.SETTLE, {}, "no PREPAY item"),
    (EXPIRED, A.REFUND, {}, "EXPIRED; it takes no action"),
    (CANCELLED, A.CANCEL, {}, "CANCELLED; it takes no action"),
    (order("PROCESSING", item("PREPAY", paid="7", unlocked="3")), A.UNLOCK, {},
     "nothing more to unlock"),
    (order("COMPLETED", item(paid="10", refunded="10")), A.REFUND, {}, "fully refunded"),
])
def test_illegal_actions_are_refused(subject, action, kwargs, words) -> None:
    message = refusal(subject, action, **kwargs)
    assert message is not None and words in message


@pytest.mark.parametrize("subject, action, kwargs", [
    (WAITING_PAY, A.CANCEL, {}),
    (HELD, A.SETTLE, {"token_id": "USDT", "amount": D("5")}),
    (HELD, A.UNLOCK, {"token_id": "USDT", "amount": D("0.000001")}),
    (PAID, A.REFUND, {"item_id": "11", "token_id": "USDT", "amount": D("6")}),
    (MAPPING, A.REFUND, {"item_id": "11", "token_id": "USDT", "amount": D("10")}),
    (MIXED, A.REFUND, {"item_id": "12", "token_id": "ETH", "amount": D("1")}),
])
def test_legal_actions_pass(subject, action, kwargs) -> None:
    assert refusal(subject, action, **kwargs) is None


def test_a_settled_order_offers_nothing_more() -> None:
    done = replace(HELD, status="COMPLETED")
    assert actions_allowed(done) == ()
