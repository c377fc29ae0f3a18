"""The command line: the TUI by default, and headless subcommands.

``coinsole`` opens the TUI on the configured profiles; ``coinsole --demo`` opens it on the
in-process sandbox. ``balances``, ``profile``, ``vault`` and ``sandbox serve`` work without a
screen. Heavy imports (Textual, the sandbox) happen inside the commands that need them.

Passphrases are typed at a prompt without echo, or come from environment variables for
scripts: ``COINSOLE_PASSPHRASE`` (the vault's, or a backup's for ``vault import``) and
``COINSOLE_NEW_PASSPHRASE`` (the new one for ``vault init`` and ``vault passwd``).
``COINSOLE_VAULT_KDF=test`` is TEST-ONLY: ``vault init`` then uses the cheapest Argon2id
costs, which offer no protection against guessing; it exists so the test suite stays fast.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tui.startup import collector_paused, settle

with collector_paused():  # see tui.startup: imports make objects, not garbage
    import click

    from tui.config import Profile, ProfileStore
    from tui.core.errors import CoinsoleError
    from tui.core.models import VENUE_IDS

__all__ = ["main"]

EXIT_PROFILE_FAILED = 1
EXIT_USAGE = 2

#: The vault's passphrase (or a backup's, for ``vault import``), for scripts.
PASSPHRASE_ENV = "COINSOLE_PASSPHRASE"
#: The new passphrase for ``vault init`` and ``vault passwd``, for scripts.
NEW_PASSPHRASE_ENV = "COINSOLE_NEW_PASSPHRASE"
#: TEST-ONLY: ``test`` makes ``vault init`` use the cheapest Argon2id costs.
KDF_ENV = "COINSOLE_VAULT_KDF"


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"coinsole: {message}", err=True)
    sys.exit(code)


class CoinsoleGroup(click.Group):
    """The ``coinsole`` command group. The money and history commands live in modules of
    their own (:mod:`tui.cli_moves`, :mod:`tui.cli_history`), loaded the first time one
    of their commands is named or listed, so opening the TUI never imports them."""

    LAZY_COMMANDS: dict[str, str] = {
        **dict.fromkeys(("transfer", "send", "withdraw", "journal"), "tui.cli_moves"),
        **dict.fromkeys(("orders", "positions", "deposit-address", "history", "sub-accounts"),
                        "tui.cli_history"),
        **dict.fromkeys(("operator", "policy", "approvals", "audit"), "tui.cli_approvals"),
        "team": "tui.cli_team",
        "stats": "tui.cli_stats",
        "finance": "tui.cli_finance",
        **dict.fromkeys(("users", "otc"), "tui.cli_users"),
        "payments": "tui.cli_payments",
        "settings": "tui.cli_settings",
    }
    """Command name -> the module whose ``register(group)`` adds it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, the lazily loaded ones included, sorted."""
        return sorted({*super().list_commands(ctx), *self.LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name``, loading its module first when needed."""
        module = self.LAZY_COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            import importlib

            importlib.import_module(module).register(self)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        """Run the command; a :class:`CoinsoleError` (a damaged or unusable local file, a
        bad setting) or a failed file operation that no command handled itself ends it
        here, once for every command, with one line on stderr and exit code 2 instead of
        a traceback. Those messages name files and say what to do; none carries a
        secret."""
        try:
            return super().invoke(ctx)
        except CoinsoleError as exc:
            _fail(str(exc))
        except OSError as exc:
            import errno

            if exc.errno == errno.EPIPE:  # click reports a closed pipe itself
                raise
            from tui.paths import describe_os_error

            _fail(describe_os_error(exc))


@click.group(cls=CoinsoleGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--demo", is_flag=True, help="Run against the built-in sandbox: no network, no keys.")
@click.option("--lock-after", "lock_after", default=10, show_default=True, metavar="MINUTES",
              type=click.IntRange(0, 24 * 60),
              help="Lock the vault after this many idle minutes in the TUI (0: never).")
@click.option("--as", "as_name", metavar="NAME",
              help="With --demo: act as this demo approvals operator (you, maria, tom).")
@click.option("--refresh", "refresh", default=None, metavar="SECONDS",
              type=click.IntRange(5, 24 * 3600),
              help="Reload the balances every SECONDS (at least 5); A toggles it in the TUI.")
@click.option("--time", "time_zone", type=click.Choice(("utc", "local")), default=None,
              help="Show times in the TUI in UTC or local time (default: time_zone in "
                   "settings.toml, else utc). Exports and the CLI stay in UTC.")
@click.option("--org-users", "org_users", default=None, metavar="N",
              type=click.IntRange(1, 10**7),
              help="With --demo: the demo ChainUp org has N generated users, 4 account rows "
                   "each (250000: a million rows in Org holdings, key 0).")
@click.version_option(package_name="coinsole", prog_name="coinsole")
@click.pass_context
def main(ctx: click.Context, demo: bool, lock_after: int, as_name: str | None = None,
         refresh: int | None = None, time_zone: str | None = None,
         org_users: int | None = None) -> None:
    """coinsole: every balance on every venue, in one keyboard-driven console.

    Without a command, opens the TUI on your profiles (or the welcome screen when there are
    none). Press ? inside for help.
    """
    if as_name is not None:
        from tui.approvals.demo import DEMO_OPERATORS
        from tui.approvals.identity import OPERATOR_ENV

        if not demo or as_name not in DEMO_OPERATORS:
            _fail(f"--as works with --demo and one of {', '.join(DEMO_OPERATORS)}")
        os.environ[OPERATOR_ENV] = as_name
    if org_users is not None and not demo:
        _fail("--org-users works with --demo (it sizes the demo's ChainUp org)")
    if ctx.invoked_subcommand is not None:
        return
    _apply_time_zone(time_zone)
    with collector_paused():
        app = _build_app(demo, lock_after, org_users)
        app.auto_refresh_seconds = refresh  # read by the balances screen
        settle()
    app.run()
    if app.return_code:  # the app died on an error: say so in the exit code, not 0
        sys.exit(app.return_code)


def _apply_time_zone(flag: str | None) -> None:
    """Show the TUI's times in the zone ``--time`` names, else the saved one."""
    from tui.core.times import set_display_zone
    from tui.ui_settings import load_ui_settings

    set_display_zone(flag or load_ui_settings().time_zone)


def _build_app(demo: bool, lock_after: int, org_users: int | None = None):
    """The TUI app: on the demo sandbox (its ChainUp org ``org_users`` generated users when
    given), or on the configured profiles and the vault."""
    from tui.app import CoinsoleApp

    if demo:
        from tui.demo import demo_session

        app = CoinsoleApp(demo_session(org_users=org_users), demo=True)
        app.demo_approvals = True  # the demo's approvals queue, alive on first start
        return app
    from tui.vault import Vault

    # The app does the idle locking (it sees key presses); the vault's own timer is off.
    vault = Vault(idle_timeout=None)
    profiles = _load_profiles()
    return CoinsoleApp(_session(profiles, vault) if profiles else None, vault=vault,
                       idle_lock_minutes=lock_after or None)


def _check_home() -> None:
    """Fail (exit 2) at once when a file stands where coinsole's directories belong
    (``COINSOLE_HOME`` set to a file), before asking for anything."""
    from tui.paths import app_paths

    blocked = app_paths().blocked()
    if blocked is not None:
        _fail(f"{blocked} is a file, but coinsole keeps its files in a directory there; "
              "move the file away or point COINSOLE_HOME at a directory")


def _load_profiles() -> list[Profile]:
    try:
        return ProfileStore().load()
    except CoinsoleError as exc:
        _fail(str(exc))
        raise AssertionError("unreachable")


def _session(profiles: Sequence[Profile], vault=None):
    """The TUI's session: credentials through the resolver over ``vault`` (the default
    vault when None). The vault is unlocked here only for scripts (``COINSOLE_PASSPHRASE``);
    otherwise profiles whose credentials are in the vault report that it is locked."""
    from tui.credentials import CredentialResolver
    from tui.session import Session

    resolver = CredentialResolver(vault)
    if os.environ.get(PASSPHRASE_ENV) and resolver.needs_unlock(p.name for p in profiles):
        _unlock(resolver)
    return Session(profiles, credentials=resolver)


# -- passphrases and the vault ----------------------------------------------------------


def _prompt(text: str, *, confirm: bool = False) -> str:
    """Ask for a secret without echo; an aborted or empty prompt is a usage error."""
    try:
        if sys.stdin.isatty():
            value = click.prompt(text, hide_input=True, confirmation_prompt=confirm,
                                 err=True, default="", show_default=False)
        else:
            value = _piped_secret(text, confirm=confirm)
    except click.Abort:
        _fail(f"no passphrase given: type it at the prompt, or set {PASSPHRASE_ENV}")
    if not value:
        _fail("an empty passphrase is not accepted")
    return value


def _secret_line(text: str) -> str:
    """One secret: typed without echo on a terminal, else read from the pipe (no
    GetPassWarning); an aborted prompt raises click.Abort."""
    if sys.stdin.isatty():
        return click.prompt(text, hide_input=True, err=True, default="", show_default=False)
    return _piped_secret(text, confirm=False)


def _piped_secret(text: str, *, confirm: bool) -> str:
    """A secret read from piped standard input (no terminal: no echo to hide, and getpass
    would only print its GetPassWarning); ``confirm`` reads it twice and compares."""
    def read(label: str) -> str:
        click.echo(f"{label}: ", err=True, nl=False)
        line = sys.stdin.readline()
        if not line:
            raise click.Abort()
        click.echo("", err=True)
        return line.rstrip("\r\n")

    value = read(text)
    if confirm and value and read("Repeat for confirmation") != value:
        _fail("the two entries do not match; nothing was changed")
    return value


def _passphrase(text: str = "Vault passphrase") -> str:
    """The passphrase of an existing vault or backup: ``COINSOLE_PASSPHRASE``, else a
    prompt without echo."""
    return os.environ.get(PASSPHRASE_ENV) or _prompt(text)


def _new_passphrase(text: str = "New vault passphrase", *, allow_current: bool = False) -> str:
    """A new passphrase: ``COINSOLE_NEW_PASSPHRASE`` (with ``allow_current``, as for
    ``vault init``, also ``COINSOLE_PASSPHRASE``), else typed twice without echo."""
    from tui.passphrase_rules import passphrase_problem, strength_word

    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if not value and allow_current:
        value = os.environ.get(PASSPHRASE_ENV)
    value = value or _prompt(text, confirm=True)
    problem = passphrase_problem(value)
    if problem:
        _fail(problem + "; nothing was changed")
    click.echo(f"passphrase strength: {strength_word(value)}", err=True)
    return value


def _new_vault_kdf():
    """Argon2id costs for a new vault: the defaults, or the TEST-ONLY cheap ones when
    ``COINSOLE_VAULT_KDF=test``."""
    from tui.vault import DEFAULT_KDF, TEST_KDF

    choice = os.environ.get(KDF_ENV)
    if not choice:
        return DEFAULT_KDF
    if choice == "test":
        click.echo(f"coinsole: warning: {KDF_ENV}=test uses test-only Argon2id costs that "
                   "do not slow guessing; never use it for real credentials", err=True)
        return TEST_KDF
    _fail(f"{KDF_ENV} accepts only 'test' (test suites only); unset it for real vaults")


def _vault_failure(exc: Exception) -> None:
    """Report a vault error (its text never carries anything secret) and exit 2."""
    _fail(str(exc))


def _unlock(resolver) -> None:
    """Unlock the resolver's vault with the passphrase from the environment or a prompt;
    a wrong passphrase or a damaged file ends the command with exit code 2."""
    from tui.vault import VaultError

    delay = resolver.vault.unlock_delay()
    passphrase = _passphrase()
    if delay > 0:
        click.echo(f"coinsole: waiting {delay:.1f} s after earlier failed attempts", err=True)
    try:
        resolver.unlock(passphrase)
    except VaultError as exc:
        _vault_failure(exc)


def _create_vault():
    """Create the vault (refusing if one exists) and return a resolver on it, unlocked."""
    from tui.credentials import CredentialResolver
    from tui.vault import Vault, VaultError, default_vault_path

    path = default_vault_path()
    if path.exists():
        _fail(f"a vault already exists at {path}; see `coinsole vault status`")
    _check_home()
    kdf = _new_vault_kdf()
    passphrase = _new_passphrase(allow_current=True)
    try:
        vault = Vault.init(path, passphrase, kdf=kdf)
    except (VaultError, ValueError) as exc:
        _vault_failure(exc)
    resolver = CredentialResolver(vault)
    resolver.sync_index()
    click.echo(f"created the vault at {vault.path} ({kdf.describe()})")
    return resolver


def _read_credentials(from_stdin: bool):
    """The API key and secret: two lines of standard input, or two prompts without
    echo. Wrapped in SecretStr at once; never echoed."""
    from tui.venues.base import Credentials

    if from_stdin:
        stream = sys.stdin
        key, secret = stream.readline().strip(), stream.readline().strip()
        if not key or not secret:
            _fail("--credentials-stdin expects two lines on standard input: the API key, "
                  "then the secret")
    else:
        try:
            key = _secret_line("API key").strip()
            secret = _secret_line("API secret").strip()
        except click.Abort:
            _fail("no credentials given: type them at the prompts, or pipe them in with "
                  "--credentials-stdin")
        if not key or not secret:
            _fail("the API key and the secret must not be empty")
    return Credentials(api_key=key, secret=secret)


# -- balances ---------------------------------------------------------------------------


BALANCES_BOUND = 90.0  # float-ok: seconds
"""How long ``coinsole balances`` waits for any one profile by default."""


@main.command()
@click.option("--profile", "names", multiple=True, metavar="NAME",
              help="Only this profile (repeatable). Default: every profile.")
@click.option("--demo", is_flag=True, help="Use the built-in sandbox's demo profiles.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array; amounts are strings with every digit the venue sent.")
@click.option("--timeout", "bound", type=click.FloatRange(min=0.1, max=3600),
              default=BALANCES_BOUND, show_default=True, metavar="SECONDS",
              help="Give up on a profile that has not answered within this many seconds.")
@click.option("--user-id", metavar="UID",
              help="BHEX: read the BHEX profiles for this org user instead of their own.")
def balances(names: tuple[str, ...], demo: bool, as_json: bool,
             bound: float = BALANCES_BOUND, user_id: str | None = None) -> None:  # float-ok: seconds
    """Print balances across profiles without opening the TUI.

    A profile that fails (refused, unreachable, too slow, or a reply coinsole cannot
    read) is reported on stderr, the others are still printed, and the exit code is 1.
    """
    if demo:
        from tui.demo import demo_session

        session = demo_session()
        known = {p.name for p in session.profiles}
        _check_names(names, known)
    else:
        from tui.credentials import CredentialResolver
        from tui.session import Session

        profiles = _load_profiles()
        if not profiles:
            _fail("no profiles configured; add one with `coinsole profile add` or try --demo")
        _check_names(names, {p.name for p in profiles})
        resolver = CredentialResolver()
        if resolver.needs_unlock(list(names) or [p.name for p in profiles]):
            _unlock(resolver)
        session = Session(profiles, credentials=resolver)
    if user_id is not None:
        from tui.cli_history import act_for_profiles

        act_for_profiles(session, list(names) or [p.name for p in session.profiles], user_id)
    try:
        results = asyncio.run(_load(session, list(names) or None, bound))
    finally:
        if not demo:
            resolver.vault.lock()
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


def _check_names(names: Sequence[str], known: set[str]) -> None:
    """Fail (exit 2) on the first of ``names`` that is not a known profile."""
    unknown = [n for n in names if n not in known]
    if unknown:
        _fail(f"no profile named {unknown[0]!r}; known: {', '.join(sorted(known))}")


async def _load(session, names, bound=None):
    try:
        return await session.load_all(names, bound=bound)
    finally:
        await session.aclose()


def _balance_table(rows) -> str:
    from tui.core.amounts import table_amount

    if not rows:
        return "no balances"
    header = ("PROFILE", "VENUE", "ACCOUNT", "COIN", "AVAILABLE", "FROZEN", "TOTAL")
    lines = [
        (b.profile, b.venue, b.account.label, b.coin,
         table_amount(b.available, b.coin), table_amount(b.frozen, b.coin),
         table_amount(b.total, b.coin))
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
    """Add, list and remove venue profiles.

    A profile's settings (venue, base URL, user id) go in profiles.toml; its API key and
    secret go in the encrypted vault (`coinsole vault init` creates it). A profile with no
    vault entry reads COINSOLE_<NAME>_API_KEY and COINSOLE_<NAME>_API_SECRET instead.
    """


from tui.cli_profiles import register_profile_commands  # noqa: E402 - after the group

register_profile_commands(profile)


@profile.command("add")
@click.argument("name")
@click.option("--venue", required=True, type=click.Choice(VENUE_IDS), help="Which venue API.")
@click.option("--base-url", required=True, metavar="URL", help="The venue's API base URL.")
@click.option("--user-id", metavar="ID", help="The user id an org/broker API acts for.")
@click.option("--credentials-stdin", is_flag=True,
              help="Read the API key, then the secret, one per line, from standard input.")
@click.option("--no-credentials", is_flag=True,
              help="Add the settings only: credentials then come from a vault entry already "
                   "there, or from COINSOLE_<NAME>_API_KEY/_API_SECRET.")
def profile_add(name: str, venue: str, base_url: str, user_id: str | None,
                credentials_stdin: bool, no_credentials: bool) -> None:
    """Add profile NAME and store its API key and secret in the vault.

    The key and secret are prompted for without echo, or read from standard input with
    --credentials-stdin. The vault passphrase is prompted for, or read from
    COINSOLE_PASSPHRASE.
    """
    from pydantic import ValidationError

    from tui.credentials import env_var_names

    if credentials_stdin and no_credentials:
        _fail("--credentials-stdin and --no-credentials contradict each other; pick one")
    if venue == "bhex" and not (user_id or "").strip():
        _fail("a BHEX profile needs --user-id: the org API acts for that user (nothing was "
              "added)")
    try:
        new = Profile(name=name, venue=venue, base_url=base_url, user_id=user_id)
    except ValidationError as exc:
        _fail(exc.errors()[0]["msg"].removeprefix("Value error, "))
    store = ProfileStore()
    if any(p.name == name for p in _load_profiles()):
        _fail(f"a profile named {name!r} exists already; remove it first or pick another "
              "name (`coinsole profile set-credentials` replaces only its credentials)")
    key_var, secret_var = env_var_names(name)
    if no_credentials:
        _add_profile(store, new)
        click.echo(f"added profile {name} ({venue} at {new.base_url}) without credentials")
        click.echo(f"it uses its vault entry if the vault holds one, else set {key_var} and "
                   f"{secret_var} to its API key and secret")
        return
    resolver = _vault_for_credentials(credentials_stdin)
    try:
        credentials = _read_credentials(credentials_stdin)
        # profiles.toml first (atomic), then the vault; a vault failure puts profiles.toml
        # back, so the two files change together or not at all.
        before = store.snapshot()
        _add_profile(store, new)
        _store_credentials(resolver, name, credentials, undo=lambda: store.restore(before))
    finally:
        resolver.vault.lock()
    click.echo(f"added profile {name} ({venue} at {new.base_url}); its API key and secret "
               f"are in the vault at {resolver.vault.path}")


@profile.command("set-credentials")
@click.argument("name")
@click.option("--credentials-stdin", is_flag=True,
              help="Read the API key, then the secret, one per line, from standard input.")
def profile_set_credentials(name: str, credentials_stdin: bool) -> None:
    """Store (or replace) profile NAME's API key and secret in the vault.

    From then on the vault entry is used and COINSOLE_<NAME>_API_KEY/_API_SECRET are
    ignored for NAME.
    """
    if not any(p.name == name for p in _load_profiles()):
        _fail(f"no profile named {name!r}; add it with `coinsole profile add {name} --venue V "
              "--base-url URL`")
    resolver = _vault_for_credentials(credentials_stdin)
    credentials = _read_credentials(credentials_stdin)
    try:
        replaced = _store_credentials(resolver, name, credentials)
    finally:
        resolver.vault.lock()
    verb = "replaced" if replaced else "stored"
    click.echo(f"{verb} the API key and secret of profile {name} in the vault at "
               f"{resolver.vault.path}")


def _add_profile(store: ProfileStore, new: Profile) -> None:
    try:
        store.add(new)
    except CoinsoleError as exc:
        _fail(str(exc))


def _vault_for_credentials(from_stdin: bool):
    """A resolver on the vault, unlocked, ready to store credentials. Without a vault:
    on a terminal, offer to create one; otherwise say how."""
    from tui.credentials import CredentialResolver

    resolver = CredentialResolver()
    if not resolver.vault.exists:
        if not from_stdin and sys.stdin.isatty() and click.confirm(
                "There is no vault yet to keep the credentials in. Create one now?",
                default=True, err=True):
            return _create_vault()
        _fail(f"there is no vault at {resolver.vault.path} to keep the credentials in: create "
              "one with `coinsole vault init` (or add the profile with --no-credentials and "
              "use the environment variables)")
    _unlock(resolver)
    return resolver


def _store_credentials(resolver, name: str, credentials, *, undo=None) -> bool:
    """Store ``name``'s credentials; on failure run ``undo`` (putting profiles.toml back)
    and end the command with exit code 2."""
    from tui.vault import VaultError

    try:
        return resolver.store(name, credentials)
    except (VaultError, ValueError, OSError) as exc:
        _undo_and_fail(exc, undo, "the vault entry could not be written")
        raise AssertionError("unreachable")


def _undo_and_fail(exc: Exception, undo, what: str) -> None:
    """Report ``exc`` (a vault failure) after running ``undo``; when the undo fails too,
    say exactly which file was left changed."""
    from tui.paths import describe_os_error

    message = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
    if undo is not None:
        try:
            undo()
        except CoinsoleError as second:
            _fail(f"{message}; {what}, and putting profiles.toml back failed too: {second}")
        message += "; profiles.toml was left as it was"
    _fail(message)


@profile.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def profile_list(as_json: bool) -> None:
    """List the configured profiles and where each one's credentials come from.

    vault: the vault holds them; env: the COINSOLE_<NAME>_API_KEY/_API_SECRET variables;
    missing: neither; unknown: the vault changed since coinsole last opened it (any command
    that unlocks it tells). Nothing secret is shown, and no passphrase is needed.
    """
    from tui.credentials import CredentialResolver, CredentialSource

    profiles = _load_profiles()
    resolver = CredentialResolver()
    sources = {p.name: resolver.source(p.name) for p in profiles}
    if as_json:
        click.echo(json.dumps([{**p.model_dump(), "credentials": sources[p.name].value}
                               for p in profiles], indent=2))
        return
    if not profiles:
        click.echo("no profiles; add one with `coinsole profile add NAME --venue V --base-url URL`")
        return
    rows = [(p.name, p.venue, p.base_url, f"user {p.user_id}" if p.user_id else "",
             f"credentials: {sources[p.name].value}") for p in profiles]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    if CredentialSource.UNKNOWN in sources.values():
        click.echo("unknown: the vault changed since coinsole last opened it; a command that "
                   "unlocks it (such as `coinsole balances`) tells")


@profile.command("remove")
@click.argument("name")
def profile_remove(name: str) -> None:
    """Remove profile NAME and its vault entry (asking for the passphrase only when the
    vault holds one)."""
    from tui.credentials import CredentialResolver

    store = ProfileStore()
    configured = any(p.name == name for p in _load_profiles())
    resolver = CredentialResolver()
    known = resolver.vault_profiles()
    in_vault = known is None or name in known
    if not configured and not in_vault:
        _fail(f"no profile named {name!r}; see `coinsole profile list`")
    if in_vault:
        _unlock(resolver)  # before anything changes: a wrong passphrase changes nothing
    try:
        # profiles.toml first (atomic), then the vault entry; a vault failure puts
        # profiles.toml back, so the credentials are never lost with the settings kept
        # or dropped alone.
        before = store.snapshot() if configured else None
        if configured:
            store.remove(name)
        dropped = False
        if in_vault:
            undo = (lambda: store.restore(before)) if configured else None
            dropped = _forget_credentials(resolver, name, undo=undo)
    finally:
        resolver.vault.lock()
    if configured:
        click.echo(f"removed profile {name}" + (" and its vault entry" if dropped else ""))
    elif dropped:
        click.echo(f"removed the vault entry of {name} (it had no profile settings)")
    else:
        _fail(f"no profile named {name!r}; see `coinsole profile list`")


def _forget_credentials(resolver, name: str, *, undo=None) -> bool:
    from tui.vault import VaultError

    try:
        return resolver.forget(name)
    except (VaultError, OSError) as exc:
        _undo_and_fail(exc, undo, "the vault entry could not be removed")
        raise AssertionError("unreachable")


# -- vault ------------------------------------------------------------------------------


@main.group()
def vault() -> None:
    """The encrypted vault holding every profile's API key and secret.

    Argon2id stretches the passphrase; AES-256-GCM seals the file (vault.bin in the data
    directory). Passphrases are prompted for without echo, or read from
    COINSOLE_PASSPHRASE (and COINSOLE_NEW_PASSPHRASE for a new one) in scripts.
    """
    _check_home()


@vault.command("init")
def vault_init() -> None:
    """Create an empty vault, asking for its passphrase twice."""
    resolver = _create_vault()
    resolver.vault.lock()
    click.echo("add credentials with `coinsole profile add NAME --venue V --base-url URL` "
               "or `coinsole profile set-credentials NAME`")


@vault.command("passwd")
def vault_passwd() -> None:
    """Change the vault's passphrase (the file is re-encrypted atomically)."""
    from tui.credentials import CredentialResolver
    from tui.vault import VaultError

    resolver = CredentialResolver()
    if not resolver.vault.exists:
        _fail(f"no vault at {resolver.vault.path}; create one with `coinsole vault init`")
    known = resolver.vault_profiles()
    old = _passphrase("Current vault passphrase")
    new = _new_passphrase()
    try:
        resolver.vault.change_passphrase(old, new)
    except (VaultError, ValueError) as exc:
        _vault_failure(exc)
    finally:
        resolver.vault.lock()
    if known is not None:
        resolver.sync_index(known)
    click.echo(f"changed the passphrase of the vault at {resolver.vault.path}; backups made "
               "earlier still open with the old one")


@vault.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def vault_status(as_json: bool) -> None:
    """Show where the vault is and what state it is in, without a passphrase.

    Exit code 1 when the file is damaged.
    """
    from tui.credentials import CredentialResolver

    resolver = CredentialResolver()
    st = resolver.vault.status()
    known = resolver.vault_profiles() if st.exists and not st.problem else None
    record = {
        "path": str(st.path),
        "exists": st.exists,
        "state": "missing" if not st.exists else "damaged" if st.problem else "locked",
        "problem": st.problem,
        "format_version": st.format_version,
        "kdf": None if st.kdf is None else {
            "algorithm": "argon2id", "memory_cost_kib": st.kdf.memory_cost,
            "iterations": st.kdf.iterations, "lanes": st.kdf.lanes},
        "modified": st.modified.isoformat() if st.modified else None,
        "profiles": sorted(known) if known is not None else None,
        "failed_attempts": st.failed_attempts,
        "unlock_delay_seconds": round(st.unlock_delay, 1),
    }
    if as_json:
        click.echo(json.dumps(record, indent=2))
    else:
        click.echo(f"vault: {st.path}")
        if not st.exists:
            click.echo("state: missing; create one with `coinsole vault init` or restore a "
                       "backup with `coinsole vault import FILE`")
        elif st.problem:
            click.echo(f"state: damaged ({st.problem}); it is left as it is: restore a backup "
                       "with `coinsole vault import FILE --replace`")
        else:
            click.echo("state: locked")
            click.echo(f"format: version {st.format_version}, {st.kdf.describe()}")
            click.echo(f"modified: {record['modified']}")
            if known is None:
                click.echo("profiles: unknown until unlocked (changed since coinsole last "
                           "opened it)")
            else:
                click.echo(f"profiles: {len(known)}" +
                           (f" ({', '.join(sorted(known))})" if known else ""))
        if st.failed_attempts:
            click.echo(f"failed attempts: {st.failed_attempts} in a row; the next unlock "
                       f"waits up to {st.unlock_delay:.1f} s")
    if st.problem:
        sys.exit(EXIT_PROFILE_FAILED)


@vault.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def vault_export(file: str, force: bool) -> None:
    """Write an encrypted backup of the vault to FILE.

    The backup opens with the vault's current passphrase; keep it somewhere other than
    this disk.
    """
    from tui.credentials import CredentialResolver
    from tui.vault import VaultError, VaultExists

    resolver = CredentialResolver()
    if not resolver.vault.exists:
        _fail(f"no vault at {resolver.vault.path}; create one with `coinsole vault init`")
    _unlock(resolver)
    try:
        dest = resolver.vault.export_backup(file, overwrite=force)
    except VaultExists:
        _fail(f"{file} exists already; pass --force to replace it")
    except (VaultError, ValueError) as exc:
        _vault_failure(exc)
    finally:
        resolver.vault.lock()
    click.echo(f"wrote an encrypted backup to {dest}; it opens with the vault's passphrase")


@vault.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Replace an existing vault (its file is kept as vault.bin.replaced-<time>).")
def vault_import(file: str, replace: bool) -> None:
    """Restore the vault from the encrypted backup FILE (asks for the backup's
    passphrase, which becomes the vault's)."""
    from tui.credentials import CredentialResolver
    from tui.vault import Vault, VaultError, VaultExists, default_vault_path

    if not Path(file).is_file():
        _fail(f"no backup file at {file}: check the path (nothing was changed)")
    path = default_vault_path()
    if path.exists() and not replace:
        _fail(f"a vault already exists at {path}; pass --replace to replace it with the "
              "backup (the current file is kept next to it as vault.bin.replaced-<time>)")
    passphrase = _passphrase("Passphrase of the backup")
    try:
        restored = Vault.import_backup(file, passphrase, path=path, replace=replace)
    except VaultExists:
        _fail(f"a vault already exists at {path}; pass --replace to replace it")
    except (VaultError, ValueError) as exc:
        _vault_failure(exc)
    resolver = CredentialResolver(restored)
    resolver.sync_index()
    names = restored.profiles()
    restored.lock()
    click.echo(f"restored the vault at {path} from {file}: credentials for {len(names)} "
               f"profile(s)" + (" (the previous file was kept as vault.bin.replaced-<time>)"
                                if replace else ""))
    configured = {p.name for p in _load_profiles()}
    orphans = [n for n in names if n not in configured]
    if orphans:
        click.echo(f"no profile settings yet for: {', '.join(orphans)}; add them with "
                   "`coinsole profile add NAME --venue V --base-url URL --no-credentials`")


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
@click.option("--drop-rate", "drop_rate", default=0.0, show_default=True,
              type=click.FloatRange(0, 1),
              help="Share of write requests committed, then answered with an empty 502 "
                   "(the reply is lost).")
@click.option("--db", "db_path", default=None, metavar="FILE",
              type=click.Path(dir_okay=False),
              help="Keep the sandbox's state in FILE (default: in memory).")
@click.option("--bhex-users", "bhex_users", default=20_000, show_default=True,
              type=click.IntRange(3, 1_000_000), help="How many users the BHEX org has.")
@click.option("--chainup-users", "chainup_users", default=None, type=click.IntRange(0, 10**8),
              metavar="N", help="Serve a generated ChainUp org of N users (4 account rows each).")
@click.option("--chainup-churn", "chainup_churn", default=0, show_default=True,
              type=click.IntRange(0, 1000), metavar="K",
              help="With --chainup-users: change K rows after every page served.")
@click.option("--chainup-rate", "chainup_rate", default=None, type=click.IntRange(1, 10**6),
              metavar="R", help="ChainUp requests allowed per second (default 10).")
def sandbox_serve(host: str, port: int, latency_ms: int, error_rate, rate_429, drop_rate,
                  db_path, bhex_users, chainup_users, chainup_churn, chainup_rate) -> None:
    """Serve all five venues on HOST:PORT and print each one's base URL and demo keys."""
    from tui.sandbox.server import describe, serve

    def ready(base_url: str) -> None:
        click.echo(describe(base_url))
        click.echo("press ctrl+c to stop")

    serve(host, port, latency_ms=latency_ms, error_rate=error_rate, rate_429=rate_429,
          drop_rate=drop_rate, db_path=db_path, bhex_users=bhex_users,
          chainup_users=chainup_users, chainup_churn=chainup_churn,
          chainup_rate=(chainup_rate, 1) if chainup_rate else None, on_ready=ready)
