"""BHEX finance tasks (doc 004, section 5): the parsers pinned to the document's example
replies, the items' wire forms, and every endpoint adapter <-> sandbox over real HTTP on
loopback (running -> done, partial failures, idempotency by client_order_id, faults)."""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

import pytest
from demo_env import bhex_client  # noqa: F401 (a fixture)

from tui.core.errors import (InsufficientFunds, InvalidRequest, MalformedReply, OutcomeUnknown,
                             RateLimited)
from tui.core.money import loads_exact
from tui.sandbox import DEMO_PROFILES
from tui.venues.bhex_finance import (FinanceItem, FinanceOp, json_items, parse_result,
                                     parse_task, simple_items)

BHEX = next(p for p in DEMO_PROFILES if p.venue == "bhex")
OTHERS = ("482698709891649537", "482698709891649538")
NOBODY = "1"

# -- the document's example replies, as printed (comments removed) ----------------------

DOC_TASK = """{"status":0,"data":{"id":"9","clientOrderId":"BT2019071404",
"desc":"transfer for 0714","status":0}}"""
DOC_BATCH_TRANSFER_RESULT = """{"status":0,"data":{"task":{"id":"10",
"clientOrderId":"BT2019071405","desc":"transfer for 0714","status":1},"items":[
{"sourceUserId":"231215678785585152","targetUserId":"83214971450163200","tokenId":"BTC",
"amount":"0.5","fromSourceLock":false,"toTargetLock":false,"status":200},
{"sourceUserId":"83214971450163200","targetUserId":"231215678785585152","tokenId":"USDT",
"amount":"5000","fromSourceLock":true,"toTargetLock":true,"status":5}]}}"""
DOC_AIRDROP_RESULT = """{"status":0,"data":{"transferTask":{"id":"11",
"clientOrderId":"BT2019071410","desc":"air drop fast 110","status":1},"items":[
{"targetUserId":"83214971450163200","tokenId":"USDT","amount":"2000","toTargetLock":true,
"status":200}]}}"""
DOC_LOCK_RESULT = """{"status":0,"data":{"task":{"id":"10","clientOrderId":"Lock2019071805",
"desc":"lock balance for activity 0718","status":1},"items":[{"userId":"231215678785585152",
"tokenId":"BTC","amount":"0.5","desc":"buy amount=10","status":200},
{"userId":"83214971450163200","tokenId":"USDT","amount":"5000","desc":"inner lock",
"status":200}]}}"""
DOC_UNLOCK_RESULT = """{"status":0,"data":{"task":{"id":"10",
"clientOrderId":"Unlock2019071705","desc":"unlock balance for activity 0717","status":1},
"items":[{"userId":"231215678785585152","tokenId":"BTC","amount":"0.5","desc":"",
"status":200},{"userId":"83214971450163200","tokenId":"USDT","amount":"2000","desc":"",
"status":200}]}}"""


def _data(text: str):
    return loads_exact(text)["data"]


def test_parse_task_document_example() -> None:
    task = parse_task(_data(DOC_TASK))
    assert (task.id, task.client_order_id, task.desc, task.status) == (
        "9", "BT2019071404", "transfer for 0714", 0)
    assert task.running and task.status_text == "running"


def test_parse_results_document_examples() -> None:
    drop = parse_result(_data(DOC_AIRDROP_RESULT))
    assert drop.task.client_order_id == "BT2019071410" and drop.task.status_text == "done"
    (item,) = drop.items
    assert (item.user_id, item.token_id, item.amount, item.lock, item.ok) == (
        "83214971450163200", "USDT", Decimal("2000"), True, True)
    batch = parse_result(_data(DOC_BATCH_TRANSFER_RESULT))
    assert [i.status for i in batch.items] == [200, 5]
    assert batch.items[1].source_user_id == "83214971450163200"
    assert batch.items[1].status_text == "failed (5)" and not batch.items[1].ok
    lock = parse_result(_data(DOC_LOCK_RESULT))
    assert [(i.user_id, i.amount, i.desc) for i in lock.items] == [
        ("231215678785585152", Decimal("0.5"), "buy amount=10"),
        ("83214971450163200", Decimal("5000"), "inner lock")]
    unlock = parse_result(_data(DOC_UNLOCK_RESULT))
    assert unlock.task.client_order_id == "Unlock2019071705"
    assert sum((i.amount for i in unlock.items), Decimal(0)) == Decimal("2000.5")


def test_parse_result_unknown_and_malformed() -> None:
    assert parse_result(None) is None
    assert parse_result({"task": None, "items": []}) is None
    with pytest.raises(KeyError):
        parse_result({"task": {"id": "1", "clientOrderId": "x", "status": 1},
                      "items": [{"tokenId": "BTC", "amount": "1", "status": 200}]})
    with pytest.raises(Exception):
        parse_result({"task": {"id": "1", "clientOrderId": "x", "status": 1},
                      "items": [{"userId": "1", "tokenId": "BTC", "amount": 0.5,
                                 "status": 200}]})


def test_items_match_the_documents_examples() -> None:
    drop = [FinanceItem("83214971450163200", "BTC", Decimal("0.005"), lock=True, subject=101),
            FinanceItem("231215678785585152", "USDT", Decimal("0.5"))]
    assert simple_items(FinanceOp.AIRDROP, drop) == (
        "83214971450163200,BTC,0.005,true,101;231215678785585152,USDT,0.5,,")
    assert json.loads(json_items(FinanceOp.AIRDROP, drop)) == [
        {"target_user_id": "83214971450163200", "token_id": "BTC", "amount": "0.005",
         "to_target_lock": True, "sub_business_subject": 101},
        {"target_user_id": "231215678785585152", "token_id": "USDT", "amount": "0.5"}]
    locks = [FinanceItem("83214971450163200", "BTC", Decimal("0.005"), desc="activity lock"),
             FinanceItem("231215678785585152", "USDT", Decimal("0.5"))]
    assert simple_items(FinanceOp.BATCH_LOCK, locks) == (
        "83214971450163200,BTC,0.005,activity lock;231215678785585152,USDT,0.5,")
    with pytest.raises(InvalidRequest):
        simple_items(FinanceOp.BATCH_LOCK, [FinanceItem("1", "BTC", Decimal(1), desc="a,b")])
    big = [FinanceItem("1", "BTC", Decimal("1E+3"))]
    assert simple_items(FinanceOp.AIRDROP, big) == "1,BTC,1000,,"


# -- adapter <-> sandbox over loopback ---------------------------------------------------


@pytest.fixture
def client(bhex_client):
    box, _ = bhex_client
    box.services["bhex"].finance.run_ms = 200
    return bhex_client


async def _done(venue, op, cid, timeout=30.0):  # float-ok: seconds (a hang guard)
    deadline = time.monotonic() + timeout
    while True:
        result = await venue.finance_result(op, cid)
        if result is not None and not result.task.running:
            return result
        assert time.monotonic() < deadline, "the task never finished"
        await asyncio.sleep(0.05)  # float-ok: seconds


def _operating(box, coin):
    rows = box.ledger.accounts("bhex", BHEX.user_id, account_type="1", account_index=0)
    return next(r.available for r in rows if r.coin == coin)


@pytest.mark.parametrize("data_type", ["simple", "json"])
async def test_airdrop_runs_then_finishes_with_a_partial_failure(client, data_type) -> None:
    box, venue = client
    before = _operating(box, "AT")
    items = [FinanceItem(OTHERS[0], "AT", Decimal("1.5"), lock=True, subject=101),
             FinanceItem(NOBODY, "AT", Decimal("2")),
             FinanceItem(OTHERS[1], "AT", Decimal("0.25"))]
    task = await venue.finance_air_drop(f"ad-{data_type}", items, data_type=data_type,
                                        desc="launch")
    assert task.running and task.client_order_id == f"ad-{data_type}"
    first = await venue.finance_get_air_drop_result(f"ad-{data_type}")
    assert first.task.running and first.items == ()
    result = await _done(venue, FinanceOp.AIRDROP, f"ad-{data_type}")
    assert result.task.status == 2
    assert [(i.user_id, i.status) for i in result.items] == [
        (OTHERS[0], 200), (NOBODY, 31009), (OTHERS[1], 200)]
    assert result.items[0].lock is True
    assert _operating(box, "AT") == before - Decimal("1.75")
    assert box.services["bhex"].finance.applications[f"ad-{data_type}"] == 1


async def test_resend_of_a_client_order_id_applies_once(client) -> None:
    box, venue = client
    before = _operating(box, "AT")
    items = [FinanceItem(OTHERS[0], "AT", Decimal("3"))]
    first = await venue.finance_air_drop("once", items)
    again = await venue.finance_air_drop("once", items)
    assert first.id == again.id
    assert _operating(box, "AT") == before - 3
    assert box.services["bhex"].finance.applications["once"] == 1
    assert box.services["bhex"].finance.repeats["once"] == 1
    assert await venue.finance_lock("lk-1", OTHERS[0], "AT", Decimal(1)) is True
    assert await venue.finance_lock("lk-1", OTHERS[0], "AT", Decimal(1)) is True
    assert box.services["bhex"].finance.applications["lk-1"] == 1


async def test_batch_lock_and_unlock_with_results(client) -> None:
    box, venue = client
    lock = [FinanceItem(OTHERS[0], "USDT", Decimal("10"), desc="activity lock"),
            FinanceItem(OTHERS[1], "USDT", Decimal("100000"))]
    await venue.finance_batch_lock_position("bl-1", lock, data_type="simple", desc="act")
    result = await _done(venue, FinanceOp.BATCH_LOCK, "bl-1")
    assert [i.status for i in result.items] == [200, 5]
    assert result.items[0].desc == "activity lock"
    unlock = [FinanceItem(OTHERS[0], "USDT", Decimal("4"), desc="a, b; c")]
    await venue.finance_batch_unlock_position("bu-1", unlock, data_type="json")
    result = await _done(venue, FinanceOp.BATCH_UNLOCK, "bu-1")
    assert [(i.status, i.desc) for i in result.items] == [(200, "a, b; c")]
    fin = box.services["bhex"].finance
    assert fin.locked[(OTHERS[0], "USDT")] == Decimal(6)
    assert await venue.finance_unlock("ul-1", OTHERS[0], "USDT", Decimal(6)) is True
    with pytest.raises(InsufficientFunds):
        await venue.finance_unlock("ul-2", OTHERS[0], "USDT", Decimal(1))


async def test_unknown_task_and_the_transfer_result(client) -> None:
    _, venue = client
    assert await venue.finance_get_air_drop_result("never-sent") is None
    assert await venue.finance_get_batch_transfer_result("never-sent") is None
    assert await venue.finance_get_batch_lock_position_result("never-sent") is None
    assert await venue.finance_get_batch_unlock_position_result("never-sent") is None
    await venue.finance_air_drop("ad-kind", [FinanceItem(OTHERS[0], "AT", Decimal(1))])
    assert await venue.finance_get_batch_lock_position_result("ad-kind") is None


async def test_checked_before_sending(client) -> None:
    box, venue = client
    with pytest.raises(InvalidRequest):
        await venue.finance_air_drop("x", [])
    with pytest.raises(InvalidRequest):
        await venue.finance_air_drop("x", [FinanceItem(OTHERS[0], "AT", Decimal(0))])
    with pytest.raises(InvalidRequest):
        await venue.finance_air_drop("x", [FinanceItem(OTHERS[0], "AT", Decimal(1))],
                                     data_type="xml")
    with pytest.raises(InvalidRequest):
        await venue.finance_lock("", OTHERS[0], "AT", Decimal(1))
    assert not box.services["bhex"].finance.applications


async def test_airdrop_the_account_cannot_pay_is_refused_whole(client) -> None:
    box, venue = client
    with pytest.raises(InsufficientFunds):
        await venue.finance_air_drop("too-much", [FinanceItem(OTHERS[0], "USDT",
                                                              Decimal("1000000"))])
    assert await venue.finance_get_air_drop_result("too-much") is None


async def test_commit_then_drop_leaves_the_task_committed(client) -> None:
    box, venue = client
    box.faults.configure("bhex", drop_rate=1.0)
    with pytest.raises(OutcomeUnknown):
        await venue.finance_air_drop("dropped", [FinanceItem(OTHERS[0], "AT", Decimal(1))])
    box.faults.configure("bhex")
    result = await _done(venue, FinanceOp.AIRDROP, "dropped")
    assert [i.status for i in result.items] == [200]
    box.faults.configure("bhex", error_rate=1.0)
    with pytest.raises(OutcomeUnknown):
        await venue.finance_air_drop("refused", [FinanceItem(OTHERS[0], "AT", Decimal(1))])
    box.faults.configure("bhex")
    assert await venue.finance_get_air_drop_result("refused") is None


async def test_malformed_result_reply(client, monkeypatch) -> None:
    _, venue = client

    async def reply(*args, **kwargs):
        return {"task": {"id": "1", "clientOrderId": "x", "status": "busy"}, "items": []}

    monkeypatch.setattr(venue, "request", reply)
    with pytest.raises(MalformedReply):
        await venue.finance_get_air_drop_result("x")


async def test_429_and_latency_refuse_or_slow_without_applying(client) -> None:
    box, venue = client
    box.faults.configure("bhex", rate_429=1.0)
    with pytest.raises(RateLimited):
        await venue.finance_air_drop("limited", [FinanceItem(OTHERS[0], "AT", Decimal(1))])
    box.faults.configure("bhex", latency_ms=50)
    task = await venue.finance_batch_lock_position(
        "slow", [FinanceItem(OTHERS[0], "USDT", Decimal(1))], data_type="json")
    assert task.client_order_id == "slow"
    box.faults.configure("bhex")
    assert box.services["bhex"].finance.applications == {"slow": 1}
