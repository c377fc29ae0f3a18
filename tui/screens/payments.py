"""The Payments screen: a BHEX broker's payment orders, their items, and the lifecycle
actions each order's state allows.

Offered for profiles whose adapter has the payment calls (:mod:`tui.venues.bhex_payments`);
opened from the command palette ("Payments", or "Org" and then Payments) and closed with
Escape. The bar filters the list by state, payer and payee (the profile's own user, the
operating account, when neither is typed) and by creation date (``since`` / ``until``: ISO
dates, UTC, both days included; the venue's start_time / end_time); Enter in a field
applies it, a bad date is refused in one line and changes nothing; the list is one page of the venue's
(newest first; ``n`` the next, older page, ``b`` back). Under it, the order under the
cursor: its fields, its pay and product items, and the actions its state allows
(:mod:`tui.payments.lifecycle`); each action key is offered only where it is legal and
opens :class:`~tui.screens.payment_action.PaymentActionScreen` (a summary, then the
journal through the approvals gate); ``c`` creates an order
(:class:`~tui.screens.payment_create.PaymentCreateScreen`). Loading runs in workers; a failure shows in the
table and touches nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from tui.core.errors import CoinsoleError
from tui.core.money import plain
from tui.payments.lifecycle import PaymentAction, actions_allowed
from tui.screens.org_screen import OrgScreen, adapter_has, back_binding
from tui.screens.profile_tabs import next_profile_binding
from tui.session import Session
from tui.venues.bhex_payments import ORDER_STATUSES, PaymentOrder
from tui.widgets.key_footer import KeyFooter
from tui.widgets.record_table import Column, RecordTable, time_column
from tui.widgets.title_bar import TitleBar

__all__ = ["PaymentsScreen", "has_payments", "ItemRow", "PAGE"]

PAGE = 20
"""Orders per page."""
_KEYS = {PaymentAction.SETTLE: "a", PaymentAction.UNLOCK: "u", PaymentAction.REFUND: "f",
         PaymentAction.CANCEL: "x"}


def has_payments(venue: str) -> bool:
    """Whether ``venue``'s adapter reads payment orders."""
    return adapter_has(venue, PaymentsScreen.ORG_CALL)


@dataclass(frozen=True)
class ItemRow:
    """One pay or product item of the order shown, for the items table."""

    kind: str
    item_id: str
    pay_type: str
    token_id: str
    amount: Decimal
    paid: Decimal
    refunded: Decimal
    unlocked: Decimal

    @property
    def coin(self) -> str:
        """The token (amount formatting)."""
        return self.token_id


def item_rows(order: PaymentOrder | None) -> list[ItemRow]:
    """The order's pay items, then its product items."""
    if order is None:
        return []
    return [ItemRow(kind, i.item_id, i.pay_type, i.token_id, i.amount, i.paid_amount,
                    i.refunded_amount, i.unlocked_amount)
            for kind, items in (("pay", order.pay_info), ("product", order.product_info))
            for i in items]


def _pays(order: PaymentOrder) -> str:
    text = ", ".join(f"{i.pay_type} {plain(i.amount)} {i.token_id}" for i in order.pay_info)
    return text + (" · mapping" if order.is_mapping else "")


ORDERS = (time_column("created (UTC)", key="created"), Column("order id", "order_id"),
          Column("client id", "client_order_id"), Column("state", "status"),
          Column("payer", "payer_user_id"), Column("payee", "payee_user_id"),
          Column("pays", "pay_info", value=_pays))
ITEMS = (Column("item", "kind"), Column("item id", "item_id"), Column("type", "pay_type"),
         Column("token", "token_id"), Column("amount", "amount", numeric=True),
         Column("paid", "paid", numeric=True), Column("refunded", "refunded", numeric=True),
         Column("unlocked", "unlocked", numeric=True))


class PaymentsScreen(OrgScreen):
    """One BHEX profile's payment orders: filter, page, inspect, act."""

    SUB_TITLE = "payments"
    ORG_CALL = "payment_orders"

    DEFAULT_CSS = """
    PaymentsScreen #profile { width: 24; }
    PaymentsScreen #state { width: 22; }
    PaymentsScreen #payer, PaymentsScreen #payee { width: 20; }
    PaymentsScreen #since, PaymentsScreen #until { width: 12; }
    PaymentsScreen #bar Input { margin: 1 1 0 0; }
    PaymentsScreen #orders { height: 1fr; }
    PaymentsScreen #detail { height: 12; }
    PaymentsScreen #order-info { width: 44; padding: 0 1; color: $foreground; }
    PaymentsScreen #items { width: 1fr; }
    """

    BINDINGS: list[BindingType] = [
        back_binding(),
        Binding("r", "refresh", "Refresh", tooltip="Reload this page and the order shown"),
        Binding("n", "next_page", "Older", tooltip="The next page: older orders"),
        Binding("b", "previous_page", "Newer", tooltip="Back to the newer page"),
        Binding("c", "new_order", "New order",
                tooltip="Create a payment order (journaled, through the approvals gate)"),
        Binding("a", "act('settle')", "Settle",
                tooltip="Settle held prepaid funds to the payee (a PROCESSING prepaid order)"),
        Binding("u", "act('unlock')", "Unlock",
                tooltip="Unlock held prepaid funds back to the payer"),
        Binding("f", "act('refund')", "Refund",
                tooltip="Refund part of a paid PAY item to the payer"),
        Binding("x", "act('cancel')", "Cancel order",
                tooltip="Cancel an order its payer has not paid"),
        next_profile_binding("Switch to the next profile with payments"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.state: str | None = None
        self.payer = ""
        self.payee = ""
        self.since = ""
        self.until = ""
        """The date range as typed (ISO dates; empty: open-ended)."""
        self.cursors: list[str | None] = [None]
        """The ``from_id`` of every page seen so far; the last is the page shown."""
        self.page: list[PaymentOrder] = []
        self.order: PaymentOrder | None = None
        """The order shown under the list (the one under the cursor)."""

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield self.profile_bar(
            Label("state"),
            Select([("any state", "")] + [(s, s) for s in ORDER_STATUSES], id="state",
                   value="", allow_blank=False),
            Input(placeholder="payer uid", id="payer", compact=True),
            Input(placeholder="payee (default: own)", id="payee", compact=True),
            Input(placeholder="since date", id="since", compact=True),
            Input(placeholder="until date", id="until", compact=True),
            self.bar_note("Enter applies"))
        if not self.profiles:
            yield self.no_profiles("No profile has payment orders: add a BHEX org profile.")
        with Vertical(id="body"):
            yield RecordTable(ORDERS, record_key=lambda o: o.order_id, name="payment orders",
                              export_prefix="payments", empty_text="no payment orders",
                              id="orders")
            with Horizontal(id="detail"):
                yield Static("", id="order-info", markup=False)
                yield RecordTable(ITEMS, record_key=lambda r: (r.kind, r.item_id),
                                  name="items", export_prefix="payments",
                                  empty_text="no order chosen", id="items")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.profile is None:
            self.query_one("#body").display = False
            return
        self.load()
        self.orders.focus_table()

    @property
    def orders(self) -> RecordTable:
        """The orders table."""
        return self.query_one("#orders", RecordTable)

    # -- loading ------------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        """The list call's filters as the bar sets them."""
        from tui.payments.dates import date_range

        assert self.profile is not None
        payee = self.payee or (None if self.payer else
                               self.session.adapter(self.profile).settings.user_id)
        start, end = date_range(self.since, self.until, ("since", "until"))
        return {"payer_user_id": self.payer or None, "payee_user_id": payee,
                "status": self.state or None, "start_time": start, "end_time": end}

    def load(self) -> None:
        """Load the page at the last cursor afresh, in a worker."""
        if self.profile is None:
            return
        self.orders.show_loading()
        self.run_worker(partial(self._load, self.profile, self.cursors[-1], self.filters()),
                        group="payments:list", exclusive=True, exit_on_error=False)

    async def _load(self, profile: str, cursor: str | None, filters: dict[str, Any]) -> None:
        try:
            page = await self.session.adapter(profile).payment_orders(
                **filters, from_id=cursor, limit=PAGE)
        except asyncio.CancelledError:
            raise
        except CoinsoleError as exc:
            if profile == self.profile:
                self.orders.show_error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - one failure must not take the app down
            if profile == self.profile:
                self.orders.show_error(f"unexpected {type(exc).__name__}: {exc}")
            return
        if profile != self.profile:
            return
        self.page = page
        self.orders.set_records(page)
        who = (f"payer {filters['payer_user_id']}" if filters["payer_user_id"]
               and not self.payee else f"payee {filters['payee_user_id']}")
        dates = (f" · {self.since or '…'} to {self.until or '…'}"
                 if self.since or self.until else "")
        self.orders.set_note(f"page {len(self.cursors)} · {who} · "
                             f"{filters['status'] or 'any state'}{dates}")
        current = self.orders.current or (page[0] if page else None)
        self.show_order(current)

    def show_order(self, order: PaymentOrder | None) -> None:
        """Show ``order`` (None: none) under the list and offer its legal actions."""
        self.order = order
        self.query_one("#items", RecordTable).set_records(item_rows(order))
        info = self.query_one("#order-info", Static)
        if order is None:
            info.update("")
        else:
            allowed = actions_allowed(order)
            actions = " · ".join(f"{_KEYS[a]} {a.value}" for a in allowed) or "none"
            info.update("\n".join([
                f"order    {order.order_id}", f"client   {order.client_order_id or '-'}",
                f"state    {order.status}", f"payer    {order.payer_user_id}",
                f"payee    {order.payee_user_id}",
                f"mapping  {'yes (PAY only)' if order.is_mapping else 'no'}",
                f"desc     {order.desc or '-'}", f"actions  {actions}"]))
        self.refresh_bindings()

    async def _reload_order(self, order_id: str) -> None:
        assert self.profile is not None
        try:
            fresh = await self.session.adapter(self.profile).payment_order_detail(
                order_id=order_id)
        except CoinsoleError as exc:
            self.notify(f"order {order_id}: {exc}", severity="error", timeout=6)
            return
        self.page = [fresh if o.order_id == order_id else o for o in self.page]
        self.orders.set_records(self.page)
        if self.order is not None and self.order.order_id == order_id:
            self.show_order(fresh)

    # -- actions ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Reload the page shown."""
        self.load()

    def action_next_page(self) -> None:
        """The next, older page (when this one is full)."""
        if self.page and len(self.page) == PAGE:
            self.cursors.append(self.page[-1].order_id)
            self.load()

    def action_previous_page(self) -> None:
        """Back to the newer page."""
        if len(self.cursors) > 1:
            self.cursors.pop()
            self.load()

    def action_act(self, name: str) -> None:
        """Open the confirmation of lifecycle action ``name`` on the order shown."""
        from tui.screens.payment_action import PaymentActionScreen

        action = PaymentAction(name)
        order = self.order
        if order is None or self.profile is None or action not in actions_allowed(order):
            return

        def done(entry: Any) -> None:
            if entry is not None:
                self.run_worker(self._reload_order(order.order_id), group="payments:order",
                                exit_on_error=False)

        self.app.push_screen(PaymentActionScreen(self.session, self.profile, order, action),
                             done)

    def action_new_order(self) -> None:
        """Open the new-order form; the list reloads from its first page after a send."""
        from tui.screens.payment_create import PaymentCreateScreen

        if self.profile is None:
            return

        def done(entry: Any) -> None:
            if entry is not None:
                self.cursors = [None]
                self.load()

        self.app.push_screen(PaymentCreateScreen(self.session, self.profile), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            order = self.order
            return order is not None and PaymentAction(str(parameters[0])) in \
                actions_allowed(order)
        if action == "next_page":
            return len(self.page) == PAGE
        if action == "previous_page":
            return len(self.cursors) > 1
        if action in ("refresh", "new_order"):
            return self.profile is not None
        return super().check_action(action, parameters)

    # -- events -------------------------------------------------------------------------

    def profile_switched(self) -> None:
        """Start again at the first page of the new profile."""
        self.cursors = [None]
        self.show_order(None)
        self.load()

    @on(RecordTable.Highlighted, "#orders")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        if event.record is not self.order:
            self.show_order(event.record)

    @on(Select.Changed, "#state")
    def _state_picked(self, event: Select.Changed) -> None:
        value = str(event.value) if event.value is not Select.BLANK else ""
        if (value or None) != self.state:
            self.state = value or None
            self.cursors = [None]
            self.load()

    @on(Input.Submitted, "#payer, #payee")
    def _who_typed(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value and not value.isdigit():
            self.notify(f"{event.input.id} is a user id (digits), not {value!r}",
                        severity="error", timeout=5)
            return
        setattr(self, str(event.input.id), value)
        self.cursors = [None]
        self.load()
        self.orders.focus_table()

    @on(Input.Submitted, "#since, #until")
    def _dates_typed(self, event: Input.Submitted) -> None:
        from tui.payments.dates import RangeError, date_range

        since = event.value if event.input.id == "since" else self.since
        until = event.value if event.input.id == "until" else self.until
        try:
            date_range(since, until, ("since", "until"))
        except RangeError as exc:
            self.notify(str(exc), severity="error", timeout=5)
            return
        self.since, self.until = since.strip(), until.strip()
        self.cursors = [None]
        self.load()
        self.orders.focus_table()

    # -- command palette ----------------------------------------------------------------

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries: each legal action, each state filter, each profile."""
        if self.order is not None:
            for action in actions_allowed(self.order):
                yield (f"Payments: {action.value} order {self.order.order_id}",
                       f"Open the {action.value} confirmation",
                       lambda a=action.value: self.action_act(a))
        for state in ORDER_STATUSES:
            yield f"Payments: only {state}", f"Show only {state} orders", \
                lambda s=state: setattr(self.query_one("#state", Select), "value", s)
        for name in self.profiles:
            yield f"Payments of {name}", f"Show the payment orders of profile {name}", \
                lambda n=name: self.choose_profile(n)
