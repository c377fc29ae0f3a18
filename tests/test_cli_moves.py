"""The money commands: transfer, send, withdraw and journal, with --demo and with profiles
on a sandbox served over real HTTP. Bad input exits 2 with nothing journaled."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from demo_env import use_demo_profiles

from tui.cli import main
from tui.cli_moves import register
from tui.journal import Journal

register(main)

TRC20 = ["--network", "Tron (TRC-20)", "--address", "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Each test gets its own data directory and no stray credentials."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    monkeypatch.setenv("COINSOLE_TRADE_PASSWORD", "coinsole-demo-2468")
    return tmp_path


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def journal_entries(home):
    path = home / "data" / "journal.sqlite"
    if not path.exists():
        return []
    with Journal(path) as journal:
        return journal.entries()


def test_demo_transfer_accepted_json():
    result = invoke("transfer", "--demo", "--profile", "fcoin-demo", "--from", "asset_center",
                    "--to", "spot", "--coin", "USDT", "--amount", "1.000000000000000001",
                    "--yes", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["request"]["amount"] == "1.000000000000000001"
    assert record["state"] in ("ACCEPTED", "RECONCILED") and record["settlement"] == "keyed"


def test_demo_send_and_withdraw_accepted():
    result = invoke("send", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
                    "--amount", "1.5", "--to-email", "alice@coinsole.test", "--yes")
    assert result.exit_code == 0, result.output
    result = invoke("withdraw", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
                    "--amount", "10", *TRC20, "--yes")
    assert result.exit_code == 0, result.output
    assert "arrival 9 USDT" in result.output


def test_demo_bhex_withdraw_uses_the_trade_password():
    result = invoke("withdraw", "--demo", "--profile", "bhex-demo", "--coin", "AT",
                    "--amount", "20", "--address", "coinsoledemo",
                    "--memo", "482698709891649536", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert "coinsole-demo-2468" not in result.output


def test_withdraw_confirmation_asks_for_the_address_tail():
    args = ["withdraw", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
            "--amount", "10", *TRC20]
    declined = invoke(*args, input="nope\n")
    assert declined.exit_code == 1 and "nothing was sent" in declined.output
    shown = declined.output
    assert "10 USDT" in shown and "fee" in shown and "arrival" in shown and "9 USDT" in shown
    assert invoke(*args, input="V7rU\n").exit_code == 0


def test_transfer_confirmation_can_be_declined(home):
    result = invoke("transfer", "--demo", "--profile", "fcoin-demo", "--from", "asset_center",
                    "--to", "bx", "--coin", "USDT", "--amount", "2", input="n\n")
    assert result.exit_code == 1 and "nothing was sent" in result.output


def test_rejected_by_the_venue_exits_3():
    result = invoke("send", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
                    "--amount", "1", "--to-uid", "111", "--yes")
    assert result.exit_code == 3, result.output
    assert "Recipient not found" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["transfer", "--profile", "fcoin-demo", "--from", "asset_center", "--to", "spot",
      "--coin", "USDT", "--amount", "abc"], "must be a number"),
    (["transfer", "--profile", "fcoin-demo", "--from", "asset_center", "--to", "spot",
      "--coin", "USDT", "--amount", "-1"], "more than 0"),
    (["transfer", "--profile", "fcoin-demo", "--from", "asset_center", "--to", "spot",
      "--coin", "USDT", "--amount", "0"], "more than 0"),
    (["transfer", "--profile", "fcoin-demo", "--from", "asset_center", "--to", "spot",
      "--coin", "USDT", "--amount", "99999999"], "more than the"),
    (["transfer", "--profile", "fcoin-demo", "--from", "spot", "--to", "bx",
      "--coin", "USDT", "--amount", "1"], "valid routes: asset_center -> spot"),
    (["withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "10.1234567",
      *TRC20], "remove the extra digits"),
    (["withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "100000",
      *TRC20], "more than the"),
    (["withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "10",
      "--network", "EOS", "--address", "coinsoledemo"], "needs a memo/tag"),
    (["withdraw", "--profile", "bhex-demo", "--coin", "AT", "--amount", "20",
      "--address", "coinsoledemo"], "needs a memo/tag"),
    (["send", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "1",
      "--to-uid", "1", "--to-email", "a@b.c"], "exactly one"),
    (["send", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "1",
      "--to-phone", "8613800"], "COUNTRYCODE:NUMBER"),
    (["send", "--profile", "nobody", "--coin", "USDT", "--amount", "1",
      "--to-uid", "1"], "no profile named"),
])
def test_bad_input_exits_2_and_journals_nothing(home, args, message):
    result = invoke(*args, "--demo", "--yes")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert journal_entries(home) == []


# -- with profiles on a live sandbox: the journal persists between commands ---------------


@pytest.fixture
def live_profiles(live_sandbox, monkeypatch):
    """Profiles for every demo venue pointing at a sandbox served over HTTP."""
    sandbox, base_url = live_sandbox
    use_demo_profiles(base_url, monkeypatch)
    return sandbox


def test_unknown_outcome_exits_4_then_journal_settle_settles_it(live_profiles, home, monkeypatch):
    monkeypatch.setenv("COINSOLE_RESEND_BACKOFF_MS", "1")
    sandbox = live_profiles
    sandbox.faults.configure("fcoin", drop_rate=1.0)
    result = invoke("transfer", "--profile", "fcoin-demo", "--from", "asset_center",
                    "--to", "contract", "--coin", "USDT", "--amount", "3.25", "--yes")
    assert result.exit_code == 4, result.output
    assert "journal settle" in result.output
    listing = invoke("journal", "--json")
    [entry] = json.loads(listing.output)
    assert entry["state"] == "UNKNOWN" and entry["settlement"] == "keyed"
    sandbox.faults.configure("fcoin")
    settled = invoke("journal", "settle")
    assert settled.exit_code == 0, settled.output
    [entry] = journal_entries(home)
    # Three sends by the command itself (the first and two same-key resends), one by settle.
    assert entry.state.value in ("ACCEPTED", "RECONCILED") and entry.attempts == 4
    shown = invoke("journal", "show", str(entry.id))
    assert shown.exit_code == 0 and "resending with the same key" in shown.output
    # History times are ISO 8601 UTC, not raw epoch milliseconds.
    assert re.search(r"\n    \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  ", shown.output)
    assert not re.search(r"\n    \d{13}  ", shown.output)
    assert "3.25 USDT" in invoke("journal").output


def test_none_settlement_is_left_to_the_operator(live_profiles, home):
    sandbox = live_profiles
    sandbox.faults.configure("bitunix", drop_rate=1.0)
    result = invoke("transfer", "--profile", "bitunix-demo", "--from", "spot",
                    "--to", "futures", "--coin", "USDT", "--amount", "1.25", "--yes")
    assert result.exit_code == 4, result.output
    sandbox.faults.configure("bitunix")
    assert invoke("journal", "settle").exit_code == 4
    [entry] = journal_entries(home)
    assert entry.state.value == "UNKNOWN" and entry.attempts == 1
    resolved = invoke("journal", "resolve", str(entry.id), "accepted",
                      "--note", "futures balance rose by 1.25")
    assert resolved.exit_code == 0 and "ACCEPTED" in resolved.output


def test_journal_cancel_a_pending_withdrawal(live_profiles, home):
    result = invoke("withdraw", "--profile", "bitunix-demo", "--coin", "USDT",
                    "--amount", "10", *TRC20, "--yes")
    assert result.exit_code == 0, result.output
    [entry] = journal_entries(home)
    cancelled = invoke("journal", "cancel", str(entry.id))
    assert cancelled.exit_code == 0, cancelled.output
    [entry] = journal_entries(home)
    assert entry.state.value == "RECONCILED" and entry.receipt.status.value == "cancelled"


@pytest.mark.parametrize(("args", "message"), [
    (["transfer", "--profile", "fcoin-demo", "--from", "asset_center", "--to", "spot",
      "--coin", "USDT", "--amount", "1.2.3"], "must be a number"),
    (["withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "10.1234567",
      *TRC20], "remove the extra digits"),
    (["transfer", "--profile", "bitunix-demo", "--from", "spot", "--to", "futures",
      "--coin", "USDT", "--amount", "5000"], "more than the"),
    (["withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "10",
      "--network", "EOS", "--address", "coinsoledemo"], "needs a memo/tag"),
])
def test_bad_input_on_disk_journal_stays_empty(live_profiles, home, args, message):
    result = invoke(*args, "--yes")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert journal_entries(home) == []
