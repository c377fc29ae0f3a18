"""``coinsole profile test NAME`` and ``coinsole profile rename OLD NEW``.

``test`` makes one signed read (the venue's cheapest authenticated call, as the Profiles
screen's ``t``) with the profile's stored credentials and says ok or the venue's error.
``rename`` moves a profile to a new name everywhere coinsole keeps it: profiles.toml, the
vault entry and the cached balances, so the three stay consistent (journal entries keep
the name they were made under: they are history).
"""

from __future__ import annotations

import asyncio

import click

__all__ = ["register_profile_commands"]

EXIT_REJECTED = 3
"""As the money commands: the venue refused (here: the credentials or the call)."""


def register_profile_commands(group: click.Group) -> None:
    """Add ``test`` and ``rename`` to the ``profile`` command group."""
    group.add_command(profile_test)
    group.add_command(profile_rename)


@click.command("test")
@click.argument("name")
def profile_test(name: str) -> None:
    """Check profile NAME: one signed read with its stored credentials; says ok, or the
    venue's error (exit 3) or what is missing (exit 2)."""
    from tui.cli import _fail, _load_profiles, _unlock
    from tui.core.errors import CoinsoleError
    from tui.credentials import CredentialResolver
    from tui.screens.profiles import _failure_text, check_connection

    profile = next((p for p in _load_profiles() if p.name == name), None)
    if profile is None:
        _fail(f"no profile named {name!r}; see `coinsole profile list`")
    resolver = CredentialResolver()
    try:
        if resolver.needs_unlock([name]):
            _unlock(resolver)
        try:
            credentials = resolver(profile)
        except CoinsoleError as exc:
            _fail(str(exc))
        try:
            asyncio.run(check_connection(profile, credentials))
        except Exception as exc:  # noqa: BLE001 - one line, never a secret
            click.echo(f"coinsole: {name}: {_failure_text(exc)}", err=True)
            raise SystemExit(EXIT_REJECTED) from None
    finally:
        resolver.vault.lock()
    click.echo(f"ok: {name} ({profile.venue} at {profile.base_url}) answered a signed read")


@click.command("rename")
@click.argument("old")
@click.argument("new")
def profile_rename(old: str, new: str) -> None:
    """Rename profile OLD to NEW in profiles.toml, the vault and the balances cache.

    profiles.toml changes first (atomically), then the vault entry (one atomic write);
    a vault failure puts profiles.toml back, so the two never disagree.
    """
    from tui.cli import _fail, _load_profiles, _undo_and_fail, _unlock
    from tui.config import PROFILE_NAME_RE, ProfileStore
    from tui.credentials import CredentialResolver
    from tui.vault import VaultError

    profiles = _load_profiles()
    if not any(p.name == old for p in profiles):
        _fail(f"no profile named {old!r}; see `coinsole profile list`")
    if not PROFILE_NAME_RE.match(new):
        _fail(f"{new!r} is not a usable profile name: letters, digits, '.', '_' and '-', "
              "starting with a letter or digit (nothing was changed)")
    if new == old:
        _fail("the new name is the old one (nothing was changed)")
    if any(p.name == new for p in profiles):
        _fail(f"a profile named {new!r} exists already (nothing was changed)")
    resolver = CredentialResolver()
    known = resolver.vault_profiles()
    in_vault = known is None or old in known
    store = ProfileStore()
    try:
        if in_vault:
            _unlock(resolver)  # before anything changes: a wrong passphrase changes nothing
            in_vault = old in resolver.vault.profiles()
            if new in resolver.vault.profiles():
                _fail(f"the vault already holds an entry named {new!r}; remove it first with "
                      f"`coinsole profile remove {new}` (nothing was changed)")
        before = store.snapshot()
        store.rename(old, new)
        if in_vault:
            try:
                resolver.vault.rename(old, new)
                resolver.sync_index()
            except (VaultError, OSError, ValueError) as exc:
                _undo_and_fail(exc, lambda: store.restore(before),
                               "the vault entry could not be renamed")
    finally:
        resolver.vault.lock()
    moved = _move_cached_balances(old, new)
    parts = ["profiles.toml"] + (["the vault"] if in_vault else []) + \
        (["the balances cache"] if moved else [])
    click.echo(f"renamed profile {old} to {new} in {', '.join(parts)}")


def _move_cached_balances(old: str, new: str) -> bool:
    """Carry ``old``'s cached balances over to ``new`` (best effort: the cache only saves
    a wait); True when there were some."""
    from tui.balance_cache import BalanceCache
    from tui.config import ProfileStore

    profile = ProfileStore().get(new)
    before = profile.model_copy(update={"name": old})
    cache = BalanceCache()
    cached = cache.load(before)
    if cached is None:
        return False
    balances = [b.model_copy(update={"profile": new}) for b in cached.balances]
    cache.save(profile, balances, saved_at_ms=cached.saved_at_ms)
    try:
        cache.path(before).unlink()
    except OSError:
        pass
    return True
