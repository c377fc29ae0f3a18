"""The :class:`Vault`: coinsole's encrypted credential store and its operations.

One vault is one file (``vault.bin`` in the data directory; see :mod:`tui.vault.format`
for its layout). Locked, a :class:`Vault` knows only its path. Unlocked, it holds the
derived key and the decrypted credentials (as ``SecretStr`` inside
:class:`~tui.venues.base.Credentials`) and hands them out one profile at a time.

Writes are read-modify-write under an advisory lock: the file on disk is re-read and must
open with the key in memory (else :class:`VaultCorrupt` or :class:`VaultChanged`, and
nothing is written), the change is applied, and the result is sealed under a fresh nonce
and written atomically. A damaged file is never overwritten or repaired automatically.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from tui.paths import app_paths
from tui.vault import files
from tui.vault.attempts import FailureTracker, backoff_delay
from tui.vault.errors import (
    InvalidPassphrase,
    ProfileNotFound,
    UnsupportedVaultVersion,
    VaultChanged,
    VaultCorrupt,
    VaultExists,
    VaultLocked,
    VaultMissing,
    VaultUnreadable,
    WrongPassphrase,
)
from tui.vault.format import (
    TAG_BYTES,
    FormatError,
    Header,
    SealedFile,
    UnsupportedVersion,
    decode_file,
    encode_file,
    encode_header,
)
from tui.vault.idle import DEFAULT_IDLE_TIMEOUT, IdleTimer
from tui.vault.params import DEFAULT_KDF, KdfParams
from tui.vault.payload import PayloadError, check_profile_name, decode_profiles, encode_profiles
from tui.core.credentials import Credentials

if TYPE_CHECKING:
    from tui.vault import crypto

__all__ = ["Vault", "VaultStatus", "VAULT_FILENAME", "default_vault_path"]

#: The vault's file name inside the data directory.
VAULT_FILENAME = "vault.bin"


def _crypto():
    """The cipher module (cryptography's bindings), loaded the first time a key is derived
    or a file sealed or opened: a vault that stays locked at start-up needs none of it."""
    from tui.vault import crypto

    return crypto


def _new_key(passphrase: str, kdf: KdfParams) -> crypto.VaultKey:
    """A key derived from ``passphrase`` under a fresh salt."""
    crypto = _crypto()
    return crypto.derive_key(passphrase, crypto.new_salt(), kdf)


def default_vault_path() -> Path:
    """Where the vault lives: ``vault.bin`` in the data directory (``$COINSOLE_HOME``
    aware)."""
    return app_paths().data_dir / VAULT_FILENAME


@dataclass(frozen=True)
class VaultStatus:
    """What can be said about a vault without revealing anything secret.

    ``profile_count`` is ``None`` while locked (the names are sealed too); ``kdf`` and
    ``format_version`` come from the plain header and are ``None`` when there is no
    readable file; ``problem`` says why the file cannot be opened (damage), else None;
    ``unlock_delay`` is the seconds the next unlock attempt would wait.
    """

    path: Path
    exists: bool
    unlocked: bool
    profile_count: int | None
    kdf: KdfParams | None
    format_version: int | None
    modified: datetime | None
    failed_attempts: int
    unlock_delay: float  # float-ok: seconds, not money
    problem: str | None = None


class Vault:
    """An encrypted store of API credentials, one entry per profile.

    ``Vault(path)`` only names the file (default: :func:`default_vault_path`); call
    :meth:`unlock` to use it, or :meth:`init` / :meth:`import_backup` to create it.

    Options (also accepted by :meth:`init` and :meth:`import_backup`):

    * ``idle_timeout`` -- seconds without use after which the vault locks itself
      (default 600; ``None`` never). See :meth:`touch`, :meth:`expired`,
      :meth:`lock_if_idle`.
    * ``sleeper`` -- called with the seconds to wait before an unlock attempt that follows
      failures (default ``time.sleep``; tests pass a recorder).
    * ``clock`` -- wall-clock seconds for the failure record (default ``time.time``).
    * ``monotonic`` -- clock for idle tracking (default ``time.monotonic``).
    * ``delay_policy`` -- failures -> seconds (default
      :func:`~tui.vault.attempts.backoff_delay`: 0, 1, 2, 4 ... 30).
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        idle_timeout: float | None = DEFAULT_IDLE_TIMEOUT,  # float-ok: seconds, not money
        sleeper: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        delay_policy: Callable[[int], float] = backoff_delay,
    ) -> None:
        self._path = Path(path).expanduser() if path is not None else default_vault_path()
        self._sleeper = sleeper
        self._failures = FailureTracker(self._path, clock=clock, policy=delay_policy)
        self._idle = IdleTimer(idle_timeout, monotonic)
        self._mutex = threading.RLock()
        self._key: crypto.VaultKey | None = None
        self._header: Header | None = None
        self._profiles: dict[str, Credentials] | None = None

    # -- creation ---------------------------------------------------------------------

    @classmethod
    def init(cls, path: Path | str | None, passphrase: str, *,
             kdf: KdfParams = DEFAULT_KDF, **options) -> Vault:
        """Create an empty vault at ``path`` sealed with ``passphrase`` and return it
        unlocked. Refuses (:class:`VaultExists`) if a file is already there.

        ``kdf`` sets the Argon2id costs; keep the default outside tests
        (:data:`~tui.vault.params.TEST_KDF` is for tests only).
        """
        vault = cls(path, **options)
        _check_new_passphrase(passphrase)
        _check_kdf(kdf)
        files.ensure_private_dir(vault.path.parent)
        with vault._mutex, files.write_lock(vault.path):
            if vault.path.exists():
                raise VaultExists(vault.path)
            files.remove_temp_files(vault.path)
            key = _new_key(passphrase, kdf)
            header = _new_header(kdf, key)
            data = _seal_file({}, key, header)
            files.atomic_write(vault.path, data)
            vault._become_unlocked(key, header, {})
        return vault

    @classmethod
    def import_backup(cls, src: Path | str, passphrase: str, *, path: Path | str | None = None,
                      replace: bool = False, keep_previous: bool = True, **options) -> Vault:
        """Restore the vault at ``path`` from the backup file ``src`` and return it
        unlocked with the backup's passphrase.

        The backup must open with ``passphrase`` (else :class:`WrongPassphrase` or
        :class:`VaultCorrupt` naming ``src``) before anything is replaced. An existing
        vault file (even a damaged one) is replaced only with ``replace=True``; with
        ``keep_previous`` (default) it is kept as ``vault.bin.replaced-<UTC time>``.
        The backup's bytes are written atomically, unchanged. A wrong passphrase counts
        toward (and waits for) the delays of the vault at ``path``.
        """
        vault = cls(path, **options)
        src = Path(src).expanduser()
        try:
            data = src.read_bytes()
        except FileNotFoundError:
            raise VaultMissing(src) from None
        except OSError as exc:
            raise VaultUnreadable(src, exc.strerror or type(exc).__name__) from None
        sealed = _decode(data, src)
        key = vault._try_passphrase(passphrase, sealed, src)
        profiles = _open(sealed, key, src)
        files.ensure_private_dir(vault.path.parent)
        with vault._mutex, files.write_lock(vault.path):
            files.remove_temp_files(vault.path)
            if vault.path.exists():
                if not replace:
                    key.wipe()
                    raise VaultExists(vault.path, "import a backup")
                if keep_previous:
                    _preserve(vault.path)
            files.atomic_write(vault.path, data)
            vault._become_unlocked(key, sealed.header, profiles)
        return vault

    # -- state ------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The vault file."""
        return self._path

    @property
    def exists(self) -> bool:
        """Whether the vault file exists (it may still be damaged; see :meth:`status`)."""
        return self._path.exists()

    @property
    def is_unlocked(self) -> bool:
        """Whether decrypted credentials are held in memory."""
        return self._key is not None

    def unlock(self, passphrase: str) -> None:
        """Open the vault with ``passphrase`` and hold its credentials in memory.

        Waits first if earlier attempts failed (see :mod:`tui.vault.attempts`). Raises
        :class:`VaultMissing`, :class:`WrongPassphrase` (nothing changed on disk; the
        failure is counted) or :class:`VaultCorrupt` (the file is damaged; left as is).
        """
        with self._mutex:
            data = self._read()
            sealed = _decode(data, self._path)
            key = self._try_passphrase(passphrase, sealed, self._path)
            try:
                profiles = _open(sealed, key, self._path)
            except BaseException:
                key.wipe()
                raise
            self._become_unlocked(key, sealed.header, profiles)

    def lock(self) -> None:
        """Drop every decrypted value: credentials and the key (whose bytes are wiped)."""
        with self._mutex:
            if self._key is not None:
                self._key.wipe()
            if self._profiles is not None:
                self._profiles.clear()
            self._key = None
            self._header = None
            self._profiles = None

    def unlock_delay(self) -> float:
        """Seconds the next :meth:`unlock` would wait because of earlier failures."""
        return self._failures.remaining()

    @property
    def failed_attempts(self) -> int:
        """Consecutive failed passphrase attempts, persisted across restarts."""
        return self._failures.failures

    # -- idle -------------------------------------------------------------------------

    def touch(self, now: float | None = None) -> None:  # float-ok: seconds, not money
        """Record user activity (done automatically by unlock, get, put, remove)."""
        self._idle.touch(now)

    def expired(self, now: float | None = None) -> bool:  # float-ok: seconds, not money
        """Whether the vault is unlocked and has been idle for ``idle_timeout``."""
        return self.is_unlocked and self._idle.expired(now)

    def lock_if_idle(self, now: float | None = None) -> bool:  # float-ok: seconds, not money
        """Lock if :meth:`expired`; returns whether it locked. The TUI calls this from a
        timer. Reads and writes also refuse (and lock) once the timeout has passed."""
        if self.expired(now):
            self.lock()
            return True
        return False

    # -- credentials ------------------------------------------------------------------

    def profiles(self) -> list[str]:
        """The profile names held, sorted. Raises :class:`VaultLocked`."""
        with self._mutex:
            return sorted(self._unlocked_profiles())

    def get(self, profile: str) -> Credentials:
        """The credentials of ``profile``. Raises :class:`VaultLocked` or
        :class:`ProfileNotFound`."""
        with self._mutex:
            profiles = self._unlocked_profiles()
            try:
                creds = profiles[profile]
            except KeyError:
                raise ProfileNotFound(self._path, profile) from None
            self.touch()
            return creds

    def put(self, profile: str, credentials: Credentials) -> None:
        """Add or replace ``profile``'s credentials; the vault is re-sealed and written
        atomically before this returns."""
        check_profile_name(profile)
        if not isinstance(credentials, Credentials):
            raise TypeError("put() takes a Credentials object")

        def change(profiles: dict[str, Credentials]) -> None:
            profiles[profile] = credentials

        self._mutate(change)

    def remove(self, profile: str) -> None:
        """Delete ``profile``'s credentials (written atomically). Raises
        :class:`ProfileNotFound` if it has none."""

        def change(profiles: dict[str, Credentials]) -> None:
            if profile not in profiles:
                raise ProfileNotFound(self._path, profile)
            del profiles[profile]

        self._mutate(change)

    def rename(self, old: str, new: str) -> None:
        """Move ``old``'s credentials to the name ``new`` in one atomic write. Raises
        :class:`ProfileNotFound` if ``old`` has none, ValueError if ``new`` has some."""
        check_profile_name(new)

        def change(profiles: dict[str, Credentials]) -> None:
            if old not in profiles:
                raise ProfileNotFound(self._path, old)
            if new in profiles:
                raise ValueError(f"the vault already holds an entry named {new!r}")
            profiles[new] = profiles.pop(old)

        self._mutate(change)

    # -- passphrase and backups -------------------------------------------------------

    def change_passphrase(self, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
        """Re-seal the vault under ``new`` with a fresh salt, atomically.

        ``old`` must open the file as it is on disk now (:class:`WrongPassphrase`
        otherwise, counted like a failed unlock). ``kdf`` defaults to the file's current
        parameters; pass :data:`~tui.vault.params.DEFAULT_KDF` to upgrade them. Works
        locked or unlocked and leaves the lock state as it was.
        """
        _check_new_passphrase(new)
        if kdf is not None:
            _check_kdf(kdf)
        with self._mutex:
            self._wait_for_attempt()
            with files.write_lock(self._path):
                files.remove_temp_files(self._path)
                sealed = _decode(self._read(), self._path)
                old_key = self._try_passphrase(old, sealed, self._path, wait=False)
                try:
                    profiles = _open(sealed, old_key, self._path)
                finally:
                    old_key.wipe()
                new_kdf = kdf or sealed.header.kdf
                new_key = _new_key(new, new_kdf)
                header = _new_header(new_kdf, new_key)
                files.atomic_write(self._path, _seal_file(profiles, new_key, header))
            was_unlocked = self.is_unlocked
            self._become_unlocked(new_key, header, profiles)
            if not was_unlocked:
                self.lock()

    def export_backup(self, dest: Path | str, *, passphrase: str | None = None,
                      kdf: KdfParams | None = None, overwrite: bool = False) -> Path:
        """Write an encrypted backup of the vault to ``dest`` (same format; 0600;
        atomic) and return its path. Needs the vault unlocked.

        Without ``passphrase`` the backup is the vault file's sealed bytes, verified to
        open first, so it opens with the current passphrase. With ``passphrase`` it is
        re-sealed under that passphrase (fresh salt; ``kdf`` defaults to the vault's).
        An existing ``dest`` is replaced only with ``overwrite=True``.
        """
        dest = Path(dest).expanduser()
        if passphrase is not None:
            _check_new_passphrase(passphrase)
        if kdf is not None:
            _check_kdf(kdf)
        if dest.resolve() == self._path.resolve():
            raise ValueError("a backup cannot be written over the vault itself")
        if dest.exists() and not overwrite:
            raise VaultExists(dest, "write a backup")
        with self._mutex:
            self._unlocked_profiles()
            with files.write_lock(self._path):
                data = self._read()
                profiles = self._verify_on_disk(data)
            if passphrase is not None:
                backup_kdf = kdf or self._header.kdf
                key = _new_key(passphrase, backup_kdf)
                try:
                    data = _seal_file(profiles, key, _new_header(backup_kdf, key))
                finally:
                    key.wipe()
        if not dest.parent.exists():
            files.ensure_private_dir(dest.parent)
        files.remove_temp_files(dest)
        files.atomic_write(dest, data)
        return dest

    def status(self) -> VaultStatus:
        """A :class:`VaultStatus`; never raises for a missing or damaged file."""
        exists = self._path.exists()
        kdf = version = modified = problem = None
        if exists:
            try:
                st = self._path.stat()
                modified = datetime.fromtimestamp(st.st_mtime, tz=timezone.utc)
                header = _decode(self._path.read_bytes(), self._path).header
                kdf, version = header.kdf, header.version
            except VaultCorrupt as exc:
                problem = exc.detail
            except OSError as exc:
                problem = f"cannot read the file ({exc.strerror})"
        with self._mutex:
            count = len(self._profiles) if self._profiles is not None else None
        return VaultStatus(
            path=self._path, exists=exists, unlocked=self.is_unlocked, profile_count=count,
            kdf=kdf, format_version=version, modified=modified,
            failed_attempts=self._failures.failures, unlock_delay=self.unlock_delay(),
            problem=problem,
        )

    # -- hygiene ----------------------------------------------------------------------

    def __repr__(self) -> str:
        state = "unlocked" if self.is_unlocked else "locked"
        return f"Vault({str(self._path)!r}, {state})"

    def __reduce__(self):
        raise TypeError("a Vault cannot be pickled (it may hold decrypted credentials)")

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.lock()

    # -- internals --------------------------------------------------------------------

    def _read(self) -> bytes:
        try:
            return self._path.read_bytes()
        except FileNotFoundError:
            raise VaultMissing(self._path) from None
        except OSError as exc:
            raise VaultUnreadable(self._path, exc.strerror or type(exc).__name__) from None

    def _unlocked_profiles(self) -> dict[str, Credentials]:
        if self._profiles is None:
            raise VaultLocked(self._path)
        if self._idle.expired():
            self.lock()
            raise VaultLocked(self._path)
        return self._profiles

    def _become_unlocked(self, key: crypto.VaultKey, header: Header,
                         profiles: dict[str, Credentials]) -> None:
        if self._key is not None and self._key is not key:
            self._key.wipe()
        self._key, self._header, self._profiles = key, header, dict(profiles)
        self._failures.reset()
        self.touch()

    def _wait_for_attempt(self) -> None:
        delay = self._failures.remaining()
        if delay > 0:
            self._sleeper(delay)

    def _try_passphrase(self, passphrase: str, sealed: SealedFile, where: Path, *,
                        wait: bool = True) -> crypto.VaultKey:
        """Derive the key for ``sealed`` or count a failure and raise WrongPassphrase."""
        if not isinstance(passphrase, str):
            raise InvalidPassphrase("the passphrase must be text", path=where)
        if wait:
            self._wait_for_attempt()
        key = _crypto().derive_key(passphrase, sealed.header.salt, sealed.header.kdf)
        if not key.matches(sealed.header.key_check):
            key.wipe()
            failures = self._failures.record_failure()
            raise WrongPassphrase(where, failures=failures,
                                  next_delay=self._failures.next_delay())
        return key

    def _verify_on_disk(self, data: bytes) -> dict[str, Credentials]:
        """The profiles in ``data`` (the file as on disk now), which must open with the
        key in memory: else VaultCorrupt (damaged) or VaultChanged (re-keyed)."""
        sealed = _decode(data, self._path)
        assert self._key is not None and self._header is not None
        if sealed.header.salt != self._header.salt or not self._key.matches(
                sealed.header.key_check):
            raise VaultChanged(self._path)
        return _open(sealed, self._key, self._path)

    def _mutate(self, change: Callable[[dict[str, Credentials]], None]) -> None:
        with self._mutex:
            self._unlocked_profiles()
            with files.write_lock(self._path):
                files.remove_temp_files(self._path)
                profiles = self._verify_on_disk(self._read())
                change(profiles)
                assert self._key is not None and self._header is not None
                header = _new_header(self._header.kdf, self._key)
                files.atomic_write(self._path, _seal_file(profiles, self._key, header))
            self._profiles = profiles
            self._header = header
            self.touch()


# -- module helpers ---------------------------------------------------------------------


def _check_new_passphrase(passphrase: object) -> None:
    if not isinstance(passphrase, str) or not passphrase:
        raise InvalidPassphrase("a passphrase must be non-empty text")


def _check_kdf(kdf: KdfParams) -> None:
    problem = kdf.problem()
    if problem:
        raise ValueError(f"unusable Argon2id parameters: {problem}")


def _new_header(kdf: KdfParams, key: crypto.VaultKey) -> Header:
    """A header for ``key``; body_length is filled in by :func:`_seal_file`."""
    return Header(kdf=kdf, salt=key.salt, key_check=key.check, body_length=0)


def _seal_file(profiles: dict[str, Credentials], key: crypto.VaultKey, header: Header) -> bytes:
    plaintext = encode_profiles(profiles)
    header = Header(kdf=header.kdf, salt=header.salt, key_check=header.key_check,
                    body_length=len(plaintext) + TAG_BYTES)
    header_bytes = encode_header(header)
    nonce, ciphertext = _crypto().seal(key, header_bytes, plaintext)
    return encode_file(header_bytes, nonce, ciphertext)


def _decode(data: bytes, path: Path) -> SealedFile:
    try:
        return decode_file(data)
    except UnsupportedVersion as exc:
        raise UnsupportedVaultVersion(path, str(exc)) from None
    except FormatError as exc:
        raise VaultCorrupt(path, str(exc)) from None


def _open(sealed: SealedFile, key: crypto.VaultKey, path: Path) -> dict[str, Credentials]:
    crypto = _crypto()
    try:
        plaintext = crypto.open_sealed(key, sealed)
    except crypto.AuthenticationFailed:
        raise VaultCorrupt(path, "authentication failed: the header, nonce, ciphertext or "
                                 "tag was altered") from None
    try:
        return decode_profiles(plaintext)
    except PayloadError as exc:
        raise VaultCorrupt(path, str(exc)) from None


def _preserve(path: Path) -> Path:
    """Keep the file about to be replaced as ``<name>.replaced-<UTC time>``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    keep = path.with_name(f"{path.name}.replaced-{stamp}")
    try:
        os.link(path, keep)
    except OSError:
        shutil.copy2(path, keep)
        os.chmod(keep, 0o600)
    files.fsync_dir(path.parent)
    return keep
