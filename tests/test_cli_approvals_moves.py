"""`coinsole send` and `coinsole withdraw` under a policy that holds them: each prints the
request id and exits 5 ("submitted for approval"), journals the request PENDING_APPROVAL
and sends nothing; approved by two operators and executed, it is sent once. (`transfer`
and `orders place` have theirs in test_cli_approvals.py.)"""

from __future__ import annotations

import re

import pytest
from test_cli_approvals import (  # noqa: F401 - fixtures
    TRC20,
    _approve_both,
    entries,
    home,
    live_profiles,
    run,
    team,
)

HOLD_BOTH = '''
[[rule]]
name = "sends and withdrawals"
action = ["internal_transfer", "withdraw"]
outcome = "approve"
quorum = "2 of treasury"
'''


@pytest.fixture
def holding(team, home):
    policy = home / "config" / "policy.toml"
    text = policy.read_text()
    start = text.index('[[rule]]\nname = "no withdrawals"')
    policy.write_text(text[:start] + HOLD_BOTH + text[start:])
    return policy


@pytest.mark.parametrize("command", [
    ["send", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "1.5",
     "--to-email", "alice@coinsole.test", "--yes"],
    ["withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "10", *TRC20,
     "--yes"],
], ids=["send", "withdraw"])
def test_held_send_or_withdrawal_exits_5_with_the_request_id(holding, home, live_profiles,
                                                             command) -> None:
    result = run(*command, who="ann")
    assert result.exit_code == 5, result.output
    found = re.search(r"submitted for approval: request ([0-9a-f]{16}) \(rule 'sends and "
                      r"withdrawals', needs 2 of treasury\)", result.output)
    assert found, result.output
    [entry] = entries(home)
    assert entry.state.value == "PENDING_APPROVAL" and entry.attempts == 0
    _approve_both(found.group(1))
    executed = run("approvals", "execute", found.group(1), who="ann")
    assert executed.exit_code == 0, executed.output
    [entry] = entries(home)
    assert entry.attempts == 1 and entry.state.value in ("ACCEPTED", "RECONCILED")


@pytest.mark.parametrize("command,rule", [
    (["send", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "1.5",
      "--to-email", "alice@coinsole.test"], "sends and withdrawals"),
    (["withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "10", *TRC20],
     "sends and withdrawals"),
], ids=["send", "withdraw"])
def test_policy_explain_send_and_withdraw_send_nothing(holding, home, command, rule) -> None:
    result = run("policy", "explain", *command, who="ann")
    assert result.exit_code == 0, result.output
    assert f"{rule} (line" in result.output and "2 of treasury" in result.output, result.output
    assert "nothing was sent" in result.output
    assert entries(home) == []
