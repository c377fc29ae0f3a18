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
