"""More CSV edge cases of a finance batch file (issue 16, "done means"): quoting, BOMs,
encodings, number spellings a spreadsheet may write, duplicates and rows spanning lines.
Every bad file is refused whole with the line named; good ones read exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.finance.batch import BatchRefused, prepare_csv
from tui.venues.bhex_finance import FinanceOp

COINS = {"USDT": 8, "BTC": 8}
A, B = "482698709891649537", "482698709891649538"
HEAD = "uid,coin,amount\n"


def prepare(tmp_path, data: bytes | str, op: FinanceOp = FinanceOp.AIRDROP):
    path = tmp_path / "batch.csv"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return prepare_csv(op, path, coins=COINS)


@pytest.mark.parametrize("data, rows", [
    (f'"uid","coin","amount"\n"{A}","USDT","1"\n', [(A, "USDT", Decimal("1"))]),
    (f"{HEAD}{A},USDT, 1.5 \n", [(A, "USDT", Decimal("1.5"))]),
    (f"{HEAD}{A},USDT,1", [(A, "USDT", Decimal("1"))]),  # no newline at the end
    (f"\ufeff{HEAD}\r\n{A},usdt,0.10\r\n\r\n", [(A, "USDT", Decimal("0.10"))]),
    (f"{HEAD}{A},USDT,1\n{A},BTC,1\n", [(A, "USDT", Decimal(1)), (A, "BTC", Decimal(1))]),
])
def test_files_read_exactly(tmp_path, data, rows) -> None:
    batch = prepare(tmp_path, data)
    assert [(i.user_id, i.token_id, i.amount) for i in batch.items] == rows


@pytest.mark.parametrize("data, problem", [
    (f'{HEAD}{A},USDT,"1E3"\n', "line 2: amount '1E3' is written with an exponent"),
    (f"{HEAD}{A},USDT,Infinity\n", "line 2: amount 'Infinity' is not a plain amount"),
    (f"{HEAD}{A},USDT,NaN\n", "line 2: amount 'NaN' is not a plain amount"),
    (f"{HEAD}{A},USDT,+1\n", "line 2: amount '+1' is not a plain amount"),
    (f"{HEAD}{A},USDT,1_000\n", "line 2: amount '1_000' is not a plain amount"),
    (f"{HEAD}{A},USDT,1.\n", "line 2: amount '1.' is not a plain amount"),
    (f"{HEAD}{A},USDT,\uff11\n", "line 2: amount '\uff11' is not a plain amount"),
    (f"{HEAD}{A},USDT,1\x00\n", "line 2: amount '1\\x00' is not a plain amount"),
    (f'{HEAD}{A},USDT,"1.5\n', "line 2: not valid CSV"),
    (f"{HEAD}{A},USDT,1,2\n", "line 2: 4 fields where the header has 3"),
    (f"{HEAD}{A},USDT,1\n{A},usdt,2\n", "line 3: duplicate of line 2"),
    ("\ufeff", "the file holds no header"),
    (f"\ufeff{HEAD}\r\n", "the batch holds no rows"),
    (HEAD.encode("utf-16"), "the file is not UTF-8 text"),
])
def test_bad_files_are_refused_whole_naming_the_line(tmp_path, data, problem) -> None:
    with pytest.raises(BatchRefused) as caught:
        prepare(tmp_path, data)
    assert problem in str(caught.value)


def test_a_quoted_field_over_two_lines_is_named_by_its_first_line(tmp_path) -> None:
    batch = prepare(tmp_path, f'uid,coin,amount,subject\n{A},USDT,1,\n{B},USDT,2,"7\n"\n'
                              f"{A},BTC,3,\n", FinanceOp.BATCH_LOCK)
    assert batch.lines == [2, 3, 5]
    assert batch.items[1].desc == "7"  # fields are stripped
    with pytest.raises(BatchRefused) as caught:
        prepare(tmp_path, f'uid,coin,amount,subject\n{A},USDT,1,"a\nb"\n{B},USDT,1e1,\n')
    assert caught.value.problems == [
        "line 2: subject 'a\\nb' is not a sub_business_subject number",
        "line 4: amount '1e1' is written with an exponent; write the digits"]


def test_an_escaped_quote_stays_in_the_field(tmp_path) -> None:
    batch = prepare(tmp_path, f'uid,coin,amount,subject\n{A},USDT,1,"say ""hi"""\n',
                    FinanceOp.BATCH_LOCK)
    assert batch.items[0].desc == 'say "hi"'
