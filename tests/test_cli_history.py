"""``coinsole orders``, ``positions``, ``deposit-address`` and ``history`` with --demo:
JSON with exact decimal strings, tables, and exit 2 for a venue without the capability."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tui.cli import main
from tui.sandbox.bhex_history import DEMO_DEPOSITS


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def records(*args):
    result = invoke(*args, "--demo", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_deposit_address_bitunix_json() -> None:
    rows = records("deposit-address", "--profile", "bitunix-demo", "--coin", "USDT",
                   "--network", "EOS")
    assert rows == [{"coin": "USDT", "network": "EOS", "address": "bitunixdepos",
                     "memo": "681979174", "tag_required": True, "minimum": None,
                     "confirmations": None, "deposits_open": None}]


def test_deposit_address_bhex_json_and_table() -> None:
    [row] = records("deposit-address", "--profile", "bhex-demo", "--coin", "BTC")
    assert row["minimum"] == "0.001" and row["deposits_open"] is True
    result = invoke("deposit-address", "--profile", "bitunix-demo", "--coin", "USDT", "--demo")
    assert result.exit_code == 0 and "REQUIRED" in result.output and "EOS" in result.output


def test_history_deposits_exact_strings() -> None:
    rows = records("history", "deposits", "--profile", "bitunix-demo")
    assert [r["amount"] for r in rows if r["coin"] == "USDT" and r["kind"] == "deposit"] == [
        "1000.00000000"]
    assert {r["status"] for r in rows} == {"done"}
    bhex = records("history", "deposits", "--profile", "bhex-demo")
    assert len(bhex) == DEMO_DEPOSITS and len({r["id"] for r in bhex}) == DEMO_DEPOSITS
    assert "35.12345678" in {r["amount"] for r in bhex}
    assert len(records("history", "deposits", "--profile", "bhex-demo", "--limit", "3")) == 3


def test_history_withdrawals_transfers_and_flow() -> None:
    assert records("history", "withdrawals", "--profile", "bhex-demo") == []
    transfers = records("history", "transfers", "--profile", "bitunix-demo")
    assert [t["kind"] for t in transfers] == ["internal_transfer"] * 2
    assert records("history", "flow", "--profile", "bhex-demo")  # the demo's flow (issue 12)
    result = invoke("history", "withdrawals", "--profile", "bitunix-demo", "--demo")
    assert result.exit_code == 0 and "no withdrawal history" in result.output


def test_orders_and_positions() -> None:
    open_ = records("orders", "--profile", "bhex-demo", "--open")
    assert open_ and all(o["status"] in ("NEW", "PARTIALLY_FILLED") for o in open_)
    done = records("orders", "--profile", "bhex-demo", "--history", "--symbol", "BTCUSDT")
    assert all(o["symbol_id"] == "BTCUSDT" and o["status"] in ("FILLED", "CANCELED")
               for o in done)
    positions = records("positions", "--profile", "bhex-demo")
    assert positions and all(isinstance(p["unrealised_pnl"], str) for p in positions)
    table = invoke("orders", "--profile", "bhex-demo", "--demo")
    assert table.exit_code == 0 and "order id" in table.output


def test_capability_missing_exits_2() -> None:
    cases = [("deposit-address", "--profile", "bitz-demo", "--coin", "BTC"),
             ("history", "deposits", "--profile", "fcoin-demo"),
             ("history", "transfers", "--profile", "bhex-demo"),
             ("history", "flow", "--profile", "bitunix-demo"),
             ("orders", "--profile", "bitunix-demo"),
             ("positions", "--profile", "chainup-demo")]
    for args in cases:
        result = invoke(*args, "--demo")
        assert result.exit_code == 2, (args, result.output)
    result = invoke("deposit-address", "--profile", "bitz-demo", "--coin", "BTC", "--demo")
    assert "bitz cannot show deposit addresses" in result.output


def test_unknown_profile_exits_2() -> None:
    result = invoke("history", "deposits", "--profile", "nobody", "--demo")
    assert result.exit_code == 2 and "no profile named 'nobody'" in result.output
