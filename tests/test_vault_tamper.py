"""Tampering and damage: every region of the file is checked, reported as
``VaultCorrupt`` naming the file and the way out, and the file is never rewritten."""

from __future__ import annotations

import hashlib
import struct

import pytest

from tui.vault import (
    TEST_KDF,
    UnsupportedVaultVersion,
    Vault,
    VaultCorrupt,
    WrongPassphrase,
)
from tui.vault.format import decode_file
from tui.venues.base import Credentials

PASS = "tamper test passphrase"

# Offsets for the 16-byte salt every new vault uses (see tui/vault/format.py).
REGIONS = {
    "magic": 0,
    "version": 9,
    "kdf id": 10,
    "memory cost": 14,
    "iterations": 18,
    "lanes": 22,
    "salt length": 23,
    "salt": 24 + 7,
    "key check": 40 + 5,
    "ciphertext length": 75,
    "nonce": 76 + 3,
    "ciphertext": 88 + 2,
    "tag": -40,
    "checksum": -1,
}


@pytest.fixture
def sealed(tmp_path):
    path = tmp_path / "vault.bin"
    v = Vault.init(path, PASS, kdf=TEST_KDF, sleeper=lambda s: None)
    v.put("desk", Credentials("key-123", "secret-456"))
    v.lock()
    return path, path.read_bytes()


def _expect_corrupt(path, passphrase=PASS):
    v = Vault(path, sleeper=lambda s: None)
    with pytest.raises(VaultCorrupt) as info:
        v.unlock(passphrase)
    text = str(info.value)
    assert str(path) in text and "backup" in text
    assert not v.is_unlocked
    return info.value


def test_offsets_match_the_format(sealed) -> None:
    path, data = sealed
    f = decode_file(data)
    assert data[24:40] == f.header.salt and data[40:72] == f.header.key_check
    assert data[76:88] == f.nonce and len(data) == 88 + len(f.ciphertext) + 32


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("passphrase", [PASS, "wrong passphrase"])
def test_flipped_byte_is_detected(sealed, region, passphrase) -> None:
    path, data = sealed
    bad = bytearray(data)
    bad[REGIONS[region]] ^= 0x01
    path.write_bytes(bytes(bad))
    # damage is reported as damage whatever the passphrase: the checksum is checked
    # before any key is derived
    _expect_corrupt(path, passphrase)
    assert path.read_bytes() == bytes(bad)


def test_unknown_version_says_so(sealed) -> None:
    path, data = sealed
    bad = bytearray(data)
    struct.pack_into(">H", bad, 8, 2)
    path.write_bytes(bytes(bad))
    err = _expect_corrupt(path)
    assert isinstance(err, UnsupportedVaultVersion) and "version 2" in str(err)


@pytest.mark.parametrize("keep", [0, 1, 7, 8, 23, 40, 76, 88, -33, -17, -1])
def test_truncation_is_detected(sealed, keep) -> None:
    path, data = sealed
    path.write_bytes(data[:keep] if keep >= 0 else data[:keep])
    _expect_corrupt(path)


@pytest.mark.parametrize("extra", [b"\x00", b"appended garbage" * 10], ids=["1 byte", "160 bytes"])
def test_appended_bytes_are_detected(sealed, extra) -> None:
    path, data = sealed
    path.write_bytes(data + extra)
    _expect_corrupt(path)


def _reseal_checksum(data: bytearray) -> bytes:
    body = bytes(data[:-32])
    return body + hashlib.sha256(body).digest()


@pytest.mark.parametrize("region", ["nonce", "ciphertext", "tag", "ciphertext length"])
def test_deliberate_tampering_with_a_fixed_checksum_fails_authentication(sealed, region) -> None:
    """An attacker can recompute the plain checksum; AES-GCM still catches them."""
    path, data = sealed
    bad = bytearray(data)
    bad[REGIONS[region]] ^= 0x01
    if region == "ciphertext length":  # keep the declared length consistent: move bytes
        bad = bytearray(data)
        struct.pack_into(">I", bad, 72, struct.unpack_from(">I", data, 72)[0] - 1)
        del bad[-33]
    path.write_bytes(_reseal_checksum(bad))
    err = _expect_corrupt(path)
    assert "authentication failed" in str(err) or "length" in str(err)


@pytest.mark.parametrize("region", ["salt", "key check", "iterations", "memory cost"])
def test_deliberate_header_tampering_never_opens(sealed, region) -> None:
    """With the checksum recomputed, a changed salt, KDF parameter or key-check value
    derives a different key: it reads as a wrong passphrase (the format cannot tell these
    apart from one), and the vault never opens."""
    path, data = sealed
    bad = bytearray(data)
    bad[REGIONS[region]] ^= 0x01
    path.write_bytes(_reseal_checksum(bad))
    with pytest.raises((WrongPassphrase, VaultCorrupt)):
        Vault(path, sleeper=lambda s: None).unlock(PASS)


def test_writes_refuse_while_the_file_fails_to_open(sealed) -> None:
    path, data = sealed
    v = Vault(path, sleeper=lambda s: None)
    v.unlock(PASS)
    for region in ("ciphertext", "tag", "salt"):
        bad = bytearray(data)
        bad[REGIONS[region]] ^= 0x01
        path.write_bytes(bytes(bad))
        for write in (lambda: v.put("x", Credentials("a", "b")), lambda: v.remove("desk"),
                      lambda: v.change_passphrase(PASS, "new one"),
                      lambda: v.export_backup(path.with_name("b.bin"))):
            with pytest.raises(VaultCorrupt):
                write()
            assert path.read_bytes() == bytes(bad)
        assert not path.with_name("b.bin").exists()
    path.write_bytes(data)  # restored: writes work again
    v.put("x", Credentials("a", "b"))


def test_empty_and_foreign_files(tmp_path) -> None:
    path = tmp_path / "vault.bin"
    for content in (b"", b"{\"profiles\": {}}", b"\x00" * 200):
        path.write_bytes(content)
        _expect_corrupt(path)
        assert Vault(path).status().problem
