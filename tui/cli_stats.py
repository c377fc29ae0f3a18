"""Command line for the BHEX org statistics: ``coinsole stats holdings|top|deposits|
withdrawals|otc|trades|fees|locks|unlocks|download``.

Every command reads one profile (``--profile``; ``--demo`` a fresh in-process sandbox) and
prints an aligned table, or with ``--json`` a JSON array whose amounts are exact strings.
Lists are read page by page (``from_id``, newest first) until the venue has no more or
``--limit`` records are in hand. Date ranges are UTC days, both ends included. Exit codes:
0 printed, 2 usage (unknown profile, a venue without org statistics, a bad date), 1 the
venue failed.

:func:`register` adds the ``stats`` group to the main ``coinsole`` group.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from tui.core.errors import CoinsoleError
from tui.core.money import plain
from tui.venues.bhex_stats import walk_pages

__all__ = ["register", "stats", "DEFAULT_DAYS"]

EXIT_FAILED = 1
DEFAULT_DAYS = 7
"""The date range when neither ``--since`` nor ``--until`` is given: the last 7 days."""
_DAY_MS = 86_400_000
_DEMO_HELP = "Read the built-in sandbox's demo profiles (a fresh sandbox for this command)."


def _fail(message: str, code: int = 2) -> None:
    from tui.cli_history import _fail as fail

    fail(message, code)


def _run(demo: bool, profile: str, work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Open the session, check the profile's venue has org statistics, run ``work``."""
    from tui.cli_history import _open_session

    session, resolver = _open_session(demo, profile)
    try:
        adapter = session.adapter(profile)
        if not hasattr(adapter, "stats_token_hold_summary"):
            _fail(f"{session.profile(profile).venue} has no org statistics (profile "
                  f"{profile!r}); use a BHEX profile")

        async def main() -> Any:
            try:
                return await work(adapter)
            finally:
                await session.aclose()

        try:
            return asyncio.run(main())
        except CoinsoleError as exc:
            _fail(f"{profile}: {exc}", EXIT_FAILED)
    finally:
        if resolver is not None:
            resolver.vault.lock()


def _jsonable(record: Any) -> dict[str, Any]:
    """A record as JSON-ready fields: Decimals as exact strings."""
    return {k: plain(v) if isinstance(v, Decimal) else v
            for k, v in dataclasses.asdict(record).items()}


def _print(records: Sequence[Any], as_json: bool, what: str,
           table: Callable[[Sequence[Any]], str]) -> None:
    if as_json:
        click.echo(json.dumps([_jsonable(r) for r in records], indent=2, ensure_ascii=False))
    else:
        click.echo(table(records) if records else f"no {what}")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]],
           right: Sequence[int] = ()) -> str:
    from tui.cli_history import _table as table

    return table(header, rows, right)


def _when(ms: int) -> str:
    if not ms:
        return ""
    from tui.cli_history import _when as when

    return when(ms)


def _range(since: str | None, until: str | None) -> tuple[int, int]:
    """``--since``/``--until`` (yyyy-mm-dd, UTC, inclusive) as closed milliseconds."""
    def day(text: str, name: str) -> Date:
        try:
            return Date.fromisoformat(text)
        except ValueError:
            _fail(f"{name} must be a date like 2026-01-31, not {text!r}")
            raise  # unreachable: _fail exits

    last = day(until, "--until") if until else datetime.now(timezone.utc).date()
    first = day(since, "--since") if since else last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        _fail("--until is before --since; choose the range again")
    start = int(datetime(first.year, first.month, first.day, tzinfo=timezone.utc).timestamp())
    end = int(datetime(last.year, last.month, last.day, tzinfo=timezone.utc).timestamp())
    return start * 1000, end * 1000 + _DAY_MS - 1


# -- tables ------------------------------------------------------------------------------

def _holding_table(records: Sequence[Any]) -> str:
    return _table(("id", "user", "account", "total", "available", "lock"),
                  [(h.id, h.user_id, h.account_id, plain(h.total), plain(h.available),
                    plain(h.lock)) for h in records], right=(3, 4, 5))


def _summary_table(records: Sequence[Any]) -> str:
    return _table(("token", "total", "available", "lock"),
                  [(s.token_id, plain(s.total), plain(s.available), plain(s.lock))
                   for s in records], right=(1, 2, 3))


def _deposit_table(records: Sequence[Any]) -> str:
    return _table(("time", "order id", "user", "token", "quantity", "status", "address"),
                  [(_when(d.create_time), d.order_id, d.user_id, d.token_id, plain(d.quantity),
                    d.status_text, d.address) for d in records], right=(4,))


def _withdrawal_table(records: Sequence[Any]) -> str:
    return _table(("time", "order id", "user", "token", "quantity", "arrives", "status",
                   "address"),
                  [(_when(w.create_time), w.order_id, w.user_id, w.token_id,
                    plain(w.total_quantity), plain(w.arrive_quantity), w.status_text,
                    w.address) for w in records], right=(4, 5))


def _otc_table(records: Sequence[Any]) -> str:
    from tui.venues.bhex_stats import OTC_PAYMENT, SIDES

    return _table(("time", "order id", "user", "side", "token", "price", "quantity", "amount",
                   "fee", "paid by", "status"),
                  [(_when(o.create_time), o.order_id, o.user_id, SIDES.get(o.side, str(o.side)),
                    f"{o.token_id}/{o.currency_id}", plain(o.price), plain(o.quantity),
                    plain(o.amount), plain(o.fee), OTC_PAYMENT.get(o.payment_type, "?"),
                    o.status_text) for o in records], right=(5, 6, 7, 8))


def _trade_table(records: Sequence[Any]) -> str:
    from tui.venues.bhex_stats import ORDER_TYPES, SIDES

    return _table(("time", "trade id", "user", "symbol", "side", "type", "price", "quantity",
                   "amount", "fee", "fee token"),
                  [(_when(t.create_time), t.trade_id, t.user_id, t.symbol_id,
                    SIDES.get(t.side, str(t.side)), ORDER_TYPES.get(t.order_type, "?"),
                    plain(t.price), plain(t.quantity), plain(t.amount), plain(t.fee),
                    t.fee_token) for t in records], right=(6, 7, 8, 9))


def _fee_table(records: Sequence[Any]) -> str:
    return _table(("symbol", "fee token", "fees"),
                  [(f.symbol_id, f.fee_token_id, plain(f.fee_total)) for f in records],
                  right=(2,))


def _lock_table(records: Sequence[Any]) -> str:
    return _table(("time", "id", "user", "token", "amount", "reason", "client id"),
                  [(_when(r.created_time), r.id, r.user_id, r.token_id, plain(r.lock_amount),
                    r.lock_reason, r.client_req_id) for r in records], right=(4,))


def _unlock_table(records: Sequence[Any]) -> str:
    return _table(("time", "id", "user", "token", "amount", "reason", "client id"),
                  [(_when(r.created_time), r.id, r.user_id, r.token_id,
                    plain(r.unlock_amount), r.unlock_reason, r.client_req_id)
                   for r in records], right=(4,))


# -- commands ------------------------------------------------------------------------------

def _common(func):
    """``--profile``, ``--demo`` and ``--json``."""
    func = click.option("--json", "as_json", is_flag=True,
                        help="Print a JSON array (amounts as exact strings).")(func)
    func = click.option("--demo", is_flag=True, help=_DEMO_HELP)(func)
    func = click.option("--profile", "profile", required=True, metavar="P",
                        help="A BHEX profile (with --demo: bhex-demo).")(func)
    return func


def _ranged(func):
    """``--since``, ``--until`` and ``--limit``, besides the common options."""
    func = _common(func)
    func = click.option("--limit", type=click.IntRange(1), metavar="N",
                        help="At most N records (the newest). Default: every record.")(func)
    func = click.option("--until", metavar="DATE",
                        help="Last day (yyyy-mm-dd, UTC, included). Default: today.")(func)
    func = click.option("--since", metavar="DATE",
                        help=f"First day (yyyy-mm-dd, UTC). Default: {DEFAULT_DAYS} days "
                             "up to --until.")(func)
    return func


@click.group()
def stats() -> None:
    """Org-wide statistics of a BHEX broker (read-only): holdings, top holders, deposits,
    withdrawals (with the broker-audit worklist), OTC, trades, fees, locks, history files."""


@stats.command("holdings")
@_common
@click.option("--token", metavar="T", help="One token's holdings per account (default: the "
                                            "org's total per token).")
@click.option("--limit", type=click.IntRange(1), metavar="N",
              help="With --token: at most N accounts. Default: every account.")
def stats_holdings(profile: str, demo: bool, as_json: bool, token: str | None,
                   limit: int | None) -> None:
    """The org's holdings per token, or with --token every account's holding of it."""
    if token is None:
        _print(_run(demo, profile, lambda a: a.stats_token_hold_summary()), as_json,
               "holdings", _summary_table)
        return

    async def work(adapter: Any) -> list[Any]:
        return await walk_pages(lambda cursor, size: adapter.stats_token_hold_detail(
            token, from_id=cursor, limit=size), lambda h: h.id, limit)

    _print(_run(demo, profile, work), as_json, f"holdings of {token}", _holding_table)


@stats.command("top")
@_common
@click.option("--token", required=True, metavar="T", help="The token, e.g. USDT.")
@click.option("--top", "top", type=click.IntRange(1, 500), default=100, show_default=True,
              help="How many holders.")
def stats_top(profile: str, demo: bool, as_json: bool, token: str, top: int) -> None:
    """The largest holders of a token, largest first."""
    _print(_run(demo, profile, lambda a: a.stats_token_hold_top(token, top=top)), as_json,
           f"holders of {token}", _holding_table)


def _ranged_list(method: str, key: Callable[[Any], str], *, demo: bool, profile: str,
                 since: str | None, until: str | None, limit: int | None,
                 **filters: Any) -> list[Any]:
    start, end = _range(since, until)

    async def work(adapter: Any) -> list[Any]:
        fetch = getattr(adapter, method)
        return await walk_pages(lambda cursor, size: fetch(start, end, from_id=cursor, limit=size,
                                                      **filters), key, limit)

    return _run(demo, profile, work)


_TOKEN = click.option("--token", metavar="T", help="Only this token.")
_SYMBOL = click.option("--symbol", metavar="S", help="Only this symbol, e.g. BTCUSDT.")


def _ranged_command(name: str, doc: str, method: str, key: Callable[[Any], str], what: str,
                    table: Callable[[Sequence[Any]], str], only: Callable[[Any], Any],
                    only_field: str) -> None:
    """Register ``stats NAME``: the date-ranged list ``method`` of the adapter (records told
    apart by ``key``), filtered by the one option ``only`` (sent as ``only_field``),
    printed as ``table`` or JSON ("no ``what``" when empty). ``doc`` is its help."""
    def command(profile: str, demo: bool, as_json: bool, since: str | None,
                until: str | None, limit: int | None, **only_value: str | None) -> None:
        (value,) = only_value.values()  # the one filter option, by its own name
        rows = _ranged_list(method, key, demo=demo, profile=profile, since=since, until=until,
                            limit=limit, **{only_field: value})
        _print(rows, as_json, what, table)

    command.__doc__ = doc
    stats.command(name)(_ranged(only(command)))


_ranged_command("deposits", "Every user's deposits in the date range, newest first.",
                "stats_deposit_order", lambda d: d.order_id, "deposits", _deposit_table,
                _TOKEN, "token_id")


@stats.command("withdrawals")
@_ranged
@click.option("--token", metavar="T", help="Only this token.")
@click.option("--awaiting-audit", is_flag=True,
              help="Only withdrawals awaiting the broker's audit (status 1): the worklist.")
def stats_withdrawals(profile: str, demo: bool, as_json: bool, since: str | None,
                      until: str | None, limit: int | None, token: str | None,
                      awaiting_audit: bool) -> None:
    """Every user's withdrawals in the date range, newest first."""
    rows = _ranged_list("stats_withdraw_order", lambda w: w.order_id, demo=demo,
                        profile=profile, since=since, until=until,
                        limit=None if awaiting_audit else limit, token_id=token)
    if awaiting_audit:
        rows = [w for w in rows if w.awaiting_broker_audit][:limit]
    _print(rows, as_json, "withdrawals awaiting audit" if awaiting_audit else "withdrawals",
           _withdrawal_table)


_ranged_command("otc", "Every user's OTC orders in the date range, newest first.",
                "stats_otc_order", lambda o: o.order_id, "OTC orders", _otc_table, _TOKEN,
                "token_id")
_ranged_command("trades", "Every user's spot trades in the date range, newest first.",
                "stats_trade_detail", lambda t: t.trade_id, "trades", _trade_table, _SYMBOL,
                "symbol_id")


@stats.command("fees")
@_common
@click.option("--since", metavar="DATE", help="First day (yyyy-mm-dd, UTC).")
@click.option("--until", metavar="DATE", help="Last day (yyyy-mm-dd, UTC, included).")
@click.option("--symbol", metavar="S", help="Only this symbol (default: every symbol).")
def stats_fees(profile: str, demo: bool, as_json: bool, since: str | None, until: str | None,
               symbol: str | None) -> None:
    """Trading fees collected in the date range, per symbol and fee token."""
    start, end = _range(since, until)
    rows = _run(demo, profile, lambda a: a.stats_trade_fee(start, end, symbol_id=symbol))
    _print(rows, as_json, "fees", _fee_table)


def _user_list(method: str, *, demo: bool, profile: str, user: str, token: str | None,
               limit: int | None) -> list[Any]:
    if not user.isdigit():
        _fail(f"--user must be a user id (digits), not {user!r}")

    async def work(adapter: Any) -> list[Any]:
        fetch = getattr(adapter, method)
        return await walk_pages(lambda cursor, size: fetch(user, token_id=token, from_id=cursor,
                                                      limit=size), lambda r: r.id, limit)

    return _run(demo, profile, work)


def _user_options(func):
    func = _common(func)
    func = click.option("--limit", type=click.IntRange(1), metavar="N",
                        help="At most N records (the newest).")(func)
    func = click.option("--token", metavar="T", help="Only this token.")(func)
    func = click.option("--user", required=True, metavar="ID", help="The user's id.")(func)
    return func


def _user_command(name: str, doc: str, method: str, what: str,
                  table: Callable[[Sequence[Any]], str]) -> None:
    """Register ``stats NAME``: one user's records from the adapter's ``method``, printed
    as ``table`` or JSON ("no ``what``" when empty). ``doc`` is its help."""
    def command(profile: str, demo: bool, as_json: bool, user: str, token: str | None,
                limit: int | None) -> None:
        rows = _user_list(method, demo=demo, profile=profile, user=user, token=token,
                          limit=limit)
        _print(rows, as_json, what, table)

    command.__doc__ = doc
    stats.command(name)(_user_options(command))


_user_command("locks", "One user's lock records, newest first.", "stats_lock_record",
              "lock records", _lock_table)
_user_command("unlocks", "One user's unlock records, newest first.", "stats_unlock_record",
              "unlock records", _unlock_table)


BAR_WIDTH = 30


def _progress_wanted() -> bool:
    """Whether the download's progress bar is drawn (standard error is a terminal)."""
    return sys.stderr.isatty()


def progress_line(done: int, total: int | None) -> str:
    """The download's progress: a bar and the percentage when the size is known
    (``[#########.....]  60% 1,234 bytes``), else the bytes so far."""
    if not total:
        return f"{done:,} bytes"
    filled = min(BAR_WIDTH, done * BAR_WIDTH // total)
    return (f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {min(100, done * 100 // total):3d}% "
            f"{done:,} of {total:,} bytes")


@stats.command("download")
@_common
@click.argument("kind", metavar="TYPE")
@click.argument("day", metavar="DATE")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to save it. Default: TYPE-DATE.xlsx in the current directory.")
def stats_download(profile: str, demo: bool, as_json: bool, kind: str, day: str,
                   out: Path | None) -> None:
    """Save the venue's TYPE history file of DATE (yyyy-mm-dd) as an .xlsx, with a
    progress bar on a terminal. TYPE: user_register, user_kyc, user_login, balance,
    balance_flow, lock_position, contract_position, trade_detail, otc_order,
    deposit_order, withdraw_order."""
    from tui.venues.bhex_stats import DOWNLOAD_TYPES

    if kind not in DOWNLOAD_TYPES:
        _fail(f"unknown file type {kind!r}; choose one of {', '.join(DOWNLOAD_TYPES)}")
    target = out or Path(f"{kind}-{day}.xlsx")
    if target.exists():
        _fail(f"{target} exists; choose another --out")
    show = _progress_wanted() and not as_json

    def progress(done: int, total: int | None) -> None:
        if show:
            click.echo(f"\r{progress_line(done, total)}", err=True, nl=False)

    size = _run(demo, profile, lambda a: a.stats_download_data(kind, day, target,
                                                               progress=progress))
    if show:
        click.echo("", err=True)
    if as_json:
        click.echo(json.dumps({"type": kind, "date": day, "path": str(target), "bytes": size}))
    else:
        click.echo(f"saved {target} ({size:,} bytes)")


def register(main_group: click.Group) -> None:
    """Add ``stats`` to the ``coinsole`` group."""
    if stats.name not in main_group.commands:
        main_group.add_command(stats)
