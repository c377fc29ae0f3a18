"""The new-order form: symbol, side, type, price and quantity, checked as the user types.

The form knows each symbol's rules (BHEX ``basic/symbols``) and runs
:func:`tui.core.order_validation.order_problems` on every change, so a bad precision or a
quantity below the minimum is shown under its field before anything could be sent. The
quantity field reads "amount to spend" for a market buy (the venue sizes those in the
quote coin). Submitting shows a confirmation with the exact order; only a yes sends it,
in a worker, with the client order id the form was opened with. ``submit`` puts the order
through the journal and returns its entry: ACCEPTED dismisses the modal with that entry;
REJECTED shows the venue's refusal (a new client order id is drawn for the next try);
UNKNOWN says the order is in the journal to be settled from Activity and never sends it
again from the form. The modal dismisses with ``None`` when the user closes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from tui.core.amounts import amount_with_coin
from tui.core.errors import CoinsoleError
from tui.core.money import plain
from tui.core.order_validation import OrderProblem, OrderRejected, order_problems
from tui.core.orders import OrderRequest, OrderSide, OrderType, SymbolRule
from tui.journal.dispatch import order_outcome_text
from tui.journal.states import EntryState
from tui.screens.modal import ModalBase, cancel_binding

__all__ = ["OrderFormScreen", "parse_amount", "describe_request"]

Submit = Callable[[OrderRequest], Awaitable[Any]]
"""Journals and sends an order; returns its :class:`~tui.journal.JournalEntry`."""


def parse_amount(text: str) -> Decimal | None:
    """The exact Decimal typed in ``text`` (thousands separators allowed), or None when it
    is blank; raises ValueError when it is not a plain number."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{text.strip()}” is not a number") from None
    if not value.is_finite() or "e" in cleaned.lower():
        raise ValueError(f"“{text.strip()}” is not a plain number; type digits only")
    return value


def describe_request(request: OrderRequest, rule: SymbolRule) -> str:
    """The exact order in words, as the confirmation shows it."""
    side = request.side.value
    if request.type is OrderType.MARKET:
        if request.side is OrderSide.BUY:
            return (f"{side} {rule.base} for {plain(request.quantity)} {rule.quote} at the "
                    f"market price · MARKET · {rule.symbol_id}")
        return (f"{side} {plain(request.quantity)} {rule.base} at the market price · MARKET · "
                f"{rule.symbol_id}")
    assert request.price is not None
    total = request.price * request.quantity
    return (f"{side} {plain(request.quantity)} {rule.base} at {plain(request.price)} "
            f"{rule.quote} · {request.type.value} · {rule.symbol_id}\n"
            f"total {plain(total)} {rule.quote}")


class OrderFormScreen(ModalBase[Any]):
    """A modal form placing one spot order (see the module doc).

    ``rules`` are the symbols' rules by symbol id; ``submit`` journals and sends a valid
    request and returns its journal entry; ``symbol`` preselects a symbol;
    ``client_order_id`` is the id the next submit uses, and ``new_client_order_id`` draws
    the next one after a refusal (that id is spent in the journal) or a change of side;
    ``available`` (coin → available in the trading account) and ``last_prices`` (symbol →
    the price of the profile's latest trade) feed the line under the rules, when known.
    """

    OWNS_DIGITS = True
    """Number keys typed here belong to the form, never a screen switch (alt+N does)."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "submit", "Place order",
                tooltip="Check the order, show it exactly, and send it after a yes"),
        cancel_binding("Close the form without sending", "Close", action="close"),
    ]

    DEFAULT_CSS = """
    OrderFormScreen > Vertical { width: 84; max-height: 100%; padding: 0 1; }
    OrderFormScreen Grid {
        grid-size: 2;
        grid-columns: 18 1fr;
        grid-rows: 3;
        height: auto;
    }
    OrderFormScreen Grid Label { padding: 1 1 0 0; color: $text-muted; width: 100%; }
    OrderFormScreen .rule { color: $text-muted; height: auto; padding: 0 1; }
    OrderFormScreen .problems { color: $error; height: auto; padding: 0 1; }
    OrderFormScreen .problems.-ok { color: $success; }
    OrderFormScreen .error {
        display: none;
        color: $error;
        background: $error 10%;
        text-style: bold;
        height: auto;
        padding: 0 1;
    }
    OrderFormScreen .error.-shown { display: block; }
    OrderFormScreen Input.-invalid { border: tall $error; }
    """

    def __init__(self, rules: Mapping[str, SymbolRule], submit: Submit, *,
                 symbol: str | None = None, client_order_id: str | None = None,
                 new_client_order_id: Callable[[], str] | None = None,
                 available: Mapping[str, Decimal] | None = None,
                 last_prices: Mapping[str, Decimal] | None = None) -> None:
        super().__init__()
        self.rules = dict(rules)
        self.available = None if available is None else dict(available)
        self.last_prices = dict(last_prices or {})
        self._id_side = OrderSide.BUY
        """The side the current client order id was drawn for."""
        self.submit = submit
        self.client_order_id = client_order_id
        self.new_client_order_id = new_client_order_id
        self.unknown_entry: int | None = None
        """The journal entry of a send whose outcome is unknown (the form sends no more)."""
        symbols = sorted(self.rules)
        self.initial_symbol = symbol if symbol in self.rules else (symbols[0] if symbols else None)
        self.problems: list[OrderProblem] = []
        """What is wrong with the order as typed now (empty: it can be sent)."""
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "New order"
            with Grid():
                yield Label("symbol")
                yield Select([(s, s) for s in sorted(self.rules)], id="symbol",
                             value=self.initial_symbol or Select.BLANK, allow_blank=False)
                yield Label("side")
                yield Select([("buy", OrderSide.BUY.value), ("sell", OrderSide.SELL.value)],
                             id="side", value=OrderSide.BUY.value, allow_blank=False)
                yield Label("type")
                yield Select([("limit", OrderType.LIMIT.value),
                              ("market", OrderType.MARKET.value),
                              ("limit maker", OrderType.LIMIT_MAKER.value)],
                             id="type", value=OrderType.LIMIT.value, allow_blank=False)
                yield Label("price", id="price-label")
                yield Input(id="price", placeholder="price")
                yield Label("quantity", id="quantity-label")
                yield Input(id="quantity", placeholder="quantity")
            yield Static("", classes="rule", id="rule", markup=False)
            yield Static("", classes="rule", id="market", markup=False)
            yield Static("", classes="problems", id="problems", markup=False)
            yield Static("", classes="error", id="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close  (esc)", id="close")
                yield Button("Place order  (ctrl+s)", id="submit", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#price", Input).focus()
        self.check()

    # -- reading the form ------------------------------------------------------------------

    @property
    def rule(self) -> SymbolRule | None:
        """The rules of the symbol chosen now."""
        value = self.query_one("#symbol", Select).value
        return self.rules.get(str(value)) if value is not Select.BLANK else None

    @property
    def order_type(self) -> OrderType:
        """The order type chosen now."""
        return OrderType(str(self.query_one("#type", Select).value))

    @property
    def side(self) -> OrderSide:
        """The side chosen now."""
        return OrderSide(str(self.query_one("#side", Select).value))

    def request(self) -> tuple[OrderRequest | None, list[OrderProblem]]:
        """The order as typed, and every problem with it (parse errors and rule breaks)."""
        rule = self.rule
        if rule is None:
            return None, [OrderProblem("symbol_id", "pick a symbol")]
        problems: list[OrderProblem] = []
        price = quantity = None
        price_text = self.query_one("#price", Input).value
        if self.order_type is not OrderType.MARKET:
            try:
                price = parse_amount(price_text)
            except ValueError as exc:
                problems.append(OrderProblem("price", f"price: {exc}"))
        try:
            quantity = parse_amount(self.query_one("#quantity", Input).value)
        except ValueError as exc:
            problems.append(OrderProblem("quantity", f"quantity: {exc}"))
        if quantity is None and not any(p.field == "quantity" for p in problems):
            what = ("the amount to spend" if self._market_buy else "a quantity")
            problems.append(OrderProblem("quantity", f"enter {what}"))
        if problems:
            if price is None and self.order_type is not OrderType.MARKET \
                    and not any(p.field == "price" for p in problems):
                problems.insert(0, OrderProblem("price", "enter a price"))
            return None, problems
        assert quantity is not None
        request = OrderRequest(symbol_id=rule.symbol_id, side=self.side, type=self.order_type,
                               quantity=quantity, price=price,
                               client_order_id=self.client_order_id)
        return request, order_problems(request, rule)

    @property
    def _market_buy(self) -> bool:
        return self.order_type is OrderType.MARKET and self.side is OrderSide.BUY

    def check(self) -> None:
        """Re-check the order as typed and show every problem under the form."""
        rule = self.rule
        market = self.order_type is OrderType.MARKET
        price = self.query_one("#price", Input)
        price.disabled = market
        price.placeholder = "market price" if market else \
            f"price in {rule.quote if rule else ''} (step {plain(rule.min_price_precision) if rule else ''})"
        quantity = self.query_one("#quantity", Input)
        label = self.query_one("#quantity-label", Label)
        if rule is not None and self._market_buy:
            label.update(f"spend ({rule.quote})")
            quantity.placeholder = (f"{rule.quote} to spend (step {plain(rule.quote_precision)}, "
                                    f"min {plain(rule.min_trade_amount)})")
        elif rule is not None:
            label.update(f"quantity ({rule.base})")
            quantity.placeholder = (f"{rule.base} (step {plain(rule.base_precision)}, "
                                    f"min {plain(rule.min_trade_quantity)})")
        if rule is not None:
            self.query_one("#rule", Static).update(
                f"{rule.symbol_id}: price step {plain(rule.min_price_precision)} {rule.quote} · "
                f"quantity step {plain(rule.base_precision)} {rule.base}, min "
                f"{plain(rule.min_trade_quantity)} · market buy step "
                f"{plain(rule.quote_precision)} {rule.quote}, min {plain(rule.min_trade_amount)}"
                + ("" if rule.can_trade else " · closed for trading"))
        self.query_one("#market", Static).update(self.market_text())
        _, self.problems = self.request()
        typed = bool(price.value.strip() or quantity.value.strip())
        for field_id, name in (("price", "price"), ("quantity", "quantity")):
            widget = self.query_one(f"#{field_id}", Input)
            bad = typed and bool(widget.value.strip()) and any(
                p.field == name for p in self.problems)
            widget.set_class(bad, "-invalid")
        shown = self.query_one("#problems", Static)
        if not self.problems:
            shown.update("✓ the order meets the symbol's rules")
            shown.add_class("-ok")
        else:
            shown.remove_class("-ok")
            shown.update("\n".join(f"• {p.message}" for p in self.problems) if typed
                         else "enter the price and quantity")

    def market_text(self) -> str:
        """What the chosen side can spend (the quote coin to buy, the base coin to sell)
        and the price of the profile's latest trade on the symbol."""
        rule = self.rule
        if rule is None:
            return ""
        buying = self.side is OrderSide.BUY
        coin = rule.quote if buying else rule.base
        if self.available is None:
            have = f"available {coin}: unknown (the balances did not load)"
        else:
            amount = self.available.get(coin, Decimal(0))
            have = f"available {amount_with_coin(amount, coin)} to {'buy' if buying else 'sell'}"
        last = self.last_prices.get(rule.symbol_id)
        traded = (f"last price (your latest trade) {amount_with_coin(last, rule.quote)}"
                  if last is not None else f"no trade of yours on {rule.symbol_id} yet")
        return f"{have}\n{traded}"

    def _side_changed(self) -> None:
        """A new side is a new order: draw it a new client order id."""
        if self.side is not self._id_side and self.new_client_order_id is not None:
            self.client_order_id = self.new_client_order_id()
        self._id_side = self.side

    # -- actions ---------------------------------------------------------------------------

    def action_submit(self) -> None:
        """Check the order; when it is valid, confirm it exactly, then send it."""
        from tui.screens.confirm import ConfirmScreen

        if self.sending:
            return
        if self.unknown_entry is not None:
            self.show_error(f"outcome unknown: the order is in the journal as entry "
                            f"{self.unknown_entry}; Activity (4) settles it. Close the form "
                            "(esc); it sends nothing more")
            return
        request, problems = self.request()
        self.check()
        if request is None or problems:
            self.show_error("not sent: fix the problems listed above")
            return
        rule = self.rule
        assert rule is not None
        self.show_error("")
        self.app.push_screen(
            ConfirmScreen("Place this order?", describe_request(request, rule)
                          + (f"\nclient order id {request.client_order_id}"
                             if request.client_order_id else ""),
                          confirm_label="Place order", cancel_label="Back"),
            callback=lambda yes: yes and self._send(request),
        )

    def _send(self, request: OrderRequest) -> None:
        self.sending = True
        self.query_one("#submit", Button).disabled = True
        self.query_one("#submit", Button).label = "Sending…"
        self.run_worker(partial(self._place, request), group="order-form", exclusive=True,
                        exit_on_error=False)

    async def _place(self, request: OrderRequest) -> None:
        try:
            entry = await self.submit(request)
        except asyncio.CancelledError:
            raise
        except OrderRejected as exc:
            self._failed("not sent: " + "; ".join(p.message for p in exc.problems))
            return
        except CoinsoleError as exc:
            from tui.approvals.held import gate_outcome

            gated = gate_outcome(exc)
            if gated is not None and gated[0] == "held":
                self.dismiss(gated[1])  # PENDING_APPROVAL: the opener says so
            else:
                self._failed(gated[1] if gated is not None else f"not sent: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - say what happened, keep the form open
            self._failed(f"unexpected {type(exc).__name__}: {exc}")
            return
        if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
            self.dismiss(entry)
            return
        if entry.state is EntryState.REJECTED:
            if self.new_client_order_id is not None:
                self.client_order_id = self.new_client_order_id()
            self._failed(order_outcome_text(entry))
            return
        self.unknown_entry = entry.id
        self.sending = False
        button = self.query_one("#submit", Button)
        button.disabled = True
        button.label = "Outcome unknown"
        self.show_error(order_outcome_text(entry))

    def _failed(self, message: str) -> None:
        self.sending = False
        button = self.query_one("#submit", Button)
        button.disabled = False
        button.label = "Place order  (ctrl+s)"
        self.show_error(message)

    def show_error(self, message: str) -> None:
        """Show (or, with "", hide) the form's error line."""
        error = self.query_one("#error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def can_cancel(self) -> bool:
        """Not while the order is being sent."""
        return not self.sending

    def action_close(self) -> None:
        """Close without sending."""
        self.action_cancel()

    # -- events ----------------------------------------------------------------------------

    @on(Select.Changed, "#side")
    def _side_selected(self) -> None:
        self._side_changed()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.check()
        if self.unknown_entry is None:
            self.show_error("")

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()
