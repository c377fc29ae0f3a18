"""History models parse the venue documents' example replies exactly (Decimal, every digit)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.history import BalanceFlowRecord, DepositAddress, HistoryKind, HistoryRecord
from tui.core.money import loads_exact
from tui.core.moves import MoveStatus
from tui.venues.history_bhex import (deposit_address_model, deposit_record, flow_record,
                                     withdraw_record)
from tui.venues.history_bitunix import _deposit, _withdrawal

BITUNIX_DEPOSITS = """{"code": "0", "msg": "Success", "data": [
{"id": 1909903708907155457, "transactionHash": null, "coin": "USDT", "network": null,
 "type": "inside_transfer_in", "fromAddress": "989541187", "toAddress": "681979174",
 "amount": "10.00000000", "status": "pending", "ctime": 1744191503000},
{"id": 487067,
 "transactionHash": "d829e32be84907a4dfb5bee5dcdaee6b637be287f8db52817860e7169003b92d",
 "coin": "USDT", "network": "Tron (TRC-20)", "type": "deposit",
 "fromAddress": "TB73gtW1hsTxxA9XUYKLSJKTSHw6Jk53eH",
 "toAddress": "TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor", "amount": "1000.00000000",
 "status": "success", "ctime": 1742892246000}], "success": true}"""

BITUNIX_WITHDRAWALS = """{"code": "0", "msg": "result.success", "data": [
{"id": "1909877667383767042", "outBizId": "123456789", "type": "withdraw", "coin": "TRX",
 "amount": "19.00000000000000000000", "status": "pending", "ctime": 1744185294000,
 "network": "Tron (TRC-20)", "address": "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU",
 "transactionHash": null, "feeCoin": null, "fee": null, "memo": null, "toType": null,
 "toUid": null, "toPhoneCountryCode": null, "toPhoneNumber": null, "toEmail": null,
 "remark": null}], "success": true}"""

BHEX_DEPOSIT = """{"time":"1561345740066", "orderId":"390990838397697792",
 "accountId":"97298430070624256", "tokenId":"BHT", "tokenName":"BHT",
 "address":"0x74eecf1cD7c9337014dE0031D0e8c1FE54aaDBc5", "addressExt":"", "fromAddress":"",
 "fromAddressExt":"", "quantity":"200", "status":2, "statusCode":"DEPOSIT_CAN_WITHDRAW",
 "statusDesc":"Deposit Successful", "requiredConfirmNum":0, "confirmNum":0, "txid":"",
 "txidUrl":"", "walletHandleTime":"1561345740066", "addressUrl":"",
 "isInternalTransfer":true}"""

BHEX_WITHDRAW = """{"time":"1560516599372", "orderId":"384035502138869760",
 "accountId":"97298430070624256", "tokenId":"BHT", "tokenName":"BHT",
 "address":"0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9", "addressExt":"", "quantity":"1400",
 "arriveQuantity":"1400", "status":6, "statusCode":"WITHDRAWAL_SUCCESS_STATUS",
 "statusDesc":"Withdrawal Successful", "txid":"", "txidUrl":"",
 "walletHandleTime":"1560516660408", "requiredConfirmNum":0, "confirmNum":0, "kernelId":"",
 "isInternalTransfer":true, "feeTokenId":"BHT", "feeTokenName":"BHT", "fee":"0"}"""

BHEX_FLOW = """{"id":"393070060570204672", "accountId":"97298430070624256", "tokenId":"USDT",
 "tokenName":"USDT", "flowType":"Bonus", "change":"0.00205479",
 "total":"0.044193677307098366", "created":"1561593602661"}"""

BHEX_ADDRESS = """{"allowDeposit":true, "address":"1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe",
 "addressExt":"", "minQuantity":"0.001", "needAddressTag":false, "requiredConfirmNum":1}"""


def test_bitunix_deposit_page_example() -> None:
    rows = loads_exact(BITUNIX_DEPOSITS)["data"]
    inside, chain = (_deposit("bitunix", row) for row in rows)
    assert inside.id == "1909903708907155457"  # a JSON number in the example: kept whole
    assert inside.kind is HistoryKind.INTERNAL_TRANSFER and inside.direction == "in"
    assert inside.amount == Decimal("10.00000000") and str(inside.amount) == "10.00000000"
    assert inside.status is MoveStatus.PENDING and inside.venue_status == "pending"
    assert inside.counterparty == "989541187" and inside.network is None
    assert chain.kind is HistoryKind.DEPOSIT and chain.status is MoveStatus.DONE
    assert chain.tx_hash.startswith("d829e32b") and chain.network == "Tron (TRC-20)"
    assert chain.address == "TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor"
    assert chain.time_ms == 1742892246000
    assert chain.as_record()["amount"] == "1000.00000000"


def test_bitunix_withdraw_page_example() -> None:
    record = _withdrawal("bitunix", loads_exact(BITUNIX_WITHDRAWALS)["data"][0])
    assert record.kind is HistoryKind.WITHDRAWAL and record.direction == "out"
    assert str(record.amount) == "19.00000000000000000000"
    assert record.address == "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"
    assert record.fee is None and record.fee_coin is None and record.client_ref == "123456789"
    assert record.status is MoveStatus.PENDING


def test_bitunix_numbers_as_json_numbers_stay_exact() -> None:
    row = loads_exact('{"id": "1", "type": "withdraw", "coin": "ETH", "status": "success",'
                      ' "ctime": 1, "amount": 1.204500000000000001, "fee": 0.002,'
                      ' "feeCoin": "ETH"}')
    record = _withdrawal("bitunix", row)
    assert record.amount == Decimal("1.204500000000000001") and record.fee == Decimal("0.002")


def test_bhex_deposit_order_example() -> None:
    record = deposit_record("bhex", loads_exact(BHEX_DEPOSIT))
    assert record == HistoryRecord(
        venue="bhex", id="390990838397697792", kind=HistoryKind.INTERNAL_TRANSFER,
        direction="in", coin="BHT", amount=Decimal("200"), arrival=Decimal("200"),
        address="0x74eecf1cD7c9337014dE0031D0e8c1FE54aaDBc5", status=MoveStatus.DONE,
        venue_status="DEPOSIT_CAN_WITHDRAW", status_text="Deposit Successful",
        time_ms=1561345740066, confirmations=0, required_confirmations=0,
        account_id="97298430070624256")


@pytest.mark.parametrize("status,word", [(1, MoveStatus.DONE), (2, MoveStatus.DONE),
                                         (10, MoveStatus.PENDING)])
def test_bhex_deposit_statuses(status, word) -> None:
    row = loads_exact(BHEX_DEPOSIT)
    row["status"] = status
    assert deposit_record("bhex", row).status is word


def test_bhex_withdraw_order_example() -> None:
    record = withdraw_record("bhex", loads_exact(BHEX_WITHDRAW))
    assert record.id == "384035502138869760" and record.direction == "out"
    assert record.amount == Decimal("1400") and record.arrival == Decimal("1400")
    assert record.fee == Decimal("0") and record.fee_coin == "BHT"
    assert record.status is MoveStatus.DONE
    assert record.venue_status == "WITHDRAWAL_SUCCESS_STATUS"
    for code, word in ((1, "pending"), (2, "failed"), (5, "pending"), (7, "failed"),
                       (8, "pending")):
        row = loads_exact(BHEX_WITHDRAW)
        row["status"] = code
        assert withdraw_record("bhex", row).status.value == word


def test_bhex_balance_flow_example() -> None:
    flow = flow_record(loads_exact(BHEX_FLOW))
    assert flow == BalanceFlowRecord(id="393070060570204672", account_id="97298430070624256",
                                     coin="USDT", flow_type="Bonus",
                                     change=Decimal("0.00205479"),
                                     total=Decimal("0.044193677307098366"),
                                     time_ms=1561593602661)
    assert flow.as_record()["total"] == "0.044193677307098366"


def test_bhex_deposit_address_example() -> None:
    address = deposit_address_model("BTC", None, loads_exact(BHEX_ADDRESS))
    assert address == DepositAddress(coin="BTC", address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe",
                                     minimum=Decimal("0.001"), confirmations=1,
                                     deposits_open=True, tag_required=False)
    assert address.as_record()["minimum"] == "0.001"


def test_models_refuse_floats() -> None:
    with pytest.raises(ValueError):
        BalanceFlowRecord(id="1", account_id="a", coin="X", flow_type="t", change=0.1,
                          total=Decimal(1), time_ms=1)
