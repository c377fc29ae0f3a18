"""Journal entries of the org write kinds (settings, payments, finance, support) and of
orders, as the code wrote them before their shared base (:mod:`tui.core.org_request`):
each still parses into its request class and writes back byte for byte, so old journals
keep reading."""

from __future__ import annotations

import pytest

from tui.core.actions import parse_request

STORED = [
    ('settings', '{"profile":"org","venue":"bhex","client_key":"k0001","operator":"ann","setting":"trade_status","symbol_id":"BTCUSDT","enabled":false,"previous":true}'),
    ('settings', '{"profile":"org","venue":"bhex","client_key":"k0001","operator":"ann","setting":"price_limit","symbol_id":"BTCUSDT","buy_max":"70000.5","buy_min":"1.25","sell_max":"80000","sell_min":"2","previous":{"buy_max_price":"60000"}}'),
    ('settings', '{"profile":"org","venue":"bhex","client_key":"k0001","operator":"ann","setting":"sub_account_transfer_limit","sub_account_id":"77","account_name":"ops","previous":"open"}'),
    ('payment_create', '{"profile":"org","venue":"bhex","client_key":"po123","kind":"payment_create","payer_user_id":"1001","payee_user_id":"1002","pay_info":[{"pay_type":"PAY","token_id":"USDT","amount":"12.50"}],"product_info":[{"pay_type":"PAY","token_id":"BTC","amount":"0.001"}],"effective_time":3600,"desc":"tea","extend_info":""}'),
    ('payment_settle', '{"profile":"org","venue":"bhex","client_key":"ps123","order_id":"9","payer_user_id":"1001","payee_user_id":"1002","status":"PROCESSING","token_id":"USDT","amount":"2.5","before":"1","kind":"payment_settle"}'),
    ('payment_unlock', '{"profile":"org","venue":"bhex","client_key":"pu123","order_id":"9","payer_user_id":"","payee_user_id":"","status":"","token_id":"USDT","amount":"0.1","before":"0","kind":"payment_unlock"}'),
    ('payment_refund', '{"profile":"org","venue":"bhex","client_key":"pr123","order_id":"9","payer_user_id":"","payee_user_id":"","status":"","token_id":"USDT","amount":"3","before":"0","kind":"payment_refund","item_id":"44"}'),
    ('payment_cancel', '{"profile":"org","venue":"bhex","client_key":"pc123","order_id":"9","payer_user_id":"","payee_user_id":"","status":"","kind":"payment_cancel","client_order_id":"po123","token_id":"","amount":"0"}'),
    ('lock', '{"kind":"lock","profile":"org","venue":"bhex","client_key":"fb1","op":"batch-lock","source":"a.csv","file_hash":"abababababababababababababababababababababababababababababababab","row_count":2,"totals":{"USDT":"3.50"},"lines":[2,3],"tasks":[{"client_order_id":"fb1-1","first_row":0,"rows":2,"data_type":"simple","items":"1001,USDT,1.5;1002,USDT,2"}],"desc":"q3","operator":"ann"}'),
    ('user_status', '{"profile":"org","venue":"bhex","client_key":"k0001","user_id":"1001","operator":"ann","kind":"user_status","flag":"CONTRACT_TRADE","value":1,"previous":0}'),
    ('kyc', '{"profile":"org","venue":"bhex","client_key":"k0001","user_id":"1001","operator":"ann","kind":"kyc","changes":[{"user_id":"1001","new":{"country_code":"CN","first_name":"张三","last_name":null,"card_type":1,"card_no":"1","verify_status":2},"before":{}}],"batch":false,"source":""}'),
    ('invite_relation', '{"profile":"org","venue":"bhex","client_key":"k0001","user_id":"1001","operator":"ann","kind":"invite_relation","invite_user_id":"1002"}'),
    ('login_password', '{"profile":"org","venue":"bhex","client_key":"k0001","user_id":"1001","operator":"ann","kind":"login_password","password":"(entered; held in memory for the send only, never recorded)"}'),
    ('trade_password', '{"profile":"org","venue":"bhex","client_key":"k0001","user_id":"1001","operator":"ann","kind":"trade_password","set_type":1,"password":"(entered; held in memory for the send only, never recorded)"}'),
    ('ga_bind', '{"profile":"org","venue":"bhex","client_key":"k0001","user_id":"1001","operator":"ann","kind":"ga_bind","previously_bound":false,"ga_key":"(entered; held in memory for the send only, never recorded)"}'),
    ('user_register', '{"profile":"org","venue":"bhex","client_key":"k0001","user_id":"","operator":"ann","kind":"user_register","national_code":null,"mobile":null,"email":"a@example.com","third_user_id":null,"invite_code":null,"invite_user_id":null,"password":null,"asked_ms":1700000000000}'),
    ('order_place', '{"profile":"bhex-demo","venue":"bhex","client_key":"c1","symbol":"BTCUSDT","base":"BTC","kind":"order_place","side":"BUY","type":"LIMIT","quantity":"0.5","price":"100.25"}'),
    ('order_place', '{"profile":"bhex-demo","venue":"bhex","client_key":"c2","symbol":"BTCUSDT","base":"","user_id":"1001","kind":"order_place","side":"SELL","type":"MARKET","quantity":"10","price":null}'),
    ('order_cancel', '{"profile":"bhex-demo","venue":"bhex","client_key":"c3","symbol":"BTCUSDT","base":"","kind":"order_cancel","order_id":"77","order_client_id":"","side":"BUY","quantity":"0.1"}'),
]


@pytest.mark.parametrize("kind,text", STORED, ids=[f"{k}-{i}" for i, (k, _) in enumerate(STORED)])
def test_a_stored_entry_parses_and_writes_back_identically(kind: str, text: str) -> None:
    request = parse_request(kind, text)
    assert request.model_dump_json() == text
    assert request.venue == "bhex" and request.miner_fee is None and request.remark is None


def test_every_org_write_kind_has_a_stored_entry() -> None:
    from tui.finance.request import FINANCE_KINDS
    from tui.payments.requests import KINDS as PAYMENT_KINDS
    from tui.org_settings.requests import KINDS as SETTINGS_KINDS
    from tui.support.actions import SUPPORT_KINDS

    covered = {k for k, _ in STORED}
    assert PAYMENT_KINDS | SETTINGS_KINDS | SUPPORT_KINDS <= covered
    assert covered & FINANCE_KINDS
