"""The sandbox's faults on the payments and settings endpoints (adapter <-> sandbox over
loopback HTTP): an HTTP 500 before the handler changes nothing (a read says unavailable, a
write's outcome is unknown to coinsole, to be settled by lookup), latency only slows a
call, a 429 is a rate limit - the faults every other endpoint has (issue 16)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from test_bhex_payments import PAYER, client  # noqa: F401
from tui.core.errors import InvalidRequest, OutcomeUnknown, RateLimited, VenueUnavailable
from tui.venues.bhex_payments import PayLine


async def test_a_500_on_a_payment_write_creates_nothing(client) -> None:  # noqa: F811
    box, venue = client
    payments = box.services["bhex"].payments
    before = dict(payments.orders)
    box.faults.configure("bhex", error_rate=1.0)  # float-ok: probability
    with pytest.raises(OutcomeUnknown):
        await venue.payment_order_create("f-500-1", PAYER, [PayLine("PAY", "USDT",
                                                                    Decimal("1"))], 600)
    with pytest.raises(VenueUnavailable):
        await venue.payment_orders(payer_user_id=PAYER)
    box.faults.configure("bhex")
    assert payments.orders == before and "f-500-1" not in payments.by_client
    with pytest.raises(InvalidRequest, match="does not exist"):  # the lookup settles it
        await venue.payment_order_detail(client_order_id="f-500-1")


async def test_latency_only_slows_payments_and_settings(client) -> None:  # noqa: F811
    box, venue = client
    box.faults.configure("bhex", latency_ms=80)
    started = time.monotonic()
    orders = await venue.payment_orders(payer_user_id=PAYER)
    assert await venue.symbol_set_trade_status("BTCUSDT", False) is True
    slow = time.monotonic() - started
    box.faults.configure("bhex")
    assert orders and slow >= 0.16  # float-ok: seconds, two calls of 80 ms each
    assert box.services["bhex"].trade_status["BTCUSDT"] is False


async def test_settings_writes_under_500_and_429_change_nothing(client) -> None:  # noqa: F811
    box, venue = client
    service = box.services["bhex"]
    box.faults.configure("bhex", error_rate=1.0)  # float-ok: probability
    with pytest.raises(OutcomeUnknown):
        await venue.symbol_set_trade_status("BTCUSDT", False)
    box.faults.configure("bhex", rate_429=1.0)  # float-ok: probability
    with pytest.raises(RateLimited):
        await venue.symbol_set_trade_status("BTCUSDT", False)
    box.faults.configure("bhex")
    assert service.trade_status.get("BTCUSDT", True) is True
