"""Crash safety: SIGKILL a process in the middle of passphrase changes, many times; the
vault must always open with the old or the new passphrase, and leftover temp files are
cleared by the next write.

Uses the test-only cheap KDF parameters (``TEST_KDF``) so each change takes milliseconds
and kills land in every phase (derive, temp write, fsync, rename, directory fsync).
Set ``COINSOLE_VAULT_KILLS`` to run more rounds than the default 30.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tui.vault import TEST_KDF, Vault, WrongPassphrase
from tui.vault.files import temp_files
from tui.venues.base import Credentials

A = "passphrase number one"
B = "passphrase number two"

CHILD = r"""
import sys
from tui.vault import Vault, WrongPassphrase
path, a, b = sys.argv[1:4]
vault = Vault(path, sleeper=lambda s: None)
try:
    vault.unlock(a)
    current, other = a, b
except WrongPassphrase:
    vault.unlock(b)
    current, other = b, a
vault.lock()
print("ready", flush=True)
while True:
    vault.change_passphrase(current, other)
    current, other = other, current
"""

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _which_opens(path) -> str:
    opened = []
    for name, passphrase in (("A", A), ("B", B)):
        v = Vault(path, sleeper=lambda s: None)
        try:
            v.unlock(passphrase)
        except WrongPassphrase:
            continue
        assert v.get("desk").secret.get_secret_value() == "the secret"
        v.lock()
        opened.append(name)
    assert len(opened) == 1, f"vault opens with {opened or 'neither passphrase'}"
    return opened[0]


def test_sigkill_during_passphrase_changes_never_loses_the_vault(tmp_path) -> None:
    path = tmp_path / "data" / "vault.bin"
    v = Vault.init(path, A, kdf=TEST_KDF)
    v.put("desk", Credentials("the key", "the secret"))
    v.lock()
    rounds = int(os.environ.get("COINSOLE_VAULT_KILLS", "30"))
    rng = random.Random(20240611)
    seen = {"A": 0, "B": 0}
    leftovers = 0
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for _ in range(rounds):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), A, B],
                                 stdout=subprocess.PIPE, env=env)
        try:
            assert child.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.0, 0.04))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        seen[_which_opens(path)] += 1
        leftovers += len(temp_files(path))
    # the kills landed at different points: both passphrases were current at some kill
    assert seen["A"] and seen["B"], seen
    # temp files left by kills are removed by the next write
    survivor = Vault(path, sleeper=lambda s: None)
    survivor.unlock(A if _which_opens(path) == "A" else B)
    survivor.put("after", Credentials("k", "s"))
    assert temp_files(path) == []
    names = sorted(p.name for p in path.parent.iterdir())
    assert names in (["vault.bin", "vault.bin.lock"],
                     ["vault.bin", "vault.bin.attempts", "vault.bin.lock"]), names
    print(f"{rounds} kills: A current {seen['A']}x, B {seen['B']}x, "
          f"{leftovers} temp files left behind by kills and cleaned up")
