"""Command line for the support desk: ``coinsole users ...`` and ``coinsole otc ...``.

Every command takes ``--profile`` (a BHEX profile; with ``--demo`` the sandbox's) and
works on the org that profile's key belongs to. ``users sync`` fills the local index
(:mod:`tui.support.user_index`) that ``users search`` reads; the other commands ask the
venue. Caller verification prompts with hidden input; the trade password is sent as its
MD5 only and never stored or printed. Exit codes: 0 done, 1 a check said no (a wrong GA
code or trade password), 2 invalid input, 3 the venue refused.

:func:`register` adds the ``users`` and ``otc`` groups to the ``coinsole`` group.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import click
from pydantic import SecretStr

from tui.cli_org import EXIT_OK, EXIT_USAGE, EXIT_VENUE, run_in
from tui.cli_org import fail as _fail
from tui.core.errors import InvalidRequest

__all__ = ["register", "users", "otc"]

EXIT_NO = 1
_DEMO_HELP = "Use the built-in sandbox's demo profiles (nothing leaves this process)."


def _options(func):
    """``--profile`` and ``--demo``."""
    func = click.option("--demo", is_flag=True, help=_DEMO_HELP)(func)
    func = click.option("--profile", "profile", required=True, metavar="P",
                        help="The BHEX profile whose org to work on.")(func)
    return func


def _json_option(func):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print JSON (amounts as exact strings).")(func)


def _run(profile: str, demo: bool, work: Callable[[Any], Awaitable[int]],
         holder: dict[str, Any] | None = None) -> None:
    """Run ``work(adapter)`` for the BHEX profile; map errors to one line and an exit code.
    ``holder["ctx"]`` is set to the command's context (session, journal, mover) when given."""
    from tui.cli_moves import _Context

    ctx = _Context(demo, profile)
    if holder is not None:
        holder["ctx"] = ctx
    if ctx.session.profile(profile).venue != "bhex":
        _fail(f"profile {profile!r} is not a BHEX profile; the support desk needs BHEX's "
              "Org API")

    run_in(ctx, profile, lambda context, adapter: work(adapter), missing=EXIT_VENUE)


async def _no_check(adapter: Any) -> int:
    """Nothing to do before the read (see :func:`_read`)."""
    return EXIT_OK


def _read(profile: str, demo: bool, as_json: bool, fetch: Callable[[Any], Awaitable[Any]],
          lines: Callable[[Any], Sequence[str]], *,
          to_json: Callable[[Any], Any] = lambda data: data,
          first: Callable[[Any], Awaitable[int]] = _no_check,
          holder: dict[str, Any] | None = None) -> None:
    """Run a command that shows what ``fetch(adapter)`` reads: ``to_json(data)`` as JSON
    with ``--json``, else the text ``lines(data)``. ``first(adapter)`` runs before the read
    (a change the command makes); a non-zero code from it ends the command with that code.
    Errors and ``holder`` as :func:`_run`."""
    async def work(adapter: Any) -> int:
        code = await first(adapter)
        if code:
            return code
        data = await fetch(adapter)
        if as_json:
            _echo_json(to_json(data))
        else:
            click.echo("\n".join(lines(data)))
        return EXIT_OK

    _run(profile, demo, work, holder)


def _user_command(name: str, *, json_option: bool = True):
    """Register ``users NAME UID`` with ``--profile``/``--demo`` and (unless
    ``json_option`` is false) ``--json``; options the decorated function adds itself come
    after them."""
    def add(func):
        if json_option:
            func = _json_option(func)
        return users.command(name)(click.argument("uid")(_options(func)))

    return add


def _verify(profile: str, demo: bool, user_id: str, what: str,
            check: Callable[[Any], Awaitable[bool]]) -> None:
    """Run a caller check: ``check(adapter)`` asks the venue; ``what`` is CORRECT (exit 0)
    or WRONG (exit 1)."""
    async def work(adapter: Any) -> int:
        ok = await check(adapter)
        click.echo(f"user {user_id}: {what} {'CORRECT' if ok else 'WRONG'}")
        return EXIT_OK if ok else EXIT_NO

    _run(profile, demo, work)


def _index(adapter: Any) -> Any:
    from tui.support.user_index import UserIndex, org_key

    return UserIndex.open(org_key(adapter.settings.base_url,
                                  adapter.credentials.api_key.get_secret_value()))


def _echo_json(data: Any) -> None:
    from tui.support.card import jsonable

    click.echo(json.dumps(jsonable(data), ensure_ascii=False, indent=2))


def _uid(value: str, name: str = "UID") -> str:
    from tui.venues.bhex_users import check_user_id

    try:
        return check_user_id(value, name)
    except InvalidRequest as exc:
        _fail(str(exc).removeprefix("bhex: "))
        raise


# -- users ------------------------------------------------------------------------------


@click.group()
def users() -> None:
    """Find any user of the BHEX org and see everything about them (the support desk)."""


@users.command("sync")
@_options
def users_sync(profile: str, demo: bool) -> None:
    """Bring the local index of the org's users up to date (incremental, resumable)."""
    import time

    from tui.support.user_sync import sync_users

    async def work(adapter: Any) -> int:
        index = _index(adapter)
        try:
            started = time.monotonic()
            report = await sync_users(index, adapter)
            took = time.monotonic() - started
        finally:
            index.close()
        click.echo(f"synced {report.users} user rows and {report.kyc} KYC rows in "
                   f"{report.pages} pages ({took:.1f} s); the index holds {report.total} "
                   "users")
        return EXIT_OK

    _run(profile, demo, work)


@users.command("search")
@click.argument("query")
@_options
@_json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
def users_search(query: str, profile: str, demo: bool, as_json: bool, limit: int) -> None:
    """Users whose uid, mobile (with or without national code) or email is or starts
    with QUERY, from the local index (run `users sync` first)."""
    async def work(adapter: Any) -> int:
        index = _index(adapter)
        try:
            if index.count() == 0:
                click.echo("coinsole: the local index is empty; run `coinsole users sync "
                           f"--profile {profile}` first", err=True)
                return EXIT_USAGE
            found = index.search(query, limit)
        finally:
            index.close()
        if as_json:
            _echo_json([{"match": m.why, **m.user.as_dict()} for m in found])
        elif not found:
            click.echo("no user matches")
        else:
            for m in found:
                u = m.user
                mobile = f"+{u.national_code} {u.mobile}" if u.mobile else ""
                click.echo(f"{u.user_id:<20} {m.why:<7} {mobile:<20} {u.email}")
        return EXIT_OK

    _run(profile, demo, work)


@_user_command("show")
def users_show(uid: str, profile: str, demo: bool, as_json: bool) -> None:
    """The user's card: every part, loaded at once (a part that fails says why)."""
    from tui.support.card import card_json, load_card
    from tui.support.card_text import card_lines

    user_id = _uid(uid)

    def fetch(adapter: Any) -> Awaitable[Any]:
        return load_card(adapter, user_id, own_user_id=adapter.settings.user_id)

    _read(profile, demo, as_json, fetch, card_lines, to_json=card_json)


@_user_command("kyc")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
              help="Change a KYC field (repeatable; confirmed, journaled, sent): "
                   "country_code, first_name, last_name, card_type, card_no, verify_status.")
@click.option("--yes", is_flag=True, help="Skip the confirmation prompt.")
def users_kyc(uid: str, profile: str, demo: bool, as_json: bool, sets: tuple[str, ...],
              yes: bool) -> None:
    """The user's KYC (verify info), status named; --set changes it."""
    from tui.venues.bhex_users import VERIFY_INFO_STATUS

    user_id = _uid(uid)
    fields = None
    if sets:
        from tui.cli_users_writes import parse_kyc_sets

        fields = parse_kyc_sets(sets)
    holder: dict[str, Any] = {}

    async def change(adapter: Any) -> int:
        if fields is None:
            return EXIT_OK
        from tui.cli_users_writes import kyc_set

        return await kyc_set(holder["ctx"], adapter, user_id, fields, profile=profile, yes=yes)

    def lines(info: Any) -> list[str]:
        if info is None:
            return [f"user {user_id}: KYC not submitted"]
        status = int(info.get("verifyStatus") or 0)
        return [f"user {user_id}: KYC {VERIFY_INFO_STATUS.get(status, status)} "
                f"(level {info.get('displayLevel', '')})",
                *(f"  {key:<12} {info.get(key, '')}"
                  for key in ("countryCode", "nationality", "firstName", "secondName",
                              "cardNo"))]

    _read(profile, demo, as_json, lambda adapter: adapter.user_get_verify_info(user_id), lines,
          first=change, holder=holder)


@_user_command("invites")
def users_invites(uid: str, profile: str, demo: bool, as_json: bool) -> None:
    """The user's invite info and the users they invited (two levels)."""
    from tui.venues.bhex_users import KYC_STATUS

    user_id = _uid(uid)

    async def fetch(adapter: Any) -> dict[str, Any]:
        info = await adapter.user_get_invite_info(user_id)
        rows = await adapter.user_query_user_invite_list(user_id, limit=500)
        return {"info": info, "invites": rows}

    def lines(data: dict[str, Any]) -> list[str]:
        info = data["info"]
        out = [f"user {user_id}: invite code {info.get('inviteCode')}, "
               f"{info.get('inviteCount')} invited ({info.get('directInviteCount')} "
               f"direct, {info.get('indirectInviteCount')} indirect)"]
        for row in data["invites"]:
            kind = "direct" if str(row.get("inviteType")) == "1" else "indirect"
            status = KYC_STATUS.get(int(row.get("verifyStatus") or 0), "")
            out.append(f"  {row['userId']:<20} {kind:<8} KYC {status:<13} "
                       f"{row.get('mobile') or row.get('email')}")
        return out

    _read(profile, demo, as_json, fetch, lines)


def _parse_set(text: str) -> tuple[str, int]:
    from tui.venues.bhex_users import STATUS_FLAGS

    name, sep, value = text.partition("=")
    name = name.strip().upper()
    if not sep or name not in STATUS_FLAGS or value.strip() not in ("0", "1"):
        _fail(f"--set takes FLAG=0 or FLAG=1, FLAG one of {', '.join(STATUS_FLAGS)}")
    return name, int(value.strip())


@_user_command("status")
@click.option("--set", "set_flag", metavar="FLAG=0|1",
              help="Change one flag (confirmed, journaled, sent).")
@click.option("--yes", is_flag=True, help="Skip the confirmation prompt.")
def users_status(uid: str, profile: str, demo: bool, as_json: bool, set_flag: str | None,
                 yes: bool) -> None:
    """The user's eight status flags; --set changes one of them."""
    from tui.venues.bhex_users import STATUS_FLAG_MEANING, STATUS_FLAGS

    user_id = _uid(uid)
    change = _parse_set(set_flag) if set_flag else None
    holder: dict[str, Any] = {}

    async def set_flag(adapter: Any) -> int:
        if change is None:
            return EXIT_OK
        from tui.support.writes import set_status_flag

        name, value = change
        return await set_status_flag(holder["ctx"], user_id, name, value,
                                     current=await adapter.user_ext_status(user_id),
                                     profile=profile, yes=yes)

    def lines(flags: dict[str, Any]) -> list[str]:
        return [f"user {user_id}:",
                *(f"  {name:<22} {flags[name]}  "
                  f"{STATUS_FLAG_MEANING[name][1 if flags[name] else 0]}"
                  for name in STATUS_FLAGS if name in flags)]

    _read(profile, demo, as_json, lambda adapter: adapter.user_ext_status(user_id), lines,
          first=set_flag, holder=holder)


@_user_command("verify-ga", json_option=False)
def users_verify_ga(uid: str, profile: str, demo: bool) -> None:
    """Ask the caller for their current GA code and check it (input hidden)."""
    user_id = _uid(uid)
    code = click.prompt("GA code (hidden)", hide_input=True, err=True).strip()
    if not (code.isdigit() and len(code) == 6):
        _fail("a GA code is six digits")

    _verify(profile, demo, user_id, "GA code",
            lambda adapter: adapter.user_valid_gacode(user_id, code))


@_user_command("verify-trade-password", json_option=False)
def users_verify_trade_password(uid: str, profile: str, demo: bool) -> None:
    """Ask the caller for their trade password and check it: only its MD5 is sent; it is
    neither stored nor printed."""
    user_id = _uid(uid)
    secret = SecretStr(click.prompt("trade password (hidden)", hide_input=True, err=True))
    if not secret.get_secret_value():
        _fail("type the trade password")

    _verify(profile, demo, user_id, "trade password",
            lambda adapter: adapter.user_valid_trade_password(user_id, secret))


# -- otc --------------------------------------------------------------------------------


@click.group()
def otc() -> None:
    """A BHEX org user's OTC orders."""


@otc.command("orders")
@_options
@_json_option
@click.option("--user-id", "user_id", required=True, metavar="UID")
@click.option("--status", type=click.Choice(["0", "1", "10", "20", "30", "40", "50"]))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
def otc_orders(profile: str, demo: bool, as_json: bool, user_id: str, status: str | None,
               limit: int) -> None:
    """The user's OTC orders, newest first."""
    from tui.venues.bhex_users import OTC_SIDES, OTC_STATUS

    uid = _uid(user_id, "--user-id")

    def fetch(adapter: Any) -> Awaitable[Any]:
        return adapter.otc_order_list(uid, status=int(status) if status else None, limit=limit)

    def lines(rows: list[dict[str, Any]]) -> list[str]:
        return [f"{r['id']:<18} {OTC_SIDES.get(r.get('side'), r.get('side')):<4} "
                f"{r.get('quantity')} {r.get('tokenId')} @ {r.get('price')} "
                f"{r.get('currencyId')}  {OTC_STATUS.get(r.get('status'), '')}"
                for r in rows] or [f"user {uid}: no OTC orders"]

    _read(profile, demo, as_json, fetch, lines)


@otc.command("order")
@click.argument("order_id")
@_options
@_json_option
@click.option("--user-id", "user_id", required=True, metavar="UID")
def otc_order(order_id: str, profile: str, demo: bool, as_json: bool, user_id: str) -> None:
    """One OTC order of the user, with its payment terms."""
    from tui.venues.bhex_users import OTC_SIDES, OTC_STATUS

    uid = _uid(user_id, "--user-id")
    oid = _uid(order_id, "ORDER_ID")

    def lines(row: dict[str, Any]) -> list[str]:
        return [f"OTC order {row['id']} of user {uid}: "
                f"{OTC_SIDES.get(row.get('side'), '')} {row.get('quantity')} "
                f"{row.get('tokenId')} @ {row.get('price')} {row.get('currencyId')} = "
                f"{row.get('amount')}, {OTC_STATUS.get(row.get('status'), '')}"]

    _read(profile, demo, as_json, lambda adapter: adapter.otc_order_info(uid, oid), lines)


def register(group: click.Group) -> None:
    """Add ``users`` and ``otc`` to the ``coinsole`` group."""
    import tui.cli_users_writes  # noqa: F401 - adds the write commands to ``users``

    group.add_command(users)
    group.add_command(otc)
