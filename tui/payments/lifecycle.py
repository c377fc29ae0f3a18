"""Which payment action is legal in which order state (doc 004, section 7), decided
locally before anything is sent.

- **cancel**: only while the payer has not paid (``WAIT_FOR_PAYMENT``).
- **settle** and **unlock**: a prepaid (``PREPAY``) order the payer has paid, while funds
  of that token are still held (``PROCESSING``); settle moves them to the payee, unlock
  gives them back to the payer; neither may exceed what is held.
- **refund**: a ``PAY`` item the payer has paid, named by its item id, up to what was paid
  and not yet refunded.
- A mapping order (one with product items) is PAY only, so it is never settled or unlocked.
- ``EXPIRED`` and ``CANCELLED`` orders take no action.

:func:`refusal` says, in one line, why an action is refused (None when it is legal);
:func:`actions_allowed` lists what an order's state allows, for the screens.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

from tui.core.money import exact_sum, plain
from tui.venues.bhex_payments import PayItem, PaymentOrder

__all__ = ["PaymentAction", "refusal", "actions_allowed", "held", "refundable",
           "IllegalPaymentAction"]


class PaymentAction(str, Enum):
    """The lifecycle calls on an existing order."""

    SETTLE = "settle"
    REFUND = "refund"
    UNLOCK = "unlock"
    CANCEL = "cancel"


class IllegalPaymentAction(ValueError):
    """An action the order's state does not allow; the text says why."""


def held(item: PayItem) -> Decimal:
    """What a paid PREPAY item still holds: its amount less what was settled or unlocked."""
    return item.amount - exact_sum((item.paid_amount, item.unlocked_amount))


def refundable(item: PayItem) -> Decimal:
    """What a PAY item may still give back: paid less refunded."""
    return item.paid_amount - item.refunded_amount


def _held_of(order: PaymentOrder, token_id: str | None = None) -> Decimal:
    if order.status != "PROCESSING":
        return Decimal(0)
    return exact_sum(held(i) for i in order.pay_info
                     if i.pay_type == "PREPAY" and (token_id is None or i.token_id == token_id))


def _end(order: PaymentOrder) -> str | None:
    if order.status in ("EXPIRED", "CANCELLED"):
        return f"order {order.order_id} is {order.status}; it takes no action"
    return None


def refusal(order: PaymentOrder, action: PaymentAction, *, token_id: str | None = None,
            amount: Decimal | None = None, item_id: str | None = None) -> str | None:
    """Why ``action`` (with its token, amount, item) is illegal on ``order``; None if legal.

    Without ``amount`` (and token / item) only the state is checked: is the action
    offered at all?"""
    if (ended := _end(order)) is not None:
        return ended
    if amount is not None and amount <= 0:
        return "the amount must be above 0"
    if action is PaymentAction.CANCEL:
        if order.status != "WAIT_FOR_PAYMENT":
            return (f"order {order.order_id} is {order.status}: only an order the payer has "
                    "not paid (WAIT_FOR_PAYMENT) can be cancelled")
        return None
    if action in (PaymentAction.SETTLE, PaymentAction.UNLOCK):
        verb = action.value
        if order.is_mapping:
            return (f"order {order.order_id} is a mapping order (PAY only): there are no "
                    f"prepaid funds to {verb}")
        if not any(i.pay_type == "PREPAY" for i in order.pay_info):
            return f"order {order.order_id} has no PREPAY item: only prepaid funds are {verb}d"
        if order.status != "PROCESSING":
            return (f"order {order.order_id} is {order.status}: prepaid funds are {verb}d only "
                    "while the payer has paid and they are held (PROCESSING)")
        if token_id is not None and not any(i.pay_type == "PREPAY" and i.token_id == token_id
                                            for i in order.pay_info):
            return f"order {order.order_id} holds no prepaid {token_id}"
        left = _held_of(order, token_id)
        if left <= 0:
            return f"order {order.order_id} holds nothing more to {verb}"
        if amount is not None and amount > left:
            return (f"{plain(amount)} is more than the {plain(left)} {token_id or ''} still "
                    f"held; {verb} at most {plain(left)}").replace("  ", " ")
        return None
    # refund
    paid = [i for i in order.pay_info if i.pay_type == "PAY" and i.paid_amount > 0]
    if order.status in ("COMPLETED", "PROCESSING") and paid \
            and not any(refundable(i) > 0 for i in paid):
        return f"order {order.order_id}: every paid PAY item is fully refunded"
    if order.status not in ("COMPLETED", "PROCESSING") or not paid:
        return (f"order {order.order_id} is {order.status} with no paid PAY item: refunds "
                "are only of PAY items the payer has paid")
    if item_id is None:
        return None
    item = order.item(item_id)
    if item is None:
        return f"order {order.order_id} has no pay item {item_id}"
    if item.pay_type != "PAY":
        return f"item {item_id} is {item.pay_type}: only PAY items are refunded (unlock prepaid funds)"
    if token_id is not None and token_id != item.token_id:
        return f"item {item_id} is paid in {item.token_id}, not {token_id}"
    left = refundable(item)
    if left <= 0:
        return f"item {item_id} has nothing left to refund"
    if amount is not None and amount > left:
        return (f"{plain(amount)} is more than the {plain(left)} {item.token_id} left to "
                f"refund on item {item_id}")
    return None


def actions_allowed(order: PaymentOrder) -> tuple[PaymentAction, ...]:
    """The actions ``order``'s state offers, in a fixed order."""
    return tuple(a for a in PaymentAction if refusal(order, a) is None)
