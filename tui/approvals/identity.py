"""Who am I: this machine's operator, whose Ed25519 private key is sealed in the vault.

The key is kept as a vault entry named ``operator:NAME`` (the vault's format is unchanged:
the entry's "secret" is the raw private key in hex). The operator's *name* is not secret:
it is remembered in ``operator`` in the config directory (or given by ``COINSOLE_OPERATOR``)
so a proposal can name its initiator without unlocking the vault.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.errors import CoinsoleError

from .operators import Signed, Statement, public_of, sign

__all__ = ["OPERATOR_ENV", "VAULT_PREFIX", "OperatorKey", "ApprovalsError", "seal",
           "sealed_names", "load_key", "my_name", "remember_name", "check_name"]

OPERATOR_ENV = "COINSOLE_OPERATOR"
VAULT_PREFIX = "operator:"


class ApprovalsError(CoinsoleError):
    """An approvals step that cannot be done; the text says why and what to do."""


@dataclass(frozen=True)
class OperatorKey:
    """An operator's name and raw Ed25519 private key (never shown: repr masks it)."""
    name: str
    private: bytes = field(repr=False)

    @property
    def public(self) -> bytes:
        """The raw 32-byte public key."""
        return public_of(self.private)

    def sign(self, statement: Statement) -> Signed:
        """Sign ``statement`` (its operator must be this one)."""
        if statement.operator != self.name:
            raise ApprovalsError(f"operator {self.name} cannot sign for {statement.operator}")
        return sign(self.private, statement)


def check_name(name: str) -> str:
    """``name`` if it is a usable operator name (letters, digits, ``_.-``, 1..32), else
    ApprovalsError."""
    ok = 0 < len(name) <= 32 and all(c.isascii() and (c.isalnum() or c in "_.-") for c in name)
    if not ok:
        raise ApprovalsError("an operator name is 1..32 letters, digits, '_', '.' or '-'")
    return name


def _name_file() -> Path:
    from tui.paths import app_paths

    return app_paths().config_dir / "operator"


def remember_name(name: str) -> None:
    """Remember ``name`` as this machine's operator (config directory, not secret)."""
    from tui.paths import app_paths

    paths = app_paths()
    paths.ensure(paths.config_dir)
    _name_file().write_text(check_name(name) + "\n", encoding="utf-8")


def my_name() -> str | None:
    """This machine's operator name: ``COINSOLE_OPERATOR``, else the remembered one."""
    env = os.environ.get(OPERATOR_ENV, "").strip()
    if env:
        return check_name(env)
    try:
        text = _name_file().read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return check_name(text) if text else None


def seal(vault, name: str, private: bytes) -> None:
    """Seal ``name``'s private key in the (unlocked) vault."""
    from tui.core.credentials import Credentials

    vault.put(VAULT_PREFIX + check_name(name), Credentials(api_key=name, secret=private.hex()))


def sealed_names(vault) -> list[str]:
    """The operators whose keys the (unlocked) vault holds."""
    return [p[len(VAULT_PREFIX):] for p in vault.profiles() if p.startswith(VAULT_PREFIX)]


def load_key(vault, name: str | None = None) -> OperatorKey:
    """The sealed key of ``name`` (default: :func:`my_name`, else the only sealed one)."""
    name = name or my_name()
    names = sealed_names(vault)
    if name is None:
        if len(names) != 1:
            raise ApprovalsError("no operator chosen: run `coinsole operator init NAME`, or set "
                                 f"{OPERATOR_ENV} to one of: {', '.join(names) or 'none sealed'}")
        name = names[0]
    if name not in names:
        raise ApprovalsError(f"operator {name}'s key is not in this vault; run "
                             f"`coinsole operator init {name}` on this machine")
    secret = vault.get(VAULT_PREFIX + name).secret.get_secret_value()
    try:
        raw = bytes.fromhex(secret)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ApprovalsError(f"operator {name}'s sealed key is damaged; run `coinsole operator "
                             "init` again and update the policy's public key")
    return OperatorKey(name, raw)
