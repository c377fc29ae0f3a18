"""``coinsole policy explain orders place|cancel`` with the orders commands' own flags: which
rule an order action meets and why, nothing journaled or sent (the demo's policy, and a
policy file against the sandbox served over loopback HTTP)."""

from __future__ import annotations

import json

from approvals_world import KEYS
from test_cli_approvals import entries, home, live_profiles, run  # noqa: F401 - fixtures

PLACE = ["--profile", "bhex-demo", "--symbol", "ATUSDT", "--side", "sell", "--price", "10",
         "--quantity", "300"]


def write_policy(home) -> None:
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{pub.hex()}"\ngroups = ["treasury"]\n'
                    for n, (_, pub) in KEYS.items())
    (home / "config").mkdir(exist_ok=True)
    (home / "config" / "policy.toml").write_text(ops + '''
[[rule]]
name = "big sells"
action = "order_place"
min_amount = "100"
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
name = "no cancels"
action = "order_cancel"
outcome = "block"
reason = "cancels go through the desk"

[[rule]]
name = "default"
outcome = "allow"
''')


def test_demo_explains_an_order_under_the_demo_policy(home):
    result = run("policy", "explain", "orders", "place", "--demo", *PLACE)
    assert result.exit_code == 0, result.output
    assert "allow" in result.output and "default" in result.output
    assert "SELL 300 AT at 10 USDT" in result.output
    assert "nothing was sent" in result.output


def test_policy_explains_place_and_cancel_and_sends_nothing(home, live_profiles):
    write_policy(home)
    before = json.loads(run("orders", "--profile", "bhex-demo", "--json").output)
    (order,) = before
    placed = run("policy", "explain", "orders", "place", *PLACE, who="ann")
    assert placed.exit_code == 0, placed.output
    assert "approve" in placed.output and "big sells (line" in placed.output
    assert "2 of treasury" in placed.output and "nothing was sent" in placed.output
    cancelled = run("policy", "explain", "orders", "cancel", "--profile", "bhex-demo",
                    "--order-id", order["order_id"], who="ann")
    assert cancelled.exit_code == 0, cancelled.output
    assert "block" in cancelled.output and "cancels go through the desk" in cancelled.output
    assert f"order {order['order_id']}" in cancelled.output
    assert entries(home) == []
    assert json.loads(run("orders", "--profile", "bhex-demo", "--json").output) == before
    assert not (home / "data" / "approvals.sqlite").exists() or \
        run("approvals", "list", "--json", who="bob").output.strip() == "[]"
