"""Command line for reading the book: ``orders`` (its ``place``/``cancel``/``cancel-all`` live
in :mod:`tui.cli_orders`), ``positions``, ``deposit-address``,
``history deposits|withdrawals|transfers|flow`` and ``sub-accounts list|create``.

Every command reads one profile (``--profile``) and prints a table, or with ``--json`` a
JSON array whose amounts are exact strings. ``--demo`` reads a fresh in-process sandbox.
Exit codes: 0 printed, 2 usage (unknown profile, or a venue that cannot do what was asked:
``bitz cannot show deposit addresses``), 1 the venue failed.

:func:`register` adds the commands to the main ``coinsole`` group.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import click

from tui.core.errors import CoinsoleError
from tui.core.amounts import table_amount
from tui.core.money import plain

__all__ = ["register", "orders", "positions", "deposit_address", "history", "sub_accounts"]

EXIT_FAILED = 1
EXIT_USAGE = 2
_DEMO_HELP = "Read the built-in sandbox's demo profiles (a fresh sandbox for this command)."


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"coinsole: {message}", err=True)
    sys.exit(code)


def _open_session(demo: bool, profile: str):
    """The session for ``profile``: the demo's, or the configured profiles with their
    credentials resolved the way ``coinsole balances`` does (vault, else environment)."""
    if demo:
        from tui.demo import demo_session

        session, resolver = demo_session(), None
    else:
        from tui.cli import _load_profiles, _unlock
        from tui.credentials import CredentialResolver
        from tui.session import Session

        profiles = _load_profiles()
        if profile not in {p.name for p in profiles}:
            known = ", ".join(sorted(p.name for p in profiles)) or "none"
            _fail(f"no profile named {profile!r}; known: {known}")
        resolver = CredentialResolver()
        if resolver.needs_unlock([profile]):
            _unlock(resolver)
        session = Session(profiles, credentials=resolver)
    known = {p.name for p in session.profiles}
    if profile not in known:
        _fail(f"no profile named {profile!r}; known: {', '.join(sorted(known))}")
    return session, resolver


def _run(demo: bool, profile: str, capability: str, what: str,
         work: Callable[[Any], Awaitable[Sequence[Any]]], as_json: bool,
         table: Callable[[Sequence[Any]], str], *, needs: str | None = None) -> None:
    """Open the session, check the adapter can do ``capability`` (and has method
    ``needs``), run ``work(adapter)`` and print its records."""
    from tui.venues.base import Capability

    session, resolver = _open_session(demo, profile)
    try:
        adapter = session.adapter(profile)
        venue = session.profile(profile).venue
        _act_for(adapter, venue)
        if (Capability(capability) not in adapter.capabilities
                or (needs is not None and not hasattr(adapter, needs))):
            _fail(f"{venue} cannot show {what} (profile {profile!r})")

        async def main() -> Sequence[Any]:
            try:
                return await work(adapter)
            finally:
                await session.aclose()

        try:
            records = asyncio.run(main())
        except CoinsoleError as exc:
            _fail(f"{profile}: {exc}", EXIT_FAILED)
            return
    finally:
        if resolver is not None:
            resolver.vault.lock()
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in records], indent=2,
                              ensure_ascii=False))
    else:
        click.echo(table(records) if records else f"no {what}")


# -- tables ------------------------------------------------------------------------------

def _when(ms: int) -> str:
    moment = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S") + f".{ms % 1000:03d}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]],
           right: Sequence[int] = ()) -> str:
    """Plain text columns; the columns numbered in ``right`` (amounts) right-aligned."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]

    def render(cells: Sequence[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([render(header), *(render(r) for r in rows)])


def _amount(value: Any) -> str:
    return "" if value is None else plain(value)


def _order_table(records: Sequence[Any]) -> str:
    return _table(("time", "order id", "symbol", "side", "type", "price", "quantity",
                   "filled", "status"),
                  [(_when(o.time_ms), o.order_id, o.symbol_id, o.side.value, o.type.value,
                    plain(o.price), plain(o.orig_qty), plain(o.executed_qty), o.status.value)
                   for o in records], right=(5, 6, 7))


def _position_table(records: Sequence[Any]) -> str:
    return _table(("symbol", "side", "size", "avg price", "index", "unrealised pnl",
                   "liquidation", "margin"),
                  [(p.symbol_id, "long" if p.is_long else "short", plain(p.total),
                    _amount(p.avg_price), _amount(p.index_price), _amount(p.unrealised_pnl),
                    plain(p.liquidation_price), plain(p.margin)) for p in records],
                  right=(2, 3, 4, 5, 6, 7))


def _address_table(records: Sequence[Any]) -> str:
    rows = []
    for a in records:
        memo = a.memo or ""
        if a.tag_required:
            memo = f"{memo} (REQUIRED: deposits without it are lost)"
        open_ = "" if a.deposits_open is None else "yes" if a.deposits_open else "NO"
        rows.append((a.coin, a.network or "", a.address, memo, _amount(a.minimum),
                     "" if a.confirmations is None else str(a.confirmations), open_))
    return _table(("coin", "network", "address", "memo/tag", "minimum", "confirmations",
                   "open"), rows, right=(4, 5))


def _history_table(records: Sequence[Any]) -> str:
    return _table(("time", "id", "kind", "coin", "amount", "fee", "status", "venue status",
                   "address / counterparty"),
                  [(_when(r.time_ms), r.id, r.kind.label, r.coin, table_amount(r.amount, r.coin),
                    _amount(r.fee), r.status.value, r.venue_status,
                    r.address or r.counterparty or "") for r in records], right=(4, 5))


def _flow_table(records: Sequence[Any]) -> str:
    return _table(("time", "id", "coin", "type", "change", "total"),
                  [(_when(f.time_ms), f.id, f.coin, f.flow_type, table_amount(f.change, f.coin),
                    table_amount(f.total, f.coin)) for f in records], right=(4, 5))


# -- commands ------------------------------------------------------------------------------

USER_ID_META = "coinsole.user_id"
"""Where ``--user-id`` keeps the BHEX user a read command acts for (the click context)."""


def _remember_user_id(ctx: click.Context, _param: Any, value: str | None) -> None:
    if value is not None:
        ctx.meta[USER_ID_META] = value


def user_id_option(func):
    """``--user-id UID``: act for another user of the BHEX org (default: the profile's)."""
    return click.option("--user-id", metavar="UID", expose_value=False, is_eager=True,
                        callback=_remember_user_id,
                        help="BHEX: the org user to read for (default: the profile's "
                             "user id).")(func)


def _act_for(adapter: Any, venue: str) -> None:
    """Point ``adapter`` at the ``--user-id`` user, when one was given."""
    import dataclasses

    user_id = click.get_current_context().meta.get(USER_ID_META)
    if user_id is None:
        return
    if venue != "bhex":
        _fail("--user-id is for BHEX profiles (an org API acting for its users)")
    from tui.venues.bhex_users import check_user_id

    try:
        user_id = check_user_id(user_id, "--user-id")
    except CoinsoleError as exc:
        _fail(str(exc).removeprefix("bhex: "))
    adapter.settings = dataclasses.replace(adapter.settings, user_id=user_id)


def act_for_profiles(session: Any, names: Sequence[str], user_id: str) -> None:
    """``--user-id`` on a command reading several profiles (``balances``): every BHEX
    profile among ``names`` acts for ``user_id``; none being BHEX is a usage error."""
    from tui.venues.bhex_users import check_user_id

    try:
        user_id = check_user_id(user_id, "--user-id")
    except CoinsoleError as exc:
        _fail(str(exc).removeprefix("bhex: "))
    bhex = [name for name in names if session.profile(name).venue == "bhex"]
    if not bhex:
        _fail("--user-id is for BHEX profiles (an org API acting for its users)")
    for name in bhex:
        session.act_for(name, user_id)


def _common(func):
    """``--profile``, ``--demo`` and ``--json``."""
    func = click.option("--json", "as_json", is_flag=True,
                        help="Print a JSON array (amounts as exact strings).")(func)
    func = click.option("--demo", is_flag=True, help=_DEMO_HELP)(func)
    func = click.option("--profile", "profile", required=True, metavar="P",
                        help="Profile to read (with --demo: a demo profile).")(func)
    return user_id_option(func)


class _OrdersGroup(click.Group):
    """``orders``: lists orders itself; ``place``, ``cancel`` and ``cancel-all`` live in
    :mod:`tui.cli_orders`, loaded when one of them is named or listed."""

    def _load(self) -> None:
        from tui.cli_orders import add_to

        add_to(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The subcommands, loading them first."""
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The subcommand ``cmd_name``, loading them first."""
        self._load()
        return super().get_command(ctx, cmd_name)


@click.group(cls=_OrdersGroup, invoke_without_command=True)
@click.option("--profile", "profile", metavar="P",
              help="Profile to read (with --demo: a demo profile).")
@click.option("--demo", is_flag=True, help=_DEMO_HELP)
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array (amounts as exact strings).")
@click.option("--open", "open_", is_flag=True, help="Open orders (default).")
@click.option("--history", "history", is_flag=True, help="Finished orders.")
@click.option("--symbol", metavar="S", help="Only this symbol, e.g. BTCUSDT.")
@user_id_option
@click.pass_context
def orders(ctx: click.Context, profile: str | None, demo: bool, as_json: bool, open_: bool,
           history: bool, symbol: str | None) -> None:
    """Print a profile's open (or finished) spot orders, newest first; or place or cancel
    orders (`orders place|cancel|cancel-all --help`)."""
    if ctx.invoked_subcommand is not None:
        return
    if open_ and history:
        _fail("--open and --history contradict each other; pick one (default: --open)")
    if not profile:
        _fail("Missing option '--profile'.")
    assert profile is not None

    async def work(adapter) -> Sequence[Any]:
        if history:
            return await adapter.all_trade_orders(symbol_id=symbol)
        return await adapter.all_open_orders(symbol_id=symbol)

    _run(demo, profile, "orders", "orders", work, as_json, _order_table)


@click.command()
@_common
@click.option("--symbol", metavar="S", help="Only this contract, e.g. BTCUSDT-PERP.")
def positions(profile: str, demo: bool, as_json: bool, symbol: str | None) -> None:
    """Print a profile's contract positions with unrealised PnL and liquidation price."""
    async def work(adapter) -> Sequence[Any]:
        from tui.venues.bhex_trading import walk_older

        return await walk_older(
            lambda cursor: adapter.contract_position(symbol_id=symbol, from_id=cursor,
                                                     limit=100),
            limit=100, key=lambda p: p.position_id)

    _run(demo, profile, "contracts", "positions", work, as_json, _position_table)


@click.command("deposit-address")
@_common
@click.option("--coin", required=True, metavar="C", help="Coin, e.g. USDT.")
@click.option("--network", metavar="N", help="Network, e.g. 'Tron (TRC-20)'. Default: every "
                                              "network the venue offers for the coin.")
def deposit_address(profile: str, demo: bool, as_json: bool, coin: str,
                    network: str | None) -> None:
    """Print where to deposit a coin: address, memo/tag (and whether it is required),
    minimum and confirmations where the venue says."""
    async def work(adapter) -> Sequence[Any]:
        return await adapter.deposit_address(coin, network)

    _run(demo, profile, "deposit_address", "deposit addresses", work, as_json,
         _address_table)


@click.group()
def history() -> None:
    """Deposit, withdrawal, transfer and balance-flow history, newest first."""


def _history_options(func):
    func = _common(func)
    func = click.option("--coin", metavar="C", help="Only this coin.")(func)
    func = click.option("--limit", type=click.IntRange(1), metavar="N",
                        help="At most N records (the newest). Default: every record.")(func)
    return func


@history.command("deposits")
@_history_options
def history_deposits(profile: str, demo: bool, as_json: bool, coin: str | None,
                     limit: int | None) -> None:
    """Deposits (and internal transfers in), every page walked."""
    async def work(adapter) -> Sequence[Any]:
        return await adapter.deposit_history(coin, limit=limit)

    _run(demo, profile, "deposit_history", "deposit history", work, as_json, _history_table)


@history.command("withdrawals")
@_history_options
def history_withdrawals(profile: str, demo: bool, as_json: bool, coin: str | None,
                        limit: int | None) -> None:
    """Withdrawals (and internal transfers out), every page walked."""
    async def work(adapter) -> Sequence[Any]:
        return await adapter.withdraw_history(coin, limit=limit)

    _run(demo, profile, "withdraw_history", "withdrawal history", work, as_json,
         _history_table)


@history.command("transfers")
@_history_options
def history_transfers(profile: str, demo: bool, as_json: bool, coin: str | None,
                      limit: int | None) -> None:
    """Internal transfers in and out (Bitunix), merged newest first."""
    async def work(adapter) -> Sequence[Any]:
        records = await adapter.transfer_history(coin)
        return records[:limit] if limit else records

    _run(demo, profile, "withdraw_history", "transfer history", work, as_json,
         _history_table, needs="transfer_history")


@history.command("flow")
@_history_options
@click.option("--account-type", default=1, show_default=True, type=int,
              help="BHEX account type (1 spot, 3 contract).")
@click.option("--account-index", default=0, show_default=True, type=int,
              help="Sub-account index (0 the main account).")
def history_flow(profile: str, demo: bool, as_json: bool, coin: str | None,
                 limit: int | None, account_type: int, account_index: int) -> None:
    """Every change of one account's balances (BHEX balance flow)."""
    async def work(adapter) -> Sequence[Any]:
        return await adapter.flow_history(coin, limit=limit, account_type=account_type,
                                          account_index=account_index)

    _run(demo, profile, "balances", "balance flow", work, as_json, _flow_table,
         needs="flow_history")


# -- sub-accounts ------------------------------------------------------------------------

_ACCOUNT_TYPES = {"spot": 1, "contract": 3}


def _sub_account_table(records: Sequence[Any]) -> str:
    names = {number: name for name, number in _ACCOUNT_TYPES.items()}
    return _table(("type", "index", "name", "account id"),
                  [(names.get(a.account_type, str(a.account_type)), str(a.account_index),
                    a.name, a.account_id) for a in records], right=(1,))


@click.group("sub-accounts")
def sub_accounts() -> None:
    """List a profile's accounts (main and sub-accounts) or create a sub-account."""


@sub_accounts.command("list")
@click.option("--profile", "profile", required=True, metavar="P", help="The profile to read.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--demo", is_flag=True, help=_DEMO_HELP)
def sub_accounts_list(profile: str, as_json: bool, demo: bool) -> None:
    """Every account of the profile's user: type, index (0 is the main account), name."""
    _run(demo, profile, "sub_accounts", "sub-accounts",
         lambda adapter: adapter.sub_accounts(), as_json, _sub_account_table,
         needs="sub_accounts")


@sub_accounts.command("create")
@click.option("--profile", "profile", required=True, metavar="P", help="The profile to use.")
@click.option("--type", "account_type", type=click.Choice(sorted(_ACCOUNT_TYPES)),
              default="spot", show_default=True, help="What the new account trades.")
@click.option("--name", "name", metavar="TEXT", help="A description for the new account.")
@click.option("--json", "as_json", is_flag=True, help="Print the new account as JSON.")
@click.option("--demo", is_flag=True, help=_DEMO_HELP)
def sub_accounts_create(profile: str, account_type: str, name: str | None, as_json: bool,
                        demo: bool) -> None:
    """Create a sub-account; the venue picks its index, which is printed."""
    async def create(adapter: Any) -> list[Any]:
        return [await adapter.sub_account_create(_ACCOUNT_TYPES[account_type], name)]

    _run(demo, profile, "sub_accounts", "sub-accounts", create, as_json, _sub_account_table,
         needs="sub_account_create")


def register(main_group: click.Group) -> None:
    """Add ``orders``, ``positions``, ``deposit-address``, ``history`` and
    ``sub-accounts`` to the ``coinsole`` group."""
    for command in (orders, positions, deposit_address, history, sub_accounts):
        if command.name not in main_group.commands:
            main_group.add_command(command)
