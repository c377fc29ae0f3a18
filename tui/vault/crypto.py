"""Key derivation and sealing: passphrase -> Argon2id -> keys; AES-256-GCM seal/open.

The passphrase is NFKC-normalised (NIST SP 800-63B) and UTF-8 encoded, then stretched by
Argon2id with the header's salt and parameters into a 32-byte master key. HKDF-SHA256
expands the master key into two independent values:

* the AES-256-GCM key that seals the credentials, and
* the key-check value stored in the header, which lets a wrong passphrase be told apart
  from a damaged file (GCM alone cannot: both just fail the tag).

Key bytes are kept in ``bytearray`` buffers that :meth:`VaultKey.wipe` overwrites. This is
best effort: Python and the passphrase ``str`` itself may leave copies we cannot reach.
"""

from __future__ import annotations

import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tui.vault.format import CHECK_BYTES, NONCE_BYTES, SealedFile
from tui.vault.params import KEY_BYTES, SALT_BYTES, KdfParams

__all__ = ["VaultKey", "AuthenticationFailed", "derive_key", "new_salt", "seal", "open_sealed"]

_ENC_INFO = b"coinsole vault v1 aes-256-gcm key"
_CHECK_INFO = b"coinsole vault v1 key-check"


class AuthenticationFailed(Exception):
    """AES-GCM refused the ciphertext: with a verified key this means tampering."""


class VaultKey:
    """The keys derived from one passphrase and salt. Never printed, never pickled."""

    __slots__ = ("_enc", "_check", "salt")

    def __init__(self, enc: bytearray, check: bytes, salt: bytes) -> None:
        self._enc = enc
        self._check = check
        #: The salt this key was derived with (not secret; it goes in the header).
        self.salt = salt

    @property
    def check(self) -> bytes:
        """The key-check value to store in (or compare with) the header."""
        return self._check

    def matches(self, stored_check: bytes) -> bool:
        """Whether this key is the one whose check value is ``stored_check``."""
        return hmac.compare_digest(self._check, stored_check)

    def aead(self) -> AESGCM:
        """An AES-256-GCM instance keyed with the encryption key."""
        if not any(self._enc):
            raise RuntimeError("the vault key was wiped")
        return AESGCM(self._enc)

    def wipe(self) -> None:
        """Overwrite the key bytes in place (best effort; see the module docstring)."""
        for i in range(len(self._enc)):
            self._enc[i] = 0

    def __repr__(self) -> str:
        return "VaultKey(<hidden>)"

    def __reduce__(self):  # never let keys travel through pickle
        raise TypeError("VaultKey cannot be pickled")


def new_salt() -> bytes:
    """A fresh random salt for a new passphrase."""
    return os.urandom(SALT_BYTES)


def derive_key(passphrase: str, salt: bytes, kdf: KdfParams) -> VaultKey:
    """Stretch ``passphrase`` with Argon2id and expand it into a :class:`VaultKey`."""
    secret = bytearray(unicodedata.normalize("NFKC", passphrase).encode("utf-8"))
    master = bytearray(KEY_BYTES)
    try:
        Argon2id(salt=salt, length=KEY_BYTES, iterations=kdf.iterations, lanes=kdf.lanes,
                 memory_cost=kdf.memory_cost).derive_into(bytes(secret), master)
        enc = bytearray(KEY_BYTES)
        HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=_ENC_INFO).derive_into(
            bytes(master), enc)
        check = HKDF(algorithm=SHA256(), length=CHECK_BYTES, salt=None,
                     info=_CHECK_INFO).derive(bytes(master))
        return VaultKey(enc, check, bytes(salt))
    finally:
        for buf in (secret, master):
            for i in range(len(buf)):
                buf[i] = 0


def seal(key: VaultKey, header_bytes: bytes, plaintext: bytes) -> tuple[bytes, bytes]:
    """Encrypt ``plaintext`` under a fresh random nonce with ``header_bytes`` as
    associated data; returns ``(nonce, ciphertext_with_tag)``."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce, key.aead().encrypt(nonce, plaintext, header_bytes)


def open_sealed(key: VaultKey, sealed: SealedFile) -> bytes:
    """Decrypt and authenticate ``sealed``; raises :class:`AuthenticationFailed`."""
    try:
        return key.aead().decrypt(sealed.nonce, sealed.ciphertext, sealed.header_bytes)
    except InvalidTag:
        raise AuthenticationFailed("authentication tag mismatch") from None
