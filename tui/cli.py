"""The command line: the TUI by default, and headless subcommands.

``coinsole`` opens the TUI on the configured profiles; ``coinsole --demo`` opens it on the
in-process sandbox. ``balances``, ``profile`` and ``sandbox serve`` work without a screen.
Heavy imports (Textual, the sandbox) happen inside the commands that need them.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence

import click

from tui.config import Profile, ProfileStore
from tui.core.errors import CoinsoleError
from tui.core.models import VENUE_IDS

__all__ = ["main"]

EXIT_PROFILE_FAILED = 1
EXIT_USAGE = 2


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"coinsole: {message}", err=True)
    sys.exit(code)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--demo", is_flag=True, help="Run against the built-in sandbox: no network, no keys.")
@click.version_option(package_name="coinsole", prog_name="coinsole")
@click.pass_context
def main(ctx: click.Context, demo: bool) -> None:
    """coinsole: every balance on every venue, in one keyboard-driven console.

    Without a command, opens the TUI on your profiles (or the welcome screen when there are
    none). Press ? inside for help.
    """
    if ctx.invoked_subcommand is not None:
        return
    from tui.app import CoinsoleApp

    if demo:
        from tui.demo import demo_session

        app = CoinsoleApp(demo_session(), demo=True)
    else:
        profiles = _load_profiles()
        app = CoinsoleApp(_session(profiles) if profiles else None)
    app.run()


def _load_profiles() -> list[Profile]:
    try:
        return ProfileStore().load()
    except CoinsoleError as exc:
        _fail(str(exc))
        raise AssertionError("unreachable")


def _session(profiles: Sequence[Profile]):
    from tui.session import Session

    return Session(profiles)


# -- balances ---------------------------------------------------------------------------


@main.command()
@click.option("--profile", "names", multiple=True, metavar="NAME",
              help="Only this profile (repeatable). Default: every profile.")
@click.option("--demo", is_flag=True, help="Use the built-in sandbox's demo profiles.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array; amounts are strings with every digit the venue sent.")
def balances(names: tuple[str, ...], demo: bool, as_json: bool) -> None:
    """Print balances across profiles without opening the TUI.

    A profile that fails is reported on stderr, the others are still printed, and the exit
    code is 1.
    """
    if demo:
        from tui.demo import demo_session

        session = demo_session()
    else:
        profiles = _load_profiles()
        if not profiles:
            _fail("no profiles configured; add one with `coinsole profile add` or try --demo")
        session = _session(profiles)
    known = {p.name for p in session.profiles}
    unknown = [n for n in names if n not in known]
    if unknown:
        _fail(f"no profile named {unknown[0]!r}; known: {', '.join(sorted(known))}")
    results = asyncio.run(_load(session, list(names) or None))
    rows = [b for r in results for b in r.balances]
    if as_json:
        click.echo(json.dumps([b.as_record() for b in rows], indent=2, ensure_ascii=False))
    else:
        click.echo(_balance_table(rows))
    failed = [r for r in results if not r.ok]
    for result in failed:
        click.echo(f"coinsole: {result.profile.name}: {result.error}", err=True)
    if failed:
        sys.exit(EXIT_PROFILE_FAILED)


async def _load(session, names):
    try:
        return await session.load_all(names)
    finally:
        await session.aclose()


def _balance_table(rows) -> str:
    from tui.core.money import format_amount

    if not rows:
        return "no balances"
    header = ("PROFILE", "VENUE", "ACCOUNT", "COIN", "AVAILABLE", "FROZEN", "TOTAL")
    lines = [
        (b.profile, b.venue, b.account.label, b.coin,
         format_amount(b.available), format_amount(b.frozen), format_amount(b.total))
        for b in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]

    def render(cells: Sequence[str]) -> str:
        left = [c.ljust(w) for c, w in zip(cells[:4], widths[:4])]
        right = [c.rjust(w) for c, w in zip(cells[4:], widths[4:])]
        return "  ".join(left + right).rstrip()

    return "\n".join([render(header), *(render(line) for line in lines)])


# -- profiles ---------------------------------------------------------------------------


@main.group()
def profile() -> None:
    """Add, list and remove venue profiles (non-secret settings only)."""


@profile.command("add")
@click.argument("name")
@click.option("--venue", required=True, type=click.Choice(VENUE_IDS), help="Which venue API.")
@click.option("--base-url", required=True, metavar="URL", help="The venue's API base URL.")
@click.option("--user-id", metavar="ID", help="The user id an org/broker API acts for.")
def profile_add(name: str, venue: str, base_url: str, user_id: str | None) -> None:
    """Add profile NAME. Credentials come from COINSOLE_<NAME>_API_KEY/_API_SECRET."""
    from pydantic import ValidationError

    from tui.credentials import env_var_names

    try:
        new = Profile(name=name, venue=venue, base_url=base_url, user_id=user_id)
    except ValidationError as exc:
        _fail(exc.errors()[0]["msg"].removeprefix("Value error, "))
    try:
        ProfileStore().add(new)
    except CoinsoleError as exc:
        _fail(str(exc))
    key_var, secret_var = env_var_names(name)
    click.echo(f"added profile {name} ({venue} at {new.base_url})")
    click.echo(f"set {key_var} and {secret_var} to its API key and secret")


@profile.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def profile_list(as_json: bool) -> None:
    """List the configured profiles."""
    profiles = _load_profiles()
    if as_json:
        click.echo(json.dumps([p.model_dump() for p in profiles], indent=2))
        return
    if not profiles:
        click.echo("no profiles; add one with `coinsole profile add NAME --venue V --base-url URL`")
        return
    for p in profiles:
        user = f"  user {p.user_id}" if p.user_id else ""
        click.echo(f"{p.name}  {p.venue}  {p.base_url}{user}")


@profile.command("remove")
@click.argument("name")
def profile_remove(name: str) -> None:
    """Remove profile NAME."""
    try:
        removed = ProfileStore().remove(name)
    except CoinsoleError as exc:
        _fail(str(exc))
    click.echo(f"removed profile {removed.name}")


# -- sandbox ----------------------------------------------------------------------------


@main.group()
def sandbox() -> None:
    """The simulated venues coinsole ships for demos and tests."""


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback).")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port; 0 picks a free one.")
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(0, 60_000),
              help="Latency added to every reply.")
@click.option("--error-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Share of requests answered with a server error.")
@click.option("--rate-429", "rate_429", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Share of requests answered with HTTP 429.")
def sandbox_serve(host: str, port: int, latency_ms: int, error_rate, rate_429) -> None:
    """Serve all five venues on HOST:PORT and print each one's base URL and demo keys."""
    from tui.sandbox.server import describe, serve

    def ready(base_url: str) -> None:
        click.echo(describe(base_url))
        click.echo("press ctrl+c to stop")

    serve(host, port, latency_ms=latency_ms, error_rate=error_rate, rate_429=rate_429,
          on_ready=ready)
