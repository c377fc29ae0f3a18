"""Where a profile's API key and secret come from: the vault first, the environment after.

Resolution, for one profile:

1. If the encrypted vault (:mod:`tui.vault`) holds an entry for the profile, that entry is
   used, and the vault must be unlocked to read it. Environment variables are then ignored
   for that profile, even when they are set.
2. Otherwise the key and secret are read from ``COINSOLE_<NAME>_API_KEY`` and
   ``COINSOLE_<NAME>_API_SECRET`` (NAME upper-cased, every other character turned into
   ``_``): an explicit fallback for scripts and for profiles kept out of the vault.
3. Otherwise a :class:`~tui.core.errors.ConfigError` says what to do.

:class:`CredentialResolver` implements this. It is a callable ``Profile -> Credentials``, so
it plugs straight into :class:`tui.session.Session`; it wraps a :class:`~tui.vault.Vault`
that the caller may unlock before or after handing it in (the TUI's unlock screen hands in
its own vault object).

Which profile names have a vault entry is sealed inside the vault. So that coinsole can
tell, without the passphrase, whether a command needs to unlock it at all (and ``profile
list`` can say where each profile's credentials come from), the resolver keeps a small
*index* next to the vault, ``vault.bin.index``: the profile names that have an entry and the
SHA-256 of the vault file those names were read from. It holds no key material. The index
is trusted only while the vault file still has that exact hash; any other write to the vault
(another process, a restored backup) makes it stale, and then the answer is "unknown until
unlocked". Every unlock through the resolver refreshes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from enum import Enum
from pathlib import Path

from pydantic import SecretStr

from tui.core.errors import ConfigError
from tui.core.credentials import Credentials

__all__ = [
    "env_var_names",
    "credentials_from_env",
    "CredentialResolver",
    "CredentialSource",
    "INDEX_SUFFIX",
]

#: Appended to the vault file's name for the index of profile names (no secrets in it).
INDEX_SUFFIX = ".index"
_INDEX_VERSION = 1


def env_var_names(profile_name: str) -> tuple[str, str]:
    """The two environment variable names holding ``profile_name``'s key and secret."""
    stem = re.sub(r"[^A-Z0-9]", "_", profile_name.upper())
    return f"COINSOLE_{stem}_API_KEY", f"COINSOLE_{stem}_API_SECRET"


def credentials_from_env(profile_name: str, environ: Mapping[str, str] | None = None) -> Credentials:
    """The profile's credentials from the environment, or a :class:`ConfigError` naming
    the variables to set."""
    env = os.environ if environ is None else environ
    key_var, secret_var = env_var_names(profile_name)
    key, secret = env.get(key_var), env.get(secret_var)
    if not key or not secret:
        raise ConfigError(
            f"no credentials for profile {profile_name!r}: set {key_var} and {secret_var}"
        )
    return Credentials(api_key=key, secret=SecretStr(secret))


class CredentialSource(str, Enum):
    """Where a profile's credentials come from, as far as can be told without unlocking."""

    VAULT = "vault"
    """The vault holds an entry for the profile (environment variables are ignored)."""
    ENV = "env"
    """No vault entry; both environment variables are set."""
    MISSING = "missing"
    """No vault entry and the environment variables are not both set."""
    UNKNOWN = "unknown"
    """The vault is locked and changed since coinsole last read it: unlock it to tell."""


class CredentialResolver:
    """Resolves a profile's credentials: its vault entry if there is one, else the
    environment variables (see the module docstring).

    ``vault`` is a :class:`~tui.vault.Vault`, locked or unlocked (default: a locked one at
    :func:`~tui.vault.default_vault_path`); the TUI passes the one its unlock screen opened.
    ``environ`` replaces ``os.environ`` for the fallback (tests).

    Calling the resolver with a :class:`~tui.config.Profile` (or a profile name) returns
    :class:`~tui.venues.base.Credentials` or raises :class:`ConfigError` saying what to do;
    the message never carries a key, a secret or a passphrase.
    """

    def __init__(self, vault=None, *, environ: Mapping[str, str] | None = None) -> None:
        if vault is None:
            from tui.vault import Vault

            vault = Vault()
        self.vault = vault
        self._environ = environ

    # -- resolution -------------------------------------------------------------------

    def __call__(self, profile) -> Credentials:
        """The credentials for ``profile`` (a Profile or a name); :class:`ConfigError`
        when there are none or the vault must be unlocked first."""
        name = profile if isinstance(profile, str) else profile.name
        from tui.vault import ProfileNotFound, VaultLocked

        if self.vault.is_unlocked:
            try:
                return self.vault.get(name)
            except ProfileNotFound:
                pass
            except VaultLocked:  # it locked itself after being idle
                raise ConfigError(self._locked_message(name, certain=False)) from None
        else:
            known = self.vault_profiles()
            if known is None:
                raise ConfigError(self._locked_message(name, certain=False))
            if name in known:
                raise ConfigError(self._locked_message(name, certain=True))
        try:
            return credentials_from_env(name, self._environ)
        except ConfigError:
            key_var, secret_var = env_var_names(name)
            raise ConfigError(
                f"no credentials for profile {name!r}: store them in the vault with "
                f"`coinsole profile set-credentials {name}`, or set {key_var} and "
                f"{secret_var}"
            ) from None

    def source(self, name: str) -> CredentialSource:
        """Where ``name``'s credentials would come from now; never needs the passphrase
        and never reveals anything secret."""
        known = self.vault_profiles()
        if known is None:
            return CredentialSource.UNKNOWN
        if name in known:
            return CredentialSource.VAULT
        env = os.environ if self._environ is None else self._environ
        key_var, secret_var = env_var_names(name)
        if env.get(key_var) and env.get(secret_var):
            return CredentialSource.ENV
        return CredentialSource.MISSING

    def vault_profiles(self) -> frozenset[str] | None:
        """The profile names the vault holds entries for: exact while it is unlocked,
        from the index while it is locked, empty when there is no vault file, and None
        when that cannot be told without unlocking (the index is missing or stale)."""
        from tui.vault import VaultLocked

        if self.vault.is_unlocked:
            with contextlib.suppress(VaultLocked):
                return frozenset(self.vault.profiles())
        if not self.vault.exists:
            return frozenset()
        return self._read_index()

    def needs_unlock(self, names: Iterable[str]) -> bool:
        """Whether resolving any of ``names`` needs the vault unlocked: it is locked,
        and it holds an entry for one of them (or may: the index is stale)."""
        if self.vault.is_unlocked or not self.vault.exists:
            return False
        known = self._read_index()
        return known is None or any(n in known for n in names)

    # -- changes (keep the index in step) ---------------------------------------------

    def unlock(self, passphrase: str) -> None:
        """Unlock the vault (errors as :meth:`tui.vault.Vault.unlock`) and refresh the
        index."""
        self.vault.unlock(passphrase)
        self.sync_index()

    def store(self, name: str, credentials: Credentials) -> bool:
        """Put ``name``'s credentials into the (unlocked) vault; returns whether an
        earlier entry was replaced."""
        replaced = name in self.vault.profiles()
        self.vault.put(name, credentials)
        self.sync_index()
        return replaced

    def forget(self, name: str) -> bool:
        """Remove ``name``'s entry from the (unlocked) vault; returns whether there was
        one."""
        if name not in self.vault.profiles():
            return False
        self.vault.remove(name)
        self.sync_index()
        return True

    def sync_index(self, names: Iterable[str] | None = None) -> None:
        """Record ``names`` (default: the unlocked vault's profiles) as the entries of
        the vault file as it is now. Best effort: a failed write (a full disk) leaves
        the index as it was, never deletes it. An index that no longer matches the vault
        file is ignored by its hash, which costs a passphrase prompt, never a wrong answer."""
        if names is None:
            if not self.vault.is_unlocked:
                return
            names = self.vault.profiles()
        from tui.vault import files

        try:
            digest = _file_digest(self.vault.path)
            doc = {"v": _INDEX_VERSION, "vault_sha256": digest, "profiles": sorted(names)}
            files.atomic_write(self._index_path, json.dumps(doc).encode())
        except OSError:
            pass  # the old index stays; its hash says whether it still holds

    # -- internals --------------------------------------------------------------------

    @property
    def _index_path(self) -> Path:
        return self.vault.path.with_name(self.vault.path.name + INDEX_SUFFIX)

    def _read_index(self) -> frozenset[str] | None:
        try:
            doc = json.loads(self._index_path.read_text(encoding="utf-8"))
            if doc.get("v") != _INDEX_VERSION or not isinstance(doc.get("profiles"), list):
                return None
            if doc.get("vault_sha256") != _file_digest(self.vault.path):
                return None
            return frozenset(str(n) for n in doc["profiles"])
        except (OSError, ValueError, AttributeError):
            return None

    def _locked_message(self, name: str, *, certain: bool) -> str:
        where = self.vault.path
        if certain:
            return (f"the credentials of profile {name!r} are in the vault at {where}, which "
                    "is locked: unlock it with its passphrase (the CLI asks for it, or reads "
                    "COINSOLE_PASSPHRASE)")
        return (f"the vault at {where} is locked and may hold the credentials of profile "
                f"{name!r}: unlock it with its passphrase (the CLI asks for it, or reads "
                "COINSOLE_PASSPHRASE)")


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
