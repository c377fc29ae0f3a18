"""Fuzz (hypothesis) over venue replies for every balances adapter (issue 11): whatever a
venue answers (random types at every field, fields missing, huge and tiny numbers, NaN,
deep nesting, junk text, any status), ``balances()`` gives rows or that profile's typed
VenueError, never another exception."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.errors import VenueError
from tui.core.models import Balance
from tui.core.money import loads_exact
from tui.venues.base import Credentials, RetryPolicy, VenueSettings
from tui.venues.bhex import BhexVenue
from tui.venues.bitunix import BitunixVenue
from tui.venues.bitz import BitzVenue
from tui.venues.chainup import ChainupVenue
from tui.venues.chainup_store import ChainupStore
from tui.venues.fcoin import FcoinVenue

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NUMBERS = [Decimal(text) for text in (
    "0", "-0", "1", "-1", "0.1", "1E+400", "1E-400", "-1E+400", "1e40", "1e39", "9" * 60,
    "0." + "0" * 45 + "1", "NaN", "Infinity", "-Infinity", "5094.859925211325094096")]
TEXTS = ["", "12abc", "NaN", "inf", "1E+400", "1,000", " 1 ", "0x10", "１２", "BTC", "-", "1e-7"]

LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**50, max_value=10**50),
    st.sampled_from(NUMBERS), st.sampled_from(TEXTS), st.text(max_size=6))
ANY_JSON = st.recursive(
    LEAF, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=10)
RAW = st.sampled_from(["", "[", "{", "null", "true", "<html>busy</html>",
                       "[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000])


def dump(value: Any) -> str:
    """JSON text where Decimals are written as they are (1E+400, NaN, Infinity)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)


def mutate(draw, node: Any, rate: int) -> Any:
    """``node`` with parts replaced by random JSON or values, or dropped, each part with
    a ``rate`` percent chance."""
    if draw(st.integers(0, 99)) < rate:
        return draw(st.one_of(ANY_JSON, LEAF))
    if isinstance(node, dict):
        return {key: mutate(draw, value, rate) for key, value in node.items()
                if draw(st.integers(0, 99)) >= rate}
    if isinstance(node, list):
        items = [mutate(draw, value, rate) for value in node]
        if items and draw(st.integers(0, 99)) < rate:
            items.append(items[0])
        return items
    return node


@st.composite
def replies(draw, template: str) -> tuple[int, str]:
    """(status, text): mostly the template mutated (none to heavily), sometimes raw junk."""
    status = draw(st.sampled_from([200] * 12 + [400, 401, 429, 500, 503]))
    if draw(st.integers(0, 19)) == 0:
        return status, draw(RAW)
    rate = draw(st.sampled_from([0, 2, 5, 10, 30]))
    return status, dump(mutate(draw, loads_exact(TEMPLATES[template]), rate))


TEMPLATES = {
    "fcoin": '{"BTC": ["45.591", "0"], "ETH": [5094.859925211325094096, 0]}',
    "bitunix": '{"code": "0", "msg": "ok", "data": [{"coin": "BTC", "balance": 0.5, '
               '"balanceLocked": 1.5}, {"coin": "USDT", "balance": "20", "balanceLocked": 0}]}',
    "bitz": '{"status": 200, "msg": "", "data": {"info": [{"name": "usdt", "num": "12", '
            '"over": "2.5", "lock": "9.5", "btc": "0.00012", "usd": "12.01", "cny": "86.1"}]}}',
    "chainup": '{"code": "0", "msg": "suc", "data": {"accounts": [{"id": 1, "uid": "7", '
               '"showName": "BTC", "coin": "BTC1658", "type": "201101", "balance": "1.5", '
               '"updateTime": "1747712075000"}, {"id": 2, "uid": "7", "showName": "USDT", '
               '"coin": "USDT", "type": "202106", "balance": "3", "updateTime": 1747712075001}]}}',
    "bhex-balance": '{"status": 0, "data": [{"tokenId": "BTC", "total": "0.5", "free": "0.5", '
                    '"locked": "0"}]}',
    "bhex-subs": '[{"accountId": "4766", "accountName": "main wallet", "accountType": 1, '
                 '"accountIndex": 0}, {"accountId": "4827", "accountName": "quant", '
                 '"accountType": 1, "accountIndex": 1}]',
}

KEY, SECRET = "KEY-fuzz-visible-nowhere", "SECRET-fuzz-visible-nowhere"


def venue_for(cls, handler, user_id: str | None = None):
    settings_ = VenueSettings(profile="fz", base_url="http://venue.test", user_id=user_id,
                              transport=httpx.MockTransport(handler),
                              retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0))
    return cls(settings_, Credentials(KEY, SECRET))


class _NoCache:
    """BHEX's known-accounts cache, kept out of the fuzz so examples are independent."""

    def load(self) -> dict:
        return {}

    def save(self, names) -> None:
        pass


async def outcome(venue) -> None:
    """Rows or a VenueError, nothing else; no secret in the error."""
    if isinstance(venue, ChainupVenue):
        venue.store = ChainupStore.memory()
    try:
        rows = await venue.balances()
    except VenueError as exc:
        assert KEY not in str(exc) and SECRET not in str(exc)
    else:
        assert all(isinstance(row, Balance) and row.available.is_finite() for row in rows)
    finally:
        await venue.aclose()


def single(status_text: tuple[int, str]):
    status, text = status_text
    return lambda request: httpx.Response(status, content=text.encode())


@pytest.mark.parametrize("cls,template", [(FcoinVenue, "fcoin"), (BitunixVenue, "bitunix"),
                                          (BitzVenue, "bitz")])
def test_single_endpoint_adapters(cls, template):
    @FUZZ
    @given(reply=replies(template))
    def run(reply):
        asyncio.run(outcome(venue_for(cls, single(reply))))

    run()


@pytest.mark.parametrize("user_id", ["7", None], ids=["user", "org"])
def test_chainup(user_id):
    @FUZZ
    @given(reply=replies("chainup"))
    def run(reply):
        asyncio.run(outcome(venue_for(ChainupVenue, single(reply), user_id=user_id)))

    run()


def test_bhex(monkeypatch):
    monkeypatch.setattr(BhexVenue, "_known_accounts", lambda self: _NoCache())

    @FUZZ
    @given(balance=replies("bhex-balance"), subs=replies("bhex-subs"))
    def run(balance, subs):
        def handler(request: httpx.Request) -> httpx.Response:
            status, text = subs if request.url.path.endswith("/sub_account/query") else balance
            return httpx.Response(status, content=text.encode())

        asyncio.run(outcome(venue_for(BhexVenue, handler, user_id="42")))

    run()
