"""Hostile input to the money commands (issue 11, items 3, 5 and 15): the withdrawal network
is resolved, shown and checked before anything is sent; amounts are summed and checked
exactly (digits, decimals); names are normalised out loud, control characters refused and
echoes cut. Every refusal is exit 2, one line, nothing journaled."""

from __future__ import annotations

from decimal import Decimal, Inexact
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tui.cli import main
from tui.cli_moves import register
from tui.core.errors import CoinsoleError
from tui.core.models import AccountKind, AccountRef, Balance
from tui.core.moves import MoveKind, WithdrawQuote
from tui.core.validation import (check_address, check_memo, normalise_coin, parse_amount,
                                 resolve_network, shown, validate_move)
from tui.journal.accounts import available_in, parse_account
from tui.venues.fcoin import FcoinVenue

register(main)

TRON = "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"
EVM = "0x52908400098527886E0F7030069857D2E4169EE7"
WITHDRAW = ["withdraw", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
            "--amount", "10"]
TRANSFER = ["transfer", "--demo", "--profile", "fcoin-demo", "--from", "asset_center",
            "--to", "spot"]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Each test gets its own data directory and no stray credentials."""
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    monkeypatch.setenv("COINSOLE_TRADE_PASSWORD", "coinsole-demo-2468")
    return tmp_path


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def refused(result, *words):
    """Exit 2, no traceback, a one-line message containing every word."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], lines[0]
    assert "accepted" not in result.output and "journal entry" not in result.output
    return lines[0]


# -- item 3: the network ------------------------------------------------------------------


def test_withdraw_without_network_checks_the_address_on_the_default_network():
    line = refused(invoke(*WITHDRAW, "--address", EVM, "--yes"), "Tron (TRC-20)")
    assert "address" in line


def test_withdraw_names_the_network_in_the_confirmation():
    result = invoke(*WITHDRAW, "--address", TRON, input="nope\n")
    assert result.exit_code == 1, result.output
    assert "network" in result.output and "Tron (TRC-20) (venue default)" in result.output


def test_withdraw_with_yes_names_the_network_and_sends_on_it():
    result = invoke(*WITHDRAW, "--address", TRON, "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert "Tron (TRC-20)" in result.output
    assert '"network": "Tron (TRC-20)"' in result.output


@pytest.mark.parametrize("address", [
    TRON[:10] + "\u200b" + TRON[10:],           # zero-width space
    "\u202e" + TRON,                            # right-to-left override
    "T" + "\uff2a" + TRON[2:],                  # fullwidth letter
    "0x" + "\uff10" * 40,                       # fullwidth digits
    "T" + "1" * 5000,                           # absurd length
])
def test_withdraw_refuses_hostile_addresses(address):
    line = refused(invoke(*WITHDRAW, "--network", "Tron (TRC-20)", "--address", address,
                          "--yes"), "address")
    assert len(line) < 300


@pytest.mark.parametrize("option,value,field", [
    ("--memo", "12\n34", "memo"), ("--memo", "12\u202e34", "memo"),
    ("--network", "Tron (TRC-20)\r", "network"), ("--network", "Tron\x00", "network"),
])
def test_withdraw_refuses_control_characters_in_memo_and_network(option, value, field):
    refused(invoke(*WITHDRAW, "--address", TRON, option, value, "--yes"), field)


def test_withdraw_unknown_network_lists_the_venues():
    refused(invoke(*WITHDRAW, "--address", TRON, "--network", "Solana", "--yes"),
            "Tron (TRC-20)", "Ethereum (ERC-20)")


def test_resolve_network_rules():
    quote = WithdrawQuote(coin="USDT", extra={"networks": "A, B"})
    assert resolve_network(None, quote, "USDT")[2] is not None          # ambiguous
    assert resolve_network("b", quote, "USDT")[:2] == ("B", "B")
    one = WithdrawQuote(coin="TRX", extra={"networks": "Tron (TRC-20)"})
    assert resolve_network(None, one, "TRX")[0] == "Tron (TRC-20)"
    default = WithdrawQuote(coin="USDT", network="A", extra={"networks": "A, B"})
    assert resolve_network(None, default, "USDT")[:2] == ("A", "A (venue default)")
    none_listed = WithdrawQuote(coin="BTC")
    network, label, problem = resolve_network(None, none_listed, "BTC")
    assert network is None and problem is None and "BTC" in label


def test_validate_move_checks_the_address_on_the_quotes_network():
    quote = WithdrawQuote(coin="USDT", network="Tron (TRC-20)", available=Decimal(100),
                          extra={"networks": "Tron (TRC-20), Ethereum (ERC-20)"})
    problems = validate_move(MoveKind.WITHDRAW, amount_text="10", coin="USDT", quote=quote,
                             address=EVM)
    assert [p.field for p in problems] == ["address"]


def test_check_address_and_memo_unit():
    assert check_address("\u202e" + TRON, "Tron (TRC-20)")
    assert check_address("1" * 129, None)
    assert not check_address(TRON, "Tron (TRC-20)")
    assert check_memo("a\tb", required=False)
    assert not check_memo("12345", required=True)


# -- item 5: exact amounts ------------------------------------------------------------


def _asset_center_balances(*amounts: str):
    async def balances(self):
        return [Balance(profile="fcoin-demo", venue="fcoin",
                        account=AccountRef(kind=AccountKind.ASSET_CENTER), coin="USDT",
                        available=Decimal(a), frozen=Decimal(0)) for a in amounts]
    return balances


def test_available_is_summed_exactly(monkeypatch):
    # 0.5 + 0.499999999999999999999999999999 rounds to 1 in the 28-digit default context.
    monkeypatch.setattr(FcoinVenue, "balances",
                        _asset_center_balances("0.5", "0.499999999999999999999999999999"))
    refused(invoke(*TRANSFER, "--coin", "USDT", "--amount", "1", "--yes"), "available")


def test_amount_with_too_many_digits_is_refused_not_a_crash():
    refused(invoke(*TRANSFER, "--coin", "USDT", "--amount", "1" * 121, "--yes"),
            "too many digits")
    refused(invoke(*TRANSFER, "--coin", "USDT", "--amount", "0." + "0" * 150 + "1", "--yes"),
            "too many digits")
    # Once a traceback (decimal.Inexact) computing what would arrive.
    refused(invoke(*WITHDRAW[:-1], "0.00001" + "1" * 125, "--address", TRON, "--yes"),
            "too many digits")


def test_transfer_precision_is_checked():
    refused(invoke(*TRANSFER, "--coin", "USDT", "--amount", "1." + "0" * 29 + "1", "--yes"),
            "decimals")


def test_withdraw_precision_from_the_quote():
    refused(invoke(*WITHDRAW[:-1], "10.0000001", "--address", TRON, "--yes"), "6 decimals")


def test_send_precision_uses_the_venue_table():
    refused(invoke("send", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
                   "--amount", "1.0000001", "--to-uid", "123", "--yes"), "decimals")


def test_parse_amount_digit_limit():
    assert parse_amount("9" * 100)[1] is None
    assert "too many digits" in parse_amount("9" * 101)[1].message
    assert "too many digits" in parse_amount("1" * 100000)[1].message


_amounts = st.decimals(allow_nan=False, allow_infinity=False, min_value=0,
                       max_value=Decimal("1e30"), places=30)


@given(st.lists(_amounts, max_size=6))
def test_available_in_is_the_exact_sum(values):
    rows = [Balance(profile="p", venue="fcoin", account=AccountRef(kind=AccountKind.SPOT),
                    coin="USDT", available=v, frozen=Decimal(0)) for v in values]
    try:
        total = available_in(rows, "USDT", AccountRef(kind=AccountKind.SPOT))
    except Inexact:
        return  # refusing is allowed; rounding is not
    if not values:
        assert total is None
    else:
        assert Fraction(total) == sum(Fraction(v) for v in values)


# -- item 15: names ---------------------------------------------------------------------


def test_lower_case_coin_and_account_are_read_out_loud():
    result = invoke("transfer", "--demo", "--profile", "fcoin-demo", "--from", "ASSET_CENTER",
                    "--to", "spot", "--coin", "usdt", "--amount", "1", "--yes")
    assert result.exit_code == 0, result.output
    assert "coin usdt read as USDT" in result.output
    assert "account ASSET_CENTER read as asset_center" in result.output


def test_coin_with_a_newline_is_one_line():
    refused(invoke(*TRANSFER, "--coin", "US\nDT", "--amount", "1", "--yes"), "coin", "\\n")


def test_long_coin_is_cut():
    line = refused(invoke(*TRANSFER, "--coin", "X" * 10_000, "--amount", "1", "--yes"), "…")
    assert len(line) < 200


def test_unknown_coin_lists_the_known_ones():
    refused(invoke(*TRANSFER, "--coin", "NOPE", "--amount", "1", "--yes"), "NOPE", "USDT")


def test_account_with_control_characters_is_refused():
    refused(invoke("transfer", "--demo", "--profile", "fcoin-demo", "--from", "spot\n",
                   "--to", "asset_center", "--coin", "USDT", "--amount", "1", "--yes"),
            "account")


def test_remark_with_control_characters_is_refused():
    refused(invoke("send", "--demo", "--profile", "bitunix-demo", "--coin", "USDT",
                   "--amount", "1", "--to-uid", "123", "--remark", "hi\x1b[2J", "--yes"),
            "remark")


def test_shown_cuts_and_escapes():
    assert shown("abc") == "abc"
    assert shown("a\nb") == "a\\nb"
    assert shown("\u202eabc") == "\\u202eabc"
    cut = shown("y" * 10_000)
    assert len(cut) == 40 and cut.endswith("…")


def test_normalise_coin_unit():
    assert normalise_coin("btc", ["BTC", "USDT"]) == ("BTC", "coin btc read as BTC", None)
    assert normalise_coin("BTC", ["BTC"]) == ("BTC", None, None)
    assert normalise_coin("eth", ["BTC"])[2] is not None
    assert normalise_coin("eth", None)[0] == "ETH"


def test_parse_account_refuses_control_characters_and_cuts_echo():
    with pytest.raises(CoinsoleError):
        parse_account("spot\x00")
    with pytest.raises(CoinsoleError) as info:
        parse_account("9" * 5000)
    assert len(str(info.value)) < 200


def test_the_screens_available_in_is_the_exact_one_too():
    """tui.journal_ui.available_in delegates to the exact sum: 30 nines after the point
    plus a second row stay exact (the 28-digit default context made them 1.000...)."""
    from tui import journal_ui

    nines = Decimal("0." + "9" * 30)
    rows = [Balance(profile="p", venue="fcoin", account=AccountRef(kind=AccountKind.SPOT),
                    coin="USDT", available=v, frozen=Decimal(0))
            for v in (nines, Decimal("0.000000000000000000000000000000"))]
    assert journal_ui.available_in(rows, "USDT", AccountRef(kind=AccountKind.SPOT)) == nines
    assert journal_ui.available_in(rows, "BTC", None) is None
