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
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, Select, Static

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

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Below 30 rows (``-short``, e.g. 80x24) the box drops its blank lines at top and
    bottom and the buttons their borders, so the summary, the approvals note and the
    buttons fit without scrolling."""

    DEFAULT_CSS = """
    PaymentActionScreen > VerticalScroll { width: 84; max-height: 100%; }
    PaymentActionScreen.-short > VerticalScroll { padding: 0 2; }
    PaymentActionScreen.-short .buttons Button { border: none !important; }
    PaymentActionScreen .order { color: $text-muted; }
    PaymentActionScreen #fields { grid-size: 2; grid-columns: 16 1fr; grid-rows: auto;
                                  grid-gutter: 0 1; height: auto; margin-top: 1; }
    PaymentActionScreen #fields Label { color: $text-muted; }
    PaymentActionScreen #fields .tall { height: 3; content-align-vertical: middle; }
    PaymentActionScreen Input, PaymentActionScreen Select { width: 48; }
    PaymentActionScreen #outcome { margin-top: 0; }
    """

    def __init__(self, session: Any, profile: str, order: PaymentOrder,
                 action: PaymentAction) -> None:
        super().__init__(session)
        self.profile = profile
        self.order = order
        self.action = action

    def compose(self) -> ComposeResult:
        order = self.order
        with VerticalScroll() as box:
            box.border_title = _TITLES[self.action]
            yield Static(f"order {order.order_id} ({order.client_order_id or '-'}) · "
                         f"{order.status} · payer {order.payer_user_id} · payee "
                         f"{order.payee_user_id}", classes="order", markup=False)
            if self.action is not PaymentAction.CANCEL:
                # label beside field, one line per choice: the summary below stays in view
                with Grid(id="fields"):
                    yield from self._compose_fields()
            yield from self.compose_outcome(gate=self._gate_text())

    def _compose_fields(self) -> ComposeResult:
        """The action's inputs, each beside its label: the token (settle, unlock) or pay
        item (refund) as a one-line choice, then the amount."""
        order = self.order
        if self.action in (PaymentAction.SETTLE, PaymentAction.UNLOCK):
            tokens = sorted({i.token_id for i in order.pay_info if i.pay_type == "PREPAY"
                             and held(i) > 0})
            options = [(f"{t} (held {_held(order, t)})", t) for t in tokens]
            yield Label("token", markup=False)
            yield Select(options, id="token", allow_blank=False, compact=True,
                         value=tokens[0] if tokens else Select.BLANK)
        if self.action is PaymentAction.REFUND:
            items = [i for i in order.pay_info if i.pay_type == "PAY" and refundable(i) > 0]
            options = [(f"{i.item_id} · {i.token_id} · refundable {refundable(i)}",
                        i.item_id) for i in items]
            yield Label("pay item", markup=False)
            yield Select(options, id="item", allow_blank=False, compact=True,
                         value=items[0].item_id if items else Select.BLANK)
        # the amount keeps its border: the field typed in is plain to see
        yield Label("amount (exact)", classes="tall", markup=False)
        yield Input(placeholder="e.g. 0.1", id="amount")

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

    def missing_text(self) -> str:
        """Ctrl+S with no amount typed yet."""
        return f"type the amount to {self.action.value.lower()} first (exact, e.g. 0.1)"

    def problem_text(self, error: Exception) -> str:
        """The reason, without pydantic's "Value error, " prefix."""
        return str(error).removeprefix("Value error, ")


def _held(order: PaymentOrder, token: str) -> str:
    from tui.core.money import exact_sum, plain

    return plain(exact_sum(held(i) for i in order.pay_info
                           if i.pay_type == "PREPAY" and i.token_id == token))
