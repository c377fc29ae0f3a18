"""The byte layout of ``vault.bin`` (format version 1): encode and decode, nothing else.

All integers are big-endian::

    offset  size  field
    0       8     magic  b"COINSVLT"
    8       2     format version (1)
    10      1     KDF id (1 = Argon2id, version 0x13)
    11      4     Argon2id memory cost, KiB
    15      4     Argon2id iterations
    19      4     Argon2id lanes
    23      1     salt length S (16..64)
    24      S     salt
    24+S    32    key-check value (derived from the key; tells a wrong passphrase
                  apart from a damaged file)
    56+S    4     ciphertext length C (AES-GCM output, tag included)
    ---- end of header: these 60+S bytes are the AES-GCM associated data ----
    60+S    12    nonce (fresh and random for every write)
    72+S    C     ciphertext || 16-byte GCM tag
    72+S+C  32    SHA-256 of every preceding byte

The trailing SHA-256 is a plain checksum, not a MAC: it catches accidental damage
anywhere in the file before any key is derived, so such damage is reported as corruption
whatever passphrase is typed. Authenticity comes from AES-GCM, which covers the header
(as associated data), the nonce and the ciphertext.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass

from tui.vault.params import KdfParams

__all__ = [
    "MAGIC",
    "FORMAT_VERSION",
    "NONCE_BYTES",
    "TAG_BYTES",
    "CHECK_BYTES",
    "Header",
    "SealedFile",
    "FormatError",
    "UnsupportedVersion",
    "encode_header",
    "encode_file",
    "decode_file",
    "peek_header",
]

MAGIC = b"COINSVLT"
FORMAT_VERSION = 1
KDF_ARGON2ID = 1
NONCE_BYTES = 12
TAG_BYTES = 16
CHECK_BYTES = 32
DIGEST_BYTES = 32
_MIN_SALT, _MAX_SALT = 16, 64

_PREFIX = struct.Struct(">8sHBIIIB")  # magic, version, kdf id, m, t, p, salt length
_BODY_LEN = struct.Struct(">I")
_MIN_FILE = _PREFIX.size + _MIN_SALT + CHECK_BYTES + _BODY_LEN.size + NONCE_BYTES \
    + TAG_BYTES + DIGEST_BYTES


class FormatError(ValueError):
    """The bytes are not a well-formed vault file; the text names the failing check."""


class UnsupportedVersion(FormatError):
    """The file declares a format version this code does not read."""


@dataclass(frozen=True)
class Header:
    """The non-secret header: KDF parameters, salt and key-check value."""

    kdf: KdfParams
    salt: bytes
    key_check: bytes
    body_length: int
    version: int = FORMAT_VERSION

    def __repr__(self) -> str:  # salt and check are not secret, but there is no need
        return f"Header(version={self.version}, kdf={self.kdf!r}, body_length={self.body_length})"


@dataclass(frozen=True)
class SealedFile:
    """A decoded file: the header, its exact bytes (the associated data), the nonce and
    the ciphertext with its tag."""

    header: Header
    header_bytes: bytes
    nonce: bytes
    ciphertext: bytes

    def __repr__(self) -> str:
        return f"SealedFile({self.header!r})"


def encode_header(header: Header) -> bytes:
    """The header's bytes, exactly as written and as bound into AES-GCM."""
    k = header.kdf
    if not _MIN_SALT <= len(header.salt) <= _MAX_SALT or len(header.key_check) != CHECK_BYTES:
        raise ValueError("salt or key-check value has the wrong length")
    return (
        _PREFIX.pack(MAGIC, header.version, KDF_ARGON2ID, k.memory_cost, k.iterations,
                     k.lanes, len(header.salt))
        + header.salt
        + header.key_check
        + _BODY_LEN.pack(header.body_length)
    )


def encode_file(header_bytes: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    """The whole file: header, nonce, ciphertext and the trailing checksum."""
    if len(nonce) != NONCE_BYTES:
        raise ValueError("nonce must be 12 bytes")
    body = header_bytes + nonce + ciphertext
    return body + hashlib.sha256(body).digest()


def peek_header(data: bytes) -> Header:
    """Decode and check only the header (for status displays); raises FormatError."""
    return decode_file(data).header


def decode_file(data: bytes) -> SealedFile:
    """Split and check a file's bytes. Raises :class:`FormatError` naming the first
    failed check (magic, version, length, checksum, KDF id or parameters)."""
    if len(data) < _PREFIX.size or data[:8] != MAGIC:
        if len(data) < len(MAGIC):
            raise FormatError("file is empty or truncated")
        raise FormatError("bad magic: not a coinsole vault file")
    if len(data) < _MIN_FILE:
        raise FormatError(f"file is truncated ({len(data)} bytes)")
    magic, version, kdf_id, memory, iterations, lanes, salt_len = _PREFIX.unpack_from(data)
    if version != FORMAT_VERSION:
        raise UnsupportedVersion(
            f"format version {version} is not supported (this coinsole reads version "
            f"{FORMAT_VERSION}); the file is from a newer coinsole or damaged")
    salt_at = _PREFIX.size
    check_at = salt_at + salt_len
    len_at = check_at + CHECK_BYTES
    header_end = len_at + _BODY_LEN.size
    if len(data) < header_end:
        raise FormatError(f"file is truncated ({len(data)} bytes)")
    (body_length,) = _BODY_LEN.unpack_from(data, len_at)
    expected = header_end + NONCE_BYTES + body_length + DIGEST_BYTES
    if len(data) != expected:
        state = "truncated" if len(data) < expected else "has extra bytes appended"
        raise FormatError(f"file length {len(data)} bytes, header declares {expected}: "
                          f"the file is {state} or its header is damaged")
    digest = hashlib.sha256(data[:-DIGEST_BYTES]).digest()
    if not hmac.compare_digest(digest, data[-DIGEST_BYTES:]):
        raise FormatError("checksum mismatch: bytes in the file were altered")
    if kdf_id != KDF_ARGON2ID:
        raise FormatError(f"unknown KDF id {kdf_id}")
    if not _MIN_SALT <= salt_len <= _MAX_SALT:
        raise FormatError(f"salt length {salt_len} outside {_MIN_SALT}..{_MAX_SALT}")
    if body_length < TAG_BYTES:
        raise FormatError("ciphertext shorter than its tag")
    kdf = KdfParams(memory_cost=memory, iterations=iterations, lanes=lanes)
    problem = kdf.problem()
    if problem:
        raise FormatError(f"KDF parameters out of bounds: {problem}")
    header = Header(kdf=kdf, salt=bytes(data[salt_at:check_at]),
                    key_check=bytes(data[check_at:len_at]), body_length=body_length,
                    version=version)
    nonce_end = header_end + NONCE_BYTES
    return SealedFile(header=header, header_bytes=bytes(data[:header_end]),
                      nonce=bytes(data[header_end:nonce_end]),
                      ciphertext=bytes(data[nonce_end:nonce_end + body_length]))
