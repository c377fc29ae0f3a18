"""Which venue call a journaled request is: the executor's one door to the adapter for
sending and looking up, for money movements and order actions alike.

:func:`send_request` sends any :data:`~tui.core.actions.JournalRequest` and returns a
:class:`~tui.core.moves.MoveReceipt`; :func:`look_up` finds its record at the venue (None
when there is none). Orders (BHEX ``order/create``, ``order/cancel``) are settled by LOOKUP
through ``order/get`` (docs/wire.md, "Orders through the journal"): the document promises
only that a ``client_order_id`` must not repeat, not that a repeat returns the first
order, so an order is never resent.

:func:`place_order` and :func:`cancel_order` are the steps the CLI and the TUI share:
record (write before send), approve, send, and return the entry as it stands.
"""

from __future__ import annotations

import secrets
import time
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from tui.core.actions import JournalRequest, OrderCancelRequest, OrderPlaceRequest
from tui.core.errors import InvalidRequest
from tui.core.money import plain
from tui.core.moves import LookupResult, MoveReceipt, MoveStatus, Settlement
from tui.core.order_validation import OrderRejected
from tui.core.orders import Order, OrderRequest, OrderStatus, SymbolRule
from tui.org_writes import family_of

__all__ = ["send_request", "look_up", "settlement_for", "place_order", "cancel_order",
           "journal_and_submit", "order_outcome_text", "ORDER_NOT_FOUND_CODES", "place_request_for",
           "cancel_request_for", "new_cancel_key"]

ORDER_NOT_FOUND_CODES = frozenset({"-2013"})
"""BHEX codes meaning "no such order" (``Order does not exist.``)."""


def settlement_for(adapter: Any, request: JournalRequest) -> Settlement:
    """How an unknown outcome of ``request`` is settled: an order action by LOOKUP
    (``order/get``), a move as its adapter says."""
    from tui.finance.request import is_finance_request
    from tui.support.actions import is_support_request

    if isinstance(request, (OrderPlaceRequest, OrderCancelRequest)) or is_support_request(request):
        return Settlement.LOOKUP
    if (family := family_of(request)) is not None:  # org writes (tui/org_writes.py)
        return family.settlement(request)
    if is_finance_request(request):  # finance batches (tui/finance/send.py)
        return Settlement.KEYED
    return adapter.settlement(request)


async def send_request(adapter: Any, request: JournalRequest, *,
                       trade_password: SecretStr | None = None) -> MoveReceipt:
    """Send ``request`` once through ``adapter``; the venue's answer as a receipt.

    Raises what the adapter raises (the executor classifies it). A placement the symbol's
    rules refuse before sending becomes :class:`InvalidRequest` (nothing was sent)."""
    from tui.support.actions import is_support_request, send_support

    if is_support_request(request):  # support writes (tui/support/actions.py)
        return await send_support(adapter, request)  # type: ignore[arg-type]
    if (family := family_of(request)) is not None:  # org writes (tui/org_writes.py)
        return await family.send(adapter, request)
    from tui.finance.request import is_finance_request
    from tui.finance.send import send_batch

    if is_finance_request(request):  # finance batches (tui/finance/send.py)
        return await send_batch(adapter, request)  # type: ignore[arg-type]
    if isinstance(request, OrderPlaceRequest):
        try:
            order = await adapter.order_create(
                request.symbol, request.side, request.type, request.quantity, request.price,
                client_order_id=request.client_key, **_for_user(request))
        except OrderRejected as exc:
            raise InvalidRequest(request.venue, f"{exc} (checked before sending)") from None
        return _placed_receipt(order, "the venue's reply")
    if isinstance(request, OrderCancelRequest):
        if not await adapter.order_cancel(order_id=request.order_id, **_for_user(request)):
            raise InvalidRequest(request.venue, f"the venue did not cancel order "
                                                f"{request.order_id} (success false)")
        return MoveReceipt(status=MoveStatus.DONE, venue_status=OrderStatus.CANCELED.value,
                           evidence=f"order {request.order_id} cancelled (the venue's reply)")
    if trade_password is not None:
        return await adapter.submit_move(request, trade_password=trade_password)
    return await adapter.submit_move(request)


async def look_up(adapter: Any, request: JournalRequest, *, venue_ref: str | None,
                  sent_after_ms: int) -> MoveReceipt | LookupResult | None:
    """The venue's record of ``request``, or None when it has none; for a move, the
    adapter's :class:`LookupResult` (every candidate, for the journal to decide).

    A placement is found by ``order/get`` with its ``client_order_id`` (or the order id
    once known); a cancel counts as found when ``order/get`` says the order is CANCELED.
    Moves go to the adapter's ``lookup_move``."""
    from tui.support.actions import is_support_request, look_up_support

    if is_support_request(request):  # support writes (tui/support/actions.py)
        return await look_up_support(adapter, request)  # type: ignore[arg-type]
    if (family := family_of(request)) is not None:  # org writes (tui/org_writes.py)
        return await family.look_up(adapter, request, venue_ref=venue_ref)
    from tui.finance.request import is_finance_request
    from tui.finance.send import look_up_batch

    if is_finance_request(request):  # finance batches (tui/finance/send.py)
        return await look_up_batch(adapter, request)  # type: ignore[arg-type]
    if isinstance(request, OrderPlaceRequest):
        try:
            if venue_ref:
                order = await adapter.order_get(order_id=venue_ref, **_for_user(request))
            else:
                order = await adapter.order_get(client_order_id=request.client_key,
                                                **_for_user(request))
        except InvalidRequest as exc:
            if exc.code in ORDER_NOT_FOUND_CODES:
                return None
            raise
        if order.client_order_id and order.client_order_id != request.client_key:
            return None
        return _placed_receipt(order, f"found by order/get with client_order_id "
                                      f"{request.client_key}")
    if isinstance(request, OrderCancelRequest):
        try:
            order = await adapter.order_get(order_id=request.order_id, **_for_user(request))
        except InvalidRequest as exc:
            if exc.code in ORDER_NOT_FOUND_CODES:
                return None
            raise
        if order.status is not OrderStatus.CANCELED:
            return None
        return MoveReceipt(status=MoveStatus.DONE, venue_status=order.status.value,
                           evidence=f"order/get: order {order.order_id} is CANCELED")
    return await adapter.lookup_move(request, venue_ref=venue_ref, sent_after_ms=sent_after_ms)


def _for_user(request: OrderPlaceRequest | OrderCancelRequest) -> dict[str, str]:
    """``user_id`` for the adapter when the order acts for an org user (BHEX)."""
    return {"user_id": request.user_id} if request.user_id else {}


def _placed_receipt(order: Order, how: str) -> MoveReceipt:
    """The receipt of a placed order: the placement is done (DONE) whatever the order's
    own status (kept as ``venue_status``)."""
    return MoveReceipt(
        venue_ref=order.order_id, status=MoveStatus.DONE, venue_status=order.status.value,
        evidence=f"order {order.order_id} ({order.client_order_id or '-'}) "
                 f"{order.status.value}, filled {plain(order.executed_qty)} of "
                 f"{plain(order.orig_qty)}; {how}")


def new_cancel_key() -> str:
    """A fresh journal key for a cancel (the venue's cancel takes no key of its own)."""
    return f"cx{time.time_ns() // 1_000_000}{secrets.token_hex(4)}"


def place_request_for(order: OrderRequest, rule: SymbolRule, *, profile: str,
                      venue: str) -> OrderPlaceRequest:
    """The journal request for a checked new ``order`` (its ``client_order_id`` is the key)."""
    if not order.client_order_id:
        raise ValueError("a journaled order needs its client_order_id")
    return OrderPlaceRequest(profile=profile, venue=venue, client_key=order.client_order_id,
                             symbol=rule.symbol_id, base=rule.base, side=order.side,
                             type=order.type, quantity=order.quantity, price=order.price)


def cancel_request_for(order: Order, *, profile: str, venue: str) -> OrderCancelRequest:
    """The journal request cancelling the venue's ``order`` (a fresh key)."""
    left = order.remaining_qty
    return OrderCancelRequest(
        profile=profile, venue=venue, client_key=new_cancel_key(), symbol=order.symbol_id,
        base=order.base, order_id=order.order_id, order_client_id=order.client_order_id,
        side=order.side, quantity=left if left > 0 else Decimal(0))


async def place_order(mover: Any, request: OrderPlaceRequest, *, approvals: Any = None) -> Any:
    """Journal ``request`` (DRAFT, APPROVED), send it once and return the entry as it
    stands: ACCEPTED (its ``venue_ref`` is the order id), REJECTED or UNKNOWN.

    With ``approvals`` (an :class:`~tui.approvals.service.ApprovalService`) the policy
    decides first: a held request is returned PENDING_APPROVAL (nothing sent); a block
    raises :class:`~tui.approvals.service.PolicyBlocked` (nothing journaled)."""
    return await journal_and_submit(mover, request, approvals)


async def cancel_order(mover: Any, request: OrderCancelRequest, *, approvals: Any = None) -> Any:
    """Journal the cancel ``request``, send it once and return the entry as it stands
    (``approvals`` as for :func:`place_order`)."""
    return await journal_and_submit(mover, request, approvals)


async def journal_and_submit(mover: Any, request: JournalRequest, approvals: Any = None) -> Any:
    """Journal ``request`` (DRAFT, then APPROVED), send it once and return the entry as it
    stands; with ``approvals`` the policy decides first (held: returned PENDING_APPROVAL,
    nothing sent; blocked: :class:`~tui.approvals.service.PolicyBlocked`, nothing
    journaled). An order made while acting for a user is journaled with that user."""
    adapter = mover.session.adapter(request.profile)
    acting = getattr(mover.session, "acting_for", {}).get(request.profile)
    if acting is not None and isinstance(request, (OrderPlaceRequest, OrderCancelRequest)) \
            and request.user_id is None:
        request = request.model_copy(update={"user_id": acting})  # the support desk's user
    settlement = settlement_for(adapter, request)
    if approvals is not None:
        held = approvals.gate(mover, request, settlement)
        if held is not None:
            return held
    entry = mover.approve(mover.record(request, settlement))
    return await mover.submit(entry)


def order_outcome_text(entry: Any) -> str:
    """One line saying what came of a journaled order action, for the TUI and the CLI."""
    state = entry.state.value
    if state == "PENDING_APPROVAL":
        held = (entry.note or "").removeprefix("waiting for approval: ")
        return f"submitted for approval: {held}; journal entry {entry.id}"
    if state in ("ACCEPTED", "RECONCILED"):
        receipt = entry.receipt
        what = "cancelled" if isinstance(entry.request, OrderCancelRequest) else "placed"
        ref = f" · order {entry.venue_ref}" if entry.venue_ref else ""
        status = f" ({receipt.venue_status})" if receipt and receipt.venue_status else ""
        return f"{what}{ref}{status}; journal entry {entry.id}"
    if state == "REJECTED":
        return f"the venue refused it: {entry.last_error}; journal entry {entry.id}"
    if isinstance(entry.request, OrderCancelRequest):
        return (f"outcome unknown: the cancel of order {entry.request.order_id} is in the "
                f"journal as entry {entry.id}; Activity (4) settles it")
    return (f"outcome unknown: the order is in the journal as entry {entry.id}; "
            "Activity (4) settles it")
