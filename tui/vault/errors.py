"""Errors raised by the credential vault.

Every message says what happened and what to do, and names the file concerned. None ever
carries a passphrase, a key, a secret or anything derived from them: messages are built
from paths, counts and coinsole's own words only.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.errors import CoinsoleError

__all__ = [
    "VaultError",
    "VaultMissing",
    "VaultExists",
    "VaultLocked",
    "WrongPassphrase",
    "VaultCorrupt",
    "VaultUnreadable",
    "UnsupportedVaultVersion",
    "VaultChanged",
    "ProfileNotFound",
    "InvalidPassphrase",
]


class VaultError(CoinsoleError):
    """Base of every vault error; ``path`` is the vault (or backup) file concerned."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        super().__init__(message)


class VaultMissing(VaultError):
    """There is no vault file where one was expected."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"no vault at {path}: create one first, or import a backup",
                         path=path)


class VaultExists(VaultError):
    """A vault file already exists where a new one (or an import) would be written."""

    def __init__(self, path: Path | str, what: str = "create a vault") -> None:
        super().__init__(f"a vault already exists at {path}; refusing to {what} over it",
                         path=path)


class VaultLocked(VaultError):
    """The operation needs decrypted credentials but the vault is locked."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"the vault at {path} is locked: unlock it with its passphrase first",
                         path=path)


class WrongPassphrase(VaultError):
    """The passphrase does not open the vault. Nothing on disk was changed.

    ``failures`` counts consecutive failures (persisted across restarts) and
    ``next_delay`` is the number of seconds the next attempt will wait.
    """

    def __init__(self, path: Path | str, *, failures: int = 0, next_delay: float = 0.0) -> None:  # float-ok: seconds, not money
        self.failures = failures
        self.next_delay = next_delay
        text = f"wrong passphrase for the vault at {path}; nothing was changed"
        if failures > 1:
            text += f" ({failures} failed attempts in a row"
            text += f", next attempt waits {next_delay:g} s)" if next_delay else ")"
        elif next_delay:
            text += f" (next attempt waits {next_delay:g} s)"
        super().__init__(text, path=path)


class VaultCorrupt(VaultError):
    """The file is damaged or was tampered with. It is never repaired or overwritten
    automatically: every write refuses until a backup is restored.

    ``detail`` names what failed (magic, version, KDF parameters, checksum, length,
    authentication) without quoting any content.
    """

    def __init__(self, path: Path | str, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"the vault file {path} is damaged or has been tampered with ({detail}). "
            "It was left exactly as it is and nothing will be written to it; "
            "restore the vault from a backup with `coinsole vault import FILE --replace`",
            path=path,
        )


class VaultUnreadable(VaultError):
    """The vault (or backup) file cannot be read at all: a directory stands at its path,
    or the system refuses access. Nothing was changed."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"cannot read the vault file {path} ({reason}); nothing was changed. Make it a "
            "readable file again, or restore a backup with `coinsole vault import FILE "
            "--replace`",
            path=path,
        )


class UnsupportedVaultVersion(VaultCorrupt):
    """The file says it uses a format version this coinsole cannot read: written by a
    newer coinsole, or damaged."""


class VaultChanged(VaultError):
    """The vault file was re-keyed or replaced by another process since it was unlocked."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"the vault at {path} was changed by another coinsole since it was unlocked "
            "(new passphrase or restored backup); lock it and unlock it again",
            path=path,
        )


class ProfileNotFound(VaultError, KeyError):
    """The vault holds no credentials for the named profile."""

    def __init__(self, path: Path | str, profile: str) -> None:
        self.profile = profile
        VaultError.__init__(self, f"the vault at {path} holds no credentials for "
                                  f"profile {profile!r}", path=path)

    def __str__(self) -> str:  # KeyError would quote the whole message again
        return self.args[0]


class InvalidPassphrase(VaultError, ValueError):
    """A new passphrase was refused (empty, or not text)."""
