"""The command line the org operations issue (16) asks for, command by command, and the
download's progress bar: every ``finance``, ``payments``, ``stats`` and ``settings``
subcommand exists, the writes take ``--profile``, ``--yes`` and ``--json`` as the money
commands do, and ``stats download`` draws a bar while it saves (demo sandbox)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from tui import cli_stats
from tui.cli import main
from tui.sandbox.bhex_stats import download_bytes

COMMANDS = {
    "finance": {"airdrop", "lock", "unlock", "batch-lock", "batch-unlock", "result"},
    "payments": {"list", "show", "create", "settle", "refund", "unlock", "cancel"},
    "stats": {"holdings", "top", "deposits", "withdrawals", "otc", "trades", "fees", "locks",
              "unlocks", "download"},
    "settings": {"trade-status", "price-limit", "sub-account-transfer-limit"},
}
WRITES = [("finance", n) for n in ("airdrop", "lock", "unlock", "batch-lock", "batch-unlock")] \
    + [("payments", n) for n in ("create", "settle", "refund", "unlock", "cancel")] \
    + [("settings", n) for n in sorted(COMMANDS["settings"])]


def group(name: str) -> click.Group:
    with click.Context(main) as ctx:
        command = main.get_command(ctx, name)
    assert isinstance(command, click.Group)
    return command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_the_issue_names_exists(name: str) -> None:
    assert COMMANDS[name] <= set(group(name).commands)


@pytest.mark.parametrize("area, name", WRITES)
def test_writes_take_profile_yes_and_json(area: str, name: str) -> None:
    options = {o for p in group(area).commands[name].params for o in getattr(p, "opts", [])}
    assert {"--profile", "--yes", "--json"} <= options, (area, name, options)


def test_finance_takes_dry_run_and_reads_take_profile_and_json() -> None:
    for name in ("airdrop", "batch-lock", "batch-unlock", "lock", "unlock"):
        opts = {o for p in group("finance").commands[name].params for o in getattr(p, "opts", [])}
        assert "--dry-run" in opts
    for area, name in [("payments", "list"), ("payments", "show"), ("finance", "result"),
                       *[("stats", n) for n in COMMANDS["stats"]]]:
        opts = {o for p in group(area).commands[name].params for o in getattr(p, "opts", [])}
        assert "--profile" in opts, (area, name)
        assert "--json" in opts or name == "result", (area, name)


def test_progress_line_is_a_bar_with_the_percentage() -> None:
    assert cli_stats.progress_line(0, 200) == f"[{'.' * 30}]   0% 0 of 200 bytes"
    assert cli_stats.progress_line(100, 200) == f"[{'#' * 15}{'.' * 15}]  50% 100 of 200 bytes"
    assert cli_stats.progress_line(200, 200) == f"[{'#' * 30}] 100% 200 of 200 bytes"
    assert cli_stats.progress_line(5000, None) == "5,000 bytes"


def test_download_draws_its_bar_on_a_terminal(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(cli_stats, "_progress_wanted", lambda: True)
    target = tmp_path / "trades.xlsx"
    result = CliRunner().invoke(main, ["stats", "download", "trade_detail", "2020-02-02",
                                       "--out", str(target), "--profile", "bhex-demo",
                                       "--demo"])
    assert result.exit_code == 0, result.output
    data = download_bytes("trade_detail", "2020-02-02")
    assert target.read_bytes() == data
    frames = [f for f in result.output.split("\r") if f.startswith("[")]
    assert frames, result.output
    assert frames[-1].startswith(f"[{'#' * 30}] 100% {len(data):,}")
    assert f"saved {target}" in result.output
