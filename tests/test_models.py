"""Domain models reject floats and keep amounts exact."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from tui.core.errors import AuthError
from tui.core.models import AccountKind, AccountRef, Balance


def _balance(**overrides):
    fields = dict(profile="p", venue="fcoin", account=AccountRef(kind=AccountKind.SPOT),
                  coin="ETH", available="5094.859925211325094096", frozen="0.1")
    fields.update(overrides)
    return Balance(**fields)


def test_total_defaults_to_exact_sum() -> None:
    assert _balance().total == Decimal("5094.959925211325094096")


def test_venue_total_is_kept_as_sent() -> None:
    assert _balance(total="1.000000000000000000").as_record()["total"] == "1.000000000000000000"


@pytest.mark.parametrize("field", ["available", "frozen", "total"])
def test_floats_are_refused(field) -> None:
    with pytest.raises(ValidationError, match="floating point"):
        _balance(**{field: 0.1})


def test_record_is_flat_and_exact() -> None:
    record = _balance(account=AccountRef(kind=AccountKind.CONTRACT, index=2, name="quant")).as_record()
    assert record == {
        "profile": "p", "venue": "fcoin", "account": "contract #2 (quant)", "coin": "ETH",
        "available": "5094.859925211325094096", "frozen": "0.1", "total": "5094.959925211325094096",
    }


def test_error_text_names_venue_code_and_what_to_do() -> None:
    text = str(AuthError("bitunix", "the signature was refused", code="100005",
                         venue_message="Signature error"))
    assert text.startswith("bitunix: the signature was refused")
    assert "Signature error" in text and "100005" in text and "Check the profile's API key" in text
