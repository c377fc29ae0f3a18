"""``coinsole users ...`` and ``coinsole otc ...`` on the demo sandbox: sync then search
(text and JSON), the card as JSON with every part, KYC, invites, status, caller
verification with hidden input (the trade password never printed), OTC orders, and bad
input refused with one line."""

from __future__ import annotations

import json
import time

import pyotp
from click.testing import CliRunner

from tui.cli import main
from tui.sandbox.bhex_org import OrgDirectory, trade_password_of
from tui.sandbox.profiles import BHEX_DEMO_USER_ID, DEFAULT_SEED
from tui.support.card import PARTS

DEMO = ["--demo", "--profile", "bhex-demo"]
ORG = OrgDirectory(20_000, DEFAULT_SEED)


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def _user(predicate, start: int = 200):
    for position in range(start, 19_000):
        user = ORG.user(position)
        if predicate(user):
            return user
    raise AssertionError("no such user")


def test_sync_then_search_text_and_json() -> None:
    synced = run("users", "sync", *DEMO)
    assert synced.exit_code == 0 and "the index holds 20000 users" in synced.output
    target = _user(lambda u: u.mobile and u.national_code == "86")
    found = run("users", "search", "+86 " + target.mobile, *DEMO, "--json")
    rows = json.loads(found.output)
    assert rows[0]["user_id"] == target.user_id and rows[0]["match"] == "mobile"
    exact = run("users", "search", target.user_id, *DEMO)
    assert exact.output.splitlines()[0].split()[:2] == [target.user_id, "uid"]
    assert run("users", "search", "zzzz-nobody", *DEMO).output.strip() == "no user matches"


def test_search_before_sync_says_what_to_do() -> None:
    result = CliRunner().invoke(main, ["users", "search", "1", *DEMO])
    assert result.exit_code == 2 and "users sync" in result.output


def test_show_json_has_every_part() -> None:
    result = run("users", "show", BHEX_DEMO_USER_ID, *DEMO, "--json")
    card = json.loads(result.output)
    assert card["userId"] == BHEX_DEMO_USER_ID and list(card["parts"]) == list(PARTS)
    assert all(p["state"] == "loaded" for p in card["parts"].values()), card["parts"]
    balances = card["parts"]["balances"]["data"]
    assert all(isinstance(r["total"], str) for r in balances)
    assert card["parts"]["base"]["data"]["verifyStatusName"] == "approved"


def test_show_generated_user_has_an_empty_main_account() -> None:
    user = _user(lambda u: True)
    card = json.loads(run("users", "show", user.user_id, *DEMO, "--json").output)
    parts = card["parts"]
    assert parts["base"]["state"] == "loaded" and parts["status"]["state"] == "loaded"
    # a generated user has only the main spot account the venue opens at registration
    assert parts["balances"]["state"] == "loaded" and "error" not in parts["balances"]
    assert parts["balances"]["data"] == []


def test_kyc_invites_status() -> None:
    user = _user(lambda u: u.verify_status == 3)
    assert "KYC rejected" in run("users", "kyc", user.user_id, *DEMO).output
    inviter = _user(lambda u: ORG.direct_invitees(u.index))
    out = run("users", "invites", inviter.user_id, *DEMO).output
    assert ORG.user_id_at(ORG.direct_invitees(inviter.index)[0]) in out
    flags = json.loads(run("users", "status", user.user_id, *DEMO, "--json").output)
    assert flags == user.flags


def test_verify_trade_password_hidden_and_md5_only() -> None:
    user = _user(lambda u: u.trade_pwd_md5 is not None)
    password = trade_password_of(user.user_id)
    good = run("users", "verify-trade-password", user.user_id, *DEMO, input=password + "\n")
    assert good.exit_code == 0 and "CORRECT" in good.output and password not in good.output
    bad = CliRunner().invoke(main, ["users", "verify-trade-password", user.user_id, *DEMO],
                             input="nope\n")
    assert bad.exit_code == 1 and "WRONG" in bad.output


def test_verify_ga_by_totp() -> None:
    user = _user(lambda u: u.ga_seed is not None)
    code = pyotp.TOTP(user.ga_seed).at(int(time.time()))
    result = run("users", "verify-ga", user.user_id, *DEMO, input=code + "\n")
    assert result.exit_code == 0 and "CORRECT" in result.output and code not in result.output
    bad = CliRunner().invoke(main, ["users", "verify-ga", user.user_id, *DEMO], input="12\n")
    assert bad.exit_code == 2 and "six digits" in bad.output


def test_otc_orders_and_order() -> None:
    user = _user(lambda u: u.otc_orders >= 2)
    rows = json.loads(run("otc", "orders", *DEMO, "--user-id", user.user_id, "--json").output)
    assert len(rows) == user.otc_orders
    one = json.loads(run("otc", "order", str(rows[0]["id"]), *DEMO, "--user-id",
                         user.user_id, "--json").output)
    assert one["id"] == rows[0]["id"] and one["paymentTermList"]


def test_bad_input_one_line() -> None:
    result = CliRunner().invoke(main, ["users", "show", "12ab", *DEMO])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    result = CliRunner().invoke(main, ["users", "status", BHEX_DEMO_USER_ID, *DEMO,
                                       "--set", "NOPE=1"])
    assert result.exit_code == 2 and "FLAG=0" in result.output
    result = CliRunner().invoke(main, ["users", "show", "1", "--demo", "--profile",
                                       "fcoin-demo"])
    assert result.exit_code == 2 and "not a BHEX profile" in result.output
