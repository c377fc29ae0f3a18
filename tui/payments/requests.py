"""Journaled payment writes: create, settle, refund, unlock and cancel of a BHEX payment
order, recorded in the journal before they are sent, like money movements.

Each is a request kind of its own (``payment_create``...). The key is the venue's own
client id (``client_order_id`` for a create, ``settle_client_order_id``... for the
others; a cancel takes none, so its key is ours). An unknown outcome is settled by LOOKUP
through ``order/detail``: a create is found by its ``client_order_id``; a cancel when the
order is CANCELLED; a settle, unlock or refund when the token's (item's) settled,
unlocked or refunded total has reached the figure recorded before sending plus the
amount (docs/wire.md, "BHEX payments"). :func:`send` and :func:`look_up` are what
:mod:`tui.journal.dispatch` calls for these requests (through :mod:`tui.org_writes`).
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from tui.core.errors import InvalidRequest
from tui.core.models import Amount
from tui.core.money import exact_sum, plain
from tui.core.moves import MoveReceipt, MoveStatus, Settlement
from tui.core.org_request import OrgRequest, new_key
from tui.venues.bhex_payments import (ORDER_NOT_FOUND, PayLine, PaymentOrder,
                                      check_client_order_id)

__all__ = ["PaymentKind", "KINDS", "PaymentLine", "PaymentCreateRequest", "PaymentSettleRequest",
           "PaymentUnlockRequest", "PaymentRefundRequest", "PaymentCancelRequest",
           "PaymentRequest", "parse", "owns", "settlement", "send", "look_up", "new_key",
           "settled_total", "unlocked_total", "refunded_of"]


class PaymentKind(str, Enum):
    """Journal kinds of the payment writes."""

    CREATE = "payment_create"
    SETTLE = "payment_settle"
    REFUND = "payment_refund"
    UNLOCK = "payment_unlock"
    CANCEL = "payment_cancel"


KINDS = frozenset(k.value for k in PaymentKind)


def settled_total(order: PaymentOrder, token_id: str) -> Decimal:
    """What has been settled of the order's prepaid ``token_id``."""
    return exact_sum(i.paid_amount for i in order.pay_info
                     if i.pay_type == "PREPAY" and i.token_id == token_id)


def unlocked_total(order: PaymentOrder, token_id: str) -> Decimal:
    """What has been unlocked of the order's prepaid ``token_id``."""
    return exact_sum(i.unlocked_amount for i in order.pay_info
                     if i.pay_type == "PREPAY" and i.token_id == token_id)


def refunded_of(order: PaymentOrder, item_id: str) -> Decimal:
    """What has been refunded of pay item ``item_id`` (0 when the order has none)."""
    item = order.item(item_id)
    return item.refunded_amount if item is not None else Decimal(0)


class PaymentLine(BaseModel):
    """One ``pay_info`` / ``product_info`` line of a create."""

    model_config = ConfigDict(frozen=True)

    pay_type: Literal["PAY", "PREPAY"]
    token_id: str
    amount: Amount

    @field_validator("amount")
    @classmethod
    def _above_zero(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("an amount must be above 0")
        return value

    def wire(self) -> PayLine:
        """The adapter's line."""
        return PayLine(self.pay_type, self.token_id, self.amount)


class _Payment(OrgRequest):
    @field_validator("client_key")
    @classmethod
    def _key(cls, value: str) -> str:
        return check_client_order_id(value)

    @property
    def symbol(self) -> str:
        """What the approvals policy's allow-lists match (see each kind)."""
        return self.destination_key()

    def destination_key(self) -> str:
        """What allow-lists match (each kind says)."""
        return ""


class PaymentCreateRequest(_Payment):
    """A new payment order (``order/create``, or ``createv2`` with ``payee_user_id``);
    ``client_key`` is its ``client_order_id``."""

    kind: Literal[PaymentKind.CREATE] = PaymentKind.CREATE
    payer_user_id: str
    payee_user_id: str | None = None
    pay_info: tuple[PaymentLine, ...]
    product_info: tuple[PaymentLine, ...] = ()
    effective_time: int
    desc: str = ""
    extend_info: str = ""

    @model_validator(mode="after")
    def _rules(self) -> "PaymentCreateRequest":
        if not self.pay_info:
            raise ValueError("an order needs at least one pay line")
        if self.product_info and any(line.pay_type != "PAY"
                                     for line in (*self.pay_info, *self.product_info)):
            raise ValueError("a mapping order (with product lines) takes PAY lines only, "
                             "never PREPAY")
        if self.effective_time < 1:
            raise ValueError("effective_time must be at least 1 second")
        if len(self.desc) > 200 or len(self.extend_info) > 500:
            raise ValueError("desc is at most 200 characters, extend_info at most 500")
        return self

    @property
    def coin(self) -> str:
        """The first pay line's token."""
        return self.pay_info[0].token_id

    @property
    def amount(self) -> Decimal:
        """The pay lines' total in :attr:`coin`."""
        return exact_sum(x.amount for x in self.pay_info if x.token_id == self.coin)

    def destination_key(self) -> str:
        """``uid:<payee>``, or ``operating-account`` for ``order/create``."""
        return f"uid:{self.payee_user_id}" if self.payee_user_id else "operating-account"

    @property
    def destination(self) -> str:
        """The order in words."""
        lines = ", ".join(f"{x.pay_type} {plain(x.amount)} {x.token_id}" for x in self.pay_info)
        payee = f"user {self.payee_user_id}" if self.payee_user_id else "the operating account"
        return f"payment order {self.client_key}: user {self.payer_user_id} pays {payee} {lines}"

    def summary(self) -> list[tuple[str, str]]:
        """Exactly what is asked, as label/value lines for a confirmation."""
        rows = [("order", f"new payment order {self.client_key}"),
                ("payer", self.payer_user_id),
                ("payee", self.payee_user_id or "the operating account (order/create)")]
        rows += [("pays", f"{x.pay_type} {plain(x.amount)} {x.token_id}") for x in self.pay_info]
        rows += [("gets", f"{plain(x.amount)} {x.token_id} (mapping: from the operating "
                          "account)") for x in self.product_info]
        rows.append(("expires", f"{self.effective_time} s after creation"))
        if self.desc:
            rows.append(("desc", self.desc))
        return [*rows, ("profile", self.profile)]


class _OnOrder(_Payment):
    order_id: str
    payer_user_id: str = ""
    payee_user_id: str = ""
    status: str = ""
    """The order's state when the operator confirmed."""

    def destination_key(self) -> str:
        """``order:<order id>``."""
        return f"order:{self.order_id}"


class _Moving(_OnOrder):
    VERB: ClassVar[str] = ""
    """What the kind does to the funds (``settle``...), in its words and summary."""

    token_id: str
    amount: Amount
    before: Amount = Decimal(0)
    """The total (settled / unlocked / refunded) before this request: the lookup's base."""

    @field_validator("amount")
    @classmethod
    def _above_zero(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("an amount must be above 0")
        return value

    @property
    def coin(self) -> str:
        """The token moved."""
        return self.token_id

    @property
    def destination(self) -> str:
        """The action in words."""
        return f"{self.VERB} {plain(self.amount)} {self.token_id} of order {self.order_id}"

    def _rows(self, verb: str, where: str) -> list[tuple[str, str]]:
        return [("order", f"{self.order_id} ({self.status or '?'})"),
                ("action", f"{verb} {plain(self.amount)} {self.token_id}"),
                ("to", where), (f"{verb}d so far", f"{plain(self.before)} {self.token_id}"),
                ("after", f"{plain(self.before + self.amount)} {self.token_id}"),
                ("profile", self.profile)]


class PaymentSettleRequest(_Moving):
    """Settle held prepaid funds to the payee; ``client_key`` is ``settle_client_order_id``."""

    kind: Literal[PaymentKind.SETTLE] = PaymentKind.SETTLE
    VERB = "settle"

    def summary(self) -> list[tuple[str, str]]:
        """What changes."""
        return self._rows(self.VERB, f"the payee {self.payee_user_id or '?'}")


class PaymentUnlockRequest(_Moving):
    """Unlock held prepaid funds back to the payer; ``client_key`` is
    ``unlock_client_order_id``."""

    kind: Literal[PaymentKind.UNLOCK] = PaymentKind.UNLOCK
    VERB = "unlock"

    def summary(self) -> list[tuple[str, str]]:
        """What changes."""
        return self._rows(self.VERB, f"back to the payer {self.payer_user_id or '?'}")


class PaymentRefundRequest(_Moving):
    """Refund part of a paid PAY item; ``client_key`` is ``refund_client_order_id``."""

    kind: Literal[PaymentKind.REFUND] = PaymentKind.REFUND
    VERB = "refund"
    item_id: str

    @property
    def destination(self) -> str:
        """The refund in words."""
        return f"{super().destination} item {self.item_id}"

    def summary(self) -> list[tuple[str, str]]:
        """What changes."""
        rows = self._rows(self.VERB, f"the payer {self.payer_user_id or '?'}")
        return [rows[0], ("item", self.item_id), *rows[1:]]


class PaymentCancelRequest(_OnOrder):
    """Cancel an unpaid order (the venue's cancel takes no key: ``client_key`` is ours)."""

    kind: Literal[PaymentKind.CANCEL] = PaymentKind.CANCEL
    client_order_id: str = ""
    token_id: str = ""
    amount: Amount = Decimal(0)
    """What the order asked (for listings)."""

    @property
    def coin(self) -> str:
        """The order's first token (listings)."""
        return self.token_id or "-"

    @property
    def destination(self) -> str:
        """The cancel in words."""
        return f"cancel payment order {self.order_id}"

    def summary(self) -> list[tuple[str, str]]:
        """What changes."""
        return [("order", f"{self.order_id} ({self.client_order_id or '-'})"),
                ("now", self.status or "?"), ("becomes", "CANCELLED"),
                ("payer", self.payer_user_id or "?"), ("profile", self.profile)]


PaymentRequest = Union[PaymentCreateRequest, PaymentSettleRequest, PaymentUnlockRequest,
                       PaymentRefundRequest, PaymentCancelRequest]
_MODELS = {PaymentKind.CREATE.value: PaymentCreateRequest,
           PaymentKind.SETTLE.value: PaymentSettleRequest,
           PaymentKind.UNLOCK.value: PaymentUnlockRequest,
           PaymentKind.REFUND.value: PaymentRefundRequest,
           PaymentKind.CANCEL.value: PaymentCancelRequest}


def parse(kind: str, text: str) -> PaymentRequest:
    """A stored payment request of ``kind`` (JSON ``text``)."""
    return _MODELS[kind].model_validate_json(text)


def owns(request: Any) -> bool:
    """Whether ``request`` is a payment write."""
    return isinstance(request, tuple(_MODELS.values()))


def settlement(request: Any) -> Settlement:
    """Every payment write is settled by LOOKUP through ``order/detail``."""
    return Settlement.LOOKUP


def _receipt(order: PaymentOrder, how: str, *, ref: bool = False) -> MoveReceipt:
    # Only a create names the order as its venue ref: the lifecycle calls on the same
    # order must not look "claimed" by the create's journal entry.
    return MoveReceipt(venue_ref=order.order_id if ref else None,
                       status=MoveStatus.DONE, venue_status=order.status,
                       evidence=f"order {order.order_id} ({order.client_order_id or '-'}) "
                                f"{order.status}; {how}")


async def send(adapter: Any, request: PaymentRequest) -> MoveReceipt:
    """Send ``request`` once; the venue's answer as a receipt."""
    if isinstance(request, PaymentCreateRequest):
        order = await adapter.payment_order_create(
            request.client_key, request.payer_user_id, [x.wire() for x in request.pay_info],
            request.effective_time, payee_user_id=request.payee_user_id,
            product_info=[x.wire() for x in request.product_info], desc=request.desc,
            extend_info=request.extend_info)
        return _receipt(order, "the venue's reply", ref=True)
    if isinstance(request, PaymentSettleRequest):
        order = await adapter.payment_order_settle(request.token_id, request.amount,
                                                   request.client_key, order_id=request.order_id)
    elif isinstance(request, PaymentUnlockRequest):
        order = await adapter.payment_order_unlock(request.token_id, request.amount,
                                                   request.client_key, order_id=request.order_id)
    elif isinstance(request, PaymentRefundRequest):
        order = await adapter.payment_order_refund(request.item_id, request.token_id,
                                                   request.amount, request.client_key,
                                                   order_id=request.order_id)
    else:
        order = await adapter.payment_order_cancel(order_id=request.order_id)
    return _receipt(order, "the venue's reply")


async def look_up(adapter: Any, request: PaymentRequest, *,
                  venue_ref: str | None) -> MoveReceipt | None:
    """The venue's record of ``request`` through ``order/detail``; None when the request
    shows no effect there (yet)."""
    try:
        if isinstance(request, PaymentCreateRequest):
            order = await (adapter.payment_order_detail(order_id=venue_ref) if venue_ref else
                           adapter.payment_order_detail(client_order_id=request.client_key))
        else:
            order = await adapter.payment_order_detail(order_id=request.order_id)
    except InvalidRequest as exc:
        if exc.code == ORDER_NOT_FOUND:
            return None
        raise
    if isinstance(request, PaymentCreateRequest):
        if order.client_order_id != request.client_key:
            return None
        return _receipt(order, f"found by order/detail with client_order_id "
                               f"{request.client_key}", ref=True)
    if isinstance(request, PaymentCancelRequest):
        return _receipt(order, "order/detail shows it CANCELLED") \
            if order.status == "CANCELLED" else None
    if isinstance(request, PaymentSettleRequest):
        now, what = settled_total(order, request.token_id), "settled"
    elif isinstance(request, PaymentUnlockRequest):
        now, what = unlocked_total(order, request.token_id), "unlocked"
    else:
        now, what = refunded_of(order, request.item_id), "refunded"
    if now < request.before + request.amount:
        return None
    return _receipt(order, f"order/detail shows {plain(now)} {request.token_id} {what} "
                           f"(was {plain(request.before)}, asked {plain(request.amount)})")

