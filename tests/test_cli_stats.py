"""``coinsole stats ...`` with --demo (an in-process sandbox): JSON with exact decimal
strings, aligned tables, paging to --limit, the broker-audit worklist, the history file
download, and exit 2 for bad input or a venue without org statistics."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner

from tui.cli import main
from tui.sandbox.bhex_stats import SEEDED_WITHDRAWALS, download_bytes

USER = "482698709891649537"


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def records(*args):
    result = invoke("stats", *args, "--profile", "bhex-demo", "--demo", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_stats_is_listed_and_has_every_subcommand() -> None:
    result = invoke("stats", "--help")
    assert result.exit_code == 0
    for name in ("holdings", "top", "deposits", "withdrawals", "otc", "trades", "fees",
                 "locks", "unlocks", "download"):
        assert name in result.output
    assert "stats" in invoke("--help").output


def test_holdings_summary_and_detail_agree_exactly() -> None:
    summary = {r["token_id"]: r for r in records("holdings")}
    detail = records("holdings", "--token", "USDT")
    assert sum((Decimal(r["total"]) for r in detail), Decimal(0)) == Decimal(
        summary["USDT"]["total"])
    assert all(isinstance(r["total"], str) for r in detail)
    assert len(records("holdings", "--token", "USDT", "--limit", "2")) == 2
    top = records("top", "--token", "USDT", "--top", "1")
    assert top[0]["total"] == max((r["total"] for r in detail), key=Decimal)


def test_deposits_page_to_limit_and_default_range() -> None:
    everything = records("deposits", "--since", "2000-01-01")
    assert len(everything) > 20  # more than one default page was walked
    ids = [int(r["order_id"]) for r in everything]
    assert ids == sorted(ids, reverse=True)
    first = records("deposits", "--since", "2000-01-01", "--limit", "5")
    assert [r["order_id"] for r in first] == [r["order_id"] for r in everything[:5]]
    assert records("deposits", "--since", "2000-01-01", "--until", "2000-01-02") == []


def test_withdrawals_and_the_audit_worklist() -> None:
    rows = records("withdrawals")
    assert len(rows) == len(SEEDED_WITHDRAWALS)
    audit = records("withdrawals", "--awaiting-audit")
    assert {r["total_quantity"] for r in audit} == {"300582.13173", "12.5"}
    assert {r["status"] for r in audit} == {1}


def test_tables_are_aligned() -> None:
    result = invoke("stats", "withdrawals", "--profile", "bhex-demo", "--demo")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = lines[0]
    quantity_end = header.index("quantity") + len("quantity")
    for line in lines[1:]:  # amounts right-aligned under their header
        assert line[quantity_end - 1] != " "
    assert "300582.13173" in result.output and "awaiting broker audit" in result.output


def test_otc_trades_fees() -> None:
    otc = records("otc", "--since", "2000-01-01")
    assert otc and all(Decimal(o["amount"]) == Decimal(o["price"]) * Decimal(o["quantity"])
                       for o in otc)
    trades = records("trades", "--since", "2000-01-01", "--symbol", "ETHBTC")
    fees = records("fees", "--since", "2000-01-01", "--symbol", "ETHBTC")
    for fee in fees:
        paid = [Decimal(t["fee"]) for t in trades if t["fee_token"] == fee["fee_token_id"]]
        assert sum(paid, Decimal(0)) == Decimal(fee["fee_total"])
    table = invoke("stats", "fees", "--since", "2000-01-01", "--profile", "bhex-demo",
                   "--demo")
    assert table.exit_code == 0 and "BTCUSDT" in table.output


def test_locks_and_unlocks() -> None:
    locks = records("locks", "--user", USER)
    assert locks and {r["user_id"] for r in locks} == {USER}
    assert records("unlocks", "--user", USER, "--token", "AT")[0]["token_id"] == "AT"
    bad = invoke("stats", "locks", "--user", "abc", "--profile", "bhex-demo", "--demo")
    assert bad.exit_code == 2 and "digits" in bad.output


def test_download_saves_the_file(tmp_path) -> None:
    target = tmp_path / "f.xlsx"
    result = invoke("stats", "download", "trade_detail", "2020-02-02", "--out", str(target),
                    "--profile", "bhex-demo", "--demo")
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == download_bytes("trade_detail", "2020-02-02")
    again = invoke("stats", "download", "trade_detail", "2020-02-02", "--out", str(target),
                   "--profile", "bhex-demo", "--demo")
    assert again.exit_code == 2 and "exists" in again.output
    missing = invoke("stats", "download", "balance", "2999-01-01", "--out",
                     str(tmp_path / "m.xlsx"), "--profile", "bhex-demo", "--demo")
    assert missing.exit_code == 1 and "no balance file" in missing.output
    assert not (tmp_path / "m.xlsx").exists()
    unknown = invoke("stats", "download", "secrets", "2020-01-01", "--profile", "bhex-demo",
                     "--demo")
    assert unknown.exit_code == 2 and "unknown file type" in unknown.output


def test_bad_input_and_other_venues() -> None:
    bad = invoke("stats", "deposits", "--since", "yesterday", "--profile", "bhex-demo",
                 "--demo")
    assert bad.exit_code == 2 and "--since must be a date" in bad.output
    backwards = invoke("stats", "otc", "--since", "2020-02-02", "--until", "2020-01-01",
                       "--profile", "bhex-demo", "--demo")
    assert backwards.exit_code == 2 and "before" in backwards.output
    other = invoke("stats", "holdings", "--profile", "bitunix-demo", "--demo")
    assert other.exit_code == 2 and "no org statistics" in other.output
