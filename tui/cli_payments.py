"""Command line for BHEX payment orders: ``coinsole payments list|show|create|settle|
refund|unlock|cancel``.

Every command takes ``--profile`` (a BHEX profile; with ``--demo`` the sandbox's). ``list``
reads one page (``--from-id`` for the next, older one) filtered by ``--state``,
``--payer`` or ``--payee`` (the profile's own user, the operating account, when neither is
given) and by creation date (``--since``/``--until``, ISO dates or times, UTC, both
ends included). ``show`` and the writes name the order by its id or, with
``--client-order-id``, by its client_order_id (also when that is all digits). The writes
read the order first, refuse locally what its state does not allow
(:mod:`tui.payments.lifecycle`), show exactly what changes and take the money commands'
route: the approvals policy, the confirmation (``--yes`` skips it), the journal (recorded
before it is sent, settled through ``order/detail``) and one send. Exit codes as the money
commands: 0 accepted, 1 declined, 2 usage or an action the order's state refuses, 3
rejected (the venue or the policy), 4 outcome unknown, 5 waiting for approval.

:func:`register` adds the ``payments`` group to the ``coinsole`` group.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import click

from tui.cli_org import EXIT_OK, EXIT_USAGE, profile_options, run_bhex, write_options
from tui.cli_org import fail as _fail
from tui.core.errors import InvalidRequest
from tui.core.money import plain

__all__ = ["register", "payments", "parse_line"]

_options = profile_options
_write_options = write_options("Print the journal entry as JSON (amounts as exact strings).")


def _amount(text: str) -> Decimal:
    from tui.cli_moves import _amount as amount

    return amount(text)


def parse_line(text: str, what: str = "--pay") -> tuple[str, str, Decimal]:
    """``TYPE:TOKEN:AMOUNT`` (``PAY:USDT:12.5``; TYPE defaults to PAY with two parts)."""
    parts = text.split(":")
    if len(parts) == 2:
        parts = ["PAY", *parts]
    if len(parts) != 3 or parts[0].upper() not in ("PAY", "PREPAY") or not parts[1]:
        _fail(f"{what} takes PAY:TOKEN:AMOUNT or PREPAY:TOKEN:AMOUNT, not {text!r}")
    return parts[0].upper(), parts[1].upper(), _amount(parts[2])


def _run(profile: str, demo: bool, work: Callable[[Any, Any], Awaitable[int]]) -> None:
    """Run ``work(ctx, adapter)`` for the BHEX profile; errors as one line and a code."""
    run_bhex(profile, demo, work, "payments")


def _jsonable(order: Any) -> dict[str, Any]:
    import dataclasses

    def fix(value: Any) -> Any:
        if isinstance(value, Decimal):
            return plain(value)
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [fix(v) for v in value]
        return value

    return fix(dataclasses.asdict(order))


def _when(ms: int) -> str:
    from tui.cli_history import _when as when

    return when(ms) if ms else ""


def date_range(since: str | None, until: str | None) -> tuple[int | None, int | None]:
    """``--since``/``--until`` as (start_time, end_time) milliseconds, both included
    (None where not given); a bad date or a range ending before it starts is refused."""
    from tui.payments.dates import RangeError, date_range as parse

    try:
        return parse(since, until)
    except RangeError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


def _which(func):
    """ORDER (an order id, or a client_order_id that is not all digits) or
    ``--client-order-id``."""
    func = click.option("--client-order-id", "client_id", metavar="ID",
                        help="Name the order by its client_order_id (also one of digits "
                             "only) instead of ORDER.")(func)
    return click.argument("order", required=False)(func)


def _named(order: str | None, client_id: str | None) -> tuple[str | None, str | None]:
    """(order id, client_order_id) from ORDER and ``--client-order-id``: exactly one."""
    if bool(order) == bool(client_id):
        _fail("name the order: its id as ORDER, or --client-order-id ID (not both)")
    if client_id:
        return None, client_id
    return (order, None) if order.isdigit() else (None, order)  # type: ignore[union-attr]


def _lines(order: Any) -> str:
    return ", ".join(f"{i.pay_type} {plain(i.amount)} {i.token_id}" for i in order.pay_info)


@click.group()
def payments() -> None:
    """BHEX payment orders: list, show, create, settle, refund, unlock, cancel."""


@payments.command("list")
@_options
@click.option("--state", type=click.Choice(["WAIT_FOR_PAYMENT", "COMPLETED", "PROCESSING",
                                            "EXPIRED", "CANCELLED"], case_sensitive=False),
              help="Only orders in this state.")
@click.option("--payer", metavar="UID", help="Orders this user pays.")
@click.option("--payee", metavar="UID", help="Orders paid to this user (default: the "
                                             "profile's user, the operating account).")
@click.option("--from-id", metavar="ID", help="The next page: orders older than this id.")
@click.option("--since", metavar="DATE", help="Orders created on or after this ISO date "
                                                "(or date and time), UTC.")
@click.option("--until", metavar="DATE", help="Orders created on or before this ISO date "
                                                "(the whole day), UTC.")
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (amounts as exact strings).")
def payments_list(profile: str, demo: bool, state: str | None, payer: str | None,
                  payee: str | None, from_id: str | None, since: str | None,
                  until: str | None, limit: int, as_json: bool) -> None:
    """One page of payment orders, newest first."""
    start, end = date_range(since, until)

    async def work(ctx: Any, adapter: Any) -> int:
        who = {"payer_user_id": payer, "payee_user_id": payee}
        if not payer and not payee:
            who["payee_user_id"] = adapter.settings.user_id
        orders = await adapter.payment_orders(**who, status=state.upper() if state else None,
                                              from_id=from_id, start_time=start,
                                              end_time=end, limit=limit)
        if as_json:
            click.echo(json.dumps([_jsonable(o) for o in orders], indent=2, ensure_ascii=False))
            return EXIT_OK
        if not orders:
            click.echo("no payment orders")
            return EXIT_OK
        from tui.cli_history import _table

        click.echo(_table(("created", "order id", "client id", "payer", "payee", "pays",
                           "state"),
                          [(_when(o.created), o.order_id, o.client_order_id, o.payer_user_id,
                            o.payee_user_id, _lines(o) + (" (mapping)" if o.is_mapping else ""),
                            o.status) for o in orders]))
        if len(orders) == limit:
            click.echo(f"more: --from-id {orders[-1].order_id}")
        return EXIT_OK

    _run(profile, demo, work)


async def _order(adapter: Any, named: tuple[str | None, str | None]) -> Any:
    order_id, client_id = named
    if order_id:
        try:
            return await adapter.payment_order_detail(order_id=order_id)
        except InvalidRequest as exc:
            exc.hint = (f"If {order_id} is a client_order_id, name it with "
                        f"--client-order-id {order_id}")
            exc.args = (exc._compose(),)
            raise
    return await adapter.payment_order_detail(client_order_id=client_id)


@payments.command("show")
@_which
@_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (amounts as exact strings).")
def payments_show(order: str | None, client_id: str | None, profile: str, demo: bool,
                  as_json: bool) -> None:
    """One order (its id, or its client_order_id) with its pay and product items and the
    actions its state allows."""
    from tui.payments.lifecycle import actions_allowed

    named = _named(order, client_id)

    async def work(ctx: Any, adapter: Any) -> int:
        found = await _order(adapter, named)
        allowed = [a.value for a in actions_allowed(found)]
        if as_json:
            click.echo(json.dumps({**_jsonable(found), "actions": allowed}, indent=2,
                                  ensure_ascii=False))
            return EXIT_OK
        from tui.cli_history import _table

        rows = [("order", found.order_id), ("client id", found.client_order_id),
                ("state", found.status), ("payer", found.payer_user_id),
                ("payee", found.payee_user_id), ("mapping", "yes" if found.is_mapping else "no"),
                ("created", _when(found.created)), ("expires", _when(found.expired)),
                ("desc", found.desc), ("actions", ", ".join(allowed) or "none")]
        click.echo("\n".join(f"  {k:<10} {v}" for k, v in rows))
        for title, items in (("pay items", found.pay_info), ("product items",
                                                              found.product_info)):
            if items:
                click.echo(f"\n{title}:")
                click.echo(_table(("item id", "type", "token", "amount", "paid", "refunded",
                                   "unlocked"),
                                  [(i.item_id, i.pay_type, i.token_id, plain(i.amount),
                                    plain(i.paid_amount), plain(i.refunded_amount),
                                    plain(i.unlocked_amount)) for i in items],
                                  right=(3, 4, 5, 6)))
        return EXIT_OK

    _run(profile, demo, work)


async def _journaled(ctx: Any, request: Any, yes: bool, as_json: bool) -> int:
    from tui.cli_moves import _move
    from tui.core.moves import Settlement

    return await _move(ctx, request, Settlement.LOOKUP, request.summary(), yes=yes,
                       as_json=as_json)


@payments.command("create")
@_options
@_write_options
@click.option("--payer", required=True, metavar="UID", help="The paying user.")
@click.option("--payee", metavar="UID",
              help="The user paid (createv2); default: the operating account (create).")
@click.option("--pay", "pays", multiple=True, required=True, metavar="TYPE:TOKEN:AMOUNT",
              help="A pay line, e.g. PAY:USDT:12.5 or PREPAY:BTC:0.1 (repeatable).")
@click.option("--product", "products", multiple=True, metavar="PAY:TOKEN:AMOUNT",
              help="A product line the operating account pays back (a mapping order: PAY "
                   "only; repeatable).")
@click.option("--expires", "effective_time", type=click.IntRange(1), default=3600,
              show_default=True, help="Seconds the payer has to pay.")
@click.option("--desc", default="", help="Order description (at most 200 characters).")
@click.option("--client-order-id", metavar="ID",
              help="The idempotency key (default: a fresh one).")
def payments_create(profile: str, demo: bool, yes: bool, as_json: bool, payer: str,
                    payee: str | None, pays: tuple[str, ...], products: tuple[str, ...],
                    effective_time: int, desc: str, client_order_id: str | None) -> None:
    """Create a payment order (journaled; settled by order/detail)."""
    from pydantic import ValidationError

    from tui.payments.requests import PaymentCreateRequest, PaymentLine, new_key

    for uid, name in ((payer, "--payer"), (payee, "--payee")):
        if uid is not None and not uid.isdigit():
            _fail(f"{name} takes a user id (digits), not {uid!r}")
    try:
        request = PaymentCreateRequest(
            profile=profile, client_key=client_order_id or new_key("po"), payer_user_id=payer,
            payee_user_id=payee,
            pay_info=tuple(PaymentLine(pay_type=t, token_id=k, amount=a)
                           for t, k, a in (parse_line(p) for p in pays)),
            product_info=tuple(PaymentLine(pay_type=t, token_id=k, amount=a)
                               for t, k, a in (parse_line(p, "--product") for p in products)),
            effective_time=effective_time, desc=desc)
    except ValidationError as exc:
        _fail("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()))
        raise

    async def work(ctx: Any, adapter: Any) -> int:
        return await _journaled(ctx, request, yes, as_json)

    _run(profile, demo, work)


def _lifecycle(named: tuple[str | None, str | None], profile: str, demo: bool, yes: bool,
               as_json: bool, build: Callable[[Any], Any]) -> None:
    from tui.payments.lifecycle import IllegalPaymentAction

    async def work(ctx: Any, adapter: Any) -> int:
        found = await _order(adapter, named)
        try:
            request = build(found)
        except IllegalPaymentAction as exc:
            click.echo(f"coinsole: {exc}; nothing was sent", err=True)
            return EXIT_USAGE
        return await _journaled(ctx, request, yes, as_json)

    _run(profile, demo, work)


@payments.command("settle")
@_which
@_options
@_write_options
@click.option("--token", metavar="T", help="The prepaid token (default: the order's only one).")
@click.option("--amount", required=True, metavar="X", help="Exact amount to settle.")
def payments_settle(order: str | None, client_id: str | None,
                    profile: str, demo: bool, yes: bool, as_json: bool,
                    token: str | None, amount: str) -> None:
    """Settle held prepaid funds of ORDER to its payee."""
    from tui.payments.actions import prepaid_token, settle_request

    value = _amount(amount)
    _lifecycle(_named(order, client_id), profile, demo, yes, as_json,
               lambda o: settle_request(profile, o, (token or prepaid_token(o) or "").upper()
                                        or _need_token(), value))


@payments.command("unlock")
@_which
@_options
@_write_options
@click.option("--token", metavar="T", help="The prepaid token (default: the order's only one).")
@click.option("--amount", required=True, metavar="X", help="Exact amount to unlock.")
def payments_unlock(order: str | None, client_id: str | None,
                    profile: str, demo: bool, yes: bool, as_json: bool,
                    token: str | None, amount: str) -> None:
    """Unlock held prepaid funds of ORDER back to its payer."""
    from tui.payments.actions import prepaid_token, unlock_request

    value = _amount(amount)
    _lifecycle(_named(order, client_id), profile, demo, yes, as_json,
               lambda o: unlock_request(profile, o, (token or prepaid_token(o) or "").upper()
                                        or _need_token(), value))


def _need_token() -> str:
    from tui.payments.lifecycle import IllegalPaymentAction

    raise IllegalPaymentAction("name the prepaid token with --token")


@payments.command("refund")
@_which
@_options
@_write_options
@click.option("--item", "item_id", required=True, metavar="ITEM",
              help="The paid PAY item's id (see `payments show`).")
@click.option("--amount", required=True, metavar="X", help="Exact amount to refund.")
def payments_refund(order: str | None, client_id: str | None,
                    profile: str, demo: bool, yes: bool, as_json: bool,
                    item_id: str, amount: str) -> None:
    """Refund part of a paid PAY item of ORDER to its payer."""
    from tui.payments.actions import refund_request

    value = _amount(amount)
    _lifecycle(_named(order, client_id), profile, demo, yes, as_json,
               lambda o: refund_request(profile, o, item_id, value))


@payments.command("cancel")
@_which
@_options
@_write_options
def payments_cancel(order: str | None, client_id: str | None, profile: str, demo: bool,
                    yes: bool, as_json: bool) -> None:
    """Cancel ORDER while its payer has not paid."""
    from tui.payments.actions import cancel_request

    _lifecycle(_named(order, client_id), profile, demo, yes, as_json,
               lambda o: cancel_request(profile, o))


def register(main_group: click.Group) -> None:
    """Add the ``payments`` group to ``main_group``."""
    main_group.add_command(payments)
