"""Support writes from the CLI: confirm exactly what changes, journal it with who made it,
pass the approvals hook, send it once, say what came of it.

:func:`route_through_approvals` is the hook where the approvals policy (issue 13) will
decide whether a support write needs a second person's approval; the approvals service
is not wired into the journal on main yet, so today it lets every write through and says
so in the journal entry's approval detail.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import click

from tui.support.actions import UserStatusRequest, current_operator

__all__ = ["set_status_flag", "route_through_approvals", "status_request"]

EXIT_OK, EXIT_DECLINED, EXIT_USAGE, EXIT_REJECTED, EXIT_UNKNOWN = 0, 1, 2, 3, 4


def route_through_approvals(request: Any) -> str:
    """HOOK for the approvals policy (issue 13): who or what approved ``request``.

    Not wired yet (the approvals service is not on main): every support write is approved
    by the operator who confirmed it. Replace this with the policy's decision (raise to
    refuse, or leave the entry PENDING_APPROVAL) when approvals land."""
    return f"{request.operator} (approvals policy not wired yet)"


def status_request(profile: str, user_id: str, flag: str, value: int,
                   previous: int | None) -> UserStatusRequest:
    """The journal request setting ``flag`` of ``user_id`` to ``value``, by this operator."""
    key = f"us{time.time_ns() // 1_000_000}{secrets.token_hex(4)}"
    return UserStatusRequest(profile=profile, client_key=key, user_id=user_id, flag=flag,
                             value=value, previous=previous, operator=current_operator())


async def set_status_flag(mover: Any, user_id: str, flag: str, value: int, *,
                          current: dict[str, int], profile: str, yes: bool) -> int:
    """Confirm, journal and send one status flag change; an exit code."""
    from tui.journal.dispatch import settlement_for

    previous = current.get(flag)
    request = status_request(profile, user_id, flag, value, previous)
    lines = request.summary()
    width = max(len(k) for k, _ in lines)
    click.echo("\n".join(f"  {k.ljust(width)}  {v}" for k, v in lines), err=True)
    if previous == value:
        click.echo(f"coinsole: {flag} is already {value}; nothing to change", err=True)
        return EXIT_OK
    if not yes and not click.confirm("change it?", default=False, err=True):
        click.echo("coinsole: cancelled; nothing was sent", err=True)
        return EXIT_DECLINED
    adapter = mover.session.adapter(profile)
    entry = mover.record(request, settlement_for(adapter, request))
    entry = mover.approve(entry, by=route_through_approvals(request))
    entry = await mover.submit(entry)
    state = entry.state.value
    click.echo(f"journal entry {entry.id}: {state} — {request.destination}", err=True)
    if state in ("ACCEPTED", "RECONCILED"):
        return EXIT_OK
    if state == "REJECTED":
        return EXIT_REJECTED
    return EXIT_UNKNOWN
