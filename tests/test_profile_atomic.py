"""`profile add` and `profile remove` change profiles.toml and the vault together or not at
all: a failed write of either file leaves both as they were, with one line and exit 2.

Failures are injected by making ``os.replace`` fail with ENOSPC for one target file (tests
run as root in CI, where permission bits are ignored).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.config import ProfileStore
from tui.vault import Vault

PASS = "correct horse battery staple"
KEY, SECRET = "k-atomic-0123456789", "s-atomic-abcdefghijklmnop"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh COINSOLE_HOME with an empty vault (test-only KDF costs)."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    monkeypatch.setenv("COINSOLE_VAULT_KDF", "test")
    monkeypatch.setenv("COINSOLE_PASSPHRASE", PASS)
    monkeypatch.delenv("COINSOLE_NEW_PASSPHRASE", raising=False)
    assert run("vault", "init").exit_code == 0
    return tmp_path


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def add(name="alpha"):
    return run("profile", "add", name, "--venue", "fcoin", "--base-url", "http://127.0.0.1:9",
               "--credentials-stdin", input=f"{KEY}\n{SECRET}\n")


def vault_names(home: Path) -> set[str]:
    vault = Vault(home / "data" / "vault.bin", idle_timeout=None)
    vault.unlock(PASS)
    try:
        return set(vault.profiles())
    finally:
        vault.lock()


def profile_names() -> set[str]:
    return {p.name for p in ProfileStore().load()}


def fail_replacing(monkeypatch, file_name: str) -> None:
    """Make every atomic replace of ``file_name`` fail as on a full disk."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == file_name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def assert_one_clean_line(result) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("coinsole: ") and "Traceback" not in result.output
    assert KEY not in result.output and SECRET not in result.output


@pytest.mark.parametrize("failing", ["profiles.toml", "vault.bin"])
def test_a_failed_remove_keeps_both_the_settings_and_the_credentials(home, monkeypatch,
                                                                      failing) -> None:
    assert add().exit_code == 0
    before = (home / "config" / "profiles.toml").read_bytes()
    fail_replacing(monkeypatch, failing)

    result = run("profile", "remove", "alpha")

    monkeypatch.undo()
    monkeypatch.setenv("COINSOLE_HOME", str(home))
    assert_one_clean_line(result)
    assert "No space left" in result.stderr
    assert (home / "config" / "profiles.toml").read_bytes() == before
    assert vault_names(home) == {"alpha"}


@pytest.mark.parametrize("failing", ["profiles.toml", "vault.bin"])
def test_a_failed_add_leaves_no_orphan_vault_entry_and_no_profile(home, monkeypatch,
                                                                  failing) -> None:
    assert add("first").exit_code == 0
    before = (home / "config" / "profiles.toml").read_bytes()
    fail_replacing(monkeypatch, failing)

    result = add("alpha")

    monkeypatch.undo()
    monkeypatch.setenv("COINSOLE_HOME", str(home))
    assert_one_clean_line(result)
    assert (home / "config" / "profiles.toml").read_bytes() == before
    assert vault_names(home) == {"first"}
    assert profile_names() == {"first"}


def test_a_failed_first_add_leaves_no_profiles_file(home, monkeypatch) -> None:
    fail_replacing(monkeypatch, "vault.bin")
    result = add("alpha")
    monkeypatch.undo()
    monkeypatch.setenv("COINSOLE_HOME", str(home))
    assert_one_clean_line(result)
    assert not (home / "config" / "profiles.toml").exists()
    assert vault_names(home) == set()


def test_remove_and_add_still_work(home) -> None:
    assert add().exit_code == 0
    assert vault_names(home) == {"alpha"} and profile_names() == {"alpha"}
    result = run("profile", "remove", "alpha")
    assert result.exit_code == 0 and "and its vault entry" in result.output
    assert vault_names(home) == set() and profile_names() == set()
