"""Exact money: parsing, JSON round trips and display formatting."""

from decimal import Decimal, Inexact

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.money import (
    MoneyError,
    decimal_places,
    dumps_exact,
    exact_sum,
    format_amount,
    loads_exact,
    plain,
    to_decimal,
)

finite_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None,
                              min_value=Decimal("-1e30"), max_value=Decimal("1e30"))


@given(finite_decimals)
def test_json_number_round_trip_keeps_every_digit(value: Decimal) -> None:
    text = dumps_exact({"amount": value})
    back = loads_exact(text)["amount"]
    assert back == value
    if isinstance(back, Decimal):
        assert plain(back) == plain(value)


@given(finite_decimals)
def test_plain_text_parses_back_to_the_same_value(value: Decimal) -> None:
    text = plain(value)
    assert "E" not in text and "e" not in text
    assert to_decimal(text) == value


@given(finite_decimals, st.integers(min_value=0, max_value=20))
def test_format_never_rounds(value: Decimal, places: int) -> None:
    text = format_amount(value, places)
    assert to_decimal(text.replace(",", "")) == value


@given(finite_decimals, st.integers(min_value=0, max_value=12))
def test_shortened_text_is_marked_and_never_rounds_up(value: Decimal, places: int) -> None:
    text = format_amount(value, places, shorten=True)
    shown = to_decimal(text.rstrip("…").replace(",", ""))
    assert abs(shown) <= abs(value)
    assert text.endswith("…") == (shown != value)


def test_documents_values_survive_parsing() -> None:
    reply = '{"ETH":[5094.859925211325094096,0],"X":{"amount":1.000000000000000000}}'
    data = loads_exact(reply)
    assert plain(data["ETH"][0]) == "5094.859925211325094096"
    assert plain(data["X"]["amount"]) == "1.000000000000000000"
    assert dumps_exact(data) == reply


def test_format_groups_thousands_and_pads_to_precision() -> None:
    assert format_amount(Decimal("149555114.0139600009053943"), 8) == "149,555,114.0139600009053943"
    assert format_amount(Decimal("45.591"), 8) == "45.59100000"
    assert format_amount(Decimal("-1234.5")) == "-1,234.5"
    assert format_amount(Decimal("5094.859925211325094096"), 4, shorten=True) == "5,094.8599…"
    assert format_amount(Decimal("1E-7")) == "0.0000001"


@pytest.mark.parametrize("bad", [1.5, True, "abc", "", "NaN", "Infinity", None, [1]])
def test_to_decimal_refuses_non_amounts(bad) -> None:
    with pytest.raises(MoneyError):
        to_decimal(bad)


def test_to_decimal_accepts_exact_inputs() -> None:
    assert to_decimal(" 0.10 ") == Decimal("0.10")
    assert to_decimal(7) == Decimal(7)
    assert decimal_places(Decimal("0.000000000000000000001")) == 21


def test_exact_sum_carries_more_digits_than_the_default_context() -> None:
    values = [Decimal("998825158.8059704902041369"), Decimal("0.0000000000000000000000000001")]
    assert plain(exact_sum(values)) == "998825158.8059704902041369000000000001"
    with pytest.raises(Inexact):
        exact_sum([Decimal("1e200"), Decimal("1e-200")])
