"""coinsole's encrypted credential vault.

Credentials are sealed with AES-256-GCM under a key stretched from the passphrase by
Argon2id, in one file (``vault.bin`` in the data directory) written atomically with
owner-only permissions. Nothing outside this package touches key material in plain text.

Typical use::

    vault = Vault()                      # default_vault_path()
    vault.unlock(passphrase)             # WrongPassphrase / VaultCorrupt / VaultMissing
    creds = vault.get("desk")            # Credentials(api_key=SecretStr, secret=SecretStr)
    vault.put("spot", Credentials(key, secret))
    vault.lock()

Modules: :mod:`~tui.vault.store` (the Vault), :mod:`~tui.vault.format` (file layout),
:mod:`~tui.vault.crypto` (KDF, seal/open), :mod:`~tui.vault.params` (Argon2id costs),
:mod:`~tui.vault.files` (atomic private writes), :mod:`~tui.vault.attempts` (delays after
failures), :mod:`~tui.vault.idle` (idle lock), :mod:`~tui.vault.errors`.
"""

from tui.vault.attempts import MAX_DELAY, backoff_delay
from tui.vault.errors import (
    InvalidPassphrase,
    ProfileNotFound,
    UnsupportedVaultVersion,
    VaultChanged,
    VaultCorrupt,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultMissing,
    VaultUnreadable,
    WrongPassphrase,
)
from tui.vault.idle import DEFAULT_IDLE_TIMEOUT
from tui.vault.params import DEFAULT_KDF, TEST_KDF, KdfParams
from tui.vault.store import VAULT_FILENAME, Vault, VaultStatus, default_vault_path

__all__ = [
    "Vault",
    "VaultStatus",
    "KdfParams",
    "DEFAULT_KDF",
    "TEST_KDF",
    "DEFAULT_IDLE_TIMEOUT",
    "MAX_DELAY",
    "VAULT_FILENAME",
    "backoff_delay",
    "default_vault_path",
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
