"""Preparing a finance batch: CSV edge cases (BOM, quoted fields, blank lines, exponent
amounts, duplicates, precision, unknown coins and users), the whole file refused on any bad
row with line numbers, the preview against the operating balance, and the split into
venue-sized tasks each with its own client_order_id."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tui.finance.batch import BatchRefused, prepare_csv, prepare_rows
from tui.finance.request import FinanceBatchRequest, parse_finance, plan_batch
from tui.finance.send import task_rows
from tui.support.user_index import UserIndex
from tui.venues.bhex_finance import FinanceOp

COINS = {"USDT": 8, "BTC": 8, "AT": 18}
A, B, C = "482698709891649537", "482698709891649538", "482698709891649539"


def write(tmp_path, text: str | bytes, name: str = "batch.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def test_bom_quotes_blank_lines_and_coin_spelling(tmp_path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfUID, Coin ,amount,lock,subject\r\n\r\n"
                           + f'"{A}",usdt,"1.50",TRUE,101\r\n'.encode()
                           + b"   \r\n"
                           + f'{B},BTC,0.00000001,,\r\n'.encode())
    batch = prepare_csv(FinanceOp.AIRDROP, path, coins=COINS,
                        available={"USDT": Decimal("2"), "BTC": Decimal("0")})
    assert [(i.user_id, i.token_id, i.amount, i.lock, i.subject) for i in batch.items] == [
        (A, "USDT", Decimal("1.50"), True, 101), (B, "BTC", Decimal("0.00000001"), None, None)]
    assert batch.lines == [3, 5]
    assert batch.totals == {"USDT": Decimal("1.5"), "BTC": Decimal("0.00000001")}
    assert batch.shortfalls() == {"BTC": Decimal("0.00000001")}
    preview = "\n".join(batch.preview_lines())
    assert "USDT  total 1.5  available 2  after 0.5" in preview
    assert "SHORT" in preview and len(batch.file_hash) == 64


@pytest.mark.parametrize("amount, why", [
    ("1e3", "exponent"), ("1E-2", "exponent"), ("-1", "not a plain amount"),
    ("1,000", "fields where the header"), ("0", "more than 0"), ("0.000000001", "9 decimals"),
    ("", "not a plain amount"), ("abc", "not a plain amount"), (".5", "not a plain amount")])
def test_bad_amounts_refuse_the_whole_file(tmp_path, amount, why) -> None:
    path = write(tmp_path, f"uid,coin,amount\n{A},USDT,1\n{B},USDT,{amount}\n")
    with pytest.raises(BatchRefused) as caught:
        prepare_csv(FinanceOp.AIRDROP, path, coins=COINS)
    assert caught.value.problems[0].startswith("line 3:")
    assert why in str(caught.value)


def test_every_problem_listed_by_line(tmp_path) -> None:
    path = write(tmp_path, f"uid,coin,amount,lock\n{A},DOGE,1,\nabc,USDT,1,\n{A},USDT,2,maybe\n"
                           f"{B},USDT,1,\n{B},usdt,2,\n")
    with pytest.raises(BatchRefused) as caught:
        prepare_csv(FinanceOp.AIRDROP, path, coins=COINS)
    text = caught.value.problems
    assert [p.split(":")[0] for p in text] == ["line 2", "line 3", "line 4", "line 6"]
    assert "coin 'DOGE' is not one the venue lists" in text[0]
    assert "uid 'abc'" in text[1] and "lock 'maybe'" in text[2]
    assert "duplicate of line 5" in text[3]
    batch = prepare_rows(FinanceOp.AIRDROP, [(2, {"uid": B, "coin": "USDT", "amount": "1"}),
                                             (3, {"uid": B, "coin": "USDT", "amount": "2"})],
                         coins=COINS, allow_duplicates=True)
    assert batch.totals == {"USDT": Decimal(3)}


def test_header_problems(tmp_path) -> None:
    for text, why in [("uid,coin\n1,USDT\n", "missing column amount"),
                      ("uid,coin,amount,memo\n", "unknown column 'memo'"),
                      ("", "no header"), ("\n\n", "no header"),
                      (f"uid,coin,amount\n{A},USDT\n", "2 fields where the header has 3")]:
        with pytest.raises(BatchRefused, match=why):
            prepare_csv(FinanceOp.AIRDROP, write(tmp_path, text), coins=COINS)
    with pytest.raises(BatchRefused, match="not UTF-8"):
        prepare_csv(FinanceOp.AIRDROP, write(tmp_path, b"uid,coin,amount\n\xff,1,2\n"))
    with pytest.raises(BatchRefused, match="holds no rows"):
        prepare_csv(FinanceOp.AIRDROP, write(tmp_path, "uid,coin,amount\n\n"))
    with pytest.raises(BatchRefused, match="cannot read"):
        prepare_csv(FinanceOp.AIRDROP, tmp_path / "missing.csv")


def test_lock_rows_take_subject_as_desc_and_refuse_lock(tmp_path) -> None:
    path = write(tmp_path, f'uid,coin,amount,subject\n{A},USDT,5,"promo, week 1"\n')
    batch = prepare_csv(FinanceOp.BATCH_LOCK, path, coins=COINS)
    assert batch.items[0].desc == "promo, week 1" and batch.shortfalls() == {}
    with pytest.raises(BatchRefused, match="lock applies to airdrops only"):
        prepare_csv(FinanceOp.BATCH_UNLOCK,
                    write(tmp_path, f"uid,coin,amount,lock\n{A},USDT,5,true\n"), coins=COINS)
    with pytest.raises(BatchRefused, match="not a sub_business_subject"):
        prepare_csv(FinanceOp.AIRDROP,
                    write(tmp_path, f"uid,coin,amount,subject\n{A},USDT,5,promo\n"), coins=COINS)


def test_uids_checked_against_the_user_index(tmp_path) -> None:
    index = UserIndex.memory()
    index.upsert_users([{"userId": A}, {"userId": B}])
    path = write(tmp_path, f"uid,coin,amount\n{A},USDT,1\n{C},USDT,1\n{B},USDT,1\n")
    with pytest.raises(BatchRefused) as caught:
        prepare_csv(FinanceOp.AIRDROP, path, coins=COINS, known_users=index.existing)
    assert caught.value.problems == [f"line 3: uid {C} is not in the org's user index "
                                     "(run `coinsole users sync`)"]
    index.close()


def test_plan_splits_into_tasks_with_their_own_ids(tmp_path) -> None:
    rows = "".join(f"{10_000 + n},USDT,0.{n + 1}\n" for n in range(1203))
    batch = prepare_csv(FinanceOp.AIRDROP, write(tmp_path, "uid,coin,amount\n" + rows),
                        coins=COINS)
    request = plan_batch(batch, profile="bhex-demo", task_rows=500, key="fbK")
    assert [t.rows for t in request.tasks] == [500, 500, 203]
    assert [t.client_order_id for t in request.tasks] == ["fbK-1", "fbK-2", "fbK-3"]
    assert [t.first_row for t in request.tasks] == [0, 500, 1000]
    assert request.row_count == 1203 and request.lines[0] == 2 and request.lines[-1] == 1204
    assert request.tasks[0].data_type == "simple"
    again = [r for t in request.tasks for r in task_rows(request.op, t)]
    assert again == [(i.user_id, i.token_id, i.amount) for i in batch.items]
    assert Decimal(request.totals["USDT"]) == sum((i.amount for i in batch.items), Decimal(0))
    assert request.coin == "USDT" and request.symbol == "finance:airdrop"
    stored = parse_finance("airdrop", request.model_dump_json())
    assert isinstance(stored, FinanceBatchRequest) and stored == request
    assert json.loads(request.model_dump_json())["file_hash"] == batch.file_hash


def test_plan_lock_one_task_per_row_and_json_when_needed(tmp_path) -> None:
    path = write(tmp_path, f'uid,coin,amount,subject\n{A},USDT,5,"a;b"\n{B},BTC,1,\n')
    single = plan_batch(prepare_csv(FinanceOp.LOCK, path, coins=COINS), profile="p", key="k")
    assert [t.rows for t in single.tasks] == [1, 1] and single.coin == "MULTI"
    assert {t.data_type for t in single.tasks} == {"json"}
    batch = plan_batch(prepare_csv(FinanceOp.BATCH_LOCK, path, coins=COINS), profile="p")
    assert [t.data_type for t in batch.tasks] == ["json"]
    assert json.loads(batch.tasks[0].items)[0]["desc"] == "a;b"
