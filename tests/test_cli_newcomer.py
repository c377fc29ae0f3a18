"""The command line as a newcomer meets it (issue 12): a COINSOLE_HOME that is a file,
missing backup files, and the other one-line answers to bad input."""

from __future__ import annotations

import pytest
from test_cli_vault import home, run, with_pass  # noqa: F401


@pytest.fixture
def home_is_a_file(home, monkeypatch):
    """COINSOLE_HOME pointing at a regular file."""
    target = home / "not-a-dir"
    target.write_text("x")
    monkeypatch.setenv("COINSOLE_HOME", str(target))
    return target


@pytest.mark.parametrize("args", [
    ("vault", "init"), ("vault", "status"), ("vault", "passwd"), ("balances",),
    ("profile", "list"),
])
def test_home_that_is_a_file_is_one_line_naming_it(home_is_a_file, args) -> None:
    result = run(*args, env=with_pass())
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(home_is_a_file) in lines[0] and "is a file" in lines[0]
    assert "no profiles configured" not in result.output
    assert "Traceback" not in result.output


def test_vault_import_of_a_missing_file_says_so(home) -> None:
    result = run("vault", "import", str(home / "missing.bin"), env=with_pass())
    assert result.exit_code != 0
    assert "no backup file at" in result.output and "missing.bin" in result.output
    assert "already exists" not in result.output


def test_profile_add_refuses_bhex_without_user_id(home) -> None:
    result = run("profile", "add", "org", "--venue", "bhex", "--base-url", "http://x",
                 "--no-credentials")
    assert result.exit_code != 0 and "--user-id" in result.output
    assert run("profile", "list").output.startswith("no profiles")


def test_profile_list_is_aligned(home) -> None:
    for name, venue in (("a", "fcoin"), ("a-much-longer-name", "bitunix")):
        assert run("profile", "add", name, "--venue", venue, "--base-url",
                   f"http://127.0.0.1:9/{venue}", "--no-credentials").exit_code == 0
    lines = run("profile", "list").output.splitlines()[:2]
    assert lines[0].index("fcoin") == lines[1].index("bitunix")
    assert lines[0].index("credentials") == lines[1].index("credentials")


def test_orders_open_and_history_conflict() -> None:
    result = run("orders", "--demo", "--profile", "bhex-demo", "--open", "--history")
    assert result.exit_code != 0 and "contradict" in result.output


@pytest.mark.parametrize("weak", ["a", "abc", "1234567"])
def test_short_new_passphrases_are_refused(home, weak) -> None:
    result = run("vault", "init", env={"COINSOLE_NEW_PASSPHRASE": weak})
    assert result.exit_code != 0 and "at least 8 characters" in result.output
    assert not (home / "data" / "vault.bin").exists()


def test_new_passphrase_strength_is_shown(home) -> None:
    result = run("vault", "init", env={"COINSOLE_NEW_PASSPHRASE": "correct horse battery staple"})
    assert result.exit_code == 0 and "passphrase strength: strong" in result.output
    from tui.passphrase_rules import strength_word

    assert strength_word("password") == "weak"


def test_piped_prompts_raise_no_getpass_warning(home) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("COINSOLE_PASSPHRASE", "COINSOLE_NEW_PASSPHRASE")}
    env["COINSOLE_HOME"] = str(home)
    done = subprocess.run([sys.executable, "-m", "tui", "vault", "init"],
                          input="correct horse battery staple\ncorrect horse battery staple\n",
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "GetPassWarning" not in done.stderr and "may be echoed" not in done.stderr
    assert "correct horse" not in done.stdout + done.stderr
