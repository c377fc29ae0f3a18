"""The sandbox's money endpoints: shapes, ledger effects, state machines, refusals."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from sandbox_server import Venues
from tui.core.money import loads_exact
from tui.sandbox.demo import BHEX_DEMO_USER_ID, DEMO_TRADE_PASSWORD

D = Decimal
TRADE = hashlib.md5(DEMO_TRADE_PASSWORD.encode()).hexdigest()
TRON = "Tron (TRC-20)"
TRON_ADDR = "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"


# -- fcoin ----------------------------------------------------------------------------

@pytest.mark.parametrize("word, to, kind, status", [
    ("spots", "SPOTS", "INTERNAL", "DONE"), ("contracts", "CONTRACTS", "INTERNAL", "DONE"),
    ("bx", "BX", "BX_INTERNAL", "PENDING")])
async def test_fcoin_transfer_out(venues: Venues, word: str, to: str, kind: str,
                                  status: str) -> None:
    before = await venues.fcoin_balances()
    body = {"sourceId": "s-" + word, "currency": "ETH", "amount": D("1.5")}
    r = await venues.fcoin("POST", f"/v2/assets/{word}/transfer/out", body)
    assert r.status_code == 200, r.text
    reply = loads_exact(r.content)
    assert list(reply) == ["id", "sourceId", "targetAddress", "transferType", "transferFrom",
                           "transferTo", "userId", "userTargetId", "currencyId", "amount", "fee",
                           "status", "confirm", "txid", "msg", "sign", "createdAt", "updatedAt",
                           "currency"]
    assert (reply["transferType"], reply["transferTo"], reply["status"]) == (kind, to, status)
    assert '"amount":1.500000000000000000,' in r.text and reply["userId"] == 122017
    after = await venues.fcoin_balances()
    assert after["ETH"][0] == D("5093.359925211325094096") == before["ETH"][0] - D("1.5")
    account = {"spots": "spot", "contracts": "contracts", "bx": "bx"}[word]
    rows = venues.box.ledger.accounts("fcoin", "122017", account_type=account)
    assert [(row.coin, row.available) for row in rows] == [("ETH", D("1.5"))]


async def test_fcoin_bx_becomes_done_after_two_seconds(venues: Venues) -> None:
    await venues.fcoin("POST", "/v2/assets/bx/transfer/out",
                       {"sourceId": "bx1", "currency": "USDT", "amount": 1})
    store = venues.box.services["fcoin"].store
    venues.clock.advance(1.9)
    await venues.fcoin_balances()
    assert store.moves("fcoin")[0].state == "PENDING"
    venues.clock.advance(0.1)
    await venues.fcoin_balances()
    assert store.moves("fcoin")[0].state == "DONE"


@pytest.mark.parametrize("body, status, code", [
    ({"currency": "BTC", "amount": 100}, 400, 1016),
    ({"currency": "BTC", "amount": D("0.000000001")}, 400, 1002),
    ({"currency": "BTC", "amount": 0}, 400, 6000),
    ({"currency": "BTC", "amount": "abc"}, 400, 6000),
    ({"currency": "NOPE", "amount": 1}, 400, 6000),
])
async def test_fcoin_refusals_change_nothing(venues: Venues, body: dict, status: int,
                                             code: int) -> None:
    before = await venues.fcoin_balances()
    r = await venues.fcoin("POST", "/v2/assets/spots/transfer/out", {"sourceId": "x", **body})
    assert (r.status_code, r.json()["status"]) == (status, code)
    assert await venues.fcoin_balances() == before
    assert venues.box.services["fcoin"].store.moves("fcoin") == []


# -- bitunix --------------------------------------------------------------------------

async def test_bitunix_funds_transfer_both_ways(venues: Venues) -> None:
    transfer_id = await venues.bitunix_data(
        "/funds_transfer", {"type": "spot_futures", "coin": "USDT", "amount": D("100.01")})
    assert isinstance(transfer_id, str)
    assert (await venues.bitunix_spot())["USDT"] == (D("1430.1945"), D("20.00"))
    futures = venues.box.ledger.accounts("bitunix", "681979174", account_type="futures",
                                         coins=["USDT"])
    assert futures[0].available == D("600.26")
    await venues.bitunix_data("/funds_transfer",
                              {"type": "futures_spot", "coin": "USDT", "amount": D("600.26")})
    assert (await venues.bitunix_spot())["USDT"] == (D("2030.4545"), D("20.00"))


async def test_bitunix_withdraw_pending_then_success(venues: Venues) -> None:
    wid = await venues.bitunix_data("/withdraw", {"coin": "TRX", "network": TRON,
                                                  "address": TRON_ADDR, "amount": D("5")})
    assert (await venues.bitunix_spot())["TRX"] == (D("14.000000000000000000"), D("5"))
    [record] = await venues.bitunix_data("/withdraw_transfer/page", {"id": wid})
    assert record["status"] == "pending" and record["amount"] == "4"
    assert (record["fee"], record["feeCoin"], record["type"]) == ("1", "TRX", "withdraw")
    assert record["transactionHash"] is None and record["ctime"] == venues.clock.ms
    venues.clock.advance(3)
    [record] = await venues.bitunix_data("/withdraw_transfer/page", {"id": wid})
    assert record["status"] == "success" and len(record["transactionHash"]) == 64
    assert (await venues.bitunix_spot())["TRX"] == (D("14.000000000000000000"), D("0"))
    r = await venues.bitunix("/withdraw/cancel", {"withdrawId": wid})
    assert r.json()["code"] == "110012"


async def test_bitunix_withdraw_cancel_while_pending_returns_funds(venues: Venues) -> None:
    wid = await venues.bitunix_data("/withdraw", {"coin": "TRX", "network": TRON,
                                                  "address": TRON_ADDR, "amount": 5})
    assert await venues.bitunix_data("/withdraw/cancel", {"withdrawId": wid}) is None
    assert (await venues.bitunix_spot())["TRX"] == (D("19.000000000000000000"), D("0"))
    [record] = await venues.bitunix_data("/withdraw_transfer/page", {"id": wid})
    assert record["status"] == "cancelled"
    venues.clock.advance(10)
    [record] = await venues.bitunix_data("/withdraw_transfer/page", {"id": wid})
    assert record["status"] == "cancelled"


@pytest.mark.parametrize("to", [{"toType": "uid", "toUid": 989541187},
                                {"toType": "email", "toEmail": "alice@coinsole.test"},
                                {"toType": "phone", "toPhoneCountryCode": "86",
                                 "toPhoneNumber": "13912345678"}])
async def test_bitunix_inside_transfer_reaches_the_recipient(venues: Venues, to: dict) -> None:
    tid = await venues.bitunix_data("/inside_transfer", {
        "outBizId": "biz-1", "coin": "USDT", "amount": 10, "remark": "rent", **to})
    assert (await venues.bitunix_spot())["USDT"] == (D("1520.2045"), D("30.00"))
    [record] = await venues.bitunix_data("/withdraw_transfer/page", {"outBizId": "biz-1"})
    assert (record["id"], record["type"], record["toType"]) == (tid, "inside_transfer_out",
                                                               to["toType"])
    venues.clock.advance(3)
    assert (await venues.bitunix_spot())["USDT"] == (D("1520.2045"), D("20.00"))
    alice = venues.box.ledger.accounts("bitunix", "989541187", account_type="spot")
    assert [(row.coin, row.available) for row in alice] == [("USDT", D("10"))]
    [record] = await venues.bitunix_data("/withdraw_transfer/page", {"remark": "rent"})
    assert record["status"] == "success"


async def test_bitunix_inside_transfer_cancel(venues: Venues) -> None:
    tid = await venues.bitunix_data("/inside_transfer", {"coin": "USDT", "amount": 10,
                                                         "toType": "uid", "toUid": 702345118})
    await venues.bitunix_data("/inside_transfer/cancel", {"insideTransferId": tid})
    assert (await venues.bitunix_spot())["USDT"] == (D("1530.2045"), D("20.00"))
    venues.clock.advance(5)
    assert venues.box.ledger.accounts("bitunix", "702345118") == []
    r = await venues.bitunix("/inside_transfer/cancel", {"insideTransferId": tid})
    assert r.json()["code"] == "110012"


@pytest.mark.parametrize("path, body, code", [
    ("/withdraw", {"coin": "TRX", "network": TRON, "address": TRON_ADDR, "amount": 50},
     "110003"),
    ("/withdraw", {"coin": "TRX", "network": TRON, "address": TRON_ADDR,
                   "amount": D("1.0000001")}, "110004"),
    ("/withdraw", {"coin": "TRX", "network": TRON, "address": TRON_ADDR, "amount": 1},
     "110007"),
    ("/withdraw", {"coin": "TRX", "network": TRON, "address": "Tnope", "amount": 5},
     "110008"),
    ("/withdraw", {"coin": "USDT", "network": "EOS", "address": "coinsoledemo", "amount": 5},
     "110009"),
    ("/withdraw", {"coin": "TRX", "network": TRON, "address": TRON_ADDR, "amount": -5},
     "100001"),
    ("/withdraw", {"coin": "TRX", "network": "Bitcoin", "address": TRON_ADDR, "amount": 5},
     "100001"),
    ("/inside_transfer", {"coin": "USDT", "amount": 1, "toType": "uid", "toUid": 1},
     "110010"),
    ("/inside_transfer", {"coin": "USDT", "amount": 5000, "toType": "uid",
                          "toUid": 989541187}, "110003"),
    ("/funds_transfer", {"type": "futures_spot", "coin": "ETH", "amount": 1}, "110003"),
    ("/funds_transfer", {"type": "sideways", "coin": "USDT", "amount": 1}, "100001"),
    ("/withdraw/cancel", {"withdrawId": "123"}, "100001"),
])
async def test_bitunix_refusals_change_nothing(venues: Venues, path: str, body: dict,
                                               code: str) -> None:
    before = await venues.bitunix_spot()
    reply = (await venues.bitunix(path, body)).json()
    assert (reply["code"], reply["success"], reply["data"]) == (code, False, None)
    assert await venues.bitunix_spot() == before
    assert await venues.bitunix_data("/withdraw_transfer/page", {}) == []


async def test_bitunix_memo_withdrawal_and_deposit_address(venues: Venues) -> None:
    wid = await venues.bitunix_data("/withdraw", {"coin": "USDT", "network": "EOS",
                                                  "address": "coinsoledemo", "memo": "20261125",
                                                  "amount": D("5.5")})
    [record] = await venues.bitunix_data("/withdraw_transfer/page", {"id": wid})
    assert (record["memo"], record["amount"], record["fee"]) == ("20261125", "5.0", "0.5")
    tron = await venues.bitunix_data("/deposit/address", {"coin": "USDT", "network": TRON})
    assert len(tron) == 2 and tron[0]["address"] == "TPKhSAEy84qvpomF5wF7h5ih1WmbmupXor"
    [eos] = await venues.bitunix_data("/deposit/address", {"coin": "USDT", "network": "EOS"})
    assert eos["memo"] == "681979174"
    r = await venues.bitunix("/deposit/address", {"coin": "USDT", "network": "Nope"})
    assert r.json()["code"] == "100001"


async def test_bitunix_deposit_page_filters(venues: Venues) -> None:
    rows = await venues.bitunix_data("/deposit/page", {})
    assert len(rows) == 6 and [r["ctime"] for r in rows] == sorted(
        (r["ctime"] for r in rows), reverse=True)
    assert set(rows[0]) == {"id", "transactionHash", "coin", "network", "type", "fromAddress",
                            "toAddress", "amount", "status", "ctime"}
    assert len(await venues.bitunix_data("/deposit/page", {"coin": "USDT"})) == 3
    inside = await venues.bitunix_data("/deposit/page", {"type": "inside_transfer_in"})
    assert {r["fromAddress"] for r in inside} == {"989541187"}
    assert len(await venues.bitunix_data("/deposit/page", {"limit": 2})) == 2
    deposit = rows[-1]
    found = await venues.bitunix_data("/deposit/page",
                                      {"transactionHash": deposit["transactionHash"]})
    assert found == [deposit]
    window = await venues.bitunix_data("/deposit/page", {"startTime": deposit["ctime"],
                                                         "endTime": deposit["ctime"]})
    assert window == [deposit]
    assert (await venues.bitunix("/deposit/page", {"limit": 101})).json()["code"] == "100001"


async def test_bitunix_withdraw_page_newest_first_and_filters(venues: Venues) -> None:
    ids = []
    for n in range(3):
        ids.append(await venues.bitunix_data("/withdraw", {
            "coin": "TRX", "network": TRON, "address": TRON_ADDR, "amount": 2}))
        venues.clock.advance(0.5)
    await venues.bitunix_data("/inside_transfer", {"coin": "USDT", "amount": 1,
                                                   "toType": "uid", "toUid": 989541187})
    rows = await venues.bitunix_data("/withdraw_transfer/page", {})
    assert [r["id"] for r in rows][1:] == ids[::-1]
    assert [r["id"] for r in await venues.bitunix_data(
        "/withdraw_transfer/page", {"type": "withdraw", "limit": 2})] == ids[:0:-1]
    assert len(await venues.bitunix_data("/withdraw_transfer/page", {"coin": "usdt"})) == 1


# -- bhex -----------------------------------------------------------------------------

async def test_bhex_sub_account_transfer_and_flow(venues: Venues) -> None:
    r = await venues.bhex("POST", "/account/sub_account/transfer", {
        "from_account_type": 1, "from_account_index": 1, "to_account_type": 1,
        "to_account_index": 0, "token_id": "USDT", "amount": "100.5"})
    assert r.json() == {"success": True}
    main = await venues.bhex_balance()
    assert main["USDT"]["free"] == "100.544193677307098366"
    assert (await venues.bhex_balance(1, 1))["USDT"]["free"] == "699.623456789012345678"
    flow = (await venues.bhex("GET", "/account/balance_flow", {})).json()["data"]
    # newest first; the demo's own flow (issue 12) follows, its last USDT total where
    # this transfer's starts
    assert (flow[0]["tokenId"], flow[0]["change"], flow[0]["total"], flow[0]["flowType"]) \
        == ("USDT", "100.5", "101.544193677307098366", "Transfer")
    assert (flow[1]["tokenId"], flow[1]["total"]) == ("USDT", "1.044193677307098366")
    assert set(flow[0]) == {"id", "accountId", "tokenId", "tokenName", "flowType", "change",
                            "total", "created"}
    sub_flow = (await venues.bhex("GET", "/account/balance_flow",
                                  {"account_index": 1})).json()["data"]
    assert sub_flow[0]["change"] == "-100.5"


@pytest.mark.parametrize("params, status", [
    ({"from_account_index": 1, "to_account_index": 2}, -1100),  # neither side is 1/0
    ({"from_account_index": 0, "to_account_index": 0}, -1100),
    ({"from_account_index": 0, "to_account_index": 9}, -1100),
    ({"from_account_index": 1, "to_account_index": 0, "amount": "5000"}, -1131),
    ({"from_account_index": 1, "to_account_index": 0, "amount": "1.0000001"}, -1111),
    ({"from_account_index": 1, "to_account_index": 0, "amount": "-1"}, -1100),
])
async def test_bhex_sub_account_transfer_refusals(venues: Venues, params: dict,
                                                  status: int) -> None:
    before = await venues.bhex_balance(), await venues.bhex_balance(1, 1)
    r = await venues.bhex("POST", "/account/sub_account/transfer",
                          {"token_id": "USDT", "amount": "1", **params})
    assert (r.status_code, r.json()["status"]) == (400, status)
    assert (await venues.bhex_balance(), await venues.bhex_balance(1, 1)) == before


async def test_bhex_sub_account_transfer_is_the_keys_own_user(venues: Venues) -> None:
    """The document lists no ``user_id``: one sent anyway names no one else's accounts."""
    r = await venues.bhex("POST", "/account/sub_account/transfer", {
        "user_id": "", "from_account_index": 1, "to_account_index": 0, "token_id": "USDT",
        "amount": "1"})
    assert r.json() == {"success": True}


async def test_bhex_quota_info_shapes(venues: Venues) -> None:
    usdt = (await venues.bhex("GET", "/asset/withdraw/quota_info",
                              {"token_id": "USDT"})).json()["data"]
    assert (usdt["needConvert"], usdt["convertRate"], usdt["feeTokenId"]) == (True, "3000",
                                                                             "ETH")
    assert (usdt["fee"], usdt["convertFee"], usdt["minPrecision"]) == ("0.0010", "3.0000", 6)
    at = (await venues.bhex("GET", "/asset/withdraw/quota_info",
                            {"token_id": "AT"})).json()["data"]
    assert at["needAddressTag"] is True and at["available"] == "15000.000000000000000000"
    assert at["usedQuota"] == "0" and at["dayQuota"] == "5000"
    address = (await venues.bhex("GET", "/asset/deposit/address",
                                 {"token_id": "AT"})).json()["data"]
    assert address["needAddressTag"] is True and address["addressExt"] == BHEX_DEMO_USER_ID


def _withdraw(**over: str) -> dict:
    return {"token_id": "AT", "client_order_id": "1001", "address": "coinsoledemo",
            "address_ext": "482698709891649536", "quantity": "100", "miner_fee": "0",
            "convert_rate": "1", "trade_password": TRADE, **over}


async def test_bhex_withdraw_walks_statuses(venues: Venues) -> None:
    r = await venues.bhex("POST", "/asset/withdraw", _withdraw())
    data = r.json()["data"]
    assert (data["success"], data["needBrokerAudit"]) == (True, False)
    main = await venues.bhex_balance()
    assert (main["AT"]["free"], main["AT"]["locked"]) == ("14900.000000000000000000", "350.5")
    seen = []
    for _ in range(4):
        detail = (await venues.bhex("GET", "/asset/withdraw/order/detail",
                                    {"order_id": data["orderId"]})).json()["data"]
        seen.append(detail["status"])
        venues.clock.advance(2)
    assert seen == [3, 5, 8, 6]
    assert detail["arriveQuantity"] == "99.0" and detail["statusCode"] == (
        "WITHDRAWAL_SUCCESS_STATUS")
    main = await venues.bhex_balance()
    assert (main["AT"]["free"], main["AT"]["total"]) == ("14900.000000000000000000",
                                                         "15150.500000000000000000")
    quota = (await venues.bhex("GET", "/asset/withdraw/quota_info",
                               {"token_id": "AT"})).json()["data"]
    assert quota["usedQuota"] == "100"


@pytest.mark.parametrize("token, address, quantity, fee, steps", [
    ("BTC", "bc1qbrokerreject0000000000000000000000000", "0.001", "0.0001", [1, 2]),
    ("USDT", "0xAudit0Reject0000000000000000000000000000", "20", "0.001", [3, 4]),
    ("USDT", "0xChain0Fail00000000000000000000000000000", "20", "0.001", [3, 5, 8, 7]),
])
async def test_bhex_failing_addresses_refund(venues: Venues, token: str, address: str,
                                             quantity: str, fee: str, steps: list) -> None:
    await venues.bhex("POST", "/account/sub_account/transfer", {
        "from_account_index": 1, "to_account_index": 0, "token_id": token, "amount": "0.5"
        if token == "BTC" else "100"})
    before = await venues.bhex_balance()
    rule = {"BTC": "1", "USDT": "3000"}[token]
    r = await venues.bhex("POST", "/asset/withdraw", _withdraw(
        token_id=token, address=address, address_ext="", quantity=quantity, miner_fee=fee,
        convert_rate=rule))
    order_id = r.json()["data"]["orderId"]
    seen = []
    for _ in steps:
        detail = (await venues.bhex("GET", "/asset/withdraw/order/detail",
                                    {"order_id": order_id})).json()["data"]
        seen.append(detail["status"])
        venues.clock.advance(2)
    assert seen == steps
    assert await venues.bhex_balance() == before


@pytest.mark.parametrize("over, status", [
    ({"trade_password": hashlib.md5(b"wrong").hexdigest()}, -1145),
    ({"address": "elsewhere"}, -1141),
    ({"address_ext": ""}, -1143),
    ({"quantity": "5"}, -1142),
    ({"quantity": "5001"}, -1144),
    ({"quantity": "100.001"}, -1111),
    ({"quantity": "abc"}, -1100),
    ({"convert_rate": "2"}, -1100),
    ({"token_id": "BTC", "address": "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe", "quantity": "0.01",
      "miner_fee": "0.0001"}, -1131),
])
async def test_bhex_withdraw_refusals_change_nothing(venues: Venues, over: dict,
                                                    status: int) -> None:
    before = await venues.bhex_balance()
    r = await venues.bhex("POST", "/asset/withdraw", _withdraw(**over))
    assert (r.status_code, r.json()["status"]) == (400, status)
    assert await venues.bhex_balance() == before
    orders = (await venues.bhex("GET", "/asset/withdraw/order", {})).json()["data"]
    assert orders == []


async def test_bhex_arrival_formula_with_conversion(venues: Venues) -> None:
    await venues.bhex("POST", "/account/sub_account/transfer", {
        "from_account_index": 1, "to_account_index": 0, "token_id": "USDT", "amount": "600"})
    r = await venues.bhex("POST", "/asset/withdraw", _withdraw(
        token_id="USDT", address="0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9", address_ext="",
        quantity="501", miner_fee="0.0015", convert_rate="3000"))
    assert r.json()["data"]["needBrokerAudit"] is True
    [order] = (await venues.bhex("GET", "/asset/withdraw/order", {})).json()["data"]
    # 501 - convertFee 3 - 0.0015 * 3000 = 493.5
    assert D(order["arriveQuantity"]) == D("493.5") and order["status"] == 1
    assert order["feeTokenId"] == "ETH"
