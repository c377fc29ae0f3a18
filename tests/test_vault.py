"""The credential vault: round trips, passphrases and delays, permissions, backups,
idle locking, and that nothing secret is ever shown or written in plain text."""

from __future__ import annotations

import os
import pickle
import stat

import pytest

from tui.vault import (
    DEFAULT_KDF,
    TEST_KDF,
    InvalidPassphrase,
    ProfileNotFound,
    Vault,
    VaultChanged,
    VaultCorrupt,
    VaultExists,
    VaultLocked,
    VaultMissing,
    WrongPassphrase,
    backoff_delay,
    default_vault_path,
)
from tui.vault.files import temp_files
from tui.vault.format import decode_file
from tui.venues.base import Credentials

PASS = "correct horse battery staple"
OTHER = "another passphrase entirely"
KEY = "AKIA-test-key-7f3c9e1d"
SECRET = "s3cr3t-value-0b5e8a7c4d2f"


class Sleeps:
    """A sleeper that records instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class Clock:
    """A settable clock."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def vault_path(tmp_path):
    return tmp_path / "data" / "vault.bin"


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def opts(sleeps, clock):
    return {"sleeper": sleeps, "clock": clock}


@pytest.fixture
def vault(vault_path, opts):
    v = Vault.init(vault_path, PASS, kdf=TEST_KDF, **opts)
    v.put("desk", Credentials(KEY, SECRET))
    return v


def test_round_trip_across_a_fresh_object(vault, vault_path, opts) -> None:
    vault.put("spot", Credentials("k2", "s2"))
    fresh = Vault(vault_path, **opts)
    assert fresh.exists and not fresh.is_unlocked
    fresh.unlock(PASS)
    assert fresh.is_unlocked
    assert fresh.profiles() == ["desk", "spot"]
    creds = fresh.get("desk")
    assert creds.api_key.get_secret_value() == KEY
    assert creds.secret.get_secret_value() == SECRET
    fresh.put("desk", Credentials("k3", "s3"))  # update
    again = Vault(vault_path, **opts)
    again.unlock(PASS)
    assert again.get("desk").secret.get_secret_value() == "s3"


def test_init_refuses_an_existing_file(vault, vault_path) -> None:
    before = vault_path.read_bytes()
    with pytest.raises(VaultExists, match="already exists"):
        Vault.init(vault_path, OTHER, kdf=TEST_KDF)
    assert vault_path.read_bytes() == before


def test_missing_vault(tmp_path) -> None:
    v = Vault(tmp_path / "nope" / "vault.bin")
    assert not v.exists
    with pytest.raises(VaultMissing):
        v.unlock(PASS)
    status = v.status()
    assert not status.exists and status.kdf is None and status.profile_count is None


def test_default_path_follows_coinsole_home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    assert default_vault_path() == tmp_path / "data" / "vault.bin"
    assert Vault().path == tmp_path / "data" / "vault.bin"


def test_lock_drops_decrypted_values(vault) -> None:
    key_obj = vault._key
    vault.lock()
    assert not vault.is_unlocked
    assert vault._profiles is None and vault._key is None
    assert not any(key_obj._enc)  # the key bytes were wiped in place
    for call in (vault.profiles, lambda: vault.get("desk"),
                 lambda: vault.put("x", Credentials("a", "b")), lambda: vault.remove("desk"),
                 lambda: vault.export_backup(vault.path.with_name("b.bin"))):
        with pytest.raises(VaultLocked):
            call()


def test_remove_and_unknown_profile(vault, vault_path, opts) -> None:
    with pytest.raises(ProfileNotFound, match="'ghost'"):
        vault.get("ghost")
    with pytest.raises(ProfileNotFound):
        vault.remove("ghost")
    vault.remove("desk")
    fresh = Vault(vault_path, **opts)
    fresh.unlock(PASS)
    assert fresh.profiles() == []


def test_bad_profile_names_and_passphrases(vault, vault_path) -> None:
    for name in ("", "   ", "a\nb", "x" * 200):
        with pytest.raises(ValueError):
            vault.put(name, Credentials("a", "b"))
    with pytest.raises(InvalidPassphrase):
        Vault.init(vault_path.with_name("v2.bin"), "", kdf=TEST_KDF)
    with pytest.raises(InvalidPassphrase):
        vault.change_passphrase(PASS, "")


def test_every_write_uses_a_fresh_nonce(vault, vault_path) -> None:
    nonces = set()
    for i in range(5):
        vault.put("desk", Credentials(KEY, SECRET))
        nonces.add(decode_file(vault_path.read_bytes()).nonce)
    assert len(nonces) == 5


def test_wrong_passphrase_is_clear_changes_nothing_and_delays_grow(
        vault, vault_path, opts, sleeps, clock) -> None:
    before = vault_path.read_bytes()
    v = Vault(vault_path, **opts)
    messages = []
    for _ in range(4):
        with pytest.raises(WrongPassphrase) as info:
            v.unlock("wrong")
        messages.append(str(info.value))
        assert vault_path.read_bytes() == before
        assert not v.is_unlocked
    assert "wrong passphrase" in messages[0] and str(vault_path) in messages[0]
    assert "nothing was changed" in messages[0]
    assert "4 failed attempts" in messages[-1]
    assert info.value.failures == 4 and info.value.next_delay == 8
    # the clock stood still, so each attempt after n failures waited the full delay
    assert sleeps.calls == [1, 2, 4]
    # a restart does not reset the count: a new object (new process) sees it
    restarted = Vault(vault_path, **opts)
    assert restarted.failed_attempts == 4
    assert restarted.unlock_delay() == 8
    clock.now += 5  # time spent waiting counts
    assert restarted.unlock_delay() == 3
    restarted.unlock(PASS)
    assert sleeps.calls[-1] == 3
    assert restarted.failed_attempts == 0
    assert not restarted._failures.path.exists()


def test_backoff_schedule_is_capped() -> None:
    assert [backoff_delay(n) for n in range(8)] == [0, 1, 2, 4, 8, 16, 30, 30]


def test_delay_policy_is_injectable(vault, vault_path, sleeps) -> None:
    v = Vault(vault_path, sleeper=sleeps, delay_policy=lambda n: 0.0)
    for _ in range(3):
        with pytest.raises(WrongPassphrase):
            v.unlock("nope")
    v.unlock(PASS)
    assert sleeps.calls == []


def test_change_passphrase(vault, vault_path, opts) -> None:
    salt_before = decode_file(vault_path.read_bytes()).header.salt
    before = vault_path.read_bytes()
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase("not it", OTHER)
    assert vault_path.read_bytes() == before
    vault.change_passphrase(PASS, OTHER)
    assert decode_file(vault_path.read_bytes()).header.salt != salt_before
    assert vault.is_unlocked and vault.get("desk").secret.get_secret_value() == SECRET
    vault.put("later", Credentials("a", "b"))  # the new key is the one in memory
    fresh = Vault(vault_path, **opts)
    with pytest.raises(WrongPassphrase):
        fresh.unlock(PASS)
    fresh.unlock(OTHER)
    assert fresh.profiles() == ["desk", "later"]


def test_change_passphrase_while_locked_stays_locked(vault, vault_path, opts) -> None:
    vault.lock()
    vault.change_passphrase(PASS, OTHER)
    assert not vault.is_unlocked
    vault.unlock(OTHER)
    assert vault.profiles() == ["desk"]


def test_writes_refuse_when_another_process_rekeyed(vault, vault_path, opts) -> None:
    other = Vault(vault_path, **opts)
    other.unlock(PASS)
    other.change_passphrase(PASS, OTHER)
    before = vault_path.read_bytes()
    with pytest.raises(VaultChanged):
        vault.put("x", Credentials("a", "b"))
    assert vault_path.read_bytes() == before


def test_concurrent_writers_do_not_lose_updates(vault, vault_path, opts) -> None:
    other = Vault(vault_path, **opts)
    other.unlock(PASS)
    vault.put("a", Credentials("1", "1"))
    other.put("b", Credentials("2", "2"))  # read-modify-write sees "a"
    fresh = Vault(vault_path, **opts)
    fresh.unlock(PASS)
    assert fresh.profiles() == ["a", "b", "desk"]


def test_file_and_directory_modes(tmp_path, opts) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "home" / "data" / "vault.bin"
        v = Vault.init(path, PASS, kdf=TEST_KDF, **opts)
        v.put("desk", Credentials(KEY, SECRET))
        with pytest.raises(WrongPassphrase):
            Vault(path, **opts).unlock("bad")  # creates the attempts sidecar
        backup = v.export_backup(tmp_path / "backups" / "b.bin")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for p in path.parent.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700


def test_existing_loose_directory_is_tightened(tmp_path, opts) -> None:
    d = tmp_path / "loose"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    Vault.init(d / "vault.bin", PASS, kdf=TEST_KDF, **opts)
    assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_leftover_temp_files_are_removed_on_next_write(vault, vault_path) -> None:
    stray = vault_path.parent / f".{vault_path.name}.00deadbeef00cafe.tmp"
    sidecar_temp = vault_path.parent / f".{vault_path.name}.attempts.00deadbeef00cafe.tmp"
    sidecar_temp.write_bytes(b"{}")
    stray.write_bytes(b"sealed bytes from an interrupted write")
    unrelated = vault_path.parent / "notes.tmp"
    unrelated.write_bytes(b"x")
    vault.put("x", Credentials("a", "b"))
    assert temp_files(vault_path) == []
    assert unrelated.exists() and sidecar_temp.exists()  # another file's temp: not ours


def test_backup_round_trip_same_passphrase(vault, vault_path, tmp_path, opts) -> None:
    dest = vault.export_backup(tmp_path / "backup.bin")
    assert dest.read_bytes() == vault_path.read_bytes()
    with pytest.raises(VaultExists):
        vault.export_backup(dest)
    restored = Vault.import_backup(dest, PASS, path=tmp_path / "new" / "vault.bin", **opts)
    assert restored.is_unlocked and restored.get("desk").secret.get_secret_value() == SECRET


def test_backup_with_its_own_passphrase(vault, tmp_path, opts) -> None:
    dest = vault.export_backup(tmp_path / "backup.bin", passphrase=OTHER)
    target = tmp_path / "new" / "vault.bin"
    with pytest.raises(WrongPassphrase):
        Vault.import_backup(dest, PASS, path=target, **opts)
    assert not target.exists()
    restored = Vault.import_backup(dest, OTHER, path=target, **opts)
    assert restored.profiles() == ["desk"]


def test_import_verifies_before_replacing(vault, vault_path, tmp_path, opts) -> None:
    backup = vault.export_backup(tmp_path / "backup.bin")
    vault.put("after-backup", Credentials("a", "b"))
    current = vault_path.read_bytes()
    # a corrupt backup replaces nothing
    bad = tmp_path / "bad.bin"
    data = bytearray(backup.read_bytes())
    data[100] ^= 1
    bad.write_bytes(bytes(data))
    with pytest.raises(VaultCorrupt, match="bad.bin"):
        Vault.import_backup(bad, PASS, path=vault_path, replace=True, **opts)
    # a wrong passphrase replaces nothing
    with pytest.raises(WrongPassphrase):
        Vault.import_backup(backup, OTHER, path=vault_path, replace=True, **opts)
    # an existing vault needs replace=True
    with pytest.raises(VaultExists):
        Vault.import_backup(backup, PASS, path=vault_path, **opts)
    assert vault_path.read_bytes() == current
    restored = Vault.import_backup(backup, PASS, path=vault_path, replace=True, **opts)
    assert restored.profiles() == ["desk"]
    kept = list(vault_path.parent.glob("vault.bin.replaced-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == current


def test_import_restores_over_a_corrupt_vault(vault, vault_path, tmp_path, opts) -> None:
    backup = vault.export_backup(tmp_path / "backup.bin")
    data = bytearray(vault_path.read_bytes())
    data[-40] ^= 0xFF
    vault_path.write_bytes(bytes(data))
    with pytest.raises(VaultCorrupt):
        vault.put("x", Credentials("a", "b"))
    assert vault_path.read_bytes() == bytes(data)  # never overwritten
    assert Vault(vault_path).status().problem
    restored = Vault.import_backup(backup, PASS, path=vault_path, replace=True, **opts)
    assert restored.profiles() == ["desk"]
    assert Vault(vault_path).status().problem is None


def test_status_reveals_nothing_secret(vault, vault_path) -> None:
    status = vault.status()
    assert status.exists and status.unlocked and status.profile_count == 1
    assert status.kdf == TEST_KDF and status.format_version == 1
    assert status.modified is not None and status.problem is None
    vault.lock()
    assert vault.status().profile_count is None and not vault.status().unlocked


def test_idle_timeout(vault_path, opts) -> None:
    mono = Clock(100.0)
    v = Vault.init(vault_path, PASS, kdf=TEST_KDF, idle_timeout=600, monotonic=mono, **opts)
    v.put("desk", Credentials(KEY, SECRET))
    mono.now += 599
    assert not v.expired()
    v.get("desk")  # activity resets the timer
    mono.now += 599
    assert not v.lock_if_idle()
    assert v.expired(now=mono.now + 1)
    mono.now += 1
    with pytest.raises(VaultLocked):
        v.get("desk")  # expired: refuses and locks
    assert not v.is_unlocked
    v.unlock(PASS)
    mono.now += 700
    assert v.lock_if_idle() and not v.is_unlocked
    assert not v.expired()  # a locked vault has nothing to expire


def test_never_shown(vault, vault_path, opts, tmp_path) -> None:
    shown = [repr(vault), str(vault), repr(vault.status()), str(vault.status()),
             repr(vault.get("desk")), str(vault.get("desk")), repr(vault._key)]
    errors = []
    for action in (lambda: Vault(vault_path, **opts).unlock(SECRET),  # secret as a guess
                   lambda: vault.get("nobody"),
                   lambda: Vault.init(vault_path, PASS, kdf=TEST_KDF),
                   lambda: vault.change_passphrase(KEY, OTHER)):
        with pytest.raises(Exception) as info:
            action()
        errors += [str(info.value), repr(info.value)]
    vault_path.write_bytes(vault_path.read_bytes()[:-1])
    with pytest.raises(VaultCorrupt) as info:
        Vault(vault_path, **opts).unlock(PASS)
    errors += [str(info.value), repr(info.value)]
    for text in shown + errors:
        for needle in (PASS, KEY, SECRET, OTHER):
            assert needle not in text, text
    for action in (lambda: pickle.dumps(vault), lambda: pickle.dumps(vault._key)):
        with pytest.raises(TypeError):
            action()


def test_no_file_holds_plain_secrets(vault, vault_path, tmp_path, opts) -> None:
    vault.put("spot", Credentials(KEY + "-2", SECRET + "-2"))
    vault.get("desk")
    with pytest.raises(WrongPassphrase):
        Vault(vault_path, **opts).unlock("guess")
    vault.change_passphrase(PASS, OTHER)
    vault.export_backup(vault_path.parent / "backup.bin")
    vault.export_backup(vault_path.parent / "backup2.bin", passphrase=PASS)
    vault.remove("spot")
    key_bytes = bytes(vault._key._enc)
    needles = [s.encode() for s in (PASS, OTHER, KEY, SECRET, KEY + "-2", SECRET + "-2")]
    needles.append(key_bytes)
    scanned = 0
    for root, _dirs, names in os.walk(tmp_path):
        for name in names:
            data = open(os.path.join(root, name), "rb").read()
            scanned += 1
            for needle in needles:
                assert needle not in data, name
    assert scanned >= 4  # vault, lock file, backups (+ attempts sidecar if present)


def test_real_default_parameters_round_trip(tmp_path) -> None:
    """The one test with the real (slow, memory-hungry) defaults."""
    path = tmp_path / "vault.bin"
    v = Vault.init(path, PASS)
    v.put("desk", Credentials(KEY, SECRET))
    assert decode_file(path.read_bytes()).header.kdf == DEFAULT_KDF
    fresh = Vault(path)
    fresh.unlock(PASS)  # its timing is reported by bench/vault.py, never asserted
    assert fresh.get("desk").api_key.get_secret_value() == KEY


def test_passphrase_is_unicode_normalised(vault_path, opts) -> None:
    v = Vault.init(vault_path, "caf\u00e9 \ufb01sh", kdf=TEST_KDF, **opts)  # é, ﬁ ligature
    v.lock()
    v.unlock("cafe\u0301 fish")  # e + combining accent, plain "fi"
    assert v.is_unlocked
