"""Policy lint: each problem with its line number."""

from tui.approvals.policy_lint import check_policy

KEY = "11" * 32

TEXT = f'''[operators.ann]
public_key = "{KEY}"
colour = "red"
[groups]
treasury = ["ann", "zed"]
[[rule]]
name = "wide"
coin = ["USDT", "BTC"]
outcome = "block"
[[rule]]
name = "narrow"
coin = "USDT"
min_amount = 5.5
outcome = "approve"
quorum = "1 of treasury and 1 of risk"
[[rule]]
name = "velo"
velocity = {{max = "10", window = "1h"}}
bogus = 1
outcome = "allow"
'''


def test_lint_reports_lines():
    msgs = [(p.line, p.message) for p in check_policy(TEXT)]
    assert (3, "operator 'ann': unknown key 'colour'") in msgs
    assert any(line == 5 and "unknown operator 'zed'" in m for line, m in msgs)
    assert any(line == 13 and "TOML float" in m for line, m in msgs)
    assert any(line == 15 and "unknown group 'risk'" in m for line, m in msgs)
    assert any(line == 19 and "unknown key 'bogus'" in m for line, m in msgs)
    assert any(line == 20 and "no default" in m for line, m in msgs)


def test_shadowed_and_unreachable():
    text = '''[[rule]]
coin = ["USDT", "BTC"]
outcome = "block"
[[rule]]
coin = "USDT"
min_amount = "5"
outcome = "allow"
[[rule]]
coin = "ETH"
outcome = "allow"
[[rule]]
outcome = "allow"
[[rule]]
coin = "ETH"
outcome = "block"
'''
    msgs = [(p.line, p.message) for p in check_policy(text)]
    assert any(line == 4 and "shadowed" in m for line, m in msgs)
    assert not any(line == 8 for line, _ in msgs)
    assert any(line == 13 and "unreachable" in m for line, m in msgs)


def test_velocity_rule_never_claims_shadowing_and_clean_policy_passes():
    text = '''[[rule]]
velocity = {max = "10", window = "1h"}
outcome = "block"
[[rule]]
coin = "USDT"
outcome = "allow"
[[rule]]
outcome = "block"
'''
    assert check_policy(text) == []


def test_operator_and_group_problems_point_at_their_own_table():
    """The same unknown key under two operators is reported on each one's own line; a group
    named like a rule key is found in [groups], not at the rule above it."""
    text = f'''[operators.ann]
public_key = "{KEY}"
colour = "blue"
[operators."bob"]
public_key = "{KEY}"
colour = "red"
[[rule]]
name = "x"
coin = "USDT"
outcome = "allow"
[groups]
coin = ["zed"]
[[rule]]
outcome = "allow"
'''
    msgs = [(p.line, p.message) for p in check_policy(text)]
    assert (3, "operator 'ann': unknown key 'colour'") in msgs
    assert (6, "operator 'bob': unknown key 'colour'") in msgs
    assert (12, "group 'coin' names unknown operator 'zed'") in msgs
