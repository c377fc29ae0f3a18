"""Command line for trading: ``orders place``, ``orders cancel`` and ``orders cancel-all``.

Each order action is checked (the symbol's rules, the order's state), shown for
confirmation (unless ``--yes``), written to the journal and only then sent, as the money
commands are (:mod:`tui.cli_moves`); an unknown outcome is settled by ``coinsole journal
settle`` through the venue's ``order/get``. Exit codes: 0 accepted, 1 declined at the
prompt (nothing journaled), 2 invalid input (nothing journaled), 3 rejected by the venue
or blocked by the policy, 4 outcome unknown, 5 submitted for approval (see ``coinsole
approvals``). ``--demo`` uses a fresh in-process sandbox and an in-memory journal.

:func:`add_to` adds the subcommands to the ``orders`` group of :mod:`tui.cli_history`.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import click

from tui import cli_moves
from tui.cli_moves import (
    EXIT_ACCEPTED,
    EXIT_APPROVAL,
    EXIT_DECLINED,
    EXIT_REJECTED,
    EXIT_UNKNOWN,
    _Context,
    _fail,
    _report,
)
from tui.approvals.service import PolicyBlocked
from tui.core.errors import CoinsoleError, InvalidRequest
from tui.core.money import plain

__all__ = ["place", "cancel", "cancel_all", "add_to"]

_DEMO_HELP = ("Use the built-in sandbox's demo profiles (a fresh sandbox and an in-memory "
              "journal for this command only: nothing persists).")


def _common(func):
    """``--profile``, ``--demo``, ``--yes`` and ``--json``."""
    func = click.option("--json", "as_json", is_flag=True,
                        help="Print the journal entry as JSON (amounts as exact strings).")(func)
    func = click.option("--yes", is_flag=True, help="Skip the confirmation prompt.")(func)
    func = click.option("--demo", is_flag=True, help=_DEMO_HELP)(func)
    func = click.option("--profile", "profile", required=True, metavar="P",
                        help="Profile to trade in (with --demo: a demo profile).")(func)
    return func


def _trading_adapter(ctx: _Context, profile: str) -> Any:
    """The profile's adapter, if it can trade orders (else exit 2)."""
    from tui.venues.base import Capability

    adapter = ctx.session.adapter(profile)
    if Capability.ORDERS not in adapter.capabilities or not hasattr(adapter, "order_create"):
        _fail(f"{ctx.session.profile(profile).venue} cannot trade orders (profile {profile!r})")
    return adapter


def _confirm(lines: list[tuple[str, str]], question: str, yes: bool) -> bool:
    """Show ``lines`` and ask ``question`` unless ``yes``; whether to go on."""
    if yes:
        return True
    width = max(len(k) for k, _ in lines)
    click.echo("\n".join(f"  {k.ljust(width)}  {v}" for k, v in lines), err=True)
    if click.confirm(question, default=False, err=True):
        return True
    click.echo("coinsole: cancelled; nothing was sent", err=True)
    return False


def _exact(text: str | None, what: str) -> Decimal | None:
    """The exact positive number typed for ``what`` (None when not given); else exit 2."""
    if text is None:
        return None
    from tui.core.validation import parse_amount

    value, problem = parse_amount(text)
    if problem is not None:
        _fail(f"{what}: {problem.message}")
    if value is None or value <= 0:
        _fail(f"{what} must be more than 0")
    return value


@click.command("place")
@_common
@click.option("--symbol", required=True, metavar="S", help="Symbol, e.g. BTCUSDT.")
@click.option("--side", required=True, type=click.Choice(["buy", "sell"], case_sensitive=False))
@click.option("--type", "order_type", default="limit", show_default=True,
              type=click.Choice(["limit", "market", "limit_maker"], case_sensitive=False))
@click.option("--price", metavar="X", help="Limit price (not for market orders).")
@click.option("--quantity", required=True, metavar="Q",
              help="Quantity in the base coin; for a market buy, the quote amount to spend.")
def place(profile: str, demo: bool, yes: bool, as_json: bool, symbol: str, side: str,
          order_type: str, price: str | None, quantity: str) -> None:
    """Place a spot order (checked against the symbol's rules, then journaled and sent).

    Exit codes: 0 accepted, 1 cancelled at the prompt, 2 invalid input (nothing journaled),
    3 rejected by the venue or blocked by the policy, 4 outcome unknown (run `coinsole
    journal settle`), 5 submitted for approval.
    """
    from tui.core.order_validation import order_problems
    from tui.core.orders import OrderRequest, OrderSide, OrderType
    from tui.journal.dispatch import place_order, place_request_for
    from tui.screens.order_form import describe_request

    kind = OrderType(order_type.upper())
    if kind is OrderType.MARKET and price is not None:
        _fail("a market order takes no --price; leave it out")
    if kind is not OrderType.MARKET and price is None:
        _fail(f"a {order_type.lower()} order needs --price")
    value = _exact(quantity, "quantity")
    at = _exact(price, "price")
    ctx = _Context(demo, profile)

    async def work(ctx: _Context) -> int:
        adapter = _trading_adapter(ctx, profile)
        try:
            rules = await adapter.basic_symbols()
        except CoinsoleError as exc:
            _fail(f"{profile}: cannot read the symbols' rules: {exc}")
        rule = rules.get(symbol.upper()) or rules.get(symbol)
        if rule is None:
            _fail(f"{symbol} is not a symbol of {profile}; pick one of {', '.join(sorted(rules))}")
        key = adapter.new_client_order_id()
        draft = OrderRequest(symbol_id=rule.symbol_id, side=OrderSide(side.upper()), type=kind,
                             quantity=value, price=at, client_order_id=key)
        problems = order_problems(draft, rule)
        if problems:
            _fail("; ".join(p.message for p in problems))
        request = place_request_for(draft, rule, profile=profile, venue=adapter.venue_id)
        lines = [("order", describe_request(draft, rule).replace("\n", " · ")),
                 ("profile", profile), ("client id", key), ("settlement", "lookup (order/get)")]
        if cli_moves.EXPLAIN:  # `coinsole policy explain orders place`: nothing is sent
            return cli_moves._explain(ctx, request, lines, None)
        if not _confirm(lines, "Place it?", yes):
            return EXIT_DECLINED
        try:
            entry = await place_order(ctx.mover, request, approvals=ctx.approvals())
        except PolicyBlocked as exc:
            click.echo(f"coinsole: {exc}", err=True)
            return EXIT_REJECTED
        return _report(entry, as_json)

    sys.exit(ctx.run(work))


async def _journal_cancel(ctx: _Context, adapter: Any, profile: str, order: Any) -> Any:
    from tui.journal.dispatch import cancel_order, cancel_request_for

    return await cancel_order(ctx.mover, cancel_request_for(order, profile=profile,
                                                            venue=adapter.venue_id),
                              approvals=ctx.approvals())


def _order_line(order: Any) -> str:
    price = f" @ {plain(order.price)}" if order.price else ""
    return (f"order {order.order_id} {order.side.value} {plain(order.orig_qty)} "
            f"{order.symbol_id}{price} {order.type.value}, {order.status.value}, filled "
            f"{plain(order.executed_qty)}")


@click.command("cancel")
@_common
@click.option("--order-id", "order_id", required=True, metavar="ID", help="The venue's order id.")
def cancel(profile: str, demo: bool, yes: bool, as_json: bool, order_id: str) -> None:
    """Cancel one open order (shown first, then journaled and sent).

    Exit codes: 0 cancelled, 1 cancelled at the prompt, 2 invalid input or the order is
    not open (nothing journaled), 3 rejected by the venue, 4 outcome unknown.
    """
    if not order_id.strip().isdigit():
        _fail(f"--order-id is the venue's numeric order id, not {order_id[:40]!r}")
    ctx = _Context(demo, profile)

    async def work(ctx: _Context) -> int:
        adapter = _trading_adapter(ctx, profile)
        try:
            order = await adapter.order_get(order_id=order_id.strip())
        except InvalidRequest as exc:
            _fail(f"{profile}: no order {order_id} to cancel ({exc})")
        except CoinsoleError as exc:
            _fail(f"{profile}: cannot read order {order_id}: {exc}")
        if not order.is_open:
            _fail(f"order {order.order_id} is {order.status.value}; only an open order can be "
                  "cancelled (nothing sent)")
        if cli_moves.EXPLAIN:  # `coinsole policy explain orders cancel`: nothing is sent
            from tui.journal.dispatch import cancel_request_for

            return cli_moves._explain(ctx, cancel_request_for(order, profile=profile,
                                                               venue=adapter.venue_id),
                                      [("cancel", _order_line(order)), ("profile", profile)],
                                      None)
        if not _confirm([("cancel", _order_line(order)), ("profile", profile)],
                        "Cancel it?", yes):
            return EXIT_DECLINED
        try:
            entry = await _journal_cancel(ctx, adapter, profile, order)
        except PolicyBlocked as exc:
            click.echo(f"coinsole: {exc}", err=True)
            return EXIT_REJECTED
        return _report(entry, as_json)

    sys.exit(ctx.run(work))


@click.command("cancel-all")
@_common
@click.option("--symbol", metavar="S", help="Only this symbol's open orders, e.g. BTCUSDT.")
def cancel_all(profile: str, demo: bool, yes: bool, as_json: bool, symbol: str | None) -> None:
    """Cancel every open spot order of the profile (or of one symbol), one journal entry
    per order.

    Exit codes: 0 every cancel accepted (or nothing open), 1 cancelled at the prompt,
    2 invalid input, 3 some rejected, 4 some outcome unknown (run `coinsole journal settle`).
    """
    ctx = _Context(demo, profile)

    async def work(ctx: _Context) -> int:
        from tui.journal import EntryState

        adapter = _trading_adapter(ctx, profile)
        try:
            open_orders = await adapter.all_open_orders(symbol_id=symbol)
        except CoinsoleError as exc:
            _fail(f"{profile}: cannot list the open orders: {exc}")
        open_orders = [o for o in open_orders if o.is_open and o.leverage is None]
        if not open_orders:
            if as_json:
                click.echo("[]")
            else:
                click.echo("no open orders" + (f" on {symbol}" if symbol else ""))
            return EXIT_ACCEPTED
        lines = [("cancel", _order_line(o)) for o in open_orders] + [("profile", profile)]
        if not _confirm(lines, f"Cancel these {len(open_orders)} orders?", yes):
            return EXIT_DECLINED
        entries = []
        for o in open_orders:
            try:
                entries.append(await _journal_cancel(ctx, adapter, profile, o))
            except PolicyBlocked as exc:
                click.echo(f"coinsole: order {o.order_id}: {exc}", err=True)
                return EXIT_REJECTED
        if as_json:
            click.echo(json.dumps([e.as_record() for e in entries], indent=2,
                                  ensure_ascii=False))
        else:
            for entry in entries:
                _report(entry, False)
        states = {e.state for e in entries}
        if EntryState.UNKNOWN in states or EntryState.SUBMITTING in states:
            return EXIT_UNKNOWN
        if EntryState.REJECTED in states:
            return EXIT_REJECTED
        if EntryState.PENDING_APPROVAL in states:
            return EXIT_APPROVAL
        return EXIT_ACCEPTED

    sys.exit(ctx.run(work))


def add_to(group: click.Group) -> None:
    """Add ``place``, ``cancel`` and ``cancel-all`` to the ``orders`` group."""
    for command in (place, cancel, cancel_all):
        if command.name not in group.commands:
            group.add_command(command)
