"""BHEX Org API payments, simulated (doc 004, section 7), on the BHEX service's prefix,
keys, signing, limits and faults.

A deterministic book of orders in every state is built once from the service's clock
(:data:`SEEDED`): waiting for payment, paid and held (PREPAY), completed (PAY, mapping,
partly refunded, fully settled), expired and cancelled. New orders wait for payment
until :meth:`BhexPayments.pay` (the payer paying, which no org API does) or their
``effective_time`` passes. The lifecycle is enforced as the document says: cancel only
unpaid orders; settle and unlock only held prepaid funds, never more than held; refund
only paid PAY items, by item id, never more than paid; mapping orders (with
``product_info``) take PAY lines only. Creates are idempotent by ``client_order_id``,
settle / refund / unlock by their own client ids (a repeat answers the order as it
stands and changes nothing). Every call is POST (docs/wire.md, "BHEX payments").

Orders created here move balances in the sandbox ledger (each user's main spot account,
type ``1`` index 0), in one ledger transaction with the book's change: paying debits the
payer (PAY lines go to the payee at once, PREPAY lines are held as the payer's
``frozen``; a mapping order's product lines go from the payee to the payer), settling
moves held funds from the payer's ``frozen`` to the payee, unlocking back to the payer's
``available``, and a refund goes from the payee back to the payer. A write the ledger
cannot fund is refused (balance insufficient) and changes nothing. The seeded demo book
(:data:`SEEDED`) predates the ledger and moves no balances.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.core.money import exact_sum, loads_exact, plain
from tui.sandbox.moves import page_desc
from tui.sandbox.profiles import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS
from tui.sandbox.service import ErrorCode, Refusal, Refused

_MAIN = ("1", 0)
"""The account payments move: a user's main spot account (type, index)."""

if TYPE_CHECKING:
    from tui.sandbox.bhex import BhexService

__all__ = ["BhexPayments", "bhex_payment_routes", "SEEDED", "ORDER_ID_BASE", "STATUSES",
           "OPERATING_USER_ID"]

_PAY = "/api/v2/org/payment/"
ORDER_ID_BASE = 476682884348973312
_ITEM_BASE = 428843489733161027
STATUSES = ("WAIT_FOR_PAYMENT", "COMPLETED", "PROCESSING", "EXPIRED", "CANCELLED")
_DESC = {"WAIT_FOR_PAYMENT": "待支付", "COMPLETED": "支付完成", "PROCESSING": "支付中",
         "EXPIRED": "已失效", "CANCELLED": "已撤销"}
OPERATING_USER_ID = BHEX_DEMO_USER_ID
"""The org's operating account: the payee of ``order/create`` orders."""
_A, _B = BHEX_OTHER_USER_IDS
_HOUR_MS = 3_600_000
NOT_FOUND = ErrorCode(400, -2013, "Order does not exist.")
ILLEGAL = ErrorCode(400, -1100, "Illegal characters found in a parameter.")
SEEDED: tuple[tuple[str, str, str, tuple[tuple[str, str, str, str, str, str], ...],
                    tuple[tuple[str, str, str], ...], int], ...] = (
    # (status, payer, payee, pay lines (type, token, amount, paid, refunded, unlocked),
    #  product lines (type, token, amount), hours ago)
    ("CANCELLED", _A, OPERATING_USER_ID, (("PAY", "USDT", "25", "0", "0", "0"),), (), 90),
    ("EXPIRED", _B, OPERATING_USER_ID, (("PREPAY", "BTC", "0.01", "0", "0", "0"),), (), 80),
    ("COMPLETED", _A, OPERATING_USER_ID, (("PREPAY", "USDT", "120", "120", "0", "0"),), (), 70),
    ("COMPLETED", _B, OPERATING_USER_ID, (("PAY", "USDT", "100", "100", "40", "0"),), (), 60),
    ("COMPLETED", _A, OPERATING_USER_ID, (("PAY", "USDT", "50", "50", "0", "0"),),
     (("PAY", "BTC", "0.0005"),), 50),
    ("COMPLETED", _A, _B, (("PAY", "BTC", "0.1575", "0.1575", "0", "0"),), (), 40),
    ("PROCESSING", _B, OPERATING_USER_ID, (("PREPAY", "BTC", "0.5", "0.2", "0", "0.1"),), (), 30),
    ("PROCESSING", _A, OPERATING_USER_ID, (("PREPAY", "USDT", "300", "0", "0", "0"),
                                           ("PAY", "ETH", "1.25", "1.25", "0", "0")), (), 20),
    ("WAIT_FOR_PAYMENT", _B, OPERATING_USER_ID, (("PREPAY", "USDT", "75.5", "0", "0", "0"),),
     (), 10),
    ("WAIT_FOR_PAYMENT", _A, _B, (("PAY", "BTC", "0.1575", "0", "0", "0"),), (), 5),
)
"""The demo book, oldest first: at least one order in every state."""


class _Refused(Exception):
    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


class BhexPayments:
    """The simulated payment orders of the org."""

    def __init__(self, service: "BhexService") -> None:
        self.service = service
        self.orders: dict[int, dict[str, Any]] = {}
        self.by_client: dict[str, int] = {}
        self.keys: dict[tuple[str, str], int] = {}
        """(call, its client id) -> order id: settle / refund / unlock already applied."""
        self._next_item = _ITEM_BASE
        now = service.now_ms()
        for n, (status, payer, payee, pays, products, hours) in enumerate(SEEDED):
            at = now - hours * _HOUR_MS
            order = self._new(ORDER_ID_BASE + n, f"Demo{n:04d}", payer, payee,
                              [dict(zip(("payType", "tokenId", "amount", "paidAmount",
                                         "refundedAmount", "unlockedAmount"), line))
                               for line in pays],
                              [{"payType": t, "tokenId": k, "amount": a} for t, k, a in products],
                              at, at + 24 * _HOUR_MS if status != "WAIT_FOR_PAYMENT"
                              else now + 30 * 24 * _HOUR_MS, f"demo order {n}")
            if status == "COMPLETED":
                for item in order["productInfo"]:
                    item["paidAmount"] = item["amount"]
            order["status"] = status
            order["ledger"] = False
        self._next_id = ORDER_ID_BASE + len(SEEDED)

    def routes(self) -> list[Route]:
        """Every payment route (POST), on the BHEX service's prefix."""
        svc = self.service
        writes = {"order/create": self.create, "order/createv2": self.create_v2,
                  "order/settle": self.settle, "order/refund": self.refund,
                  "order/unlock": self.unlock, "order/cancel": self.cancel}
        reads = {"orders": self.list_orders, "order/detail": self.detail}
        return ([svc.route(_PAY + name, self._handle(h), ["POST"], write=True)
                 for name, h in writes.items()]
                + [svc.route(_PAY + name, self._handle(h), ["POST"]) for name, h in reads.items()])

    def _handle(self, handler: Any) -> Any:
        async def run(request: Request) -> Any:
            _, params = await self.service.authenticate(request)
            self._expire()
            try:
                return handler(params)
            except _Refused as refused:
                return self._refusal(refused)
        return run

    def _refusal(self, refused: _Refused) -> Response:
        code = refused.code
        return self.service.reply(self.service.error_body(code, f"{code.msg}: {refused.detail}"),
                                  code.http_status)

    # -- the payer's side (no org API) ----------------------------------------------------

    def pay(self, order_id: int | str) -> dict[str, Any]:
        """The payer pays ``order_id`` (tests and the demo): PAY lines are paid, PREPAY
        lines held; the order is PROCESSING while anything is held, else COMPLETED."""
        order = self.orders[int(order_id)]
        if order["status"] != "WAIT_FOR_PAYMENT":
            raise ValueError(f"order {order_id} is {order['status']}")
        payer, payee = order["payerUserId"], order["payeeUserId"]
        for item in order["payInfo"]:
            if item["payType"] == "PAY":
                item["paidAmount"] = item["amount"]
        for item in order["productInfo"]:
            item["paidAmount"] = item["amount"]
        held = any(i["payType"] == "PREPAY" for i in order["payInfo"])
        pays, products = order["payInfo"], order["productInfo"]
        try:
            self._book(order, [*[(payer, t, -a, Decimal(0)) for t, a in _by_token(pays)],
                               *[(payer, t, Decimal(0), a)
                                 for t, a in _by_token(pays, "PREPAY")],
                               *[(payee, t, a, Decimal(0)) for t, a in _by_token(pays, "PAY")],
                               *[(payee, t, -a, Decimal(0)) for t, a in _by_token(products)],
                               *[(payer, t, a, Decimal(0)) for t, a in _by_token(products)]],
                       "PAYMENT_PAY")
        except Refused:
            for item in [*pays, *products]:
                item["paidAmount"] = "0"
            raise ValueError(f"order {order_id}: the payer (or, for the products, the payee) "
                             "lacks the balance") from None
        self._set(order, "PROCESSING" if held else "COMPLETED")
        return self._json(order)

    def _book(self, order: dict[str, Any],
              changes: list[tuple[str, str, Decimal, Decimal]], flow: str) -> None:
        """Apply (user, token, available, frozen) changes to the ledger in one transaction
        (:class:`Refused` insufficient, and nothing changed, when one cannot be funded);
        nothing for a seeded order."""
        if not order.get("ledger", True):
            return
        now = self.service.now_ms()
        with self.service.store.txn() as txn:
            for user, token, available, frozen in changes:
                if available or frozen:
                    txn.change("bhex", user, _MAIN[0], token, now_ms=now, flow_type=flow,
                               account_index=_MAIN[1], available=available, frozen=frozen)

    # -- building and reading ------------------------------------------------------------

    def _item(self, line: dict[str, Any]) -> dict[str, Any]:
        self._next_item += 1
        return {"itemId": str(self._next_item), "payType": line["payType"],
                "tokenId": line["tokenId"], "amount": line["amount"],
                "paidAmount": line.get("paidAmount", "0"),
                "refundedAmount": line.get("refundedAmount", "0"),
                "unlockedAmount": line.get("unlockedAmount", "0")}

    def _new(self, order_id: int, client_id: str, payer: str, payee: str,
             pays: list[dict[str, Any]], products: list[dict[str, Any]], created: int,
             expired: int, desc: str, extend: str = "") -> dict[str, Any]:
        order = {"orderId": str(order_id), "clientOrderId": client_id, "payerUserId": payer,
                 "payeeUserId": payee, "isMapping": bool(products),
                 "payInfo": [self._item(p) for p in pays],
                 "productInfo": [self._item(p) for p in products],
                 "status": "WAIT_FOR_PAYMENT", "expired": str(expired), "desc": desc,
                 "extendInfo": extend, "created": str(created), "updated": str(created)}
        self.orders[order_id] = order
        self.by_client[client_id] = order_id
        return order

    def _json(self, order: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(order)
        body.pop("ledger", None)
        body["statusDesc"] = _DESC.get(order["status"], "")
        if not body["productInfo"]:
            del body["productInfo"]
        return {"status": 0, "data": body}

    def _set(self, order: dict[str, Any], status: str) -> None:
        order["status"] = status
        order["updated"] = str(self.service.now_ms())

    def _expire(self) -> None:
        now = self.service.now_ms()
        for order in self.orders.values():
            if order["status"] == "WAIT_FOR_PAYMENT" and int(order["expired"]) < now:
                self._set(order, "EXPIRED")

    def _find(self, params: dict[str, str]) -> dict[str, Any]:
        order_id, client_id = params.get("order_id", ""), params.get("client_order_id", "")
        if order_id:
            if not order_id.isdigit():
                raise _Refused(ILLEGAL, "order_id must be an integer")
            found = self.orders.get(int(order_id))
        elif client_id:
            found = self.orders.get(self.by_client.get(client_id, -1))
        else:
            raise _Refused(ILLEGAL, "order_id or client_order_id is required")
        if found is None:
            raise _Refused(NOT_FOUND, "no such payment order")
        return found

    # -- create ---------------------------------------------------------------------------

    def create(self, params: dict[str, str]) -> dict[str, Any]:
        """``order/create``: the payee is the operating account."""
        return self._create(params, OPERATING_USER_ID)

    def create_v2(self, params: dict[str, str]) -> dict[str, Any]:
        """``order/createv2``: the payee is ``payee_user_id``."""
        return self._create(params, _user(self.service, params, "payee_user_id"))

    def _create(self, params: dict[str, str], payee: str) -> dict[str, Any]:
        client_id = _client_id(params, "client_order_id")
        payer = _user(self.service, params, "payer_user_id")
        pays = _lines(params.get("pay_info"), "pay_info", required=True)
        products = _lines(params.get("product_info"), "product_info", required=False)
        if products and any(p["payType"] != "PAY" for p in [*pays, *products]):
            raise _Refused(ILLEGAL, "a mapping order supports payType=PAY only, not PREPAY")
        effective = params.get("effective_time", "")
        if not effective.isdigit() or int(effective) < 1:
            raise _Refused(ILLEGAL, "effective_time (seconds) is required")
        desc, extend = params.get("desc", ""), params.get("extend_info", "")
        if len(desc) > 200 or len(extend) > 500:
            raise _Refused(ILLEGAL, "desc is at most 200 characters, extend_info 500")
        if client_id in self.by_client:
            existing = self.orders[self.by_client[client_id]]
            same = (existing["payerUserId"] == payer and existing["payeeUserId"] == payee
                    and [(i["payType"], i["tokenId"], Decimal(i["amount"]))
                         for i in existing["payInfo"]]
                    == [(p["payType"], p["tokenId"], Decimal(p["amount"])) for p in pays])
            if not same:
                raise _Refused(ILLEGAL, "client_order_id already used for another order")
            return self._json(existing)
        now = self.service.now_ms()
        order = self._new(self._next_id, client_id, payer, payee, pays, products, now,
                          now + int(effective) * 1000, desc, extend)
        self._next_id += 1
        return self._json(order)

    # -- lifecycle ------------------------------------------------------------------------

    def _repeat(self, call: str, params: dict[str, str], key_name: str
                ) -> tuple[str, dict[str, Any] | None]:
        key = _client_id(params, key_name)
        done = self.keys.get((call, key))
        return key, (self._json(self.orders[done]) if done is not None else None)

    def _held(self, order: dict[str, Any], token: str) -> list[dict[str, Any]]:
        if order["isMapping"]:
            raise _Refused(ILLEGAL, "a mapping order has no prepaid funds")
        if order["status"] != "PROCESSING":
            raise _Refused(ILLEGAL, f"the order is {order['status']}; prepaid funds are held "
                                    "only while it is PROCESSING")
        items = [i for i in order["payInfo"] if i["payType"] == "PREPAY" and i["tokenId"] == token]
        if not items:
            raise _Refused(ILLEGAL, f"no prepaid {token} on this order")
        return items

    def _take(self, order: dict[str, Any], params: dict[str, str], field: str) -> None:
        token = params.get("token_id", "")
        amount = _amount(params)
        items = self._held(order, token)
        held = exact_sum(_left(i) for i in items)
        if amount > held:
            raise _Refused(ILLEGAL, f"amount {plain(amount)} is more than the {plain(held)} "
                                    f"{token} held")
        to = order["payeeUserId"] if field == "paidAmount" else order["payerUserId"]
        self._book(order, [(order["payerUserId"], token, Decimal(0), -amount),
                           (to, token, amount, Decimal(0))],
                   "PAYMENT_SETTLE" if field == "paidAmount" else "PAYMENT_UNLOCK")
        for item in items:
            part = min(amount, _left(item))
            item[field] = plain(Decimal(item[field]) + part)
            amount -= part
        if not any(_left(i) > 0 for i in order["payInfo"] if i["payType"] == "PREPAY"):
            self._set(order, "COMPLETED")
        else:
            order["updated"] = str(self.service.now_ms())

    def settle(self, params: dict[str, str]) -> dict[str, Any]:
        """``order/settle``: held prepaid funds go to the payee (``paidAmount``)."""
        key, repeat = self._repeat("settle", params, "settle_client_order_id")
        if repeat is not None:
            return repeat
        order = self._find(params)
        self._take(order, params, "paidAmount")
        self.keys[("settle", key)] = int(order["orderId"])
        return self._json(order)

    def unlock(self, params: dict[str, str]) -> dict[str, Any]:
        """``order/unlock``: held prepaid funds go back to the payer (``unlockedAmount``)."""
        key, repeat = self._repeat("unlock", params, "unlock_client_order_id")
        if repeat is not None:
            return repeat
        order = self._find(params)
        self._take(order, params, "unlockedAmount")
        self.keys[("unlock", key)] = int(order["orderId"])
        return self._json(order)

    def refund(self, params: dict[str, str]) -> dict[str, Any]:
        """``order/refund``: give back part of a paid PAY item, by ``item_id``."""
        key, repeat = self._repeat("refund", params, "refund_client_order_id")
        if repeat is not None:
            return repeat
        order = self._find(params)
        item = next((i for i in order["payInfo"] if i["itemId"] == params.get("item_id")), None)
        if item is None:
            raise _Refused(ILLEGAL, "item_id is not a pay item of this order")
        if item["payType"] != "PAY":
            raise _Refused(ILLEGAL, "only PAY items are refunded")
        if item["tokenId"] != params.get("token_id"):
            raise _Refused(ILLEGAL, f"token_id must be the item's {item['tokenId']}")
        if order["status"] not in ("COMPLETED", "PROCESSING"):
            raise _Refused(ILLEGAL, f"the order is {order['status']}; the payer has not paid")
        amount = _amount(params)
        left = Decimal(item["paidAmount"]) - Decimal(item["refundedAmount"])
        if amount > left:
            raise _Refused(ILLEGAL, f"amount {plain(amount)} is more than the {plain(left)} "
                                    "left to refund")
        self._book(order, [(order["payeeUserId"], item["tokenId"], -amount, Decimal(0)),
                           (order["payerUserId"], item["tokenId"], amount, Decimal(0))],
                   "PAYMENT_REFUND")
        item["refundedAmount"] = plain(Decimal(item["refundedAmount"]) + amount)
        order["updated"] = str(self.service.now_ms())
        self.keys[("refund", key)] = int(order["orderId"])
        return self._json(order)

    def cancel(self, params: dict[str, str]) -> dict[str, Any]:
        """``order/cancel``: only an unpaid order; cancelling a cancelled one repeats it."""
        order = self._find(params)
        if order["status"] == "CANCELLED":
            return self._json(order)
        if order["status"] != "WAIT_FOR_PAYMENT":
            raise _Refused(ILLEGAL, f"the order is {order['status']}; only an unpaid order "
                                    "can be cancelled")
        self._set(order, "CANCELLED")
        return self._json(order)

    # -- reads ----------------------------------------------------------------------------

    def detail(self, params: dict[str, str]) -> dict[str, Any]:
        """``order/detail`` by ``order_id`` (preferred) or ``client_order_id``."""
        return self._json(self._find(params))

    def list_orders(self, params: dict[str, str]) -> dict[str, Any]:
        """``orders``: a payer's or (preferred) a payee's orders, newest first."""
        payee, payer = params.get("payee_user_id", ""), params.get("payer_user_id", "")
        if not payee and not payer:
            raise _Refused(ILLEGAL, "payer_user_id or payee_user_id is required")
        field, user = ("payeeUserId", payee) if payee else ("payerUserId", payer)
        status = _int(params, "status")
        if status is not None and not 0 <= status < len(STATUSES):
            raise _Refused(ILLEGAL, "status must be 0 to 4")
        start, end = _int(params, "start_time"), _int(params, "end_time")
        limit = _int(params, "limit")
        if limit is None:
            limit = 20
        if not 1 <= limit <= 100:
            raise _Refused(ILLEGAL, "limit must be 1 to 100")
        kept = [o for o in self.orders.values() if o[field] == user
                and (status is None or o["status"] == STATUSES[status])
                and (start is None or int(o["created"]) >= start)
                and (end is None or int(o["created"]) <= end)]
        page = page_desc(kept, lambda o: int(o["orderId"]), from_id=_int(params, "from_id"),
                         to_id=_int(params, "to_id"), limit=limit)
        return {"status": 0, "data": [self._json(o)["data"] for o in page]}


# -- parameter readers --------------------------------------------------------------------


def _by_token(items: list[dict[str, Any]], pay_type: str | None = None
              ) -> list[tuple[str, Decimal]]:
    """The exact total per token of ``items`` (of ``pay_type`` only, when given)."""
    totals: dict[str, list[Decimal]] = {}
    for item in items:
        if pay_type is None or item["payType"] == pay_type:
            totals.setdefault(item["tokenId"], []).append(Decimal(item["amount"]))
    return [(token, exact_sum(amounts)) for token, amounts in totals.items()]


def _left(item: dict[str, Any]) -> Decimal:
    return Decimal(item["amount"]) - Decimal(item["paidAmount"]) - Decimal(item["unlockedAmount"])


def _int(params: dict[str, str], name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():  # type: ignore[union-attr]
        raise _Refused(ILLEGAL, f"{name} must be an integer")
    return int(value)  # type: ignore[arg-type]


def _client_id(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not 1 <= len(value) <= 32 or not all(c.isascii() and (c.isalnum() or c in "_-|*")
                                            for c in value):
        raise _Refused(ILLEGAL, f"{name} is required: at most 32 of digits, letters, _-|*")
    return value


def _user(service: "BhexService", params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value.isdigit() or not service.ledger.sub_accounts("bhex", value):
        raise _Refused(ILLEGAL, f"{name} missing or unknown")
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise _Refused(ILLEGAL, "an amount must be a decimal number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _Refused(ILLEGAL, "an amount must be a decimal number") from None
    if not amount.is_finite() or amount <= 0 or "e" in str(value).lower():
        raise _Refused(ILLEGAL, "an amount must be a plain decimal above 0")
    return amount


def _amount(params: dict[str, str]) -> Decimal:
    return _decimal(params.get("amount", ""))


def _lines(text: str | None, name: str, *, required: bool) -> list[dict[str, str]]:
    """``pay_info`` / ``product_info``: a JSON object or array of {pay_type, token_id,
    amount}."""
    if not text:
        if required:
            raise _Refused(ILLEGAL, f"{name} is required")
        return []
    try:
        value = loads_exact(text)
    except ValueError:
        raise _Refused(ILLEGAL, f"{name} is not JSON") from None
    rows = value if isinstance(value, list) else [value]
    lines = []
    for row in rows:
        if not isinstance(row, dict) or row.get("pay_type") not in ("PAY", "PREPAY") \
                or not isinstance(row.get("token_id"), str) or not row["token_id"]:
            raise _Refused(ILLEGAL, f"{name}: each line needs pay_type PAY|PREPAY, token_id, "
                                    "amount")
        lines.append({"payType": row["pay_type"], "tokenId": row["token_id"],
                      "amount": plain(_decimal(row.get("amount")))})
    if required and not lines:
        raise _Refused(ILLEGAL, f"{name} is empty")
    return lines


def bhex_payment_routes(service: "BhexService") -> list[Route]:
    """Attach the payments book to ``service`` (as ``service.payments``); its routes."""
    payments = BhexPayments(service)
    service.payments = payments  # type: ignore[attr-defined]
    return payments.routes()
