"""The support desk's writes on the command line: ``coinsole users rebuild-invite``,
``reset-password``, ``reset-trade-password``, ``bind-ga``, ``register`` and ``kyc-import``
(and ``users kyc UID --set``, through :func:`kyc_set`).

Each one is confirmed with a summary of exactly what changes, journaled with the operator
before it is sent, routed through the approvals policy (rules name the action:
``kyc``, ``invite_relation``, ``login_password``, ``trade_password``, ``ga_bind``,
``user_register``), sent once and, when its reply is lost, settled by looking at the venue
(:mod:`tui.support.user_requests`). Passwords and GA codes are typed hidden and held in
memory for the send only. Exit codes as ``coinsole send``: 0 done, 1 declined, 2 invalid
input, 3 refused (or blocked by policy), 4 outcome unknown, 5 submitted for approval.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
from pydantic import SecretStr, ValidationError

from tui.cli_users import _fail, _options, _run, _uid, users

__all__ = ["kyc_set", "parse_kyc_sets"]

_KYC_NAMES = {"country": "country_code", "country_code": "country_code",
              "first_name": "first_name", "last_name": "last_name", "card_type": "card_type",
              "card_no": "card_no", "verify_status": "verify_status", "status": "verify_status"}


def _invalid(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return str(first.get("msg", exc)).removeprefix("Value error, ")


def parse_kyc_sets(sets: tuple[str, ...]) -> dict[str, Any]:
    """``FIELD=VALUE`` pairs as KYC fields (``card_type`` and ``verify_status`` as ints);
    a bad pair ends the command with one line."""
    fields: dict[str, Any] = {}
    for text in sets:
        name, sep, value = text.partition("=")
        key = _KYC_NAMES.get(name.strip().lower().replace("-", "_"))
        if not sep or key is None:
            _fail(f"--set takes FIELD=VALUE, FIELD one of {', '.join(sorted(set(_KYC_NAMES.values())))}")
        value = value.strip()
        if key in ("card_type", "verify_status"):
            if not value.isdigit():
                _fail(f"{key} is a number")
            fields[key] = int(value)
        else:
            fields[key] = value or None
    return fields


async def kyc_set(ctx: Any, adapter: Any, user_id: str, fields: dict[str, Any], *,
                  profile: str, yes: bool) -> int:
    """Update the user's KYC: the fields given over the current ones, confirmed with the
    diff, journaled and sent (``update_user_kyc_info``); an exit code."""
    from tui.support.actions import current_operator
    from tui.support.user_requests import KYC_FIELDS, KycChange, KycUpdateRequest
    from tui.support.writes import new_key, send_write

    before = await current_kyc_of(adapter, user_id)
    new = {name: fields.get(name, before.get(name)) for name in KYC_FIELDS}
    if new.get("card_type") is None:
        click.echo("coinsole: give card_type=1|2|3|5 (the venue does not report the "
                   "current card type); nothing was sent", err=True)
        return 2
    try:
        change = KycChange(user_id=user_id, new=new, before=before)
        request = KycUpdateRequest(profile=profile, client_key=new_key("ky"), user_id=user_id,
                                   operator=current_operator(), changes=(change,))
    except ValidationError as exc:
        click.echo(f"coinsole: {_invalid(exc)}; nothing was sent", err=True)
        return 2
    if not change.diff():
        click.echo(f"coinsole: the KYC of user {user_id} already reads so; nothing to "
                   "change", err=True)
        return 0
    return await send_write(ctx, request, yes=yes)


async def current_kyc_of(adapter: Any, user_id: str) -> dict[str, Any]:
    """The user's KYC now under the update's field names (see
    :func:`tui.support.user_requests.current_kyc`)."""
    from tui.support.user_requests import current_kyc

    return await current_kyc(adapter, user_id)


def _yes(func):
    return click.option("--yes", is_flag=True, help="Skip the confirmation prompt.")(func)


def _new_secret(what: str) -> SecretStr:
    """A new password typed twice, hidden; never echoed, stored or logged."""
    text = click.prompt(f"new {what} (hidden)", hide_input=True,
                        confirmation_prompt=f"repeat the new {what}", err=True)
    if not text:
        _fail(f"type the new {what}")
    return SecretStr(text)


@users.command("rebuild-invite")
@click.argument("uid")
@click.option("--inviter", "inviter", required=True, metavar="UID",
              help="The user who becomes UID's inviter.")
@_options
@_yes
def users_rebuild_invite(uid: str, inviter: str, profile: str, demo: bool, yes: bool) -> None:
    """Make INVITER the inviter of UID, who has none (rebuild_invite_relation)."""
    from tui.support.actions import current_operator
    from tui.support.user_requests import InviteRelationRequest
    from tui.support.writes import new_key, send_write

    user_id, inviter_id = _uid(uid), _uid(inviter, "--inviter")
    if user_id == inviter_id:
        _fail("a user cannot invite themselves")
    holder: dict[str, Any] = {}

    async def work(adapter: Any) -> int:
        base = await adapter.user_get_base_info(user_id)
        if base.get("inviteUserId") and str(base["inviteUserId"]) != "0":
            click.echo(f"coinsole: user {user_id} is already invited by "
                       f"{base['inviteUserId']}; the venue rebuilds only a missing relation; "
                       "nothing was sent", err=True)
            return 2
        await adapter.user_get_base_info(inviter_id)  # the inviter must exist
        request = InviteRelationRequest(profile=profile, client_key=new_key("ir"),
                                        user_id=user_id, invite_user_id=inviter_id,
                                        operator=current_operator())
        return await send_write(holder["ctx"], request, yes=yes)

    _run(profile, demo, work, holder)


@users.command("reset-password")
@click.argument("uid")
@_options
@_yes
def users_reset_password(uid: str, profile: str, demo: bool, yes: bool) -> None:
    """Reset UID's login password to one typed twice (hidden; sent as its MD5 only,
    never journaled)."""
    from tui.support.actions import current_operator
    from tui.support.user_requests import LoginPasswordRequest
    from tui.support.writes import new_key, send_write

    user_id = _uid(uid)
    secret = _new_secret("login password")
    holder: dict[str, Any] = {}

    async def work(adapter: Any) -> int:
        await adapter.user_get_base_info(user_id)  # the user must exist
        request = LoginPasswordRequest(profile=profile, client_key=new_key("lp"),
                                       user_id=user_id, operator=current_operator())
        return await send_write(holder["ctx"], request, yes=yes, password=secret)

    _run(profile, demo, work, holder)


@users.command("reset-trade-password")
@click.argument("uid")
@_options
@_yes
def users_reset_trade_password(uid: str, profile: str, demo: bool, yes: bool) -> None:
    """Set (the user has none) or reset UID's trade password to one typed twice (hidden;
    sent as its MD5 only, never journaled)."""
    from tui.support.actions import current_operator
    from tui.support.user_requests import TradePasswordRequest
    from tui.support.writes import new_key, send_write

    user_id = _uid(uid)
    secret = _new_secret("trade password")
    holder: dict[str, Any] = {}

    async def work(adapter: Any) -> int:
        base = await adapter.user_get_base_info(user_id)
        request = TradePasswordRequest(profile=profile, client_key=new_key("tp"),
                                       user_id=user_id, operator=current_operator(),
                                       set_type=2 if base.get("bindTradePwd") else 1)
        return await send_write(holder["ctx"], request, yes=yes, password=secret)

    _run(profile, demo, work, holder)


@users.command("bind-ga")
@click.argument("uid")
@_options
@_yes
def users_bind_ga(uid: str, profile: str, demo: bool, yes: bool) -> None:
    """Issue UID a new GA key (get_ga_key), show it once for the caller to add to their
    authenticator, then bind it with the code they read back (bind_ga). The key is shown
    this once only and neither the key nor the code is journaled."""
    from tui.support.actions import current_operator
    from tui.support.user_requests import GaBindRequest
    from tui.support.writes import new_key, send_write

    user_id = _uid(uid)
    holder: dict[str, Any] = {}

    async def work(adapter: Any) -> int:
        base = await adapter.user_get_base_info(user_id)
        issued = await adapter.user_get_ga_key(user_id)
        key: SecretStr = issued["secretKey"]
        click.echo("Read this key to the caller once; it is not shown again:", err=True)
        click.echo(f"  key  {key.get_secret_value()}", err=True)
        code = click.prompt("GA code from the new key (hidden)", hide_input=True,
                            err=True).strip()
        if not (code.isdigit() and len(code) == 6):
            click.echo("coinsole: a GA code is six digits; nothing was sent", err=True)
            return 2
        request = GaBindRequest(profile=profile, client_key=new_key("ga"), user_id=user_id,
                                operator=current_operator(),
                                previously_bound=bool(base.get("bindGA")))
        return await send_write(holder["ctx"], request, yes=yes, ga_key=key,
                                ga_code=SecretStr(code))

    _run(profile, demo, work, holder)


@users.command("register")
@click.option("--mobile", metavar="DIGITS", help="Register by mobile (with --national-code).")
@click.option("--national-code", "national_code", metavar="CC", help="e.g. 86")
@click.option("--email", metavar="ADDRESS", help="Register by email.")
@click.option("--third-user-id", "third_user_id", metavar="ID",
              help="Register a user of the broker's own user system (simple_register).")
@click.option("--password", "with_password", is_flag=True,
              help="Also set a login password (typed twice, hidden).")
@click.option("--invite-code", "invite_code", metavar="CODE")
@click.option("--invite-user-id", "invite_user_id", metavar="UID")
@_options
@_yes
def users_register(mobile: str | None, national_code: str | None, email: str | None,
                   third_user_id: str | None, with_password: bool, invite_code: str | None,
                   invite_user_id: str | None, profile: str, demo: bool, yes: bool) -> None:
    """Register a new user of the org (register, or simple_register with
    --third-user-id); the new user id is printed."""
    from tui.support.actions import current_operator
    from tui.support.held_secrets import REDACTED
    from tui.support.user_requests import RegisterRequest
    from tui.support.writes import new_key, send_write

    if national_code:
        national_code = national_code.strip().lstrip("+")
    try:
        request = RegisterRequest(
            profile=profile, client_key=new_key("rg"), operator=current_operator(),
            national_code=national_code or None, mobile=mobile or None, email=email or None,
            third_user_id=third_user_id or None, invite_code=invite_code or None,
            invite_user_id=invite_user_id or None,
            password=REDACTED if with_password else None, asked_ms=time.time_ns() // 1_000_000)
    except ValidationError as exc:
        _fail(_invalid(exc))
        raise
    secrets = {"password": _new_secret("login password")} if with_password else {}
    holder: dict[str, Any] = {}

    async def work(adapter: Any) -> int:
        code = await send_write(holder["ctx"], request, yes=yes, **secrets)
        if code == 0:
            entry = holder["ctx"].journal.by_key(request.client_key)
            if entry is not None and entry.venue_ref:
                click.echo(f"new user {entry.venue_ref}")
        return code

    _run(profile, demo, work, holder)


@users.command("kyc-import")
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and preview every row; send nothing.")
@_options
@_yes
def users_kyc_import(csv_file: Path, dry_run: bool, profile: str, demo: bool,
                     yes: bool) -> None:
    """Update many users' KYC from a CSV (batch_update_user_kyc_info).

    Columns: user_id, country_code, first_name, last_name, card_type, card_no,
    verify_status (a header row names them). Every row is checked first: one invalid row
    refuses the whole file (its line named). Then every user's KYC is read and the diff
    shown; one confirmation sends them all in one journaled call."""
    from tui.support.kyc_csv import KycCsvError, read_kyc_csv

    try:
        rows = read_kyc_csv(csv_file)
    except KycCsvError as exc:
        _fail(f"{csv_file.name}: {exc}; nothing was sent")
        raise
    holder: dict[str, Any] = {}

    async def work(adapter: Any) -> int:
        from tui.support.kyc_import import import_kyc

        return await import_kyc(holder["ctx"], adapter, rows, source=csv_file.name,
                                profile=profile, dry_run=dry_run, yes=yes)

    _run(profile, demo, work, holder)
