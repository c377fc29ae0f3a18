"""The modal for one payment lifecycle action (settle, unlock, refund, cancel): the order,
the inputs the action needs (token, item, amount), a summary of exactly what changes,
then Confirm journals and sends it once through the approvals gate.

The request is rebuilt on every keystroke by :mod:`tui.payments.actions`, so an amount
the order's state refuses (more than is held, more than is left to refund) shows the
reason and Confirm stays disabled. Confirm sends through :func:`tui.org_writes.gated_send`:
when a policy is in force (the modal says so, :func:`tui.screens.approvals_gate.
approvals_configured`) it decides first: blocked, nothing is journaled or sent; needing
approval, the request is journaled PENDING_APPROVAL and proposed. The modal dismisses
with the journal entry (None when cancelled or blocked).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from tui.payments.lifecycle import IllegalPaymentAction, PaymentAction, held, refundable
from tui.screens.gated_confirm import GatedConfirmScreen, send_bindings
from tui.venues.bhex_payments import PaymentOrder

__all__ = ["PaymentActionScreen"]

_TITLES = {PaymentAction.SETTLE: "Settle prepaid funds", PaymentAction.UNLOCK: "Unlock prepaid funds",
           PaymentAction.REFUND: "Refund a pay item", PaymentAction.CANCEL: "Cancel payment order"}


class PaymentActionScreen(GatedConfirmScreen):
    """Confirm one lifecycle ``action`` on ``order`` of ``profile`` and send it once."""

    BUILD_ERRORS = (IllegalPaymentAction, ValueError)

    BINDINGS: list[BindingType] = send_bindings("Journal the request and send it (once)")

    DEFAULT_CSS = """
    PaymentActionScreen > Vertical { width: 84; max-height: 100%; }
    PaymentActionScreen .order { color: $text-muted; }
    PaymentActionScreen .prompt { margin-top: 1; }
    PaymentActionScreen Input, PaymentActionScreen Select { width: 48; }
    """

    def __init__(self, session: Any, profile: str, order: PaymentOrder,
                 action: PaymentAction) -> None:
        super().__init__(session)
        self.profile = profile
        self.order = order
        self.action = action

    def compose(self) -> ComposeResult:
        order = self.order
        with Vertical() as box:
            box.border_title = _TITLES[self.action]
            yield Static(f"order {order.order_id} ({order.client_order_id or '-'}) · "
                         f"{order.status} · payer {order.payer_user_id} · payee "
                         f"{order.payee_user_id}", classes="order", markup=False)
            if self.action in (PaymentAction.SETTLE, PaymentAction.UNLOCK):
                tokens = sorted({i.token_id for i in order.pay_info if i.pay_type == "PREPAY"
                                 and held(i) > 0})
                options = [(f"{t} (held {_held(order, t)})", t) for t in tokens]
                yield Static("Token", classes="prompt", markup=False)
                yield Select(options, id="token", allow_blank=False,
                             value=tokens[0] if tokens else Select.BLANK)
            if self.action is PaymentAction.REFUND:
                items = [i for i in order.pay_info if i.pay_type == "PAY" and refundable(i) > 0]
                options = [(f"{i.item_id} · {i.token_id} · refundable {refundable(i)}",
                            i.item_id) for i in items]
                yield Static("Pay item", classes="prompt", markup=False)
                yield Select(options, id="item", allow_blank=False,
                             value=items[0].item_id if items else Select.BLANK)
            if self.action is not PaymentAction.CANCEL:
                yield Static("Amount (exact)", classes="prompt", markup=False)
                yield Input(placeholder="e.g. 0.1", id="amount", compact=True)
            yield from self.compose_outcome(gate=self._gate_text())

    @staticmethod
    def _gate_text() -> str:
        from tui.screens.approvals_gate import approvals_configured

        if approvals_configured():
            return "An approvals policy is in force: it decides before anything is sent."
        return "Journaled before it is sent; an unknown outcome is settled by order/detail."

    def on_mount(self) -> None:
        self.rebuild()
        for field in self.query("#amount"):
            field.focus()

    # -- the request ----------------------------------------------------------------------

    def _value(self, selector: str) -> str:
        for widget in self.query(selector):
            value = widget.value  # type: ignore[attr-defined]
            return "" if value is Select.BLANK or value is None else str(value)
        return ""

    def build(self) -> Any:
        """The action's request from the inputs (``IllegalPaymentAction``: why not)."""
        from tui.payments import actions

        if self.action is PaymentAction.CANCEL:
            return actions.cancel_request(self.profile, self.order)
        text = self._value("#amount").strip()
        if not text:
            raise IllegalPaymentAction("")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise IllegalPaymentAction(f"{text!r} is not an exact amount") from None
        if not amount.is_finite() or "e" in text.lower():
            raise IllegalPaymentAction("type the amount as plain digits, e.g. 0.25")
        if self.action is PaymentAction.REFUND:
            return actions.refund_request(self.profile, self.order, self._value("#item"), amount)
        build = actions.settle_request if self.action is PaymentAction.SETTLE \
            else actions.unlock_request
        return build(self.profile, self.order, self._value("#token"), amount)

    def problem_text(self, error: Exception) -> str:
        """The reason, without pydantic's "Value error, " prefix."""
        return str(error).removeprefix("Value error, ")


def _held(order: PaymentOrder, token: str) -> str:
    from tui.core.money import exact_sum, plain

    return plain(exact_sum(held(i) for i in order.pay_info
                           if i.pay_type == "PREPAY" and i.token_id == token))
