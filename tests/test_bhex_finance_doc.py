"""BHEX ``finance/lock`` and ``finance/unlock`` (doc 004, section 5) against the document's
example reply, byte for byte, through the adapter over httpx.MockTransport: the request is
the document's (POST, its parameters, amount an exact string) and its ``success`` read."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue

DOC_SUCCESS = """{
    "status":0,
    "data":{
        "success":true
    }
}"""
USER = "231215678785585152"


def venue_replying(text: str, seen: list[httpx.Request]) -> BhexVenue:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=text.encode(),
                              headers={"Content-Type": "application/json"})

    settings = VenueSettings(profile="p1", base_url="http://venue.test/bhex", user_id=USER,
                             transport=httpx.MockTransport(handler),
                             retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0))
    return BhexVenue(settings, Credentials("KEY-doc", "SECRET-doc"))


def params_of(request: httpx.Request) -> dict[str, str]:
    text = request.content.decode() or request.url.query.decode()
    return {k: v[0] for k, v in parse_qs(text).items()}


@pytest.mark.parametrize("name", ["lock", "unlock"])
async def test_the_documents_example_reply_is_success(name: str) -> None:
    seen: list[httpx.Request] = []
    venue = venue_replying(DOC_SUCCESS, seen)
    call = venue.finance_lock if name == "lock" else venue.finance_unlock
    try:
        assert await call("Lock2019071805", USER, "USDT", Decimal("5000.50"),
                          desc="inner lock") is True
    finally:
        await venue.aclose()
    (request,) = seen
    assert request.method == "POST"
    assert request.url.path == f"/bhex/api/v2/org/finance/{name}"
    sent = params_of(request)
    assert (sent["client_order_id"], sent["user_id"], sent["token_id"], sent["amount"],
            sent["desc"]) == ("Lock2019071805", USER, "USDT", "5000.50", "inner lock")


async def test_success_false_is_not_success() -> None:
    venue = venue_replying('{"status":0,"data":{"success":false}}', [])
    try:
        assert await venue.finance_lock("Lock2019071806", USER, "USDT", Decimal(1)) is False
    finally:
        await venue.aclose()
