"""BHEX Org API payments (doc 004, section 7) for the BHEX adapter: payment orders a user
pays to the org's operating account (``order/create``) or to a named user (``createv2``),
their list and detail, and the lifecycle calls settle, refund, unlock and cancel.

:class:`BhexPaymentsMixin` is combined into :class:`tui.venues.bhex.BhexVenue`; it relies
on the adapter's ``request`` (signing, limits, error mapping) and ``venue_id``. Every
endpoint is one method named ``payment_<endpoint>``; replies are parsed by
:func:`parse_order` / :func:`parse_orders` into frozen dataclasses with Decimal amounts.
The document names no HTTP method for this section: coinsole sends POST with a form body
(docs/wire.md, "BHEX payments").
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.core.errors import InvalidRequest
from tui.core.money import plain
from tui.venues.base import reads_reply, wire_amount

__all__ = ["BhexPaymentsMixin", "PayItem", "PaymentOrder", "PayLine", "PAYMENTS",
           "ORDER_STATUSES", "STATUS_CODES", "PAY_TYPES", "ORDER_NOT_FOUND",
           "parse_order", "parse_orders", "check_client_order_id", "pay_info_json"]

PAYMENTS = "/api/v2/org/payment/"
ORDER_STATUSES = ("WAIT_FOR_PAYMENT", "COMPLETED", "PROCESSING", "EXPIRED", "CANCELLED")
"""The document's order states, in the order of their codes 0..4 (``orders``' ``status``)."""
STATUS_CODES = {name: code for code, name in enumerate(ORDER_STATUSES)}
PAY_TYPES = ("PAY", "PREPAY")
ORDER_NOT_FOUND = "-2013"
"""The code coinsole reads as "no such payment order" (docs/wire.md, BHEX payments)."""
LIST_MAX = 100
_CLIENT_ID = re.compile(r"[0-9A-Za-z_\-|*]{1,32}")
_DIGITS = re.compile(r"[0-9]{1,19}")
DESC_MAX, EXTEND_MAX = 200, 500


@dataclass(frozen=True)
class PayItem:
    """One line of an order's ``payInfo`` or ``productInfo``."""

    item_id: str
    pay_type: str
    token_id: str
    amount: Decimal
    paid_amount: Decimal
    refunded_amount: Decimal
    unlocked_amount: Decimal


@dataclass(frozen=True)
class PaymentOrder:
    """A payment order as the venue reports it; times in ms."""

    order_id: str
    client_order_id: str
    payer_user_id: str
    payee_user_id: str
    is_mapping: bool
    pay_info: tuple[PayItem, ...]
    product_info: tuple[PayItem, ...]
    status: str
    status_desc: str
    expired: int
    desc: str
    extend_info: str
    created: int
    updated: int

    def item(self, item_id: str) -> PayItem | None:
        """The pay item ``item_id`` (None when the order has none)."""
        return next((i for i in self.pay_info if i.item_id == item_id), None)


@dataclass(frozen=True)
class PayLine:
    """One line of ``pay_info`` / ``product_info`` as sent when creating an order."""

    pay_type: str
    token_id: str
    amount: Decimal


# -- field readers -----------------------------------------------------------------------


def _ident(value: Any, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"{name} is not an id")
    text = str(value)
    if not _DIGITS.fullmatch(text):
        raise ValueError(f"{name} is not a whole number")
    return text


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{name} is not text")
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise TypeError("isMapping is not true or false")


def _item(row: Any) -> PayItem:
    if not isinstance(row, dict):
        raise TypeError("a pay item is not an object")
    pay_type = row["payType"]
    if pay_type not in PAY_TYPES:
        raise ValueError(f"payType {pay_type!r} is neither PAY nor PREPAY")
    token = row["tokenId"]
    if not isinstance(token, str) or not token:
        raise TypeError("tokenId is not a name")
    return PayItem(item_id=_ident(row["itemId"], "itemId"), pay_type=pay_type, token_id=token,
                   amount=wire_amount(row["amount"]),
                   paid_amount=wire_amount(row.get("paidAmount", "0")),
                   refunded_amount=wire_amount(row.get("refundedAmount", "0")),
                   unlocked_amount=wire_amount(row.get("unlockedAmount", "0")))


def _items(value: Any) -> tuple[PayItem, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TypeError("payInfo / productInfo is not a list")
    return tuple(_item(r) for r in value)


def parse_order(row: Any) -> PaymentOrder:
    """One order object (every reply of this section but ``orders``)."""
    if not isinstance(row, dict):
        raise TypeError("the payment order is not an object")
    status = row["status"]
    if status not in ORDER_STATUSES:
        raise ValueError(f"unknown order status {status!r}")
    return PaymentOrder(
        order_id=_ident(row["orderId"], "orderId"), client_order_id=_text(row, "clientOrderId"),
        payer_user_id=_ident(row["payerUserId"], "payerUserId"),
        payee_user_id=_ident(row["payeeUserId"], "payeeUserId"),
        is_mapping=_flag(row.get("isMapping", False)), pay_info=_items(row.get("payInfo")),
        product_info=_items(row.get("productInfo")), status=status,
        status_desc=_text(row, "statusDesc"), expired=int(_ident(row["expired"], "expired")),
        desc=_text(row, "desc"), extend_info=_text(row, "extendInfo"),
        created=int(_ident(row["created"], "created")),
        updated=int(_ident(row["updated"], "updated")))


def parse_orders(data: Any) -> list[PaymentOrder]:
    """``payment/orders``' list (null is empty)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise TypeError("the order list is not a list")
    return [parse_order(r) for r in data]


# -- request checks ----------------------------------------------------------------------


def check_client_order_id(value: str, name: str = "client_order_id") -> str:
    """A client id as the document allows: 1 to 32 of digits, letters and ``_-|*``."""
    if not _CLIENT_ID.fullmatch(value or ""):
        raise ValueError(f"{name} must be 1 to 32 characters of digits, letters and _-|*, "
                         f"not {value!r}")
    return value


def pay_info_json(lines: Sequence[PayLine]) -> str:
    """``pay_info`` / ``product_info`` as the document's JSON array, amounts as exact
    strings (``[{"pay_type":"PAY","token_id":"BTC","amount":"0.1575"}]``)."""
    return json.dumps([{"pay_type": line.pay_type, "token_id": line.token_id,
                        "amount": plain(line.amount)} for line in lines],
                      separators=(",", ":"))


def _lines(lines: Sequence[PayLine], what: str) -> None:
    if not lines and what == "pay_info":
        raise ValueError("an order needs at least one pay_info line")
    for line in lines:
        if line.pay_type not in PAY_TYPES:
            raise ValueError(f"{what}: pay type must be PAY or PREPAY, not {line.pay_type!r}")
        if not line.token_id:
            raise ValueError(f"{what}: a line needs a token")
        if not isinstance(line.amount, Decimal) or not line.amount.is_finite() \
                or line.amount <= 0:
            raise ValueError(f"{what}: amounts must be exact and above 0")


def _uid(value: str, name: str) -> str:
    if not _DIGITS.fullmatch(value or ""):
        raise ValueError(f"{name} must be a user id (digits), not {value!r}")
    return value


# -- the endpoints -----------------------------------------------------------------------


class BhexPaymentsMixin:
    """BHEX ``payment/*``; mixed into the BHEX adapter. Every call is a signed POST."""

    request: Callable[..., Awaitable[Any]]
    venue_id: str

    async def _payment(self, name: str, fields: dict[str, Any], *, read: bool) -> Any:
        values = {k: v for k, v in fields.items() if v is not None}
        return await self.request("POST", PAYMENTS + name, form=values, read=read)

    def _refuse(self, exc: ValueError) -> InvalidRequest:
        return InvalidRequest(self.venue_id, f"{exc} (checked before sending)")

    def _which(self, order_id: str | None, client_order_id: str | None) -> dict[str, Any]:
        if not order_id and not client_order_id:
            raise InvalidRequest(self.venue_id, "name the order: its order id or "
                                                "client_order_id")
        if order_id and not _DIGITS.fullmatch(order_id):
            raise InvalidRequest(self.venue_id, f"an order id is digits, not {order_id!r}")
        return {"order_id": order_id or None, "client_order_id": client_order_id or None}

    @reads_reply
    async def payment_order_create(self, client_order_id: str, payer_user_id: str,
                                   pay_info: Sequence[PayLine], effective_time: int, *,
                                   payee_user_id: str | None = None,
                                   product_info: Sequence[PayLine] = (), desc: str = "",
                                   extend_info: str = "") -> PaymentOrder:
        """``payment/order/create`` (payee: the operating account) or, with
        ``payee_user_id``, ``payment/order/createv2``. A mapping order (one with
        ``product_info``) takes PAY lines only; checked before sending."""
        try:
            check_client_order_id(client_order_id)
            _uid(payer_user_id, "payer_user_id")
            if payee_user_id is not None:
                _uid(payee_user_id, "payee_user_id")
            _lines(pay_info, "pay_info")
            _lines(product_info, "product_info")
            if product_info and any(x.pay_type != "PAY" for x in [*pay_info, *product_info]):
                raise ValueError("a mapping order (one with product_info) takes PAY lines "
                                 "only, never PREPAY")
            if effective_time < 1:
                raise ValueError("effective_time must be at least 1 second")
            if len(desc) > DESC_MAX or len(extend_info) > EXTEND_MAX:
                raise ValueError(f"desc is at most {DESC_MAX} characters, extend_info at "
                                 f"most {EXTEND_MAX}")
        except ValueError as exc:
            raise self._refuse(exc) from None
        name = "order/create" if payee_user_id is None else "order/createv2"
        data = await self._payment(name, {
            "client_order_id": client_order_id, "payer_user_id": payer_user_id,
            "payee_user_id": payee_user_id, "pay_info": pay_info_json(pay_info),
            "product_info": pay_info_json(product_info) if product_info else None,
            "effective_time": effective_time, "desc": desc or None,
            "extend_info": extend_info or None}, read=False)
        return parse_order(data)

    @reads_reply
    async def payment_orders(self, *, payer_user_id: str | None = None,
                             payee_user_id: str | None = None, status: str | None = None,
                             from_id: str | None = None, to_id: str | None = None,
                             start_time: int | None = None, end_time: int | None = None,
                             limit: int | None = None) -> list[PaymentOrder]:
        """``payment/orders``: one page, newest first, of the orders of a payer or a payee
        (one is required; with both the venue goes by the payee). ``status`` is a state
        name (``WAIT_FOR_PAYMENT``...), sent as its code."""
        if not payer_user_id and not payee_user_id:
            raise InvalidRequest(self.venue_id, "name a payer or a payee: the venue lists "
                                                "orders of one user")
        if status is not None and status not in STATUS_CODES:
            raise InvalidRequest(self.venue_id, f"status is one of {', '.join(ORDER_STATUSES)}"
                                                f", not {status!r}")
        if limit is not None and not 1 <= limit <= LIST_MAX:
            raise InvalidRequest(self.venue_id, f"limit must be 1 to {LIST_MAX}, not {limit}")
        data = await self._payment("orders", {
            "payer_user_id": payer_user_id or None, "payee_user_id": payee_user_id or None,
            "status": STATUS_CODES[status] if status is not None else None,
            "from_id": from_id, "to_id": to_id, "start_time": start_time,
            "end_time": end_time, "limit": limit}, read=True)
        return parse_orders(data)

    @reads_reply
    async def payment_order_detail(self, *, order_id: str | None = None,
                                   client_order_id: str | None = None) -> PaymentOrder:
        """``payment/order/detail`` by order id or client_order_id (the venue prefers the
        order id when both are given)."""
        data = await self._payment("order/detail", self._which(order_id, client_order_id),
                                   read=True)
        return parse_order(data)

    async def _lifecycle(self, name: str, key_name: str, key: str, order_id: str | None,
                         client_order_id: str | None, fields: dict[str, Any]) -> PaymentOrder:
        try:
            check_client_order_id(key, key_name)
        except ValueError as exc:
            raise self._refuse(exc) from None
        amount = fields.get("amount")
        if amount is not None and (not amount.is_finite() or amount <= 0):
            raise InvalidRequest(self.venue_id, "the amount must be above 0")
        values = {**self._which(order_id, client_order_id), **fields, key_name: key}
        if amount is not None:
            values["amount"] = plain(amount)
        return parse_order(await self._payment(name, values, read=False))

    @reads_reply
    async def payment_order_settle(self, token_id: str, amount: Decimal,
                                   settle_client_order_id: str, *, order_id: str | None = None,
                                   client_order_id: str | None = None) -> PaymentOrder:
        """``payment/order/settle``: move ``amount`` of a prepaid order's held
        ``token_id`` to the payee."""
        return await self._lifecycle("order/settle", "settle_client_order_id",
                                     settle_client_order_id, order_id, client_order_id,
                                     {"token_id": token_id, "amount": amount})

    @reads_reply
    async def payment_order_refund(self, item_id: str, token_id: str, amount: Decimal,
                                   refund_client_order_id: str, *, order_id: str | None = None,
                                   client_order_id: str | None = None) -> PaymentOrder:
        """``payment/order/refund``: give back ``amount`` of the paid PAY item ``item_id``."""
        if not _DIGITS.fullmatch(item_id or ""):
            raise InvalidRequest(self.venue_id, f"an item id is digits, not {item_id!r}")
        return await self._lifecycle("order/refund", "refund_client_order_id",
                                     refund_client_order_id, order_id, client_order_id,
                                     {"item_id": item_id, "token_id": token_id,
                                      "amount": amount})

    @reads_reply
    async def payment_order_unlock(self, token_id: str, amount: Decimal,
                                   unlock_client_order_id: str, *, order_id: str | None = None,
                                   client_order_id: str | None = None) -> PaymentOrder:
        """``payment/order/unlock``: release ``amount`` of a prepaid order's held
        ``token_id`` back to the payer."""
        return await self._lifecycle("order/unlock", "unlock_client_order_id",
                                     unlock_client_order_id, order_id, client_order_id,
                                     {"token_id": token_id, "amount": amount})

    @reads_reply
    async def payment_order_cancel(self, *, order_id: str | None = None,
                                   client_order_id: str | None = None) -> PaymentOrder:
        """``payment/order/cancel``: cancel an order its payer has not paid."""
        data = await self._payment("order/cancel", self._which(order_id, client_order_id),
                                   read=False)
        return parse_order(data)
