"""The money-moving endpoints of each adapter against canned replies (httpx.MockTransport).

Each write builds exactly the request docs/wire.md describes (path, body or form fields,
the venue's key, a valid signature) and turns the document's reply into a MoveReceipt;
refusal codes become typed errors; a lost reply to a write is OutcomeUnknown after exactly
one request; the BHEX trade password travels only as its MD5 and never shows in an error;
BHEX's arrival formula matches the document's numbers in all three branches.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import SecretStr

from tui.core.errors import (
    InsufficientFunds,
    InvalidRequest,
    OutcomeUnknown,
    PermissionDenied,
)
from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind, MoveRequest, MoveStatus, Recipient, Settlement, WithdrawQuote
from tui.venues import signers
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue
from tui.venues.bitunix import BitunixVenue
from tui.venues.fcoin import BX, FcoinVenue

KEY = "KEY-abc123-visible-nowhere"
SECRET = "SECRET-xyz789-visible-nowhere"
PASSWORD = "typed-Trade-Pa55word"
PASSWORD_MD5 = hashlib.md5(PASSWORD.encode()).hexdigest()
D = Decimal

ASSET_CENTER = AccountRef(kind=AccountKind.ASSET_CENTER)
SPOT = AccountRef(kind=AccountKind.SPOT)
FUTURES = AccountRef(kind=AccountKind.FUTURES)
CONTRACT = AccountRef(kind=AccountKind.CONTRACT)


def make(cls, handler, user_id=None):
    """An adapter for ``cls`` whose requests go to ``handler`` (reads retried without delay)."""
    settings = VenueSettings(profile="p1", base_url=f"http://venue.test/{cls.venue_id}",
                             user_id=user_id, transport=httpx.MockTransport(handler),
                             retry=RetryPolicy(attempts=3, base_delay=0, max_delay=0))
    return cls(settings, Credentials(KEY, SECRET))


def reply(status: int, text: str) -> httpx.Response:
    """A reply whose JSON text is sent byte for byte."""
    return httpx.Response(status, content=text.encode(),
                          headers={"Content-Type": "application/json"})


def move(kind: MoveKind, venue: str, coin: str, amount: str, key: str, **fields) -> MoveRequest:
    """A MoveRequest for profile p1."""
    return MoveRequest(kind=kind, profile="p1", venue=venue, coin=coin, amount=D(amount),
                       client_key=key, **fields)


def assert_clean(error: Exception, *hidden: str) -> None:
    """None of the key, secret or ``hidden`` in the error's text or repr."""
    text = str(error) + repr(error) + repr(error.args)
    for value in (KEY, SECRET, *hidden):
        assert value not in text


# -- fcoin -----------------------------------------------------------------------------

FCOIN_SPOTS_REPLY = """{"id": 10650, "sourceId": "38dea7c5108f498a8c4036214d02cf66",
"targetAddress": null, "transferType": "INTERNAL", "transferFrom": "ASSETS",
"transferTo": "SPOTS", "userId": 122017, "userTargetId": null, "currencyId": 100,
"amount": 1.000000000000000000, "fee": null, "status": "DONE", "confirm": 0, "txid": null,
"msg": null, "sign": "9f083fddfefbce8316ad6fcb380f9b3f0eaa3a9c", "createdAt": 1603352591724,
"updatedAt": 1603352591853, "currency": "BTC"}"""
FCOIN_BX_REPLY = """{"id": 10693, "sourceId": "0AA68271-F8C8-4503-8F8E-BC1CE813625D",
"targetAddress": null, "transferType": "BX_INTERNAL", "transferFrom": "ASSETS",
"transferTo": "BX", "userId": 121397, "userTargetId": "c32ceda0a68141ce9169f1bef12c1b08",
"currencyId": 105, "amount": 1, "fee": null, "status": "PENDING", "confirm": 0, "txid": null,
"msg": null, "sign": "dbeff52709cb6dc9b06d14442132aa87fe0c41f5", "createdAt": 1604038628500,
"updatedAt": 1604038628500, "currency": "USDT"}"""


@pytest.mark.parametrize("to, path, reply_text, status", [
    (SPOT, "/v2/assets/spots/transfer/out", FCOIN_SPOTS_REPLY, MoveStatus.DONE),
    (CONTRACT, "/v2/assets/contracts/transfer/out", FCOIN_SPOTS_REPLY, MoveStatus.DONE),
    (BX, "/v2/assets/bx/transfer/out", FCOIN_BX_REPLY, MoveStatus.PENDING),
])
async def test_fcoin_transfer_out_builds_the_documented_request(to, path, reply_text, status):
    seen = []

    def handler(request):
        seen.append(request)
        return reply(200, reply_text)

    venue = make(FcoinVenue, handler)
    key = venue.new_client_key(MoveKind.TRANSFER)
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    request = move(MoveKind.TRANSFER, "fcoin", "BTC", "0.00000010", key,
                   from_account=ASSET_CENTER, to_account=to)
    assert venue.settlement(request) is Settlement.KEYED
    receipt = await venue.submit_move(request)

    [sent] = seen
    url = "http://venue.test/fcoin" + path
    assert (sent.method, str(sent.url)) == ("POST", url)
    assert sent.content.decode() == f'{{"sourceId":"{key}","currency":"BTC","amount":0.00000010}}'
    body = f"amount=0.00000010&currency=BTC&sourceId={key}"
    assert sent.headers["FC-ACCESS-KEY"] == KEY
    assert sent.headers["FC-ACCESS-SIGNATURE"] == signers.fcoin_sign(
        SECRET, "POST", url, sent.headers["FC-ACCESS-TIMESTAMP"], body)
    assert receipt.status is status
    assert receipt.venue_ref in ("10650", "10693")
    assert receipt.venue_status == status.value.upper()
    assert "sourceId" in receipt.evidence


def test_fcoin_routes():
    venue = make(FcoinVenue, lambda r: reply(200, "{}"))
    assert venue.transfer_routes() == [(ASSET_CENTER, SPOT), (ASSET_CENTER, CONTRACT),
                                       (ASSET_CENTER, AccountRef(kind=AccountKind.OTHER,
                                                                 name="bx"))]


async def test_fcoin_refuses_a_route_it_does_not_have_without_sending():
    seen = []
    venue = make(FcoinVenue, lambda r: seen.append(r) or reply(200, "{}"))
    request = move(MoveKind.TRANSFER, "fcoin", "BTC", "1", "k" * 32, from_account=SPOT,
                   to_account=ASSET_CENTER)
    with pytest.raises(InvalidRequest, match="asset center"):
        await venue.submit_move(request)
    assert seen == []


@pytest.mark.parametrize("code, msg, kind", [
    (1016, "account balance insufficient", InsufficientFunds),
    (1002, "amount precision exceeded", InvalidRequest),
    (6000, "invalid request", InvalidRequest),
])
async def test_fcoin_refusals_are_typed(code, msg, kind):
    venue = make(FcoinVenue, lambda r: reply(400, json.dumps({"status": code, "msg": msg})))
    request = move(MoveKind.TRANSFER, "fcoin", "BTC", "1", "a" * 32,
                   from_account=ASSET_CENTER, to_account=SPOT)
    with pytest.raises(kind) as caught:
        await venue.submit_move(request)
    assert caught.value.code == str(code)
    assert msg in str(caught.value)
    assert_clean(caught.value)


# -- lost replies: every write endpoint, never retried -----------------------------------


def _drop_502(request):
    return httpx.Response(502, content=b"")


def _drop_connection(request):
    raise httpx.ReadError("connection reset", request=request)


def _bhex_time_or(handler):
    def inner(request):
        if request.url.path.endswith("/basic/time"):
            return reply(200, json.dumps({"time": str(int(time.time() * 1000))}))
        return handler(request)
    return inner


WRITES = [
    (FcoinVenue, None, move(MoveKind.TRANSFER, "fcoin", "BTC", "1", "a" * 32,
                            from_account=ASSET_CENTER, to_account=BX)),
    (BitunixVenue, None, move(MoveKind.TRANSFER, "bitunix", "USDT", "1", "b" * 32,
                              from_account=SPOT, to_account=FUTURES)),
    (BitunixVenue, None, move(MoveKind.INTERNAL_TRANSFER, "bitunix", "USDT", "1", "c" * 32,
                              recipient=Recipient(kind="uid", value="989541187"))),
    (BitunixVenue, None, move(MoveKind.WITHDRAW, "bitunix", "USDT", "20", "d" * 32,
                              network="Tron (TRC-20)",
                              address="TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU")),
    (BhexVenue, "42", move(MoveKind.TRANSFER, "bhex", "USDT", "1", "7",
                           from_account=SPOT, to_account=CONTRACT)),
    (BhexVenue, "42", move(MoveKind.WITHDRAW, "bhex", "BTC", "0.5", "8",
                           address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe",
                           miner_fee=D("0.0001"), convert_rate=D("1"))),
]


@pytest.mark.parametrize("drop", [_drop_502, _drop_connection], ids=["502", "reset"])
@pytest.mark.parametrize("cls, user_id, request_", WRITES,
                         ids=[f"{w[0].venue_id}-{w[2].kind.value}" for w in WRITES])
async def test_a_lost_reply_to_a_write_is_unknown_and_not_retried(drop, cls, user_id, request_):
    writes = []

    def handler(request):
        writes.append(request)
        return drop(request)

    venue = make(cls, _bhex_time_or(handler), user_id=user_id)
    with pytest.raises(OutcomeUnknown) as caught:
        await venue.submit_move(request_, trade_password=SecretStr(PASSWORD))
    assert len(writes) == 1
    assert writes[0].method == "POST"
    assert_clean(caught.value, PASSWORD, PASSWORD_MD5)


# -- bitunix -----------------------------------------------------------------------------


def bitunix_ok(data) -> httpx.Response:
    """A Bitunix success reply carrying ``data``."""
    return reply(200, json.dumps({"code": "0", "msg": "result.success", "data": data,
                                  "success": True}))


def assert_bitunix_signed(request: httpx.Request) -> None:
    """The request carries a valid Bitunix signature over its exact body."""
    headers = request.headers
    expected = signers.bitunix_sign(SECRET, KEY, headers["nonce"], headers["timestamp"],
                                    list(parse_qsl(request.url.query.decode())),
                                    request.content.decode())
    assert headers["api-key"] == KEY
    assert headers["sign"] == expected


async def test_bitunix_funds_transfer():
    seen = []
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok("1909902180506972162"))
    for source, target, type_ in ((SPOT, FUTURES, "spot_futures"),
                                  (FUTURES, SPOT, "futures_spot")):
        request = move(MoveKind.TRANSFER, "bitunix", "USDT", "100.01", "k" * 32,
                       from_account=source, to_account=target)
        assert venue.settlement(request) is Settlement.NONE
        receipt = await venue.submit_move(request)
        sent = seen[-1]
        assert sent.url.path == "/bitunix/api/spot/v1/funds_transfer"
        assert sent.content == f'{{"type":"{type_}","coin":"USDT","amount":100.01}}'.encode()
        assert_bitunix_signed(sent)
        assert (receipt.venue_ref, receipt.status) == ("1909902180506972162", MoveStatus.DONE)
    assert venue.transfer_routes() == [(SPOT, FUTURES), (FUTURES, SPOT)]


@pytest.mark.parametrize("recipient, fields", [
    (Recipient(kind="uid", value="681979174"), '"toType":"uid","toUid":681979174'),
    (Recipient(kind="email", value="alice@coinsole.test"),
     '"toType":"email","toEmail":"alice@coinsole.test"'),
    (Recipient(kind="phone", value="13912345678", country_code="86"),
     '"toType":"phone","toPhoneCountryCode":"86","toPhoneNumber":"13912345678"'),
])
async def test_bitunix_inside_transfer_sends_out_biz_id(recipient, fields):
    seen = []
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok("1909921053381820417"))
    key = venue.new_client_key(MoveKind.INTERNAL_TRANSFER)
    assert len(key) <= 32
    request = move(MoveKind.INTERNAL_TRANSFER, "bitunix", "USDT", "10", key,
                   recipient=recipient, remark="rent")
    assert venue.settlement(request) is Settlement.KEYED
    receipt = await venue.submit_move(request)
    [sent] = seen
    assert sent.url.path == "/bitunix/api/spot/v1/inside_transfer"
    assert sent.content.decode() == (f'{{"outBizId":"{key}","coin":"USDT","amount":10,'
                                     f'{fields},"remark":"rent"}}')
    assert_bitunix_signed(sent)
    assert (receipt.venue_ref, receipt.status) == ("1909921053381820417", MoveStatus.PENDING)


async def test_bitunix_withdraw():
    seen = []
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok("1909879608889339906"))
    request = move(MoveKind.WITHDRAW, "bitunix", "TRX", "20.00", "k" * 32,
                   network="Tron (TRC-20)", address="TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU")
    assert venue.settlement(request) is Settlement.LOOKUP
    receipt = await venue.submit_move(request)
    [sent] = seen
    assert sent.url.path == "/bitunix/api/spot/v1/withdraw"
    assert sent.content == (b'{"coin":"TRX","network":"Tron (TRC-20)","address":'
                            b'"TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU","amount":20.00}')
    assert_bitunix_signed(sent)
    assert receipt.venue_ref == "1909879608889339906"
    assert receipt.status is MoveStatus.PENDING
    assert (receipt.fee, receipt.arrival) == (D("1"), D("19.00"))


async def test_bitunix_withdraw_with_memo():
    seen = []
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok("1"))
    request = move(MoveKind.WITHDRAW, "bitunix", "USDT", "5", "k" * 32, network="EOS",
                   address="coinsoledemo", memo="20261125")
    await venue.submit_move(request)
    assert json.loads(seen[0].content)["memo"] == "20261125"


@pytest.mark.parametrize("kind, path, field", [
    (MoveKind.WITHDRAW, "/withdraw/cancel", "withdrawId"),
    (MoveKind.INTERNAL_TRANSFER, "/inside_transfer/cancel", "insideTransferId"),
])
async def test_bitunix_cancel(kind, path, field):
    seen = []
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok(None))
    extra = ({"network": "Tron (TRC-20)", "address": "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"}
             if kind is MoveKind.WITHDRAW else {"recipient": Recipient(kind="uid", value="1")})
    request = move(kind, "bitunix", "TRX", "20", "k" * 32, **extra)
    assert venue.cancellable(request)
    receipt = await venue.cancel_move(request, "1909879608889339906")
    assert seen[0].url.path == "/bitunix/api/spot/v1" + path
    assert seen[0].content == f'{{"{field}":"1909879608889339906"}}'.encode()
    assert receipt.status is MoveStatus.CANCELLED


async def test_bitunix_cancel_too_late_is_invalid():
    venue = make(BitunixVenue, lambda r: reply(200, json.dumps(
        {"code": "110012", "msg": "Cannot cancel in current status", "data": None,
         "success": False})))
    request = move(MoveKind.WITHDRAW, "bitunix", "TRX", "20", "k" * 32, network="Tron (TRC-20)",
                   address="TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU")
    with pytest.raises(InvalidRequest, match="no longer be cancelled"):
        await venue.cancel_move(request, "1")


@pytest.mark.parametrize("code, msg, kind", [
    ("110003", "Insufficient balance", InsufficientFunds),
    ("100001", "Parameter error", InvalidRequest),
    ("110004", "Amount precision exceeded", InvalidRequest),
    ("110007", "Amount below fee", InsufficientFunds),
    ("110008", "Address not whitelisted", PermissionDenied),
    ("110009", "Memo required", InvalidRequest),
    ("110010", "Recipient not found", InvalidRequest),
])
async def test_bitunix_refusals_are_typed(code, msg, kind):
    venue = make(BitunixVenue, lambda r: reply(200, json.dumps(
        {"code": code, "msg": msg, "data": None, "success": False})))
    request = move(MoveKind.WITHDRAW, "bitunix", "TRX", "20", "k" * 32, network="Tron (TRC-20)",
                   address="TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU")
    with pytest.raises(kind) as caught:
        await venue.submit_move(request)
    assert caught.value.code == code
    assert msg in str(caught.value)
    assert_clean(caught.value)


def page_record(**fields):
    """A withdraw_transfer/page record shaped as the document's example."""
    record = {"id": "1909877667383767042", "outBizId": None, "type": "withdraw", "coin": "TRX",
              "amount": "19.00000000000000000000", "status": "pending", "ctime": 1744185294000,
              "network": "Tron (TRC-20)", "address": "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU",
              "transactionHash": None, "feeCoin": None, "fee": None, "memo": None,
              "toType": None, "toUid": None, "toPhoneCountryCode": None, "toPhoneNumber": None,
              "toEmail": None, "remark": None}
    record.update(fields)
    return record


async def test_bitunix_lookup_finds_a_withdrawal_by_history():
    seen = []
    records = [
        page_record(id="1", ctime=1744185294000 - 3_600_000),  # long before sending
        page_record(id="2", address="TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"),  # other address
        page_record(id="3", amount="18.5"),  # other amount
        page_record(id="4", amount="19.5", fee="0.5", feeCoin="TRX", status="success",
                    ctime=1744185295000),  # 19.5 + 0.5 = 20, later
        page_record(id="5"),  # 19 + table fee 1 = 20, earliest match
    ]
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok(records))
    request = move(MoveKind.WITHDRAW, "bitunix", "TRX", "20", "k" * 32, network="Tron (TRC-20)",
                   address="TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU")
    found = await venue.lookup_move(request, venue_ref=None, sent_after_ms=1744185294000)
    body = json.loads(seen[0].content)
    assert seen[0].url.path == "/bitunix/api/spot/v1/withdraw_transfer/page"
    assert body["type"] == "withdraw" and body["coin"] == "TRX" and body["limit"] == 100
    # every record whose fields agree is a candidate, the older one too (as evidence);
    # none is proof: Bitunix withdrawals carry no client key
    by_ref = {c.receipt.venue_ref: c for c in found.candidates}
    assert set(by_ref) == {"1", "4", "5"}
    assert not any(c.proof for c in found.candidates)
    assert found.since_ms < 1744185294000 and found.complete and found.pages == 1
    assert by_ref["5"].receipt.status is MoveStatus.PENDING
    assert by_ref["5"].receipt.arrival == D("19.00000000000000000000")
    assert by_ref["4"].time_ms == 1744185295000 and "0.5" in by_ref["4"].matched

    venue = make(BitunixVenue, lambda r: bitunix_ok(records[1:3]))
    found = await venue.lookup_move(request, venue_ref=None, sent_after_ms=1744185294000)
    assert found.supported and found.candidates == ()


@pytest.mark.parametrize("word, status", [
    ("verification", MoveStatus.PENDING), ("pending", MoveStatus.PENDING),
    ("success", MoveStatus.DONE), ("fail", MoveStatus.FAILED),
    ("cancelled", MoveStatus.CANCELLED),
])
async def test_bitunix_lookup_by_id_maps_status_words(word, status):
    seen = []
    venue = make(BitunixVenue,
                 lambda r: seen.append(r) or bitunix_ok([page_record(id="77", status=word)]))
    request = move(MoveKind.WITHDRAW, "bitunix", "TRX", "20", "k" * 32, network="Tron (TRC-20)",
                   address="TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU")
    (found,) = (await venue.lookup_move(request, venue_ref="77", sent_after_ms=0)).candidates
    receipt = found.receipt
    assert "found by its id" in found.proof
    assert json.loads(seen[0].content) == {"id": "77"}
    assert (receipt.venue_ref, receipt.status, receipt.venue_status) == ("77", status, word)


async def test_bitunix_lookup_finds_an_inside_transfer_by_out_biz_id():
    seen = []
    record = page_record(id="9", type="inside_transfer_out", outBizId="k" * 32, amount="10",
                         toType="uid", toUid=989541187, status="success")
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok([record]))
    request = move(MoveKind.INTERNAL_TRANSFER, "bitunix", "USDT", "10", "k" * 32,
                   recipient=Recipient(kind="uid", value="989541187"))
    (found,) = (await venue.lookup_move(request, venue_ref=None, sent_after_ms=0)).candidates
    receipt = found.receipt
    assert "outBizId" in found.proof
    assert json.loads(seen[0].content) == {"outBizId": "k" * 32}
    assert (receipt.venue_ref, receipt.status) == ("9", MoveStatus.DONE)
    assert "outBizId" in receipt.evidence


async def test_bitunix_funds_transfer_cannot_be_looked_up():
    seen = []
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok([]))
    request = move(MoveKind.TRANSFER, "bitunix", "USDT", "1", "k" * 32, from_account=SPOT,
                   to_account=FUTURES)
    found = await venue.lookup_move(request, venue_ref=None, sent_after_ms=0)
    assert not found.supported and "cannot be looked up" in found.reason
    assert seen == []
    assert not venue.cancellable(request)


async def test_bitunix_deposit_page_filters():
    seen = []
    venue = make(BitunixVenue, lambda r: seen.append(r) or bitunix_ok([]))
    assert await venue.deposit_page(coin="USDT", limit=10) == []
    assert seen[0].url.path == "/bitunix/api/spot/v1/deposit/page"
    assert seen[0].content == b'{"coin":"USDT","limit":10}'


async def test_bitunix_quote_from_table_and_balance():
    venue = make(BitunixVenue, lambda r: bitunix_ok(
        [{"coin": "USDT", "balance": 1530.2045, "balanceLocked": 20.00}]))
    quote = await venue.withdraw_quote("USDT", "Ethereum (ERC-20)")
    assert (quote.available, quote.fee, quote.fee_coin, quote.precision) == (
        D("1530.2045"), D("4.5"), "USDT", 6)
    assert quote.minimum is None and quote.day_quota is None
    assert venue.arrival_amount(quote, D("10"), None) == D("5.5")
    eos = await venue.withdraw_quote("USDT", "EOS")
    assert eos.needs_tag
    unknown = await venue.withdraw_quote("DOGE")
    assert (unknown.fee, unknown.precision, unknown.available) == (None, None, 0)


# -- bhex --------------------------------------------------------------------------------


def bhex_ok(data) -> httpx.Response:
    """A BHEX success reply carrying ``data``."""
    return reply(200, json.dumps({"status": 0, "data": data}))


def bhex_fields(request: httpx.Request) -> dict[str, str]:
    """The request's parameters (form for POST, query for GET), signature checked."""
    text = request.content.decode() if request.method == "POST" else request.url.query.decode()
    pairs = parse_qsl(text)
    fields = dict(pairs)
    assert request.headers["X-ACCESS-KEY"] == KEY
    assert fields["signature"] == signers.bhex_sign(SECRET, pairs)
    return fields


QUOTA_INFO = {
    "allowWithdraw": False, "refuseReason": "修改密码24小时后提现", "available": "19998.77",
    "minQuantity": "0", "dayQuota": "200000", "usedQuota": "2", "needConvert": True,
    "convertRate": "1.3", "feeTokenId": "BTC", "feeTokenName": "BTC", "platformFee": "0.002",
    "brokerFee": "0.002", "fee": "0.004", "convertFee": "0.0052", "minerFeeTokenId": "BTC",
    "minerFeeTokenName": "BTC", "minMinerFee": "0", "maxMinerFee": "0", "suggestMinerFee": "0",
    "needAddressTag": False, "minPrecision": 8,
}


def bhex_handler(seen, routes):
    """Answers ``basic/time`` itself; other paths from ``routes`` (path suffix -> reply)."""
    def handler(request):
        if request.url.path.endswith("/basic/time"):
            return reply(200, json.dumps({"time": str(int(time.time() * 1000))}))
        seen.append(request)
        for suffix, answer in routes.items():
            if request.url.path.endswith(suffix):
                return answer(request) if callable(answer) else answer
        raise AssertionError(f"unexpected {request.url.path}")
    return handler


async def test_bhex_quote_carries_every_documented_field():
    seen = []
    venue = make(BhexVenue, bhex_handler(seen, {"/withdraw/quota_info": bhex_ok(QUOTA_INFO)}),
                 user_id="42")
    quote = await venue.withdraw_quote("BTC")
    fields = bhex_fields(seen[0])
    assert seen[0].method == "GET"
    assert (fields["user_id"], fields["token_id"]) == ("42", "BTC")
    assert quote.allowed is False and quote.refuse_reason == "修改密码24小时后提现"
    assert (quote.available, quote.minimum, quote.day_quota, quote.used_quota) == (
        D("19998.77"), D("0"), D("200000"), D("2"))
    assert (quote.fee, quote.fee_coin, quote.convert_rate, quote.convert_fee) == (
        D("0.004"), "BTC", D("1.3"), D("0.0052"))
    assert (quote.miner_fee_coin, quote.miner_fee_min, quote.miner_fee_max,
            quote.miner_fee_suggested) == ("BTC", D("0"), D("0"), D("0"))
    assert (quote.needs_tag, quote.precision) == (False, 8)
    assert quote.extra == {"needConvert": "true", "platformFee": "0.002", "brokerFee": "0.002",
                           "feeTokenName": "BTC", "minerFeeTokenName": "BTC"}


def doc_quote(coin: str, miner_fee_coin: str = "BTC") -> WithdrawQuote:
    """The document's quota_info numbers, withdrawing ``coin``."""
    return WithdrawQuote(coin=coin, fee=D("0.004"), fee_coin="BTC", convert_rate=D("1.3"),
                         convert_fee=D("0.0052"), miner_fee_coin=miner_fee_coin)


def test_bhex_arrival_formula_in_all_three_branches():
    venue = make(BhexVenue, lambda r: reply(200, "{}"), user_id="42")
    # tokenId == minerFeeTokenId: quantity - fee - miner fee
    assert venue.arrival_amount(doc_quote("BTC"), D("1"), D("0.001")) == D("0.995")
    # tokenId == feeTokenId (miner fee in another token): quantity - fee - miner fee * rate
    assert venue.arrival_amount(doc_quote("BTC", "ETH"), D("1"), D("0.001")) == D("0.9947")
    # neither: quantity - convertFee - miner fee * rate
    assert venue.arrival_amount(doc_quote("USDT", "ETH"), D("1"), D("0.001")) == D("0.9935")
    # exact to the last digit, never rounded
    tiny = venue.arrival_amount(doc_quote("USDT", "ETH"), D("1.000000000000000000000000000001"),
                                D("0.000000000000000000000000000001"))
    assert tiny == D("0.9947999999999999999999999999997")
    # no miner fee chosen: the suggested one (0 here)
    assert venue.arrival_amount(doc_quote("BTC"), D("1"), None) == D("0.996")


async def test_bhex_withdraw_sends_md5_of_the_trade_password_and_the_key():
    seen = []
    venue = make(BhexVenue, bhex_handler(seen, {"/asset/withdraw": bhex_ok(
        {"success": True, "needBrokerAudit": False, "orderId": "423885103582776064"})}),
        user_id="42")
    key = venue.new_client_key(MoveKind.WITHDRAW)
    assert key.isdigit() and 0 < int(key) < 2**63
    request = move(MoveKind.WITHDRAW, "bhex", "BTC", "0.5", key,
                   address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe", memo="tag1",
                   miner_fee=D("0.0001"), convert_rate=D("1.3"))
    assert venue.settlement(request) is Settlement.KEYED
    receipt = await venue.submit_move(request, trade_password=SecretStr(PASSWORD))
    [sent] = seen
    assert (sent.method, sent.url.path) == ("POST", "/bhex/api/v2/org/asset/withdraw")
    fields = bhex_fields(sent)
    assert {k: v for k, v in fields.items() if k not in ("timestamp", "signature")} == {
        "user_id": "42", "token_id": "BTC", "client_order_id": key,
        "address": "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe", "address_ext": "tag1",
        "quantity": "0.5", "miner_fee": "0.0001", "auto_convert": "true",
        "convert_rate": "1.3", "trade_password": PASSWORD_MD5}
    assert PASSWORD.encode() not in sent.content
    assert (receipt.venue_ref, receipt.status) == ("423885103582776064", MoveStatus.PENDING)
    assert PASSWORD not in repr(receipt) and PASSWORD_MD5 not in repr(receipt)


async def test_bhex_withdraw_without_rate_fetches_the_quote_first():
    seen = []
    quota = dict(QUOTA_INFO, allowWithdraw=True, suggestMinerFee="0.0002")
    venue = make(BhexVenue, bhex_handler(seen, {
        "/withdraw/quota_info": bhex_ok(quota),
        "/asset/withdraw": bhex_ok({"success": True, "needBrokerAudit": True, "orderId": "9"}),
    }), user_id="42")
    request = move(MoveKind.WITHDRAW, "bhex", "BTC", "1", "5",
                   address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe")
    receipt = await venue.submit_move(request, trade_password=SecretStr(PASSWORD))
    assert [r.method for r in seen] == ["GET", "POST"]
    fields = bhex_fields(seen[1])
    assert (fields["miner_fee"], fields["convert_rate"]) == ("0.0002", "1.3")
    assert "address_ext" not in fields
    assert receipt.arrival == D("0.9958") and receipt.venue_status == "needBrokerAudit"


async def test_bhex_withdraw_needs_the_password_and_sends_nothing_without_it():
    seen = []
    venue = make(BhexVenue, bhex_handler(seen, {}), user_id="42")
    request = move(MoveKind.WITHDRAW, "bhex", "BTC", "1", "5",
                   address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe", miner_fee=D("0"),
                   convert_rate=D("1"))
    with pytest.raises(InvalidRequest, match="trade password"):
        await venue.submit_move(request)
    assert seen == []


@pytest.mark.parametrize("code, msg, kind", [
    (-1131, "Balance insufficient", InsufficientFunds),
    (-1100, "Illegal characters found in a parameter.", InvalidRequest),
    (-1111, "Precision is over the maximum defined for this asset.", InvalidRequest),
    (-1142, "Quantity below minimum", InvalidRequest),
    (-1141, "Withdraw address not allowed", PermissionDenied),
    (-1143, "Address tag required", InvalidRequest),
    (-1144, "Withdraw quota exceeded", InvalidRequest),
    (-1145, "Trade password incorrect", InvalidRequest),
])
async def test_bhex_refusals_are_typed_and_never_carry_the_password(code, msg, kind):
    seen = []
    # A venue that echoes the request back in its message must not leak the password.
    answer = lambda r: reply(400, json.dumps(  # noqa: E731
        {"status": code, "msg": f"{msg} [{r.content.decode()}] {PASSWORD}"}))
    venue = make(BhexVenue, bhex_handler(seen, {"/asset/withdraw": answer}), user_id="42")
    request = move(MoveKind.WITHDRAW, "bhex", "BTC", "1", "5",
                   address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe", miner_fee=D("0"),
                   convert_rate=D("1"))
    with pytest.raises(kind) as caught:
        await venue.submit_move(request, trade_password=SecretStr(PASSWORD))
    assert caught.value.code == str(code)
    assert msg in str(caught.value)
    assert_clean(caught.value, PASSWORD, PASSWORD_MD5)


async def test_bhex_sub_account_transfer():
    seen = []
    accounts = [{"accountId": "1", "accountName": "Main", "accountType": 1, "accountIndex": 0},
                {"accountId": "2", "accountName": "Quant", "accountType": 1, "accountIndex": 1},
                {"accountId": "3", "accountName": "Hedge", "accountType": 3, "accountIndex": 1}]
    venue = make(BhexVenue, bhex_handler(seen, {
        "/sub_account/query": reply(200, json.dumps(accounts)),
        "/sub_account/transfer": reply(200, '{"success": true}'),
    }), user_id="42")
    routes = await venue.fetch_transfer_routes()
    main = AccountRef(kind=AccountKind.SPOT, name="Main")
    quant = AccountRef(kind=AccountKind.SPOT, index=1, name="Quant")
    hedge = AccountRef(kind=AccountKind.CONTRACT, index=1, name="Hedge")
    assert routes == [(main, quant), (quant, main), (main, hedge), (hedge, main)]

    request = move(MoveKind.TRANSFER, "bhex", "USDT", "12.5", venue.new_client_key(
        MoveKind.TRANSFER), from_account=hedge, to_account=main)
    assert venue.settlement(request) is Settlement.NONE
    receipt = await venue.submit_move(request)
    sent = seen[-1]
    assert sent.url.path == "/bhex/api/v2/org/account/sub_account/transfer"
    fields = bhex_fields(sent)
    assert {k: v for k, v in fields.items() if k not in ("timestamp", "signature")} == {
        "from_account_type": "3", "from_account_index": "1",
        "to_account_type": "1", "to_account_index": "0", "token_id": "USDT", "amount": "12.5"}
    assert receipt.status is MoveStatus.DONE
    assert not (await venue.lookup_move(request, venue_ref=None, sent_after_ms=0)).supported

    sideways = move(MoveKind.TRANSFER, "bhex", "USDT", "1", "1", from_account=quant,
                    to_account=hedge)
    with pytest.raises(InvalidRequest, match="main spot"):
        await venue.submit_move(sideways)


def order(**fields):
    """A withdraw/order record shaped as the document's example."""
    record = {"time": "1560516599372", "orderId": "384035502138869760",
              "accountId": "97298430070624256", "tokenId": "BTC", "tokenName": "BTC",
              "address": "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe", "addressExt": "",
              "quantity": "0.5", "arriveQuantity": "0.4958", "status": 6,
              "statusCode": "WITHDRAWAL_SUCCESS_STATUS", "statusDesc": "Withdrawal Successful",
              "txid": "", "txidUrl": "", "walletHandleTime": "1560516660408",
              "requiredConfirmNum": 0, "confirmNum": 0, "kernelId": "",
              "isInternalTransfer": False, "feeTokenId": "BTC", "feeTokenName": "BTC",
              "fee": "0.004"}
    record.update(fields)
    return record


@pytest.mark.parametrize("status, expected", [
    (1, MoveStatus.PENDING), (3, MoveStatus.PENDING), (5, MoveStatus.PENDING),
    (8, MoveStatus.PENDING), (6, MoveStatus.DONE), (2, MoveStatus.FAILED),
    (4, MoveStatus.FAILED), (7, MoveStatus.FAILED),
])
async def test_bhex_lookup_by_order_id_maps_statuses(status, expected):
    seen = []
    venue = make(BhexVenue, bhex_handler(seen, {"/withdraw/order/detail": bhex_ok(
        order(status=status))}), user_id="42")
    request = move(MoveKind.WITHDRAW, "bhex", "BTC", "0.5", "5",
                   address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe")
    found = await venue.lookup_move(request, venue_ref="384035502138869760", sent_after_ms=0)
    receipt = found.candidates[0].receipt
    assert "found by its orderId" in found.candidates[0].proof
    fields = bhex_fields(seen[0])
    assert (fields["user_id"], fields["order_id"]) == ("42", "384035502138869760")
    assert receipt.status is expected
    assert (receipt.fee, receipt.arrival) == (D("0.004"), D("0.4958"))


async def test_bhex_lookup_matches_history_without_order_id():
    seen = []
    records = [order(orderId="2", time="1560516599999", quantity="0.6"),
               order(orderId="3", time="1560516599400", address="bc1qother"),
               order(orderId="4", time="1560516599500", status=5)]
    venue = make(BhexVenue, bhex_handler(seen, {"/withdraw/order": bhex_ok(records)}),
                 user_id="42")
    request = move(MoveKind.WITHDRAW, "bhex", "BTC", "0.5", "5",
                   address="1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe")
    found = await venue.lookup_move(request, venue_ref=None, sent_after_ms=1560516599372)
    fields = bhex_fields(seen[0])
    assert fields["token_id"] == "BTC" and "start_time" not in fields
    assert [c.receipt.venue_ref for c in found.candidates] == ["4"]
    (candidate,) = found.candidates
    assert candidate.receipt.status is MoveStatus.PENDING and not candidate.proof
    assert candidate.time_ms == 1560516599500 and "quantity 0.5" in candidate.matched
    assert found.since_ms < 1560516599372 and found.complete
