"""What the BHEX org command modules share (``coinsole payments``, ``settings`` and
``finance``): a usage failure as one line, the ``--profile``/``--demo`` and
``--yes``/``--json`` options, the refusal of another venue's profile, and running a
command's coroutine against a BHEX profile with venue errors turned into one line and an
exit code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import click

from tui.core.errors import InvalidRequest, VenueError

__all__ = ["EXIT_OK", "EXIT_USAGE", "EXIT_VENUE", "fail", "profile_options",
           "write_options", "bhex_context", "run_bhex", "run_in"]

EXIT_OK, EXIT_USAGE, EXIT_VENUE = 0, 2, 3
_DEMO_HELP = "Use the built-in sandbox's demo profiles (a fresh sandbox for this command)."


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print ``coinsole: message`` on stderr and exit with ``code``."""
    click.echo(f"coinsole: {message}", err=True)
    raise SystemExit(code)


def profile_options(func):
    """``--profile`` (a BHEX profile) and ``--demo``."""
    func = click.option("--demo", is_flag=True, help=_DEMO_HELP)(func)
    return click.option("--profile", required=True, metavar="P",
                        help="The BHEX profile (with --demo: a demo profile).")(func)


def write_options(json_help: str):
    """A decorator adding ``--yes`` and ``--json`` (``json_help`` says what it prints)."""

    def add(func):
        func = click.option("--json", "as_json", is_flag=True, help=json_help)(func)
        return click.option("--yes", is_flag=True, help="Skip the confirmation prompt.")(func)

    return add


def bhex_context(demo: bool, profile: str, needs: str) -> Any:
    """The command context (session, journal) for the BHEX ``profile``; another venue's
    profile is refused (exit 2), ``needs`` naming what needs BHEX's Org API."""
    from tui.cli_moves import _Context

    ctx = _Context(demo, profile)
    if ctx.session.profile(profile).venue != "bhex":
        fail(f"profile {profile!r} is not a BHEX profile; {needs} need BHEX's Org API")
    return ctx


def run_bhex(profile: str, demo: bool, work: Callable[[Any, Any], Awaitable[int]],
             needs: str) -> None:
    """Run ``work(ctx, adapter)`` for the BHEX ``profile`` (see :func:`bhex_context`). A
    refused request or a venue error is one line and exit 2 or 3; a non-zero code from
    ``work`` is the exit."""
    run_in(bhex_context(demo, profile, needs), profile, work)


def run_in(ctx: Any, profile: str, work: Callable[[Any, Any], Awaitable[int]], *,
           missing: int = EXIT_USAGE) -> None:
    """Run ``work(ctx, adapter)`` in the command context ``ctx`` with ``profile``'s adapter.
    A refused request is one line and exit 2 (``missing`` when it names something that
    does not exist: "no such ..."), a venue error one line and exit 3; a non-zero code
    from ``work`` is the exit."""
    async def main(context: Any) -> int:
        try:
            return await work(context, context.session.adapter(profile))
        except InvalidRequest as exc:
            click.echo(f"coinsole: {exc}", err=True)
            return EXIT_USAGE if "no such" not in str(exc) else missing
        except VenueError as exc:
            click.echo(f"coinsole: {exc}", err=True)
            return EXIT_VENUE

    code = ctx.run(main)
    if code:
        raise SystemExit(code)
