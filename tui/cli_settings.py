"""Command line for BHEX org settings: ``coinsole settings trade-status|price-limit|
sub-account-transfer-limit``.

Each command first shows the current value: the symbol's ``canTrade`` from
``basic/symbols``; for price limits (which the venue offers no read of) the symbol's
price step and the bounds last set through coinsole (this journal); for a sub-account its
name and whether coinsole has closed its transfers. With a change (``--on``/``--off``; the
four ``--buy-max``... prices; ``--close``) it shows exactly what changes and takes the
money commands' route: the approvals policy (action ``settings``, destination
``symbol:<id>`` or ``sub-account:<id>``), the confirmation (``--yes`` skips it), the
journal and one send. Exit codes as the money commands (0 done, 1 declined, 2 usage, 3
rejected, 4 unknown, 5 waiting for approval).

:func:`register` adds the ``settings`` group to the ``coinsole`` group.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import click

from tui.cli_org import EXIT_OK, EXIT_USAGE, profile_options, run_bhex, write_options
from tui.cli_org import fail as _fail
from tui.core.money import plain
from tui.org_settings.requests import last_setting

__all__ = ["register", "settings"]


def _options(func):
    """``--profile``, ``--demo``, ``--yes`` and ``--json``."""
    return profile_options(write_options("Print JSON (a change: its journal entry).")(func))


def _run(profile: str, demo: bool, work: Callable[[Any, Any], Awaitable[int]]) -> None:
    """Run ``work(ctx, adapter)`` for the BHEX profile; errors as one line and a code."""
    run_bhex(profile, demo, work, "settings")


async def _change(ctx: Any, request: Any, yes: bool, as_json: bool) -> int:
    from tui.cli_moves import _move
    from tui.journal.dispatch import settlement_for

    settlement = settlement_for(ctx.session.adapter(request.profile), request)
    return await _move(ctx, request, settlement, request.summary(), yes=yes, as_json=as_json)


def _operator() -> str:
    from tui.support.actions import current_operator

    return current_operator()


@click.group()
def settings() -> None:
    """BHEX org settings: symbol trade status, price limits, sub-account transfers."""


@settings.command("trade-status")
@click.argument("symbol")
@_options
@click.option("--on/--off", "enabled", default=None,
              help="Open or close trading of the symbol (omit to show it).")
def trade_status(symbol: str, profile: str, demo: bool, yes: bool, as_json: bool,
                 enabled: bool | None) -> None:
    """Show SYMBOL's trade status; --on / --off changes it."""
    from tui.org_settings.requests import TradeStatusRequest, new_key

    symbol = symbol.upper()

    async def work(ctx: Any, adapter: Any) -> int:
        rule = await adapter.symbol_rule(symbol, refresh=True)
        if enabled is None or not as_json:
            if as_json:
                click.echo(json.dumps({"symbol": symbol, "can_trade": rule.can_trade}))
            else:
                click.echo(f"{symbol}: trading {'on' if rule.can_trade else 'off'} "
                           "(basic/symbols canTrade)")
        if enabled is None:
            return EXIT_OK
        if enabled == rule.can_trade:
            click.echo(f"coinsole: trading of {symbol} is already "
                       f"{'on' if enabled else 'off'}; nothing to change", err=True)
            return EXIT_OK
        request = TradeStatusRequest(profile=profile, client_key=new_key(), symbol_id=symbol,
                                     enabled=enabled, previous=rule.can_trade,
                                     operator=_operator())
        return await _change(ctx, request, yes, as_json)

    _run(profile, demo, work)


def _price(text: str | None, name: str) -> Decimal | None:
    if text is None:
        return None
    from tui.cli_moves import _amount

    return _amount(text, name)


@settings.command("price-limit")
@click.argument("symbol")
@_options
@click.option("--buy-max", metavar="PRICE", help="Highest buy limit price.")
@click.option("--buy-min", metavar="PRICE", help="Lowest buy limit price.")
@click.option("--sell-max", metavar="PRICE", help="Highest sell limit price.")
@click.option("--sell-min", metavar="PRICE", help="Lowest sell limit price.")
def price_limit(symbol: str, profile: str, demo: bool, yes: bool, as_json: bool,
                buy_max: str | None, buy_min: str | None, sell_max: str | None,
                sell_min: str | None) -> None:
    """Show SYMBOL's price step and the limits last set through coinsole; the four prices
    together set new limit-order bounds (exact decimals on the price step)."""
    from tui.org_settings.requests import PriceLimitRequest, new_key
    from tui.venues.bhex_settings import PriceLimits, check_price_limits

    symbol = symbol.upper()
    given = [buy_max, buy_min, sell_max, sell_min]
    if any(v is not None for v in given) and any(v is None for v in given):
        _fail("give all four: --buy-max, --buy-min, --sell-max, --sell-min")
    prices = [_price(v, n) for v, n in zip(given, ("--buy-max", "--buy-min", "--sell-max",
                                                   "--sell-min"))]

    async def work(ctx: Any, adapter: Any) -> int:
        rule = await adapter.symbol_rule(symbol)
        last = last_setting(ctx.journal, profile, "price_limit", symbol)
        current = last.limits() if last is not None else None
        shown = ({name: plain(value) for name, value in current.rows()} if current else None)
        if as_json and prices[0] is None:
            click.echo(json.dumps({"symbol": symbol, "price_step": plain(rule.min_price_precision),
                                   "last_set_through_coinsole": shown}))
            return EXIT_OK
        if not as_json:
            click.echo(f"{symbol}: price step {plain(rule.min_price_precision)}, exchange "
                       f"{rule.exchange_id or '?'}")
            click.echo("  limits now: " + (", ".join(f"{k} {v}" for k, v in shown.items())
                                           + " (last set through coinsole; the venue has no "
                                             "read call)" if shown else
                                           "not readable from the venue; none set through "
                                           "coinsole"))
        if prices[0] is None:
            return EXIT_OK
        limits = PriceLimits(*prices)  # type: ignore[arg-type]
        problems = check_price_limits(rule, limits)
        if problems:
            click.echo(f"coinsole: {'; '.join(problems)}; nothing was sent", err=True)
            return EXIT_USAGE
        request = PriceLimitRequest(profile=profile, client_key=new_key(), symbol_id=symbol,
                                    buy_max=limits.buy_max, buy_min=limits.buy_min,
                                    sell_max=limits.sell_max, sell_min=limits.sell_min,
                                    previous=shown, operator=_operator())
        return await _change(ctx, request, yes, as_json)

    _run(profile, demo, work)


@settings.command("sub-account-transfer-limit")
@click.argument("sub_account_id")
@_options
@click.option("--close", is_flag=True,
              help="Close transfers into and out of the sub-account (omit to show it).")
def transfer_limit(sub_account_id: str, profile: str, demo: bool, yes: bool, as_json: bool,
                   close: bool) -> None:
    """Show a sub-account of the profile's user; --close closes its transfers."""
    from tui.org_settings.requests import TransferLimitRequest, new_key

    if not sub_account_id.isdigit():
        _fail(f"SUB_ACCOUNT_ID is the account's id (digits), not {sub_account_id!r}")

    async def work(ctx: Any, adapter: Any) -> int:
        accounts = {a.account_id: a for a in await adapter.sub_accounts()}
        account = accounts.get(sub_account_id)
        if account is None or account.account_index == 0:
            subs = ", ".join(f"{a.account_id} ({a.name})" for a in accounts.values()
                             if a.account_index) or "none"
            click.echo(f"coinsole: {sub_account_id} is not a sub-account of the profile's "
                       f"user (sub-accounts: {subs})", err=True)
            return EXIT_USAGE
        last = last_setting(ctx.journal, profile, "sub_account_transfer_limit", sub_account_id)
        state = "closed through coinsole" if last is not None else \
            "open as far as coinsole knows (the venue has no read call)"
        if as_json and not close:
            click.echo(json.dumps({"sub_account_id": sub_account_id, "name": account.name,
                                   "transfers": state}))
            return EXIT_OK
        if not as_json:
            click.echo(f"sub-account {sub_account_id} ({account.name}): transfers {state}")
        if not close:
            return EXIT_OK
        request = TransferLimitRequest(profile=profile, client_key=new_key(),
                                       sub_account_id=sub_account_id, account_name=account.name,
                                       previous=state, operator=_operator())
        return await _change(ctx, request, yes, as_json)

    _run(profile, demo, work)


def register(main_group: click.Group) -> None:
    """Add the ``settings`` group to ``main_group``."""
    main_group.add_command(settings)
