"""BHEX settings: symbol trade status, price limits (exact decimals on the tick), closing a
sub-account's transfers. Replies pinned to the document's examples, every endpoint
adapter <-> sandbox over loopback, through the journal (dropped replies settled by lookup
or keyed resend), the approvals policy and the CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from demo_env import bhex_client as client, demo_journal  # noqa: F401 (client: a fixture)

from tui.cli import main
from tui.core.errors import InvalidRequest, VenueError
from tui.core.money import loads_exact
from tui.core.orders import SymbolRule
from tui.journal import EntryState, Journal
from tui.journal.dispatch import settlement_for
from tui.org_settings.requests import (PriceLimitRequest, TradeStatusRequest,
                                       TransferLimitRequest, last_setting, new_key)
from tui.venues.bhex_settings import PriceLimits, check_price_limits, read_success

PROFILE = "bhex-demo"
DEMO = ["--demo", "--profile", PROFILE]
SUB = "476682896382624398"  # the demo user's "Quant team 1"
MAIN = "476682884348973312"
D = Decimal
RULE = SymbolRule(symbol_id="BTCUSDT", base="BTC", quote="USDT", base_precision=D("0.0001"),
                  quote_precision=D("0.01"), min_trade_quantity=D("0.0001"),
                  min_trade_amount=D("1"), min_price_precision=D("0.01"), exchange_id="301")


def test_document_replies() -> None:
    trade = loads_exact('{"status":0,"data":{"success":"true"}}')
    assert read_success(trade["data"]["success"]) is True
    assert read_success(loads_exact('{"success": true}')["success"]) is True
    assert read_success(False) is False
    with pytest.raises(TypeError):
        read_success("yes")


@pytest.mark.parametrize("limits, words", [
    (PriceLimits(D("70000"), D("10000.005"), D("70000"), D("10000")), "buy_min_price 10000.005"),
    (PriceLimits(D("70000"), D("0"), D("70000"), D("10000")), "above 0"),
    (PriceLimits(D("100"), D("200"), D("70000"), D("10000")), "buy_min_price is above"),
    (PriceLimits(D("700"), D("200"), D("70"), D("100")), "sell_min_price is above"),
    (PriceLimits(D("NaN"), D("200"), D("700"), D("100")), "not an exact number"),
])
def test_price_limits_are_checked_against_the_tick(limits: PriceLimits, words: str) -> None:
    assert any(words in p for p in check_price_limits(RULE, limits))


def test_good_price_limits_pass() -> None:
    assert check_price_limits(RULE, PriceLimits(D("70000.10"), D("1E+4"), D("70000"),
                                                D("10000.01"))) == []


async def test_trade_status_shows_in_basic_symbols(client) -> None:
    box, venue = client
    assert (await venue.symbol_rule("ETHUSDT", refresh=True)).can_trade
    assert await venue.symbol_set_trade_status("ETHUSDT", False) is True
    assert not (await venue.symbol_rule("ETHUSDT", refresh=True)).can_trade
    assert (await venue.symbol_rule("BTCUSDT")).can_trade
    with pytest.raises(InvalidRequest):
        await venue.symbol_set_trade_status("NOPE", True)


async def test_price_limit_is_sent_as_exact_strings(client) -> None:
    box, venue = client
    await venue.symbol_price_limit("BTCUSDT", PriceLimits(D("70000.10"), D("10000.00"),
                                                          D("69999.99"), D("10000.01")))
    assert box.services["bhex"].settings.price_limits["BTCUSDT"] == {
        "buy_max_price": "70000.10", "buy_min_price": "10000.00",
        "sell_max_price": "69999.99", "sell_min_price": "10000.01"}
    with pytest.raises(InvalidRequest, match="checked before sending"):
        await venue.symbol_price_limit("ETHUSDT", PriceLimits(D("2000.001"), D("1"), D("2"),
                                                              D("1")))
    assert "ETHUSDT" not in box.services["bhex"].settings.price_limits
    with pytest.raises(InvalidRequest, match="not enabled"):
        await venue.symbol_price_limit("ETHBTC", PriceLimits(D("0.05"), D("0.01"), D("0.05"),
                                                             D("0.01")))


async def test_sub_account_transfers_close(client) -> None:
    box, venue = client
    await venue.sub_account_close_transfer(SUB)
    assert box.services["bhex"].settings.closed_transfers == {SUB}
    with pytest.raises(VenueError, match="success false"):
        await venue.sub_account_close_transfer(MAIN)
    with pytest.raises(InvalidRequest):
        await venue.sub_account_close_transfer("12ab")


# -- through the journal ---------------------------------------------------------------


@pytest.fixture
async def setup(tmp_path):
    async with demo_journal(tmp_path) as (session, journal, mover):
        yield session, journal, mover, tmp_path / "journal.sqlite"


async def _drop_then_settle(session, mover, request):
    box = session.sandbox
    adapter = session.adapter(PROFILE)
    box.faults.configure("bhex", drop_rate=1.0)  # float-ok: probability
    entry = await mover.submit(mover.approve(mover.record(request,
                                                          settlement_for(adapter, request))))
    box.faults.configure("bhex")
    assert entry.state is EntryState.UNKNOWN
    return await mover.settle(entry)


async def test_dropped_trade_status_settles_by_basic_symbols(setup) -> None:
    session, journal, mover, path = setup
    request = TradeStatusRequest(profile=PROFILE, client_key=new_key(), symbol_id="BTCUSDT",
                                 enabled=False, previous=True, operator="ann")
    assert settlement_for(session.adapter(PROFILE), request).value == "lookup"
    settled = await _drop_then_settle(session, mover, request)
    assert settled.state is EntryState.ACCEPTED
    assert "canTrade false" in settled.receipt.evidence
    journal.close()
    assert Journal(path).get(settled.id).request == request


async def test_dropped_price_limit_is_resent_with_the_same_values(setup) -> None:
    session, journal, mover, path = setup
    request = PriceLimitRequest(profile=PROFILE, client_key=new_key(), symbol_id="BTCUSDT",
                                buy_max=D("70000"), buy_min=D("10000"), sell_max=D("70000"),
                                sell_min=D("10000.50"))
    assert settlement_for(session.adapter(PROFILE), request).value == "keyed"
    settled = await _drop_then_settle(session, mover, request)
    assert settled.state is EntryState.ACCEPTED
    assert session.sandbox.services["bhex"].settings.price_limits["BTCUSDT"][
        "sell_min_price"] == "10000.50"
    assert last_setting(journal, PROFILE, "price_limit", "BTCUSDT") == request
    assert last_setting(journal, PROFILE, "price_limit", "ETHUSDT") is None
    journal.close()
    again = Journal(path).get(settled.id).request
    assert isinstance(again, PriceLimitRequest) and again.sell_min == D("10000.50")


async def test_transfer_close_through_the_journal(setup) -> None:
    session, _, mover, _ = setup
    request = TransferLimitRequest(profile=PROFILE, client_key=new_key(), sub_account_id=SUB,
                                   account_name="Quant team 1")
    settled = await _drop_then_settle(session, mover, request)
    assert settled.state is EntryState.ACCEPTED
    assert session.sandbox.services["bhex"].settings.closed_transfers == {SUB}


def test_the_policy_sees_settings_writes() -> None:
    from tui.approvals.policy import Context, evaluate, load_policy
    from tui.approvals.service import request_for

    policy = load_policy('[[rule]]\nname = "freeze BTC"\naction = "settings"\n'
                         'destination = "symbol:BTCUSDT"\noutcome = "block"\nreason = "no"\n'
                         '[[rule]]\noutcome = "allow"\n')
    btc = request_for(TradeStatusRequest(profile=PROFILE, client_key="k1", symbol_id="BTCUSDT",
                                         enabled=False), "ann")
    eth = request_for(TradeStatusRequest(profile=PROFILE, client_key="k2", symbol_id="ETHUSDT",
                                         enabled=False), "ann")
    assert btc.action == "settings" and btc.destination == "symbol:BTCUSDT"
    assert evaluate(policy, btc, Context(0)).outcome == "block"
    assert evaluate(policy, eth, Context(0)).outcome == "allow"


# -- the CLI ------------------------------------------------------------------------------


def test_cli_trade_status_shows_then_changes() -> None:
    shown = CliRunner().invoke(main, ["settings", "trade-status", "btcusdt", *DEMO])
    assert shown.exit_code == 0 and "BTCUSDT: trading on" in shown.output
    declined = CliRunner().invoke(main, ["settings", "trade-status", "BTCUSDT", *DEMO, "--off"],
                                  input="n\n")
    assert declined.exit_code == 1 and "nothing was sent" in declined.output
    assert "trading now  on" in declined.output and "becomes      off" in declined.output
    done = CliRunner().invoke(main, ["settings", "trade-status", "BTCUSDT", *DEMO, "--off",
                                     "--yes"])
    assert done.exit_code == 0 and "accepted (off)" in done.output
    same = CliRunner().invoke(main, ["settings", "trade-status", "BTCUSDT", *DEMO, "--on"])
    assert same.exit_code == 0 and "already on" in same.output


def test_cli_price_limit_checks_the_tick_and_needs_all_four() -> None:
    shown = CliRunner().invoke(main, ["settings", "price-limit", "BTCUSDT", *DEMO, "--json"])
    assert json.loads(shown.output) == {"symbol": "BTCUSDT", "price_step": "0.01",
                                        "last_set_through_coinsole": None}
    partial = CliRunner().invoke(main, ["settings", "price-limit", "BTCUSDT", *DEMO,
                                        "--buy-max", "1"])
    assert partial.exit_code == 2 and "give all four" in partial.output
    off_tick = CliRunner().invoke(main, ["settings", "price-limit", "BTCUSDT", *DEMO,
                                         "--buy-max", "70000", "--buy-min", "1.001",
                                         "--sell-max", "70000", "--sell-min", "1", "--yes"])
    assert off_tick.exit_code == 2 and "price step 0.01" in off_tick.output
    done = CliRunner().invoke(main, ["settings", "price-limit", "BTCUSDT", *DEMO,
                                     "--buy-max", "70000", "--buy-min", "1.01",
                                     "--sell-max", "70000", "--sell-min", "1", "--yes"])
    assert done.exit_code == 0 and "accepted (set)" in done.output
    assert "not readable from the venue" in done.output


def test_cli_sub_account_close_names_the_account() -> None:
    declined = CliRunner().invoke(main, ["settings", "sub-account-transfer-limit", SUB, *DEMO,
                                         "--close"], input="n\n")
    assert declined.exit_code == 1 and "Quant team 1" in declined.output
    assert "closed (no transfers in or out)" in declined.output
    main_account = CliRunner().invoke(main, ["settings", "sub-account-transfer-limit", MAIN,
                                             *DEMO, "--close", "--yes"])
    assert main_account.exit_code == 2 and "not a sub-account" in main_account.output


async def test_the_sandbox_engine_obeys_the_settings(client) -> None:
    box, venue = client
    from tui.core.orders import OrderSide, OrderType

    await venue.symbol_price_limit("BTCUSDT", PriceLimits(D("70000"), D("60000"), D("71000"),
                                                          D("61000")))
    with pytest.raises(InvalidRequest, match="outside"):
        await venue.order_create("BTCUSDT", OrderSide.SELL, OrderType.LIMIT, D("0.0001"),
                                 D("60999.99"), client_order_id="pl-1")
    placed = await venue.order_create("BTCUSDT", OrderSide.SELL, OrderType.LIMIT, D("0.0001"),
                                      D("61000"), client_order_id="pl-2")
    assert placed.order_id
    await venue.symbol_set_trade_status("BTCUSDT", False)
    with pytest.raises(InvalidRequest, match="closed"):
        await venue.order_create("BTCUSDT", OrderSide.SELL, OrderType.LIMIT, D("0.0001"),
                                 D("61000"), client_order_id="pl-3")
