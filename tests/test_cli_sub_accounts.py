"""`coinsole sub-accounts list|create` against the sandbox over real HTTP."""

import json

from click.testing import CliRunner

from tui.cli import main
from tui.credentials import env_var_names
from tui.sandbox import DEMO_PROFILES

BHEX = next(d for d in DEMO_PROFILES if d.venue == "bhex")


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def bhex_profile(base_url: str) -> dict[str, str]:
    added = invoke("profile", "add", "desk", "--venue", "bhex", "--base-url",
                   base_url + BHEX.prefix, "--user-id", BHEX.user_id, "--no-credentials")
    assert added.exit_code == 0, added.output
    key_var, secret_var = env_var_names("desk")
    return {key_var: BHEX.api_key, secret_var: BHEX.secret}


def test_create_then_list_shows_the_new_account(live_sandbox) -> None:
    env = bhex_profile(live_sandbox[1])
    before = json.loads(invoke("sub-accounts", "list", "--profile", "desk", "--json",
                               env=env).output)
    created = invoke("sub-accounts", "create", "--profile", "desk", "--type", "contract",
                     "--name", "Hedge 2", "--json", env=env)
    assert created.exit_code == 0, created.output
    [account] = json.loads(created.output)
    assert (account["account_type"], account["name"]) == (3, "Hedge 2")
    assert account["account_index"] == 1 + max(a["account_index"] for a in before
                                               if a["account_type"] == 3)
    after = json.loads(invoke("sub-accounts", "list", "--profile", "desk", "--json",
                              env=env).output)
    assert len(after) == len(before) + 1 and account in after


def test_list_table_and_a_venue_without_sub_accounts() -> None:
    table = invoke("sub-accounts", "list", "--demo", "--profile", "bhex-demo")
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split() == ["type", "index", "name", "account", "id"]
    assert "Quant team 1" in table.output
    refused = CliRunner().invoke(main, ["sub-accounts", "list", "--demo", "--profile",
                                        "bitz-demo"])
    assert refused.exit_code == 2 and "bitz cannot show sub-accounts" in refused.output
