"""``coinsole finance ...`` with --demo (an in-process sandbox): preview and dry run, a file
refused whole with line numbers, the shortfall against the operating account, a declined
prompt, every row's outcome (JSON and the CSV export) with a partial failure, and
``finance result`` for a task the venue does not know."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from demo_env import use_demo_profiles

from tui.cli import main

A, B = "482698709891649537", "482698709891649538"
DEMO = ["--profile", "bhex-demo", "--demo"]


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def write(tmp_path, text: str):
    path = tmp_path / "drop.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_finance_is_listed_with_its_commands() -> None:
    result = invoke("finance", "--help")
    assert result.exit_code == 0
    for name in ("airdrop", "lock", "unlock", "batch-lock", "batch-unlock", "result", "resume"):
        assert name in result.output
    assert "finance" in invoke("--help").output


def test_dry_run_previews_and_sends_nothing(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount\n{A},AT,1.5\n{B},at,2\n")
    result = invoke("finance", "airdrop", path, *DEMO, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "airdrop: 2 rows from drop.csv" in result.output
    assert "AT  total 3.5  available 15000" in result.output
    assert "dry run: nothing was sent" in result.output
    data = json.loads(invoke("finance", "airdrop", path, *DEMO, "--dry-run", "--json").stdout)
    assert data["totals"] == {"AT": "3.5"} and data["rows"] == 2 and data["short"] == {}


def test_invalid_rows_refuse_the_file_with_line_numbers(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount\n{A},AT,1e3\n{B},NOPE,1\n{A},AT,1\n")
    result = invoke("finance", "airdrop", path, *DEMO, "--yes")
    assert result.exit_code == 2
    assert "line 2: amount '1e3' is written with an exponent" in result.stderr
    assert "line 3: coin 'NOPE' is not one the venue lists" in result.stderr
    assert "accepted" not in result.output


def test_shortfall_refused(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount\n{A},USDT,5\n")
    result = invoke("finance", "airdrop", path, *DEMO, "--yes")
    assert result.exit_code == 2
    assert "the operating account lacks" in result.stderr and "USDT" in result.stderr


def test_declined_at_the_prompt(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount\n{A},AT,1\n")
    result = invoke("finance", "airdrop", path, *DEMO, input="n\n")
    assert result.exit_code == 1
    assert "operation" in result.stderr and "sha256" in result.stderr
    assert "nothing was sent" in result.stderr


def test_every_rows_outcome_json_and_export(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount,lock\n{A},AT,1.5,true\n7,AT,2,\n{B},AT,0.25,\n")
    out = tmp_path / "results.csv"
    result = invoke("finance", "airdrop", path, *DEMO, "--yes", "--json", "--task-size", "2",
                    "--export", str(out))
    assert result.exit_code == 3, result.stderr
    data = json.loads(result.stdout)
    assert [(r["line"], r["ok"]) for r in data["rows"]] == [(2, True), (3, False), (4, True)]
    assert data["rows"][1]["outcome"] == "failed: user information wrong (31009)"
    assert data["rows"][0]["client_order_id"] != data["rows"][2]["client_order_id"]
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["amount"], r["outcome"]) for r in rows] == [
        ("2", "1.5", "done"), ("3", "2", "failed: user information wrong (31009)"),
        ("4", "0.25", "done")]


def test_batch_lock_table(tmp_path) -> None:
    path = write(tmp_path, f'uid,coin,amount,subject\n{A},USDT,5,"promo, week 1"\n')
    result = invoke("finance", "batch-lock", path, *DEMO, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "1 rows: 1 done, 0 failed" in result.output


def test_result_of_an_unknown_task() -> None:
    result = invoke("finance", "result", "nope-1", *DEMO)
    assert result.exit_code == 2
    assert "no finance task or batch 'nope-1'" in result.stderr


def test_not_a_bhex_profile(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount\n{A},AT,1\n")
    result = invoke("finance", "airdrop", path, "--profile", "fcoin-demo", "--demo")
    assert result.exit_code == 2 and "not a BHEX profile" in result.stderr


# -- a real journal and profiles against the sandbox over loopback ----------------------


@pytest.fixture
def live_profiles(live_sandbox, monkeypatch, tmp_path):
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COINSOLE_RESEND_BACKOFF_MS", "1")
    sandbox, base_url = live_sandbox
    use_demo_profiles(base_url, monkeypatch)
    sandbox.services["bhex"].finance.run_ms = 0
    return sandbox


def test_unknown_batch_resumed_then_read_back(live_profiles, tmp_path) -> None:
    box = live_profiles
    fin = box.services["bhex"].finance
    path = write(tmp_path, "uid,coin,amount\n" + "".join(
        f"{(A, B)[n % 2]},AT,0.{n + 1}\n" for n in range(6)))
    box.faults.configure("bhex", error_rate=1.0)
    original = box.faults.apply
    calls = {"n": 0}

    async def apply(venue):  # the checks read the venue; then every call fails
        calls["n"] += 1
        return None if calls["n"] <= 3 else await original(venue)

    box.faults.apply = apply
    result = invoke("finance", "airdrop", path, "--profile", "bhex-demo", "--yes",
                    "--allow-duplicates", "--task-size", "2")
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert "outcome unknown" in result.stderr and not fin.applications
    box.faults.apply = original
    box.faults.configure("bhex")
    resumed = invoke("finance", "resume", "1", "--profile", "bhex-demo", "--json")
    assert resumed.exit_code == 0, (resumed.stdout, resumed.stderr)
    rows = json.loads(resumed.stdout)["rows"]
    assert [r["line"] for r in rows] == [2, 3, 4, 5, 6, 7] and all(r["ok"] for r in rows)
    assert len(fin.applications) == 3 and set(fin.applications.values()) == {1}
    listed = invoke("journal")
    assert listed.exit_code == 0 and "airdrop of 6 rows in 3 tasks" in listed.stdout
    shown = invoke("journal", "show", "1")
    assert shown.exit_code == 0 and "3 of 3 tasks accepted" in shown.stdout
    again = invoke("finance", "result", "1", "--profile", "bhex-demo")
    assert again.exit_code == 0 and "6 rows: 6 done, 0 failed" in again.stdout
    cid = rows[0]["client_order_id"]
    task = invoke("finance", "result", cid, "--profile", "bhex-demo", "--op", "airdrop")
    assert task.exit_code == 0 and f"airdrop task 1 ({cid}) done" in task.stdout
    assert not fin.repeats


def test_single_lock_done_and_unlock_refused(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount,subject\n{A},USDT,5,promo\n{B},USDT,1,\n")
    locked = invoke("finance", "lock", path, *DEMO, "--yes", "--json")
    assert locked.exit_code == 0, locked.stderr
    assert [r["outcome"] for r in json.loads(locked.stdout)["rows"]] == ["done (success)"] * 2
    unlocked = invoke("finance", "unlock", path, *DEMO, "--yes")  # a fresh sandbox: none locked
    assert unlocked.exit_code == 3
    assert "2 rows: 0 done, 2 failed" in unlocked.stdout
    assert "refused: not enough funds" in unlocked.stdout
