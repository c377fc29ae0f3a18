"""``--user-id`` on the BHEX read commands: the command acts for that org user instead of
the profile's; a malformed id or a non-BHEX profile is refused with one line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tui.cli import main
from tui.sandbox.profiles import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS

DEMO = ["--demo", "--profile", "bhex-demo"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_history_and_orders_act_for_the_user_given() -> None:
    own = json.loads(run("history", "deposits", *DEMO, "--json").output)
    assert own  # the profile's user has deposits
    other = run("history", "deposits", *DEMO, "--json", "--user-id", BHEX_OTHER_USER_IDS[0])
    assert other.exit_code == 0 and json.loads(other.output) == []
    mine = json.loads(run("orders", *DEMO, "--json").output)
    theirs = json.loads(run("orders", *DEMO, "--json", "--user-id",
                            BHEX_OTHER_USER_IDS[0]).output)
    assert mine and theirs == []
    same = json.loads(run("orders", *DEMO, "--json", "--user-id", BHEX_DEMO_USER_ID).output)
    assert [o["order_id"] for o in same] == [o["order_id"] for o in mine]


def test_bad_user_id_and_other_venues_refused() -> None:
    bad = run("history", "deposits", *DEMO, "--user-id", "12x")
    assert bad.exit_code == 2 and "digits only" in bad.output
    assert bad.output.count("\n") == 1
    other = run("history", "deposits", "--demo", "--profile", "fcoin-demo", "--user-id", "1")
    assert other.exit_code == 2 and "BHEX" in other.output


def test_balances_act_for_the_user_given_on_bhex_profiles_only() -> None:
    args = ("balances", "--demo", "--profile", "bhex-demo", "--profile", "fcoin-demo", "--json")
    own = json.loads(run(*args).output)
    theirs = json.loads(run(*args, "--user-id", BHEX_OTHER_USER_IDS[0]).output)
    bhex = lambda rows: {(r["coin"], r["account"]) for r in rows if r["profile"] == "bhex-demo"}
    fcoin = lambda rows: [r for r in rows if r["profile"] == "fcoin-demo"]
    assert ("AT", "spot") in {(c, a.split(" ")[0]) for c, a in bhex(own)}
    assert {c for c, _ in bhex(theirs)} == {"BTC", "USDT"}  # the other user's main account
    assert fcoin(theirs) == fcoin(own)
    refused = run("balances", "--demo", "--profile", "fcoin-demo", "--user-id", "1")
    assert refused.exit_code == 2 and "BHEX" in refused.output
