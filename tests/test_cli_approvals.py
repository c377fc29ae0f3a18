"""The approvals CLI against the sandbox served over loopback HTTP, with a real vault (operator
keys sealed), a real journal and a real SQLite approvals store: propose (exit 5), vote, execute
once; self-approval, blocks, tampering, moved signatures and a changed policy refused."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from demo_env import use_demo_profiles

from tui.cli import main
from tui.cli_approvals import register as register_approvals
from tui.cli_moves import register as register_moves
from tui.journal import Journal

register_moves(main)
register_approvals(main)

TRANSFER = ["transfer", "--profile", "fcoin-demo", "--from", "asset_center", "--to", "spot",
            "--coin", "USDT", "--yes"]
TRC20 = ["--network", "Tron (TRC-20)", "--address", "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    monkeypatch.setenv("COINSOLE_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("COINSOLE_VAULT_KDF", "test")
    monkeypatch.setenv("COINSOLE_TRADE_PASSWORD", "coinsole-demo-2468")
    monkeypatch.delenv("COINSOLE_OPERATOR", raising=False)
    monkeypatch.delenv("COINSOLE_POLICY", raising=False)
    monkeypatch.delenv("COINSOLE_TEAM_STORE", raising=False)
    return tmp_path


@pytest.fixture
def live_profiles(home, live_sandbox, monkeypatch):
    sandbox, base_url = live_sandbox
    use_demo_profiles(base_url, monkeypatch)
    return sandbox


def run(*args, who=None, input=None):
    # Always named, so CliRunner restores it after: `--as NAME` sets it in os.environ.
    env = {"COINSOLE_OPERATOR": who or None}
    return CliRunner().invoke(main, list(args), env=env, input=input)


def policy_text(keys, *, extra=""):
    ops = "\n".join(f'[operators.{n}]\npublic_key = "{k}"\ngroups = ["treasury"]'
                    for n, k in keys.items())
    return ops + f'''
[[rule]]
name = "no withdrawals"
action = "withdraw"
outcome = "block"
reason = "withdrawals are frozen this week"

[[rule]]
name = "transfers of 100 or more"
action = "transfer"
min_amount = "100"
outcome = "approve"
quorum = "2 of treasury"
{extra}
[[rule]]
name = "default"
outcome = "allow"
'''


@pytest.fixture
def team(live_profiles, home):
    """Three operators sealed in this home's vault and a policy naming them."""
    keys = {}
    for name in ("ann", "bob", "cat"):
        made = run("operator", "init", name)
        assert made.exit_code == 0, made.output
        assert "secret" not in made.output.lower()
        exported = run("operator", "export", "--json", who=name)
        assert exported.exit_code == 0, exported.output
        keys[name] = json.loads(exported.output)["public_key"]
        assert keys[name] in made.output
    (home / "config" / "policy.toml").write_text(policy_text(keys))
    return keys


def propose(amount="150", who="ann"):
    result = run(*TRANSFER, "--amount", amount, who=who)
    assert result.exit_code == 5, result.output
    found = re.search(r"submitted for approval: request ([0-9a-f]{16})", result.output)
    assert found, result.output
    return found.group(1)


def entries(home):
    with Journal(home / "data" / "journal.sqlite") as journal:
        return journal.entries()


def fcoin_moves(sandbox):
    from tui.sandbox.moves import MoveStore

    return MoveStore(sandbox.ledger).moves("fcoin")


def test_propose_approve_twice_execute_sends_once(team, home, live_profiles):
    sandbox = live_profiles
    rid = propose()
    [entry] = entries(home)
    assert entry.state.value == "PENDING_APPROVAL" and entry.attempts == 0
    listed = json.loads(run("approvals", "list", "--waiting-for-me", "--json", who="bob").output)
    assert [i["id"] for i in listed] == [rid] and listed[0]["votes"] == "0/2"
    assert json.loads(run("approvals", "list", "--waiting-for-me", "--json", who="ann").output) == []

    own = run("approvals", "approve", rid, who="ann")
    assert own.exit_code == 2 and "does not let the initiator" in own.output
    too_early = run("approvals", "execute", rid, who="ann")
    assert too_early.exit_code == 3 and "PENDING_APPROVAL" in too_early.output
    first = run("approvals", "approve", rid, who="bob")
    assert first.exit_code == 0 and "votes 1/2" in first.output
    second = run("approvals", "approve", rid, who="cat")
    assert second.exit_code == 0 and "votes 2/2" in second.output

    shown = run("approvals", "show", rid, "--json", who="ann")
    detail = json.loads(shown.output)
    assert detail["state"] == "APPROVED" and detail["hash_ok"] and detail["params"]["amount"] == "150"
    assert (detail["rule_now"], detail["outcome_now"]) == ("transfers of 100 or more", "approve")
    assert [s["verified"] for s in detail["signatures"]] == [True, True]

    executed = run("approvals", "execute", rid, who="ann")
    assert executed.exit_code == 0, executed.output
    [entry] = entries(home)
    assert entry.state.value in ("ACCEPTED", "RECONCILED") and entry.attempts == 1
    with Journal(home / "data" / "journal.sqlite") as journal:
        path = [e.to_state for e in journal.events(entry.id)]
    assert path[:4] == ["DRAFT", "PENDING_APPROVAL", "APPROVED", "SUBMITTING"]
    assert len(fcoin_moves(sandbox)) == 1

    again = run("approvals", "execute", rid, who="bob")
    assert again.exit_code == 3 and "DONE" in again.output
    assert entries(home)[0].attempts == 1 and len(fcoin_moves(sandbox)) == 1
    verified = run("audit", "verify")
    assert verified.exit_code == 0 and "intact" in verified.output
    exported = run("audit", "export", "--csv").output.splitlines()
    assert exported[0].startswith("seq,event") and len(exported) == 1 + 5
    assert [line.split(",")[1] for line in exported[1:]] == [
        "proposed", "approved", "approved", "executing", "outcome"]


def test_small_transfer_is_sent_as_before(team, home):
    result = run(*TRANSFER, "--amount", "5", who="ann")
    assert result.exit_code == 0, result.output
    assert entries(home)[0].state.value in ("ACCEPTED", "RECONCILED")


def test_block_prints_the_rules_reason_and_journals_nothing(team, home):
    result = run("withdraw", "--profile", "bitunix-demo", "--coin", "USDT", "--amount", "10",
                 *TRC20, "--yes", who="ann")
    assert result.exit_code == 3, result.output
    assert "withdrawals are frozen this week" in result.output and "no withdrawals" in result.output
    assert entries(home) == []


def test_rejection_with_a_reason(team, home):
    rid = propose()
    assert run("approvals", "reject", rid, who="bob").exit_code == 2  # --reason required
    result = run("approvals", "reject", rid, "--reason", "wrong account", who="bob")
    assert result.exit_code == 0, result.output
    assert entries(home)[0].state.value == "REJECTED"
    history = json.loads(run("approvals", "list", "--history", "--json").output)
    assert history[0]["state"] == "REJECTED"
    assert run("approvals", "execute", rid, who="cat").exit_code == 3


def _approve_both(rid):
    assert run("approvals", "approve", rid, who="bob").exit_code == 0
    assert run("approvals", "approve", rid, who="cat").exit_code == 0


def test_tampered_row_refuses_to_execute(team, home):
    rid = propose()
    _approve_both(rid)
    db = sqlite3.connect(home / "data" / "approvals.sqlite", isolation_level=None)
    body = json.loads(db.execute("SELECT request_json FROM requests").fetchone()[0])
    body["params"]["amount"] = "1500"
    body["amount"] = "1500"
    db.execute("UPDATE requests SET request_json=?", (json.dumps(body),))
    db.close()
    result = run("approvals", "execute", rid, who="ann")
    assert result.exit_code == 3 and "does not match its hash" in result.output
    assert entries(home)[0].attempts == 0


def test_moved_signature_refuses_to_execute(team, home):
    first = propose()
    second = propose("160")
    _approve_both(first)
    db = sqlite3.connect(home / "data" / "approvals.sqlite", isolation_level=None)
    db.execute("INSERT INTO signatures SELECT ?, statement, signature FROM signatures "
               "WHERE request_id=?", (second, first))
    db.execute("UPDATE requests SET state='APPROVED' WHERE id=?", (second,))
    db.close()
    result = run("approvals", "execute", second, who="ann")
    assert result.exit_code == 3 and "needs 2 of treasury" in result.output
    assert [e.attempts for e in entries(home)] == [0, 0]


def test_changed_policy_refuses_to_execute(team, home):
    rid = propose()
    _approve_both(rid)
    policy = home / "config" / "policy.toml"
    policy.write_text(policy.read_text().replace("2 of treasury", "1 of treasury"))
    result = run("approvals", "execute", rid, who="ann")
    assert result.exit_code == 3 and "policy changed" in result.output
    [entry] = entries(home)
    assert entry.attempts == 0 and entry.state.value == "REJECTED"


def test_edited_audit_record_is_the_first_break(team, home):
    rid = propose()
    _approve_both(rid)
    db = sqlite3.connect(home / "data" / "approvals.sqlite", isolation_level=None)
    record = json.loads(db.execute("SELECT record FROM audit WHERE seq=2").fetchone()[0])
    record["operator"] = "cat"
    db.execute("UPDATE audit SET record=? WHERE seq=2", (json.dumps(record),))
    db.close()
    result = run("audit", "verify")
    assert result.exit_code == 3 and "record 2 of 3" in result.output


def test_no_policy_file_changes_nothing(live_profiles, home):
    result = run(*TRANSFER, "--amount", "150")
    assert result.exit_code == 0, result.output
    assert not (home / "data" / "approvals.sqlite").exists()
    listed = run("approvals", "list")
    assert listed.exit_code == 2 and "no policy file" in listed.output


def test_policy_explain_sends_nothing(team, home):
    result = run("policy", "explain", "transfer", "--profile", "fcoin-demo", "--from",
                 "asset_center", "--to", "spot", "--coin", "USDT", "--amount", "150", who="ann")
    assert result.exit_code == 0, result.output
    assert "transfers of 100 or more (line" in result.output and "2 of treasury" in result.output
    assert "nothing was sent" in result.output
    assert entries(home) == []


def test_policy_check_reports_lines(home, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\noutcome = "allow"\n\n[[rule]]\nname = "late"\ncolour = "red"\n'
                   'outcome = "block"\n')
    result = run("policy", "check", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:6: rule 2: unknown key 'colour'" in result.output
    assert f"{bad}:4: rule 'late' is unreachable" in result.output
    good = tmp_path / "good.toml"
    good.write_text('[[rule]]\nname = "default"\noutcome = "allow"\n')
    assert run("policy", "check", str(good)).exit_code == 0


def test_demo_teammates_vote_with_as(home):
    listed = json.loads(run("--demo", "approvals", "list", "--waiting-for-me", "--json").output)
    assert len(listed) == 2
    rid = listed[0]["id"]
    assert run("--demo", "approvals", "approve", rid).exit_code == 0
    assert run("--demo", "--as", "tom", "approvals", "approve", rid).exit_code == 0
    executed = run("--demo", "approvals", "execute", rid)
    assert executed.exit_code == 0, executed.output
    assert run("--demo", "--as", "nobody", "approvals", "list").exit_code == 2


def test_order_place_needs_approval_and_executes(team, home):
    policy = home / "config" / "policy.toml"
    policy.write_text(policy.read_text().replace('''[[rule]]
name = "default"''', '''[[rule]]
name = "orders"
action = "order_place"
outcome = "approve"
quorum = "2 of treasury"

[[rule]]
name = "default"'''))
    placed = run("orders", "place", "--profile", "bhex-demo", "--symbol", "ATUSDT", "--side",
                 "sell", "--price", "10", "--quantity", "300", "--yes", who="ann")
    assert placed.exit_code == 5, placed.output
    rid = re.search(r"request ([0-9a-f]{16})", placed.output).group(1)
    [entry] = entries(home)
    assert entry.kind == "order_place" and entry.state.value == "PENDING_APPROVAL"
    _approve_both(rid)
    executed = run("approvals", "execute", rid, who="ann")
    assert executed.exit_code == 0, executed.output
    [entry] = entries(home)
    assert entry.state.value == "ACCEPTED" and entry.venue_ref and entry.attempts == 1


def test_two_executors_in_separate_processes_send_once(team, home, live_profiles):
    import os
    import subprocess
    import sys
    from pathlib import Path

    rid = propose()
    _approve_both(rid)
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": root, "COINSOLE_OPERATOR": "ann"}
    procs = [subprocess.Popen([sys.executable, "-m", "tui", "approvals", "execute", rid],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for _ in range(2)]
    results = sorted((p.wait(timeout=120), p.stdout.read()) for p in procs)
    assert [code for code, _ in results] == [0, 3], results
    assert "only an APPROVED request can be executed, once" in results[1][1]
    [entry] = entries(home)
    assert entry.attempts == 1 and len(fcoin_moves(live_profiles)) == 1
