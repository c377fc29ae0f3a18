"""Issue 12, missing: `sandbox serve` prints ready-to-paste `profile add` lines;
`profile test NAME` makes a signed read and says ok or the error; `profile rename OLD NEW`
moves the profile in profiles.toml, the vault and the balances cache together.

Against a sandbox served over real HTTP on loopback, a real vault and real files."""

from __future__ import annotations

import shlex
from decimal import Decimal

import pytest
from sandbox_server import running_sandbox
from test_cli_vault import PASS, home, run, with_pass  # noqa: F401

from tui.balance_cache import BalanceCache
from tui.config import ProfileStore
from tui.core.models import AccountKind, AccountRef, Balance
from tui.credentials import CredentialResolver
from tui.sandbox import DEMO_PROFILES, Sandbox
from tui.sandbox.server import describe, profile_add_lines
from tui.vault import Vault


@pytest.fixture
def served():
    with running_sandbox(Sandbox()) as url:
        yield url


def paste(line: str):
    """Run one printed line as a shell would: printf's lines piped into coinsole."""
    feed, command = line.split(" | ")
    printf = shlex.split(feed)
    assert printf[:2] == ["printf", "%s\\n"]
    args = shlex.split(command)
    assert args[0] == "coinsole"
    return run(*args[1:], input="".join(f"{part}\n" for part in printf[2:]),
               env=with_pass())


def test_serve_prints_lines_that_add_working_profiles(home, served) -> None:
    assert run("vault", "init", env=with_pass()).exit_code == 0
    lines = profile_add_lines(served)
    assert len(lines) == len(DEMO_PROFILES)
    assert all(line in describe(served) for line in lines)
    for line in lines:
        result = paste(line)
        assert result.exit_code == 0, result.output
    names = [p.name for p in ProfileStore().load()]
    assert names == [p.name for p in DEMO_PROFILES]
    balances = run("balances", env=with_pass())
    assert balances.exit_code == 0, balances.output
    for profile in DEMO_PROFILES:
        assert profile.name in balances.output


def test_profile_test_says_ok_or_the_venues_error(home, served) -> None:
    assert run("vault", "init", env=with_pass()).exit_code == 0
    fcoin = next(p for p in DEMO_PROFILES if p.venue == "fcoin")
    assert paste(profile_add_lines(served)[0]).exit_code == 0
    result = run("profile", "test", fcoin.name, env=with_pass())
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {fcoin.name} (fcoin at ")
    # the same venue with a wrong secret: the venue's refusal, exit 3, no secret echoed
    result = run("profile", "add", "broken", "--venue", "fcoin", "--base-url",
                 f"{served}{fcoin.prefix}", "--credentials-stdin",
                 input=f"{fcoin.api_key}\nnot-the-secret-at-all\n", env=with_pass())
    assert result.exit_code == 0, result.output
    result = run("profile", "test", "broken", env=with_pass())
    assert result.exit_code == 3, result.output
    assert "broken" in result.output and "not-the-secret-at-all" not in result.output
    assert "ok:" not in result.output
    missing = run("profile", "test", "nobody", env=with_pass())
    assert missing.exit_code == 2 and "no profile named 'nobody'" in missing.output


def test_rename_moves_config_vault_and_cache_together(home, served) -> None:
    assert run("vault", "init", env=with_pass()).exit_code == 0
    assert paste(profile_add_lines(served)[0]).exit_code == 0
    old = DEMO_PROFILES[0].name
    cache = BalanceCache()
    before = ProfileStore().get(old)
    cache.save(before, [Balance(profile=old, venue="fcoin", account=AccountRef(
        kind=AccountKind.SPOT), coin="BTC", available=Decimal("1.5"), frozen=Decimal("0"))])
    assert cache.load(before) is not None
    result = run("profile", "rename", old, "mine", env=with_pass())
    assert result.exit_code == 0, result.output
    assert "profiles.toml, the vault, the balances cache" in result.output
    assert [p.name for p in ProfileStore().load()] == ["mine"]
    vault = Vault()
    vault.unlock(PASS)
    assert vault.profiles() == ["mine"]
    vault.lock()
    assert CredentialResolver().vault_profiles() == frozenset({"mine"})
    cached = cache.load(ProfileStore().get("mine"))
    assert cached is not None and {b.profile for b in cached.balances} == {"mine"}
    assert cached.balances[0].available == Decimal("1.5")
    assert not cache.path(before).exists()
    assert run("profile", "test", "mine", env=with_pass()).exit_code == 0


@pytest.mark.parametrize("new, message", [
    ("taken", "exists already"), ("bad name!", "not a usable profile name"),
])
def test_rename_refusals_change_nothing(home, new, message) -> None:
    for name in ("first", "taken"):
        assert run("profile", "add", name, "--venue", "fcoin", "--base-url",
                   "http://127.0.0.1:9/fcoin", "--no-credentials").exit_code == 0
    before = ProfileStore().file.read_bytes()
    result = run("profile", "rename", "first", new, env=with_pass())
    assert result.exit_code == 2 and message in result.output
    assert ProfileStore().file.read_bytes() == before


def test_rename_with_a_wrong_passphrase_changes_nothing(home, served) -> None:
    assert run("vault", "init", env=with_pass()).exit_code == 0
    assert paste(profile_add_lines(served)[0]).exit_code == 0
    before = ProfileStore().file.read_bytes()
    result = run("profile", "rename", DEMO_PROFILES[0].name, "mine",
                 env=with_pass("wrong passphrase entirely"))
    assert result.exit_code == 2
    assert ProfileStore().file.read_bytes() == before
