"""The command line end to end: profiles, balances (exact JSON), partial failure."""

import json

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.credentials import env_var_names
from tui.sandbox import DEMO_PROFILES


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    for demo in DEMO_PROFILES:
        for var in env_var_names(demo.name):
            monkeypatch.delenv(var, raising=False)
    return tmp_path


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_profile_add_list_remove(home) -> None:
    added = run("profile", "add", "desk", "--venue", "bhex", "--base-url",
                "http://127.0.0.1:8000/bhex", "--user-id", "7", "--no-credentials")
    assert added.exit_code == 0, added.output
    assert "COINSOLE_DESK_API_KEY" in added.output
    listed = run("profile", "list", "--json")
    assert json.loads(listed.output) == [{"name": "desk", "venue": "bhex",
                                          "base_url": "http://127.0.0.1:8000/bhex", "user_id": "7",
                                          "credentials": "missing"}]
    assert run("profile", "remove", "desk").exit_code == 0
    assert "no profiles" in run("profile", "list").output


@pytest.mark.parametrize("args, message", [
    (["--venue", "kraken", "--base-url", "https://a"], "kraken"),
    (["--venue", "bitz", "--base-url", "api.bitz.com"], "http:// or https://"),
    (["--venue", "bhex", "--base-url", "https://a", "--user-id", "x1"], "whole number"),
])
def test_profile_add_refuses_bad_input_and_writes_nothing(home, args, message) -> None:
    result = CliRunner().invoke(main, ["profile", "add", "desk", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (home / "config" / "profiles.toml").exists()


def test_remove_unknown_profile_says_so(home) -> None:
    result = run("profile", "remove", "ghost")
    assert result.exit_code == 2 and "no profile named 'ghost'" in result.output


def test_balances_demo_json_is_exact(home) -> None:
    result = run("balances", "--demo", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {r["venue"] for r in records} == {"fcoin", "bitunix", "bitz", "chainup", "bhex"}
    assert set(records[0]) == {"profile", "venue", "account", "coin", "available", "frozen", "total"}
    assert all(isinstance(r[k], str) for r in records for k in ("available", "frozen", "total"))
    fcoin_eth = next(r for r in records if r["venue"] == "fcoin" and r["coin"] == "ETH")
    assert fcoin_eth["available"] == "5094.859925211325094096"


def test_balances_demo_table_for_one_profile(home) -> None:
    result = run("balances", "--demo", "--profile", "bitz-demo")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["PROFILE", "VENUE", "ACCOUNT", "COIN"]
    assert all(line.startswith("bitz-demo") for line in lines[1:])


def test_balances_unknown_profile_is_a_usage_error(home) -> None:
    result = CliRunner().invoke(main, ["balances", "--demo", "--profile", "nope"])
    assert result.exit_code == 2 and "no profile named 'nope'" in result.output


def test_balances_without_profiles_points_at_the_way_forward(home) -> None:
    result = CliRunner().invoke(main, ["balances"])
    assert result.exit_code == 2 and "--demo" in result.output


def test_one_failing_profile_does_not_hide_the_others(home, live_sandbox) -> None:
    _, base_url = live_sandbox
    env = {}
    for demo in DEMO_PROFILES:
        args = ["profile", "add", demo.name, "--venue", demo.venue, "--base-url", base_url + demo.prefix,
                "--no-credentials"]
        if demo.user_id:
            args += ["--user-id", demo.user_id]
        assert run(*args).exit_code == 0
        key_var, secret_var = env_var_names(demo.name)
        env[key_var], env[secret_var] = demo.api_key, demo.secret
    broken = next(d for d in DEMO_PROFILES if d.venue == "bitunix")
    wrong_secret = "wrong-" + broken.secret
    env[env_var_names(broken.name)[1]] = wrong_secret

    result = CliRunner().invoke(main, ["balances", "--json"], env=env)

    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert {r["venue"] for r in records} == {"fcoin", "bitz", "chainup", "bhex"}
    failure_lines = result.stderr.strip().splitlines()
    assert len(failure_lines) == 1 and failure_lines[0].startswith(f"coinsole: {broken.name}: bitunix:")
    for secret in (wrong_secret, broken.secret, broken.api_key):
        assert secret not in result.stderr and secret not in result.stdout
