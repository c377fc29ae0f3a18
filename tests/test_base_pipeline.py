"""The shared request pipeline in tui.venues.base: retries for reads only, typed errors
for transport failures, the venue's words kept and key material kept out."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tui.core.errors import AuthError, OutcomeUnknown, RateLimited, VenueUnavailable
from tui.venues.base import Credentials, HttpVenue, OutgoingRequest, RetryPolicy, VenueSettings

KEY, SECRET = "KEY-never-shown", "SECRET-never-shown"


class PlainVenue(HttpVenue):
    """A minimal adapter: a header for auth, ``{"ok": data}`` or ``{"code", "msg"}`` replies."""

    venue_id = "plain"
    capabilities = frozenset()
    rate_limit = (1000, 1.0)

    async def balances(self):
        """No balances: only the pipeline is under test."""
        return []

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """A fixed signature header, to check it never shows in errors."""
        request.headers["X-Sig"] = "SIGNATURE-never-shown"
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """``ok`` of the reply, or an AuthError carrying the venue's code and message."""
        if "ok" in payload:
            return payload["ok"]
        raise self.venue_error(AuthError, payload["code"], payload["msg"])


def make(handler, attempts=3):
    """A PlainVenue whose requests go to ``handler``, retrying without waiting."""
    settings = VenueSettings(profile="p", base_url="http://plain.test",
                             transport=httpx.MockTransport(handler),
                             retry=RetryPolicy(attempts=attempts, base_delay=0, max_delay=0))
    return PlainVenue(settings, Credentials(KEY, SECRET))


def scripted(*responses):
    """A handler answering with ``responses`` in turn; records how often it was called."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        answer = responses[min(len(calls), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer
    return handler, calls


OK = httpx.Response(200, json={"ok": 1})
DOWN = httpx.Response(503, json={"code": 500, "msg": "internal error"})
BUSY = httpx.Response(429, json={"status": 429, "msg": "too many requests"},
                      headers={"Retry-After": "0"})


@pytest.mark.parametrize("failure", [DOWN, BUSY, httpx.ConnectError("refused"),
                                     httpx.ReadTimeout("slow")])
async def test_reads_are_retried_then_succeed(failure):
    handler, calls = scripted(failure, failure, OK)
    assert await make(handler).request("GET", "/x", read=True) == 1
    assert len(calls) == 3


async def test_reads_give_up_after_the_policy_attempts():
    handler, calls = scripted(DOWN)
    with pytest.raises(VenueUnavailable) as caught:
        await make(handler, attempts=2).request("GET", "/x", read=True)
    assert len(calls) == 2
    assert caught.value.venue_message == "internal error"
    assert "HTTP 503" in str(caught.value)


@pytest.mark.parametrize("failure, kind", [
    (DOWN, OutcomeUnknown),
    (BUSY, RateLimited),
    (httpx.ReadTimeout("slow"), OutcomeUnknown),
    (httpx.RemoteProtocolError("dropped"), OutcomeUnknown),
    (httpx.ConnectError("refused"), VenueUnavailable),
])
async def test_writes_are_never_retried(failure, kind):
    handler, calls = scripted(failure, OK)
    with pytest.raises(kind):
        await make(handler).request("POST", "/transfer", json_body="{}", read=False)
    assert len(calls) == 1


async def test_rate_limit_keeps_the_venue_words_and_retry_after():
    handler, _ = scripted(httpx.Response(429, json={"status": -1003, "msg": "Too many requests."},
                                         headers={"Retry-After": "7"}))
    with pytest.raises(RateLimited) as caught:
        await make(handler).request("POST", "/x", read=False)
    assert caught.value.retry_after == 7
    assert (caught.value.code, caught.value.venue_message) == ("-1003", "Too many requests.")


async def test_auth_errors_are_not_retried_and_echoed_secrets_are_blanked():
    echoed = {"code": 1, "msg": f"bad signature SIGN for key {KEY} and secret {SECRET}"}
    handler, calls = scripted(httpx.Response(401, json=echoed))
    with pytest.raises(AuthError) as caught:
        await make(handler).request("GET", "/x", read=True)
    assert len(calls) == 1
    assert KEY not in str(caught.value) and SECRET not in str(caught.value)
    assert "bad signature" in str(caught.value)


async def test_unreachable_venue_says_where_without_query_strings():
    handler, _ = scripted(httpx.ConnectError("refused"))
    with pytest.raises(VenueUnavailable) as caught:
        await make(handler, attempts=1).request("GET", "/x", params={"signature": "abc"}, read=True)
    assert "abc" not in str(caught.value) and "SIGNATURE" not in str(caught.value)
