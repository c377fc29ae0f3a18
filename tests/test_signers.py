"""The signers, pinned to the venues' published examples and to docs/wire.md."""

from __future__ import annotations

import base64
import hashlib
import hmac

from tui.venues import signers

FCOIN_SECRET = "3600d0a74aa3410fb3b1996cca2419c8"
FCOIN_BODY = '{"type":"limit","side":"buy","amount":"100.0","price":"100.0","symbol":"btcusdt"}'

BHEX_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
BHEX_TEXT = ("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
             "&recvWindow=5000&timestamp=1499827319559")
BHEX_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"

BITZ_SECRET = "aQmE8U7bxj16KdJcSd3yX8F8Sakd8aO6LopnHXh27d4kWyb28PxcaTvGrajLDvAw"
BITZ_FIELDS = [("apiKey", "376892265asdad5d12726d8bbfbd8912b3"), ("id", "302221"),
               ("timeStamp", "1510235730"), ("nonce", "309127")]


def md5(text: str) -> str:
    """MD5 hex of ``text``."""
    return hashlib.md5(text.encode()).hexdigest()


def sha256(text: str) -> str:
    """SHA-256 hex of ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()


# -- fcoin ---------------------------------------------------------------------------


def test_fcoin_published_example():
    body = signers.fcoin_body(FCOIN_BODY)
    assert body == "amount=100.0&price=100.0&side=buy&symbol=btcusdt&type=limit"
    signature = signers.fcoin_sign(FCOIN_SECRET, "POST", "https://api.fcoin.com/v2/orders",
                                   "1523069544359", body)
    assert signature == "DeP6oftldIrys06uq3B7Lkh3a0U="


def test_fcoin_url_sorts_query_and_keeps_the_base_path():
    url = signers.fcoin_url("http://sandbox/fcoin/", "/v2/orders",
                            [("symbol", "btcusdt"), ("limit", "20"), ("after", "1")])
    assert url == "http://sandbox/fcoin/v2/orders?after=1&limit=20&symbol=btcusdt"
    assert signers.fcoin_url("https://api.fcoin.com", "/v2/x", []) == "https://api.fcoin.com/v2/x"


def test_fcoin_body_writes_numbers_as_their_json_text():
    body = signers.fcoin_body('{"sourceId":"a1","amount":1.000000000000000000,"n":7,"ok":true}')
    assert body == "amount=1.000000000000000000&n=7&ok=true&sourceId=a1"
    assert signers.fcoin_body(None) == ""


def test_fcoin_get_signs_method_url_and_timestamp_only():
    url = "http://h/fcoin/v2/assets/user/accounts"
    payload = base64.b64encode(f"GET{url}1700000000000".encode())
    expected = base64.b64encode(hmac.new(b"s", payload, hashlib.sha1).digest()).decode()
    assert signers.fcoin_sign("s", "get", url, "1700000000000") == expected


# -- bitunix -------------------------------------------------------------------------


def test_bitunix_query_is_sorted_keyvalue_pairs():
    assert signers.bitunix_query([("coin", "USDT"), ("amount", "1"), ("b", "2")]) == \
        "amount1b2coinUSDT"
    assert signers.bitunix_query([]) == ""


def test_bitunix_double_sha256():
    body = '{"coin":"USDT","amount":10}'
    sign = signers.bitunix_sign("sec", "key", "n" * 32, "1700000000000",
                                [("z", "1"), ("a", "2")], body)
    digest = sha256("n" * 32 + "1700000000000" + "key" + "a2z1" + body)
    assert sign == sha256(digest + "sec")


# -- bitz ----------------------------------------------------------------------------


def test_bitz_doc_example_string_construction():
    # The document writes its example out of order; the rule it states is "sorted by key".
    payload = signers.bitz_payload(BITZ_SECRET, BITZ_FIELDS)
    assert payload == ("apiKey=376892265asdad5d12726d8bbfbd8912b3&id=302221&nonce=309127"
                       "&timeStamp=1510235730" + BITZ_SECRET)
    assert signers.bitz_sign(BITZ_SECRET, BITZ_FIELDS) == md5(payload)


def test_bitz_excludes_sign_and_appends_secret_directly():
    fields = [("sign", "old"), ("b", "2"), ("a", "1")]
    assert signers.bitz_payload("S", fields) == "a=1&b=2S"


# -- chainup -------------------------------------------------------------------------


def test_chainup_md5_of_sorted_fields_and_secret():
    fields = [("updateTime", "1747621247000"), ("appKey", "demoex_2851"), ("sign", "x")]
    assert signers.chainup_sign("SECRET", fields) == \
        md5("appKey=demoex_2851&updateTime=1747621247000SECRET")


# -- bhex ----------------------------------------------------------------------------


def test_bhex_hmac_published_example():
    assert signers.hmac_sha256_hex(BHEX_SECRET, BHEX_TEXT) == BHEX_SIGNATURE


def test_bhex_sign_sorts_parameters_and_skips_signature():
    params = [("user_id", "42"), ("timestamp", "1"), ("account_type", "1"), ("signature", "x")]
    assert signers.bhex_sign("s", params) == \
        signers.hmac_sha256_hex("s", "account_type=1&timestamp=1&user_id=42")


# -- nonce ---------------------------------------------------------------------------


def test_nonce_is_random_alphanumeric_of_the_asked_length():
    values = {signers.nonce(32) for _ in range(20)}
    assert len(values) == 20
    assert all(len(v) == 32 and v.isalnum() and v.isascii() for v in values)
    assert len(signers.nonce(6)) == 6
