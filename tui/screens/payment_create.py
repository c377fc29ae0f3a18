"""The modal creating one payment order: payer, payee (blank: the operating account,
``order/create``; a user: ``createv2``), one pay line, an optional product line (a
mapping order, PAY only), the time the payer has, a description. The request is rebuilt
on every keystroke (:class:`~tui.payments.requests.PaymentCreateRequest` validates it),
so what the document refuses shows its reason and Confirm stays disabled; Confirm
journals it (its ``client_order_id`` is the key) and sends it once through the session's
mover and its approvals gate. Dismisses with the journal entry (None when cancelled).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, Select

from tui.screens.gated_confirm import GatedConfirmScreen, send_bindings

__all__ = ["PaymentCreateScreen"]

_FIELDS = (("payer", "payer uid", "the paying user"), ("payee", "payee uid",
                                                        "blank: the operating account"),
           ("token", "token", "e.g. USDT"), ("amount", "amount", "exact, e.g. 12.5"),
           ("product-token", "product token", "mapping order only"),
           ("product-amount", "product amount", "what the payer gets"),
           ("expires", "expires (s)", "3600"), ("desc", "description", "at most 200"))

_REQUIRED = ("payer", "token", "amount", "expires")


class PaymentCreateScreen(GatedConfirmScreen):
    """Create one payment order of ``profile``, confirmed with a summary."""

    ENTER_TO_CONFIRM = False

    BINDINGS: list[BindingType] = send_bindings("Journal the new order and send it (once)")

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Below 30 rows (``-short``, e.g. 80x24) the box drops its blank lines at top and
    bottom and the buttons their borders, so the summary and the buttons fit without
    scrolling (the box still scrolls should a long reason need more)."""

    DEFAULT_CSS = """
    PaymentCreateScreen > VerticalScroll { width: 84; max-height: 100%; }
    PaymentCreateScreen.-short > VerticalScroll { padding: 0 2; }
    PaymentCreateScreen.-short .buttons Button { border: none !important; }
    PaymentCreateScreen #outcome { margin-top: 0; }
    PaymentCreateScreen Grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: 1;
                               grid-gutter: 0 1; height: auto; }
    PaymentCreateScreen Grid Label { color: $text-muted; }
    """

    def __init__(self, session: Any, profile: str) -> None:
        super().__init__(session)
        self.profile = profile
        from tui.payments.requests import new_key

        self.key = new_key("po")
        """The new order's ``client_order_id`` (fixed for this form: one order)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "New payment order"
            with Grid():
                yield Label("pay type")
                yield Select([("PAY (paid at once)", "PAY"),
                              ("PREPAY (held, then settled)", "PREPAY")], id="pay-type",
                             value="PAY", allow_blank=False, compact=True)
                for field_id, label, hint in _FIELDS:
                    yield Label(label)
                    yield Input(placeholder=hint, id=field_id, compact=True,
                                value="3600" if field_id == "expires" else "")
            yield from self.compose_outcome()

    def on_mount(self) -> None:
        self.query_one("#payer", Input).focus()
        self.rebuild()

    def _text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def missing_text(self) -> str:
        """Ctrl+S on an unfinished form: the required fields still empty."""
        labels = dict((f, label) for f, label, _ in _FIELDS)
        empty = [labels[f] for f in _REQUIRED if not self._text(f)]
        return f"missing: {', '.join(empty)}" if empty else "fill in the form above first"

    def build(self) -> Any:
        """The new order from the form (``ValueError``: why it is refused)."""
        from tui.payments.requests import PaymentCreateRequest, PaymentLine

        payer, payee = self._text("payer"), self._text("payee")
        if not payer:
            raise ValueError("")
        for value, name in ((payer, "payer"), (payee, "payee")):
            if value and not value.isdigit():
                raise ValueError(f"{name} is a user id (digits), not {value!r}")
        lines = [(str(self.query_one("#pay-type", Select).value), self._text("token"),
                  self._text("amount"))]
        product = (self._text("product-token"), self._text("product-amount"))
        expires = self._text("expires")
        if not expires.isdigit():
            raise ValueError("expires is a whole number of seconds")
        try:
            return PaymentCreateRequest(
                profile=self.profile, client_key=self.key, payer_user_id=payer,
                payee_user_id=payee or None,
                pay_info=tuple(PaymentLine(pay_type=t, token_id=k.upper(), amount=_amount(a))
                               for t, k, a in lines),
                product_info=((PaymentLine(pay_type="PAY", token_id=product[0].upper(),
                                           amount=_amount(product[1])),)
                              if any(product) else ()),
                effective_time=int(expires), desc=self._text("desc"))
        except ValidationError as exc:
            raise ValueError("; ".join(e["msg"].removeprefix("Value error, ")
                                       for e in exc.errors())) from None

def _amount(text: str) -> Decimal:
    """An exact amount typed as plain digits (no exponent)."""
    if not text:
        raise ValueError("type an amount")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an exact amount") from None
    if not value.is_finite() or "e" in text.lower():
        raise ValueError("type amounts as plain digits, e.g. 0.25")
    return value
