"""Durable, private file operations for the vault: atomic replace, directory fsync,
owner-only permissions, an advisory write lock and clean-up of abandoned temp files.

Every write goes to a temporary file in the target's own directory (created 0600,
exclusively), is fsync'd, renamed over the target and followed by an fsync of the
directory, so a crash at any instant leaves either the old file or the new one. Only
already-sealed bytes are ever handed to these functions.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

try:  # POSIX; on other systems writers are not serialised between processes
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "TEMP_SUFFIX",
    "ensure_private_dir",
    "atomic_write",
    "fsync_dir",
    "write_lock",
    "temp_files",
    "remove_temp_files",
]

TEMP_SUFFIX = ".tmp"
FILE_MODE = 0o600
DIR_MODE = 0o700


def _temp_name(target: Path) -> str:
    return f".{target.name}.{secrets.token_hex(8)}{TEMP_SUFFIX}"


def temp_files(target: Path) -> list[Path]:
    """Temporary files left by interrupted writes of ``target`` (named
    ``.<name>.<16 hex digits>.tmp``; other files' temps never match)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{16}}{re.escape(TEMP_SUFFIX)}")
    try:
        names = os.listdir(target.parent)
    except FileNotFoundError:
        return []
    return [target.parent / n for n in names if pattern.fullmatch(n)]


def remove_temp_files(target: Path) -> int:
    """Delete abandoned temp files of ``target`` (call with the write lock held);
    returns how many were removed. They hold only sealed bytes, so deleting is safe."""
    removed = 0
    for path in temp_files(target):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` if needed and make it owner-only (0700)."""
    directory.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if stat.S_IMODE(directory.stat().st_mode) != DIR_MODE:
        os.chmod(directory, DIR_MODE)


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry change (a rename) to disk."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically and durably; the file is 0600."""
    directory = target.parent
    temp = directory / _temp_name(target)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                 FILE_MODE)
    try:
        try:
            os.fchmod(fd, FILE_MODE)  # in case of an unusual umask or filesystem
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(directory)


@contextlib.contextmanager
def write_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``<target>.lock`` (an empty file) so two
    coinsole processes never interleave read-modify-write cycles on ``target``."""
    lock_path = target.with_name(target.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock
