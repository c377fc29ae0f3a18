"""``coinsole orders place|cancel|cancel-all --demo``: journaled order actions with the
money commands' exit codes (0 accepted, 1 declined, 2 invalid, 3 rejected, 4 unknown), and
``orders --profile P`` listing exactly as before."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.sandbox import Sandbox

PLACE = ("orders", "place", "--profile", "bhex-demo", "--demo", "--symbol", "ATUSDT",
         "--side", "sell", "--price", "10", "--quantity", "300")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_place_accepted_prints_the_order_id() -> None:
    result = invoke(*PLACE, "--yes", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["kind"] == "order_place" and record["state"] == "ACCEPTED"
    assert record["venue_ref"] and record["request"]["price"] == "10"
    assert record["request"]["client_key"].startswith("cs")


def test_place_declined_at_the_prompt_sends_nothing() -> None:
    result = invoke(*PLACE, input="n\n")
    assert result.exit_code == 1
    assert "SELL 300 AT at 10 USDT" in result.output and "nothing was sent" in result.output


@pytest.mark.parametrize("extra, says", [
    (("--price", "10.000001"), "price step"),
    (("--quantity", "-3"), "more than 0"),
    (("--quantity", "1e3"), "quantity"),
    (("--type", "market"), "takes no --price"),
])
def test_place_invalid_input_exits_2(extra, says) -> None:
    result = invoke(*PLACE, *extra, "--yes")
    assert result.exit_code == 2, result.output
    assert says in result.output


def test_place_refused_by_the_venue_exits_3() -> None:
    result = invoke(*PLACE, "--quantity", "3000000", "--yes")
    assert result.exit_code == 3, result.output
    assert "rejected by the venue" in result.output


def test_place_with_a_dropped_reply_exits_4_not_refused(monkeypatch) -> None:
    import tui.demo

    box = Sandbox()
    box.faults.configure("bhex", drop_rate=1.0)
    real = tui.demo.demo_session
    monkeypatch.setattr(tui.demo, "demo_session", lambda *a, **k: real(box))
    result = invoke(*PLACE, "--yes")
    assert result.exit_code == 4, result.output
    assert "outcome unknown" in result.output and "journal settle" in result.output
    assert "rejected" not in result.output


def test_cancel_and_cancel_all() -> None:
    listed = json.loads(invoke("orders", "--profile", "bhex-demo", "--demo", "--json").output)
    (demo_order,) = listed
    result = invoke("orders", "cancel", "--profile", "bhex-demo", "--demo", "--order-id",
                    demo_order["order_id"], "--yes", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["kind"] == "order_cancel" and record["state"] == "ACCEPTED"
    assert record["receipt"]["venue_status"] == "CANCELED"

    not_open = invoke("orders", "cancel", "--profile", "bhex-demo", "--demo", "--order-id",
                      "394003445757047814", "--yes")
    assert not_open.exit_code == 2 and "only an open order" in not_open.output
    bad = invoke("orders", "cancel", "--profile", "bhex-demo", "--demo", "--order-id", "x1",
                 "--yes")
    assert bad.exit_code == 2

    everything = invoke("orders", "cancel-all", "--profile", "bhex-demo", "--demo", "--yes",
                        "--json")
    assert everything.exit_code == 0, everything.output
    (entry,) = json.loads(everything.output)
    assert entry["request"]["order_id"] == demo_order["order_id"]
    assert entry["state"] == "ACCEPTED"
    declined = invoke("orders", "cancel-all", "--profile", "bhex-demo", "--demo", input="n\n")
    assert declined.exit_code == 1 and "Cancel these 1 orders?" in declined.output
    none = invoke("orders", "cancel-all", "--profile", "bhex-demo", "--demo", "--symbol",
                  "BTCUSDT", "--yes")
    assert none.exit_code == 0 and "no open orders on BTCUSDT" in none.output


def test_listing_is_unchanged_and_other_venues_cannot_trade() -> None:
    assert invoke("orders", "--demo").exit_code == 2  # --profile still needed to list
    assert invoke("orders", "--profile", "bhex-demo", "--demo", "--open").exit_code == 0
    refused = invoke(*PLACE[:3], "bitunix-demo", *PLACE[4:], "--yes")
    assert refused.exit_code == 2 and "cannot trade orders" in refused.output
