"""Every validation rule of a move, with the message the user sees, and the "max" helper."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.moves import MoveKind, WithdrawQuote
from tui.core.validation import (
    Problem,
    address_rule,
    check_address,
    check_amount,
    check_memo,
    check_recipient,
    max_amount,
    parse_amount,
    validate_move,
)

D = Decimal
TRON = "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"
ERC20 = "0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9"


def messages(problems: list[Problem], field: str | None = None) -> list[str]:
    """The messages of ``problems`` (of one ``field`` when given)."""
    return [p.message for p in problems if field is None or p.field == field]


@pytest.mark.parametrize("text", ["abc", "12a", "1e5", "1,000", "1.2.3", "0x10", "١٢"])
def test_letters_and_odd_characters_are_refused(text):
    _, problems = check_amount(text, "USDT")
    assert messages(problems) == ["The amount must be a number: type digits and at most one "
                                  "decimal point (e.g. 12.5), no letters or commas."]


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_amount_is_required(text):
    assert messages(check_amount(text, "USDT")[1]) == ["Enter an amount."]


@pytest.mark.parametrize("text", ["0", "0.000", "-1", "-0.5"])
def test_the_amount_must_be_positive(text):
    assert messages(check_amount(text, "USDT")[1]) == [
        "The amount must be more than 0; type a positive amount."]


@pytest.mark.parametrize("text, value", [("12.5", "12.5"), (" 7 ", "7"), (".5", "0.5"),
                                         ("1.50", "1.5"), ("3.", "3"),
                                         ("0.000000000000000000000000000000001",
                                          "0.000000000000000000000000000000001")])
def test_numbers_parse_exactly(text, value):
    amount, problem = parse_amount(text)
    assert problem is None and str(amount) == str(D(value))


def test_too_many_decimals_is_refused_never_rounded():
    amount, problems = check_amount("0.123456789", "BTC", precision=8)
    assert amount == D("0.123456789")
    assert messages(problems) == ["BTC allows at most 8 decimals; remove the extra digits "
                                  "(nothing is rounded for you)."]
    assert check_amount("0.12345678", "BTC", precision=8)[1] == []
    assert check_amount("0.10000000000", "BTC", precision=1)[1] == []  # trailing zeros
    assert messages(check_amount("1.5", "FT", precision=0)[1]) == [
        "FT allows no decimals; remove the extra digits (nothing is rounded for you)."]
    quote = WithdrawQuote(coin="BTC", precision=2)
    assert messages(check_amount("1.234", "BTC", quote=quote)[1])[0].startswith(
        "BTC allows at most 2 decimals")


def test_above_available_is_refused():
    problems = check_amount("100.01", "USDT", available=D("100"))[1]
    assert messages(problems) == ["The amount is more than the 100 USDT available; lower it "
                                  "or use max."]
    assert check_amount("100", "USDT", available=D("100"))[1] == []
    quote = WithdrawQuote(coin="USDT", available=D("19998.77"))
    assert messages(check_amount("20000", "USDT", quote=quote)[1]) == [
        "The amount is more than the 19998.77 USDT available; lower it or use max."]


def quote(**fields) -> WithdrawQuote:
    """A BTC withdrawal quote with ``fields``."""
    return WithdrawQuote(coin="BTC", **fields)


def test_below_minimum_is_refused_for_withdrawals():
    problems = validate_move(MoveKind.WITHDRAW, amount_text="0.0005", coin="BTC",
                             quote=quote(minimum=D("0.001")), address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe")
    assert messages(problems) == ["The minimum withdrawal is 0.001 BTC; raise the amount."]


def test_the_day_quota_left_is_enforced():
    q = quote(day_quota=D("2"), used_quota=D("1.5"))
    problems = check_amount("0.6", "BTC", quote=q, withdrawal=True)[1]
    assert messages(problems) == ["Only 0.5 BTC of today's withdrawal quota is left; lower the "
                                  "amount or wait for the quota to free up."]
    assert check_amount("0.5", "BTC", quote=q, withdrawal=True)[1] == []


def test_nothing_arriving_after_the_fee_is_refused():
    q = quote(fee=D("0.0005"), fee_coin="BTC")
    assert messages(check_amount("0.0005", "BTC", quote=q, withdrawal=True)[1]) == [
        "Nothing would arrive after the 0.0005 BTC fee; raise the amount."]
    assert check_amount("0.0006", "BTC", quote=q, withdrawal=True)[1] == []
    # a venue formula (BHEX) is used when given
    problems = check_amount("1", "BTC", quote=q, withdrawal=True,
                            arrival=lambda amount: amount - D("1"))[1]
    assert messages(problems) == ["Nothing would arrive after the 0.0005 BTC fee; raise the "
                                  "amount."]


def test_withdrawals_closed_at_the_venue():
    problems = validate_move(MoveKind.WITHDRAW, amount_text="1", coin="BTC",
                             quote=quote(allowed=False, refuse_reason="password changed"),
                             address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe")
    assert problems == [Problem("coin", "Withdrawals of BTC are closed at the venue: password "
                                        "changed. Try again later.")]


def test_missing_memo():
    problems = validate_move(MoveKind.WITHDRAW, amount_text="5", coin="AT",
                             quote=WithdrawQuote(coin="AT", needs_tag=True),
                             address="coinsoledemo", memo="  ")
    assert problems == [Problem("memo", "This coin needs a memo/tag on this network; enter the "
                                        "memo the recipient gave you, or the funds may be lost.")]
    assert check_memo("123", True) == [] and check_memo(None, False) == []
    assert validate_move(MoveKind.WITHDRAW, amount_text="5", coin="USDT", network="EOS",
                         address="coinsoledemo", memo_required=True)[0].field == "memo"


@pytest.mark.parametrize("network, coin, address", [
    ("Tron (TRC-20)", "USDT", TRON),
    ("TRC20", "USDT", TRON),
    ("Ethereum (ERC-20)", "USDT", ERC20),
    ("BEP20", "USDT", ERC20.lower()),
    ("Bitcoin", "BTC", "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"),
    ("Bitcoin", "BTC", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    ("Bitcoin", "BTC", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("Bitcoin", "BTC", "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"),
    (None, "BTC", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    (None, "ETH", ERC20),
    ("EOS", "USDT", "coinsoledemo"),
    (None, "AT", "any-shape.is_fine"),
])
def test_plausible_addresses_pass(network, coin, address):
    assert check_address(address, network, coin) == []


@pytest.mark.parametrize("network, coin, address, message", [
    ("Tron (TRC-20)", "USDT", ERC20,
     "This is not a Tron (TRC-20) address (T followed by 33 base58 characters); check it and "
     "paste it again."),
    ("Tron (TRC-20)", "USDT", TRON[:-1],
     "This is not a Tron (TRC-20) address (T followed by 33 base58 characters); check it and "
     "paste it again."),
    ("Tron (TRC-20)", "USDT", TRON[:-1] + "0",
     "This is not a Tron (TRC-20) address (T followed by 33 base58 characters); check it and "
     "paste it again."),
    ("Ethereum (ERC-20)", "USDT", TRON,
     "This is not a Ethereum-style (ERC-20, BEP-20, Polygon, Arbitrum, Optimism) address "
     "(0x followed by 40 hex digits, with a valid EIP-55 checksum when in mixed case); "
     "check it and paste it again."),
    ("Ethereum (ERC-20)", "USDT", ERC20[:-1] + "g",
     "This is not a Ethereum-style (ERC-20, BEP-20, Polygon, Arbitrum, Optimism) address "
     "(0x followed by 40 hex digits, with a valid EIP-55 checksum when in mixed case); "
     "check it and paste it again."),
    ("Bitcoin", "BTC", "bc1qAr0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
     "This is not a Bitcoin address (legacy 1... or 3... (base58check) or bech32 bc1..., "
     "with a valid checksum); check it and paste it again."),
    ("Bitcoin", "BTC", "2GHquiYANN9JjqySWxncvn88nQ8pp8pdBe",
     "This is not a Bitcoin address (legacy 1... or 3... (base58check) or bech32 bc1..., "
     "with a valid checksum); check it and paste it again."),
    ("EOS", "USDT", "coinsole demo",
     "The address contains spaces; paste it again without them."),
    ("EOS", "USDT", "", "Enter the destination address."),
])
def test_bad_addresses_per_network(network, coin, address, message):
    assert check_address(address, network, coin) == [Problem("address", message)]


def test_address_rules_match_network_names():
    assert address_rule("Tron (TRC-20)").name == "Tron (TRC-20)"
    assert address_rule("Ethereum (ERC-20)").name.startswith("Ethereum")
    assert address_rule("EOS") is None and address_rule(None, "USDT") is None


@pytest.mark.parametrize("kind, value, code, field, message", [
    ("uid", "68197a174", None, "recipient", "A uid is digits only (e.g. 681979174); check it."),
    ("uid", "", None, "recipient", "Enter the recipient's uid."),
    ("email", "alice@coinsole", None, "recipient",
     "This is not an email address (name@domain.com); check it."),
    ("email", "alice coinsole.test", None, "recipient",
     "This is not an email address (name@domain.com); check it."),
    ("phone", "1391234567x", "86", "recipient",
     "A phone number is 4 to 15 digits without spaces or the country code; check it."),
    ("phone", "13912345678", "", "country_code",
     "Enter the country calling code as digits (e.g. 86 or +86)."),
    ("phone", "13912345678", "86a", "country_code",
     "Enter the country calling code as digits (e.g. 86 or +86)."),
    (None, "x", None, "recipient", "Choose how to name the recipient: uid, email or phone."),
])
def test_bad_recipients(kind, value, code, field, message):
    assert check_recipient(kind, value, code) == [Problem(field, message)]


@pytest.mark.parametrize("kind, value, code", [
    ("uid", "681979174", None), ("email", "alice@coinsole.test", None),
    ("phone", "13912345678", "86"), ("phone", "4155550123", "+1"),
])
def test_good_recipients(kind, value, code):
    assert check_recipient(kind, value, code) == []


def test_validate_move_collects_every_problem_by_field():
    problems = validate_move(MoveKind.INTERNAL_TRANSFER, amount_text="10.1234567", coin="USDT",
                             available=D("5"), precision=6, recipient_kind="email",
                             recipient_value="nobody")
    assert [p.field for p in problems] == ["amount", "amount", "recipient"]
    assert validate_move(MoveKind.TRANSFER, amount_text="1", coin="USDT",
                         available=D("5")) == []
    good = validate_move(MoveKind.WITHDRAW, amount_text="20", coin="USDT", available=D("100"),
                         quote=WithdrawQuote(coin="USDT", fee=D("1"), fee_coin="USDT",
                                             precision=6),
                         network="Tron (TRC-20)", address=TRON)
    assert good == []


def test_max_is_the_available_balance_cut_to_precision():
    assert max_amount(D("1530.2045")) == D("1530.2045")
    assert max_amount(D("0.002076307322576214"), precision=8) == D("0.00207630")
    assert max_amount(D("0.999999999"), precision=2) == D("0.99")  # cut down, never up
    assert max_amount(D("0")) == 0
    # the fee is taken out of the amount by default; on top when the venue says so
    assert max_amount(D("100"), fee=D("1")) == D("100")
    assert max_amount(D("100"), fee=D("1"), fee_on_top=True) == D("99")
    assert max_amount(D("0.5"), fee=D("1"), fee_on_top=True) == 0
    # and max always validates
    value = max_amount(D("0.002076307322576214"), precision=8)
    assert check_amount(str(value), "BTC", available=D("0.002076307322576214"),
                        precision=8)[1] == []
