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

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from tui.payments.lifecycle import IllegalPaymentAction, PaymentAction, held, refundable
from tui.screens.modal import ModalBase, cancel_binding
from tui.venues.bhex_payments import PaymentOrder

__all__ = ["PaymentActionScreen"]

_TITLES = {PaymentAction.SETTLE: "Settle prepaid funds", PaymentAction.UNLOCK: "Unlock prepaid funds",
           PaymentAction.REFUND: "Refund a pay item", PaymentAction.CANCEL: "Cancel payment order"}


class PaymentActionScreen(ModalBase[Any]):
    """Confirm one lifecycle ``action`` on ``order`` of ``profile`` and send it once."""

    TONE = "warning"

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "confirm", "Confirm", priority=True,
                tooltip="Journal the request and send it (once)"),
        cancel_binding("Cancel before sending, or close after the outcome", "Cancel / close",
                       action="close"),
    ]

    DEFAULT_CSS = """
    PaymentActionScreen > Vertical { width: 84; max-height: 100%; }
    PaymentActionScreen .order { color: $text-muted; }
    PaymentActionScreen .prompt { margin-top: 1; }
    PaymentActionScreen Input, PaymentActionScreen Select { width: 48; }
    PaymentActionScreen #summary { margin-top: 1; height: auto; }
    PaymentActionScreen #problem { color: $error; height: auto; }
    PaymentActionScreen #gate { color: $text-muted; height: auto; }
    PaymentActionScreen #outcome { margin-top: 1; height: auto; text-style: bold; }
    """

    def __init__(self, session: Any, profile: str, order: PaymentOrder,
                 action: PaymentAction) -> None:
        super().__init__()
        self.session = session
        self.profile = profile
        self.order = order
        self.action = action
        self.request: Any = None
        self.sent = False
        self.entry: Any = None

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
            yield Static("", id="summary", markup=False)
            yield Static("", id="problem", markup=False)
            yield Static(self._gate_text(), id="gate", markup=False)
            yield Static("", id="outcome", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel  (esc)", id="cancel")
                yield Button("Confirm  (ctrl+s)", id="confirm", variant="warning",
                             disabled=True)

    @staticmethod
    def _gate_text() -> str:
        from tui.screens.approvals_gate import approvals_configured

        if approvals_configured():
            return "An approvals policy is in force: it decides before anything is sent."
        return "Journaled before it is sent; an unknown outcome is settled by order/detail."

    def on_mount(self) -> None:
        self._rebuild()
        for field in self.query("#amount"):
            field.focus()

    # -- the request ----------------------------------------------------------------------

    def _value(self, selector: str) -> str:
        for widget in self.query(selector):
            value = widget.value  # type: ignore[attr-defined]
            return "" if value is Select.BLANK or value is None else str(value)
        return ""

    def _build(self) -> Any:
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

    def _rebuild(self) -> None:
        if self.sent:
            return
        try:
            self.request = self._build()
            problem = ""
        except (IllegalPaymentAction, ValueError) as exc:
            self.request = None
            problem = str(exc).removeprefix("Value error, ")
        summary = self.request.summary() if self.request is not None else []
        width = max((len(k) for k, _ in summary), default=0)
        self.query_one("#summary", Static).update(
            "\n".join(f"{k.ljust(width)}  {v}" for k, v in summary))
        self.query_one("#problem", Static).update(problem)
        self.query_one("#confirm", Button).disabled = self.request is None

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._rebuild()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        # Enter moves to Confirm (when the request is legal); it never sends by itself.
        confirm = self.query_one("#confirm", Button)
        if not confirm.disabled:
            confirm.focus()

    # -- sending --------------------------------------------------------------------------

    def action_confirm(self) -> None:
        """Journal and send the request, once."""
        if self.sent or self.request is None:
            return
        self.sent = True
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#cancel", Button).disabled = True
        for field in self.query("Input, Select"):
            field.disabled = True
        self._send(self.request)

    @work(exclusive=True, group="payment-send", exit_on_error=False)
    async def _send(self, request: Any) -> None:
        from tui.approvals.identity import ApprovalsError
        from tui.journal_ui import mover_for
        from tui.org_writes import gated_send, outcome_text

        outcome = self.query_one("#outcome", Static)
        try:
            self.entry = await gated_send(mover_for(self.session), request)
            text = outcome_text(self.entry)
        except ApprovalsError as exc:  # blocked, or held for approval (journaled)
            text = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown; the journal has the entry
            text = f"could not send: {exc}"
        outcome.update(text)
        cancel = self.query_one("#cancel", Button)
        cancel.label = "Close  (esc)"
        cancel.disabled = False
        cancel.focus()
        self.query_one("#confirm", Button).display = False

    def action_close(self) -> None:
        """Cancel before sending; close once the outcome is shown; nothing while sending."""
        if self.sent and self.query_one("#cancel", Button).disabled:
            return
        self.dismiss(self.entry)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_close()


def _held(order: PaymentOrder, token: str) -> str:
    from tui.core.money import exact_sum, plain

    return plain(exact_sum(held(i) for i in order.pay_info
                           if i.pay_type == "PREPAY" and i.token_id == token))
