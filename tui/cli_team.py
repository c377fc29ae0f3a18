"""``coinsole team``: point the approvals store at the team's PostgreSQL server, and check it.

``team connect URL`` connects (applying the schema migrations), then saves the URL in the
config directory; ``team status`` says which store is in use and whether it answers;
``team disconnect`` goes back to the local SQLite store. Passwords never go in the URL
(``~/.pgpass`` or ``PGPASSWORD``), and no URL is printed with one.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import click

from tui.approvals import store_factory
from tui.core.errors import CoinsoleError

__all__ = ["team", "register", "EXIT_UNREACHABLE"]

EXIT_UNREACHABLE = 1
#: How long these one-shot commands keep reconnecting before saying "unreachable" (seconds).
RETRY_FOR = 1.5  # float-ok: seconds


def _fail(message: str, code: int) -> None:
    click.echo(f"coinsole: {message}", err=True)
    sys.exit(code)


@click.group()
def team() -> None:
    """The approvals store shared by a team (PostgreSQL), or the local one (SQLite)."""


@team.command("connect")
@click.argument("url", metavar="postgresql://USER@HOST:PORT/DATABASE")
def team_connect(url: str) -> None:
    """Connect to the team's PostgreSQL store (creating or upgrading its tables), then use
    it for every approvals command. Put the password in ~/.pgpass or PGPASSWORD."""
    url = store_factory.check_url(url)
    from tui.approvals.store_postgres import PostgresStore, StoreUnreachable

    try:
        store = PostgresStore(url, retry_for=RETRY_FOR)
    except StoreUnreachable as exc:
        _fail(f"{exc}; nothing saved", EXIT_UNREACHABLE)
    try:
        version = store.schema_version()
    finally:
        store.close()
    path = store_factory.save_url(url)
    click.echo(f"team store: {store_factory.describe(url)} (schema version {version}); "
               f"saved in {path}")
    if store_factory.resolve().source == "env":
        click.echo(f"note: {store_factory.STORE_ENV} is set and wins over the saved URL")


@team.command("disconnect")
def team_disconnect() -> None:
    """Forget the saved team store URL: approvals use the local SQLite store again."""
    if store_factory.forget_url():
        click.echo("team store forgotten; approvals use the local store")
    else:
        click.echo("no team store saved; approvals use the local store")


@team.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def team_status(as_json: bool) -> None:
    """Which approvals store is in use, whether it answers, and its requests by state.
    Exits 1 when the team store is unreachable."""
    where = store_factory.resolve()
    info: dict = {"store": store_factory.describe(where.target), "source": where.source,
                  "kind": "postgresql" if where.postgres else "sqlite"}
    try:
        store = store_factory.open_store(where.target, retry_for=RETRY_FOR)
    except CoinsoleError as exc:
        info.update(reachable=False, error=str(exc))
    else:
        try:
            info["reachable"] = True
            if hasattr(store, "schema_version"):
                info["schema_version"] = store.schema_version()
            info["requests"] = dict(sorted(Counter(r.state for r in store.list()).items()))
        except CoinsoleError as exc:
            info.update(reachable=False, error=str(exc))
        finally:
            store.close()
    if as_json:
        click.echo(json.dumps(info, sort_keys=True))
    else:
        click.echo(f"store: {info['store']} ({info['kind']}, from {info['source']})")
        if info["reachable"]:
            counts = ", ".join(f"{n} {s}" for s, n in info["requests"].items()) or "no requests"
            version = f"schema version {info['schema_version']}; " if "schema_version" in info else ""
            click.echo(f"reachable; {version}{counts}")
        else:
            click.echo(info["error"])
    if not info["reachable"]:
        sys.exit(EXIT_UNREACHABLE)


def register(main_group: click.Group) -> None:
    """Add ``team`` to the ``coinsole`` group."""
    if team.name not in main_group.commands:
        main_group.add_command(team)
