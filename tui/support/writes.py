"""Support writes from the CLI: confirm exactly what changes, journal it with who made it,
route it through the approvals policy, send it once, say what came of it."""

from __future__ import annotations

from typing import Any

import click

from tui.core.org_request import new_key
from tui.support.actions import SupportRequest, UserStatusRequest, current_operator

__all__ = ["set_status_flag", "route_through_approvals", "status_request", "new_key",
           "send_write"]


def route_through_approvals(ctx: Any, request: SupportRequest,
                            summary: list[tuple[str, str]], *, yes: bool) -> Any:
    """The approvals route (issue 13) every support write takes: the CLI's shared money
    flow (:func:`tui.cli_moves._move`), so a policy file in force decides first (blocked:
    nothing journaled, exit 3; needs approval: journaled PENDING_APPROVAL and proposed,
    exit 5), then the confirmation, the journal (DRAFT before the send) and one send.
    Policy rules name these writes by their action (``user_status``) and destination
    (``uid:<user id>``)."""
    from tui.cli_moves import _move
    from tui.core.moves import Settlement

    return _move(ctx, request, Settlement.LOOKUP, summary, yes=yes, as_json=False)


def status_request(profile: str, user_id: str, flag: str, value: int,
                   previous: int | None) -> UserStatusRequest:
    """The journal request setting ``flag`` of ``user_id`` to ``value``, by this operator."""
    return UserStatusRequest(profile=profile, client_key=new_key("us"), user_id=user_id, flag=flag,
                             value=value, previous=previous, operator=current_operator())


async def set_status_flag(ctx: Any, user_id: str, flag: str, value: int, *,
                          current: dict[str, int], profile: str, yes: bool) -> int:
    """Confirm (a summary of exactly what changes), journal and send one status flag
    change through :func:`route_through_approvals`; an exit code."""
    previous = current.get(flag)
    request = status_request(profile, user_id, flag, value, previous)
    if previous == value:
        click.echo(f"coinsole: {flag} of user {user_id} is already {value}; nothing to "
                   "change", err=True)
        return 0
    return await route_through_approvals(ctx, request, request.summary(), yes=yes)


async def send_write(ctx: Any, request: SupportRequest, *, yes: bool,
                     **secrets_held: Any) -> int:
    """Confirm, journal and send ``request`` through :func:`route_through_approvals`, with
    ``secrets_held`` (name -> SecretStr) held in memory for its send and settling lookup
    only (:mod:`tui.support.held_secrets`), forgotten when this returns; an exit code."""
    from tui.support.held_secrets import hold, release

    if secrets_held:
        hold(request.client_key, **secrets_held)
    try:
        code = await route_through_approvals(ctx, request, request.summary(), yes=yes)
        if code == EXIT_UNKNOWN and secrets_held:
            code = await _settle_while_held(ctx, request)
        return code
    finally:
        release(request.client_key)


EXIT_ACCEPTED, EXIT_REJECTED, EXIT_UNKNOWN = 0, 3, 4


async def _settle_while_held(ctx: Any, request: SupportRequest) -> int:
    """A lost reply settled by lookup at once, while this process still holds the secret
    the lookup needs (it is never resent)."""
    from tui.journal import EntryState

    entry = ctx.journal.by_key(request.client_key)
    if entry is None:
        return EXIT_UNKNOWN
    entry = await ctx.mover.settle(entry)
    if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
        click.echo(f"settled by lookup: {entry.note}; journal entry {entry.id}")
        return EXIT_ACCEPTED
    if entry.state is EntryState.REJECTED:
        click.echo(f"settled by lookup: {entry.note}; journal entry {entry.id}")
        return EXIT_REJECTED
    click.echo(f"coinsole: still unknown after a lookup: {entry.note}; journal entry "
               f"{entry.id} (resolve it by hand)", err=True)
    return EXIT_UNKNOWN
