"""The vault from the command line: `vault init/passwd/status/export/import`, profiles
whose credentials live in the vault, credential resolution (vault first, env only for
profiles without an entry), wrong passphrases, and that no secret reaches the disk in
plain text.

Vaults here are created with ``COINSOLE_VAULT_KDF=test`` (TEST-ONLY cheap Argon2id costs).
"""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.credentials import env_var_names
from tui.sandbox import DEMO_PROFILES

PASS = "correct horse battery staple"
NEW_PASS = "a different passphrase entirely"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh COINSOLE_HOME; no passphrase or demo credentials in the environment."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    monkeypatch.setenv("COINSOLE_VAULT_KDF", "test")
    for var in ("COINSOLE_PASSPHRASE", "COINSOLE_NEW_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    for demo in DEMO_PROFILES:
        for var in env_var_names(demo.name):
            monkeypatch.delenv(var, raising=False)
    return tmp_path


def run(*args, input=None, env=None):
    """Invoke coinsole; stdout and stderr are kept apart."""
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def with_pass(passphrase=PASS, **extra):
    return {"COINSOLE_PASSPHRASE": passphrase, **extra}


def vault_file(home):
    return home / "data" / "vault.bin"


def init_vault(passphrase=PASS):
    result = run("vault", "init", env=with_pass(passphrase))
    assert result.exit_code == 0, result.output
    return result


def add_demo(demo, base_url, *, env=None, stdin=True):
    args = ["profile", "add", demo.name, "--venue", demo.venue,
            "--base-url", base_url + demo.prefix]
    if demo.user_id:
        args += ["--user-id", demo.user_id]
    if stdin:
        args.append("--credentials-stdin")
        return run(*args, input=f"{demo.api_key}\n{demo.secret}\n", env=env or with_pass())
    return run(*args, "--no-credentials", env=env)


def status(env=None):
    result = run("vault", "status", "--json", env=env)
    return result, json.loads(result.stdout)


# -- vault commands ---------------------------------------------------------------------


def test_init_prompts_twice_without_echo_and_status_tells_without_a_passphrase(home) -> None:
    result = run("vault", "init", input=f"{PASS}\n{PASS}\n")
    assert result.exit_code == 0, result.output
    assert PASS not in result.output
    path = vault_file(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    result, record = status()
    assert result.exit_code == 0
    assert record["exists"] and record["state"] == "locked"
    assert record["profiles"] == []
    assert record["kdf"]["algorithm"] == "argon2id"
    assert "locked" in run("vault", "status").output

    again = run("vault", "init", env=with_pass())
    assert again.exit_code == 2 and "already exists" in again.output


def test_init_refuses_mismatched_confirmation(home) -> None:
    result = run("vault", "init", input=f"{PASS}\nsomething else\n")
    assert result.exit_code != 0
    assert not vault_file(home).exists()


def test_status_of_a_missing_vault_says_how_to_create_one(home) -> None:
    result, record = status()
    assert result.exit_code == 0 and record["state"] == "missing"
    assert "coinsole vault init" in run("vault", "status").output


def test_status_of_a_damaged_vault_exits_1(home) -> None:
    init_vault()
    path = vault_file(home)
    data = bytearray(path.read_bytes())
    data[2] ^= 0xFF
    path.write_bytes(bytes(data))
    result, record = status()
    assert result.exit_code == 1 and record["state"] == "damaged" and record["problem"]


def test_passwd_changes_the_passphrase(home) -> None:
    init_vault()
    result = run("vault", "passwd", env=with_pass(COINSOLE_NEW_PASSPHRASE=NEW_PASS))
    assert result.exit_code == 0, result.output
    old = run("vault", "export", str(home / "b1.bin"), env=with_pass(PASS))
    assert old.exit_code == 2 and "wrong passphrase" in old.output
    new = run("vault", "export", str(home / "b2.bin"), env=with_pass(NEW_PASS))
    assert new.exit_code == 0, new.output


def test_passwd_by_prompt(home) -> None:
    init_vault()
    result = run("vault", "passwd", input=f"{PASS}\n{NEW_PASS}\n{NEW_PASS}\n")
    assert result.exit_code == 0, result.output
    assert PASS not in result.output and NEW_PASS not in result.output
    _, record = status()
    assert record["profiles"] == []  # the index follows the re-encrypted file


def test_passwd_with_a_wrong_old_passphrase_changes_nothing(home) -> None:
    init_vault()
    before = vault_file(home).read_bytes()
    result = run("vault", "passwd", env=with_pass("wrong", COINSOLE_NEW_PASSPHRASE=NEW_PASS))
    assert result.exit_code == 2 and "wrong passphrase" in result.output
    assert vault_file(home).read_bytes() == before


def test_export_import_round_trip(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    demo = DEMO_PROFILES[0]
    init_vault()
    assert add_demo(demo, base_url).exit_code == 0
    backup = home / "backup" / "vault-backup.bin"
    exported = run("vault", "export", str(backup), env=with_pass())
    assert exported.exit_code == 0, exported.output
    assert backup.read_bytes() != b""
    refused = run("vault", "export", str(backup), env=with_pass())
    assert refused.exit_code == 2 and "--force" in refused.output

    # a second vault under a different passphrase, then replaced from the backup
    vault_file(home).unlink()
    init_vault(NEW_PASS)
    over = run("vault", "import", str(backup), env=with_pass())
    assert over.exit_code == 2 and "--replace" in over.output
    restored = run("vault", "import", str(backup), "--replace", env=with_pass())
    assert restored.exit_code == 0, restored.output
    assert list(vault_file(home).parent.glob("vault.bin.replaced-*"))
    assert vault_file(home).read_bytes() == backup.read_bytes()

    result = run("balances", "--json", env=with_pass())
    assert result.exit_code == 0, result.output
    assert {r["profile"] for r in json.loads(result.stdout)} == {demo.name}


def test_import_into_an_empty_home_names_profiles_without_settings(home) -> None:
    init_vault()
    demo = DEMO_PROFILES[0]
    added = run("profile", "add", demo.name, "--venue", demo.venue, "--base-url",
                "http://127.0.0.1:9/x", "--credentials-stdin",
                input=f"{demo.api_key}\n{demo.secret}\n", env=with_pass())
    assert added.exit_code == 0, added.output
    backup = home / "b.bin"
    assert run("vault", "export", str(backup), env=with_pass()).exit_code == 0
    vault_file(home).unlink()
    (home / "config" / "profiles.toml").unlink()
    result = run("vault", "import", str(backup), env=with_pass())
    assert result.exit_code == 0, result.output
    assert demo.name in result.output and "--no-credentials" in result.output


def test_import_with_a_wrong_passphrase_writes_nothing(home) -> None:
    init_vault()
    backup = home / "b.bin"
    assert run("vault", "export", str(backup), env=with_pass()).exit_code == 0
    vault_file(home).unlink()
    result = run("vault", "import", str(backup), env=with_pass("wrong"))
    assert result.exit_code == 2 and "wrong passphrase" in result.output
    assert not vault_file(home).exists()


# -- profiles and credentials -----------------------------------------------------------


def test_profile_add_without_a_vault_says_how_to_create_one(home) -> None:
    demo = DEMO_PROFILES[0]
    result = add_demo(demo, "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "coinsole vault init" in result.output and "--no-credentials" in result.output
    assert not (home / "config" / "profiles.toml").exists()
    assert not vault_file(home).exists()


def test_profile_add_with_a_wrong_passphrase_adds_nothing(home) -> None:
    init_vault()
    before = vault_file(home).read_bytes()
    result = add_demo(DEMO_PROFILES[0], "http://127.0.0.1:9", env=with_pass("wrong"))
    assert result.exit_code == 2 and "wrong passphrase" in result.output
    assert vault_file(home).read_bytes() == before
    assert not (home / "config" / "profiles.toml").exists()


def test_profile_add_prompts_for_credentials_without_echo(home) -> None:
    init_vault()
    demo = DEMO_PROFILES[0]
    result = run("profile", "add", demo.name, "--venue", demo.venue, "--base-url",
                 "http://127.0.0.1:9/x", input=f"{demo.api_key}\n{demo.secret}\n",
                 env=with_pass())
    assert result.exit_code == 0, result.output
    assert demo.api_key not in result.output and demo.secret not in result.output
    listed = json.loads(run("profile", "list", "--json").stdout)
    assert listed[0]["credentials"] == "vault"


def test_credentials_stdin_needs_two_lines(home) -> None:
    init_vault()
    demo = DEMO_PROFILES[0]
    result = run("profile", "add", demo.name, "--venue", demo.venue, "--base-url",
                 "http://127.0.0.1:9/x", "--credentials-stdin", input="only-a-key\n",
                 env=with_pass())
    assert result.exit_code == 2 and "two lines" in result.output
    assert "only-a-key" not in result.output
    assert not (home / "config" / "profiles.toml").exists()


def test_vault_profiles_balances_and_no_secret_on_disk(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    init_vault()
    outputs = []
    for demo in DEMO_PROFILES:
        result = add_demo(demo, base_url)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)

    listed = run("profile", "list")
    assert listed.exit_code == 0
    assert all("credentials: vault" in line for line in listed.stdout.splitlines())
    outputs.append(listed.output)

    result = run("balances", "--json", env=with_pass())
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert {r["venue"] for r in records} == {"fcoin", "bitunix", "bitz", "chainup", "bhex"}
    outputs.append(result.output)

    table = run("balances", "--profile", DEMO_PROFILES[1].name, env=with_pass())
    assert table.exit_code == 0, table.output
    outputs.append(table.output)

    files = [p for p in home.rglob("*") if p.is_file()]
    assert vault_file(home) in files
    for demo in DEMO_PROFILES:
        for needle in (demo.api_key, demo.secret):
            for path in files:
                assert needle.encode() not in path.read_bytes(), path
            for text in outputs:
                assert needle not in text


def test_balances_with_a_wrong_passphrase_exits_2_and_changes_nothing(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    init_vault()
    assert add_demo(DEMO_PROFILES[0], base_url).exit_code == 0
    before = vault_file(home).read_bytes()
    profiles_before = (home / "config" / "profiles.toml").read_bytes()

    result = run("balances", env=with_pass("not the passphrase"))

    assert result.exit_code == 2
    assert "wrong passphrase" in result.stderr and "nothing was changed" in result.stderr
    assert result.stdout == ""
    assert vault_file(home).read_bytes() == before
    assert (home / "config" / "profiles.toml").read_bytes() == profiles_before


def test_balances_prompts_for_the_passphrase_without_echo(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    init_vault()
    assert add_demo(DEMO_PROFILES[0], base_url).exit_code == 0
    result = run("balances", "--json", input=f"{PASS}\n")
    assert result.exit_code == 0, result.output
    assert PASS not in result.output


def test_a_vault_entry_wins_over_environment_variables(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    in_vault, in_env = DEMO_PROFILES[0], DEMO_PROFILES[1]
    init_vault()
    assert add_demo(in_vault, base_url).exit_code == 0
    assert add_demo(in_env, base_url, stdin=False).exit_code == 0
    key_var, secret_var = env_var_names(in_vault.name)
    env_key_var, env_secret_var = env_var_names(in_env.name)
    env = with_pass(**{key_var: "bogus-key", secret_var: "bogus-secret",
                       env_key_var: in_env.api_key, env_secret_var: in_env.secret})

    listed = json.loads(run("profile", "list", "--json", env=env).stdout)
    assert {p["name"]: p["credentials"] for p in listed} == {in_vault.name: "vault",
                                                             in_env.name: "env"}
    result = run("balances", "--json", env=env)
    assert result.exit_code == 0, result.output  # the bogus env vars were ignored
    assert {r["profile"] for r in json.loads(result.stdout)} == {in_vault.name, in_env.name}


def test_env_only_profiles_need_no_passphrase_even_with_a_vault(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    in_vault, in_env = DEMO_PROFILES[0], DEMO_PROFILES[1]
    init_vault()
    assert add_demo(in_vault, base_url).exit_code == 0
    assert add_demo(in_env, base_url, stdin=False).exit_code == 0
    key_var, secret_var = env_var_names(in_env.name)
    env = {key_var: in_env.api_key, secret_var: in_env.secret}

    # no COINSOLE_PASSPHRASE and no input: a prompt would abort the command
    result = run("balances", "--json", "--profile", in_env.name, env=env)
    assert result.exit_code == 0, result.output
    assert "passphrase" not in result.output.lower()


def test_missing_credentials_say_what_to_do(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    demo = DEMO_PROFILES[0]
    init_vault()
    assert add_demo(demo, base_url, stdin=False).exit_code == 0
    assert json.loads(run("profile", "list", "--json").stdout)[0]["credentials"] == "missing"
    result = run("balances")
    assert result.exit_code == 1
    key_var, secret_var = env_var_names(demo.name)
    assert "coinsole profile set-credentials" in result.stderr
    assert key_var in result.stderr and secret_var in result.stderr


def test_set_credentials_moves_a_profile_into_the_vault(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    demo = DEMO_PROFILES[2]
    init_vault()
    assert add_demo(demo, base_url, stdin=False).exit_code == 0
    result = run("profile", "set-credentials", demo.name, "--credentials-stdin",
                 input=f"{demo.api_key}\n{demo.secret}\n", env=with_pass())
    assert result.exit_code == 0, result.output
    assert json.loads(run("profile", "list", "--json").stdout)[0]["credentials"] == "vault"
    assert run("balances", env=with_pass()).exit_code == 0


def test_profile_remove_drops_the_vault_entry(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    in_vault, in_env = DEMO_PROFILES[0], DEMO_PROFILES[1]
    init_vault()
    assert add_demo(in_vault, base_url).exit_code == 0
    assert add_demo(in_env, base_url, stdin=False).exit_code == 0

    # no passphrase needed (none in the environment, no input) for a profile without entry
    plain = run("profile", "remove", in_env.name)
    assert plain.exit_code == 0, plain.output

    wrong = run("profile", "remove", in_vault.name, env=with_pass("wrong"))
    assert wrong.exit_code == 2
    assert json.loads(run("profile", "list", "--json").stdout)[0]["name"] == in_vault.name

    removed = run("profile", "remove", in_vault.name, env=with_pass())
    assert removed.exit_code == 0, removed.output
    assert "vault entry" in removed.output
    _, record = status()
    assert record["profiles"] == []


def test_a_vault_changed_elsewhere_is_unknown_until_unlocked(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    demo = DEMO_PROFILES[0]
    init_vault()
    assert add_demo(demo, base_url).exit_code == 0
    (home / "data" / "vault.bin.index").unlink()

    listed = run("profile", "list")
    assert "credentials: unknown" in listed.stdout
    assert status()[1]["profiles"] is None
    # balances must unlock to tell; without a passphrase it stops and says how
    stopped = run("balances")
    assert stopped.exit_code == 2 and "COINSOLE_PASSPHRASE" in stopped.stderr
    assert run("balances", env=with_pass()).exit_code == 0
    assert status()[1]["profiles"] == [demo.name]  # refreshed by the unlock


def test_the_test_kdf_switch_accepts_only_test(home) -> None:
    result = run("vault", "init", env=with_pass(COINSOLE_VAULT_KDF="fast"))
    assert result.exit_code == 2 and "test" in result.output
    assert not vault_file(home).exists()


def test_a_full_disk_during_settle_keeps_the_vault_index(home, live_sandbox, monkeypatch) -> None:
    """Issue 11, item 8: `journal settle` under a full disk deleted vault.bin.index. A
    failed index write now leaves the index as it was; the command says one line."""
    import errno
    import os

    _, base_url = live_sandbox
    demo = DEMO_PROFILES[0]
    init_vault()
    assert add_demo(demo, base_url).exit_code == 0
    index = home / "data" / "vault.bin.index"
    before = index.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", full)
        result = run("journal", "settle", env=with_pass())
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert index.read_bytes() == before
    assert status()[1]["profiles"] == [demo.name]  # still told without a passphrase
