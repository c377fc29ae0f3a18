"""One way to write an amount (issue 12): tables grouped and padded to the coin's
precision, details/hints/CSV exactly as the venue sent, the same helpers everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.cli import _balance_table
from tui.core.amounts import amount_with_coin, exact_amount, table_amount
from tui.core.models import AccountKind, AccountRef, Balance
from tui.screens.detail import detail_fields
from tui.widgets.balance_rows import build_rows, display_amount
from tui.widgets.record_table import Column

BITZ = Decimal("2531.07000000")


def test_the_two_forms() -> None:
    assert table_amount(BITZ, "USDT") == "2,531.0700"
    assert table_amount(Decimal("10"), "BTC") == "10.00000000"
    assert table_amount(Decimal("0.0000001857237467"), "BTC") == "0.0000001857237467"
    assert table_amount(Decimal("0.0000001857237467"), "BTC", compact=True) == "0.00000018…"
    assert table_amount(Decimal("1234.5"), "NOPE") == "1,234.5"
    assert exact_amount(BITZ) == "2531.07000000"
    assert amount_with_coin(BITZ, "USDT") == "2531.07000000 USDT"


def balance() -> Balance:
    return Balance(profile="bitz-demo", venue="bitz", account=AccountRef(kind=AccountKind.SPOT),
                   coin="USDT", available=BITZ, frozen=Decimal("0"))


def test_balance_table_cli_and_detail_agree_with_the_rules() -> None:
    b = balance()
    assert display_amount(b.available, b.coin) == table_amount(BITZ, "USDT")
    cli = _balance_table([b])
    assert "2,531.0700" in cli and "2,531.07 " not in cli
    row = next(r for r in build_rows([b]) if r.kind == "balance")
    assert dict(detail_fields(row))["available"] == "2531.07000000"


@dataclass
class Record:
    coin: str
    amount: Decimal


def test_record_tables_pad_to_the_coin_and_export_exactly() -> None:
    column = Column("amount", "amount", numeric=True)
    record = Record("BTC", Decimal("10"))
    assert column.display(record) == "10.00000000"
    assert column.csv(Record("BTC", Decimal("10.00000000"))) == "10.00000000"
    assert column.csv(record) == "10"
