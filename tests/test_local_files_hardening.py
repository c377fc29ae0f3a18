"""Corrupt or hostile local files never end in a traceback.

profiles.toml and the vault: one line naming the file and what to do, a non-zero exit, the
file untouched. Caches (balances/*.json, bhex-accounts.json, chainup.sqlite) are moved
aside and rebuilt; a damaged one never stops the TUI from opening.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.balance_cache import BalanceCache
from tui.cli import main
from tui.config import Profile
from tui.venues.bhex_accounts import KnownAccounts
from tui.venues.chainup_store import ChainupStore, OrgMeta, StoreCorrupt

DEEP = 100_000


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def home() -> Path:
    return Path(os.environ["COINSOLE_HOME"])


def assert_one_line(result, *, naming: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("coinsole: ") and naming in line


PROFILES = {
    "not UTF-8": b"\xff\xfe[profiles]\n",
    "a value where a profile belongs": b"[profiles]\nalpha = 5\n",
    "profiles not a table": b"profiles = 5\n",
    "a table where a value belongs":
        b'[profiles.alpha]\nvenue = {a = 1}\nbase_url = "http://127.0.0.1:9"\n',
    "a number where text belongs":
        b'[profiles.alpha]\nvenue = 7\nbase_url = "http://127.0.0.1:9"\n',
    "deep nesting": b"profiles = " + b"[" * DEEP + b"]" * DEEP + b"\n",
}


@pytest.mark.parametrize("content", PROFILES.values(), ids=list(PROFILES))
@pytest.mark.parametrize("command", [("profile", "list"), ("balances",)])
def test_a_damaged_profiles_file_gives_one_line_and_is_left_alone(content, command) -> None:
    path = home() / "config" / "profiles.toml"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    result = run(*command)
    assert_one_line(result, naming=str(path))
    if b"alpha" in content:
        assert "'alpha'" in result.stderr  # the entry is named
    assert path.read_bytes() == content


def test_the_tui_with_a_damaged_profiles_file_exits_non_zero() -> None:
    path = home() / "config" / "profiles.toml"
    path.parent.mkdir(parents=True)
    path.write_bytes(PROFILES["deep nesting"])
    assert_one_line(run(), naming=str(path))


@pytest.mark.parametrize("command", [
    ("profile", "list"), ("balances",), ("vault", "init"), ("profile", "add", "alpha",
                                                            "--venue", "fcoin",
                                                            "--base-url", "http://127.0.0.1:9",
                                                            "--no-credentials")])
def test_coinsole_home_pointing_at_a_file_is_named(tmp_path, monkeypatch, command) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("COINSOLE_HOME", str(blocker))
    result = run(*command, env={"COINSOLE_NEW_PASSPHRASE": "pass phrase",
                                "COINSOLE_VAULT_KDF": "test"})
    assert_one_line(result, naming=str(blocker))
    assert blocker.read_text() == "x"


def test_a_vault_that_is_a_directory_is_named(monkeypatch) -> None:
    run("profile", "add", "alpha", "--venue", "fcoin", "--base-url", "http://127.0.0.1:9",
        "--no-credentials")
    vault = home() / "data" / "vault.bin"
    vault.mkdir(parents=True)
    result = run("profile", "set-credentials", "alpha", "--credentials-stdin",
                 env={"COINSOLE_PASSPHRASE": "pass phrase"})
    assert_one_line(result, naming=str(vault))
    assert vault.is_dir()


def test_an_unreadable_vault_is_named_and_left_alone(monkeypatch) -> None:
    run("profile", "add", "alpha", "--venue", "fcoin", "--base-url", "http://127.0.0.1:9",
        "--no-credentials")
    vault = home() / "data" / "vault.bin"
    vault.parent.mkdir(parents=True)
    vault.write_bytes(b"sealed bytes")
    real = Path.read_bytes

    def refuse(self):  # permission bits do not stop root, so refuse here
        if self.name == "vault.bin":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = run("balances", env={"COINSOLE_PASSPHRASE": "pass phrase"})
    assert_one_line(result, naming=str(vault))
    assert "Permission denied" in result.stderr
    monkeypatch.undo()
    assert vault.read_bytes() == b"sealed bytes"


def test_a_full_disk_at_vault_init_is_one_line(monkeypatch) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[-1]))

    monkeypatch.setattr(os, "replace", full)
    result = run("vault", "init", env={"COINSOLE_NEW_PASSPHRASE": "pass phrase",
                                       "COINSOLE_VAULT_KDF": "test"})
    assert result.exit_code == 2 and "Traceback" not in result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("coinsole: ") and "vault.bin" in last and "disk space" in last
    assert not (home() / "data" / "vault.bin").exists()


@pytest.mark.parametrize("code, hint", [(errno.ENOSPC, "disk space"),
                                         (errno.EACCES, "may read and write"),
                                         (errno.EROFS, "read-only")])
def test_a_failed_profile_write_is_one_line(monkeypatch, code, hint) -> None:
    def refuse(*args, **kwargs):  # a full disk, a read-only dir: permission bits do not stop root
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refuse)
    result = run("profile", "add", "alpha", "--venue", "fcoin", "--base-url",
                 "http://127.0.0.1:9", "--no-credentials")
    assert_one_line(result, naming="profiles.toml")
    assert hint in result.stderr
    assert not (home() / "config" / "profiles.toml").exists()


def test_the_tui_dying_on_an_error_exits_non_zero(monkeypatch) -> None:
    class DiedApp:
        return_code = None

        def run(self):
            self.return_code = 1  # what Textual records when the app died on an exception

    monkeypatch.setattr("tui.cli._build_app", lambda demo, lock_after, org_users=None: DiedApp())
    assert run().exit_code == 1


# -- caches: moved aside and rebuilt ------------------------------------------------------

PROFILE = Profile(name="alpha", venue="fcoin", base_url="http://127.0.0.1:9")


@pytest.mark.parametrize("text", ["[" * DEEP + "]" * DEEP, "[1, 2]", '{"format": 1, '
                                  '"profile": "alpha", "saved_at_ms": 1e999, "balances": []}'],
                         ids=["deep", "a list", "an infinite time"])
def test_a_damaged_balances_cache_is_moved_aside(text) -> None:
    cache = BalanceCache()
    path = cache.path(PROFILE)
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert cache.load(PROFILE) is None
    assert not path.exists() and path.with_name(path.name + ".damaged").read_text() == text
    cache.save(PROFILE, [])
    assert cache.load(PROFILE) is not None


@pytest.mark.parametrize("text", ["[" * DEEP + "]" * DEEP, "[]", '{"%s": 5}'],
                         ids=["deep", "a list", "a number for the entries"])
def test_a_damaged_bhex_accounts_cache_is_moved_aside_and_rebuilt(text) -> None:
    known = KnownAccounts("http://127.0.0.1:9", "42")
    path = known.path
    path.parent.mkdir(parents=True)
    if "%s" in text:
        text = text % known._key
    path.write_text(text)
    assert known.load() == {}
    assert path.with_name(path.name + ".damaged").read_text() == text
    known.save({(1, 0): "main"})
    assert known.load() == {(1, 0): "main"}


@pytest.mark.parametrize("column, value", [("balance", "12abc"), ("balance", "NaN"),
                                           ("balance", "1E+400"), ("update_time", "soon")])
def test_a_chainup_cache_with_a_bad_value_reads_as_corrupt(tmp_path, column, value) -> None:
    path = tmp_path / "chainup.sqlite"
    store = ChainupStore.open(path)
    row = {"id": "1", "uid": "7", "coin": "BTC", "showName": "BTC", "type": "1",
           "balance": "1.5", "updateTime": 5}
    store.replace_all("org", [row], OrgMeta(5, 5, 5))
    store.close()
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE accounts SET {column} = ?", (value,))
    store = ChainupStore.open(path)
    with pytest.raises(StoreCorrupt):
        store.user_rows("org", "7")
    with pytest.raises(StoreCorrupt):
        list(store.iter_rows("org"))
    store.close()


# -- the TUI opens over a damaged cache --------------------------------------------------


async def test_the_tui_opens_over_a_deeply_nested_balances_cache() -> None:
    from test_app_support import wait_loaded

    from tui.app import CoinsoleApp
    from tui.demo import demo_session
    from tui.screens.balances import BalancesScreen

    session = demo_session()
    cache = BalanceCache()
    cache.directory.mkdir(parents=True)
    paths = [cache.path(p) for p in session.profiles]
    for path in paths:
        path.write_text("[" * DEEP + "]" * DEEP)
    app = CoinsoleApp(session, demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.screen.table.row_count > 0
    assert app.return_code in (None, 0)
    assert all(json.loads(path.read_text())["format"] == 1 for path in paths)


@pytest.mark.parametrize("user_id", ["7", None], ids=["one user", "the org"])
async def test_a_bad_amount_in_the_chainup_cache_is_moved_aside_and_pulled_again(user_id):
    from decimal import Decimal

    from test_adapters_chainup_sync import NOW, FakeChainup, first_run, make, seed

    fake = FakeChainup()
    seed(fake)
    await first_run(fake, user_id)
    path = home() / "cache" / "chainup.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("UPDATE accounts SET balance = '12abc' WHERE id = '1'")
    fake.now = NOW + 60_000
    venue = make(fake, user_id)
    try:
        balances = await venue.balances()
    finally:
        await venue.aclose()
    btc = [b for b in balances if b.coin == "BTC"]
    assert btc and btc[0].total == Decimal("149555114.0139600009053943")
    assert "StartId" in fake.endpoints()  # pulled in full again
    assert list(path.parent.glob("chainup.sqlite.corrupt-*"))
