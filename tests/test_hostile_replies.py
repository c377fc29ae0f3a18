"""Hostile venue replies (issue 11, items 10-13): secrets echoed anywhere in a reply are
masked before any cut, malformed replies become the profile's MalformedReply, a reply
trickled byte by byte hits the request's deadline, and an oversized (or gzip-bomb) reply
is stopped at its cap. Slow and huge replies come from a real loopback HTTP server."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from click.testing import CliRunner

from tui.cli import main
from tui.config import Profile
from tui.core.errors import (
    AuthError,
    InvalidRequest,
    MalformedReply,
    OutcomeUnknown,
    ReplyTooLarge,
    VenueError,
    VenueUnavailable,
)
from tui.credentials import env_var_names
from tui.session import Session
from tui.venues.base import Credentials, RetryPolicy, VenueSettings, redact
from tui.venues.bitunix import BitunixVenue
from tui.venues.fcoin import FcoinVenue

KEY = "KEY-abc123-visible-nowhere"
SECRET = "SECRET-xyz789-visible-nowhere"
NO_RETRY = RetryPolicy(attempts=1, base_delay=0, max_delay=0)


def mock(cls, handler, **settings):
    """An adapter for ``cls`` answered by ``handler`` (httpx.MockTransport)."""
    return cls(VenueSettings(profile="p1", base_url="http://venue.test",
                             transport=httpx.MockTransport(handler), retry=NO_RETRY,
                             **settings), Credentials(KEY, SECRET))


def answer(status: int, text: str | bytes, **headers: str):
    """A handler answering every request with ``text``."""
    body = text.encode() if isinstance(text, str) else text
    return lambda request: httpx.Response(status, content=body, headers=headers)


def fragments(secret: str) -> list[str]:
    """Every 8-character piece of ``secret``: none may survive anywhere."""
    return [secret[i:i + 8] for i in range(len(secret) - 7)]


def assert_no_secret(error: VenueError, *secrets: str) -> None:
    """Neither the whole nor any 8-character piece of a secret in the error."""
    text = " ".join(str(part) for part in (error, error.code, error.venue_message, error.args))
    for secret in (KEY, SECRET, *secrets):
        for piece in fragments(secret):
            assert piece not in text


# -- item 10: redaction of every field, before the cut --------------------------------


async def test_a_secret_echoed_in_the_code_is_masked():
    reply = json.dumps({"status": f"bad-{SECRET}", "msg": f"key {KEY} refused"})
    with pytest.raises(VenueError) as caught:
        await mock(FcoinVenue, answer(401, reply)).balances()
    assert_no_secret(caught.value)
    assert "***" in caught.value.code


async def test_a_secret_split_by_the_cut_does_not_survive():
    reply = json.dumps({"status": 6005, "msg": "x" * 290 + SECRET})
    with pytest.raises(AuthError) as caught:
        await mock(FcoinVenue, answer(401, reply)).balances()
    assert_no_secret(caught.value)
    assert len(caught.value.venue_message) <= 300


async def test_the_requests_signature_echoed_back_is_masked():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        signature = request.headers["FC-ACCESS-SIGNATURE"]
        seen.append(signature)
        return httpx.Response(401, json={"status": 6005, "msg": f"bad signature {signature}"})

    with pytest.raises(AuthError) as caught:
        await mock(FcoinVenue, handler).balances()
    assert_no_secret(caught.value, seen[0])


async def test_a_secret_echoed_in_a_server_error_is_masked():
    reply = json.dumps({"status": SECRET, "msg": "x" * 295 + KEY})
    with pytest.raises(VenueUnavailable) as caught:
        await mock(FcoinVenue, answer(503, reply)).balances()
    assert_no_secret(caught.value)


async def test_a_secret_in_a_malformed_amount_is_masked():
    reply = json.dumps({"code": 0, "data": [{"coin": "BTC", "balance": SECRET,
                                             "balanceLocked": "0"}]})
    with pytest.raises(MalformedReply) as caught:
        await mock(BitunixVenue, answer(200, reply)).balances()
    assert_no_secret(caught.value)


def test_a_short_key_is_not_masked_inside_words():
    assert redact("Invalid API-key", ["k", "ey"]) == "Invalid API-key"
    assert redact("Invalid key abcdef!", ["abcdef"]) == "Invalid key ***!"
    assert redact("abcdefgh", ["abcdef", "abcdefgh"]) == "***"


# -- item 11: malformed replies are the profile's MalformedReply ----------------------


FCOIN_MALFORMED = [
    '{"BTC": [null, "0"]}',
    '{"BTC": [true, "0"]}',
    '{"BTC": ["NaN", "0"]}',
    '{"BTC": ["12abc", "0"]}',
    '{"BTC": [1E+400, "0"]}',
    '{"BTC": ["1E-400", "0"]}',
    '{"BTC": ["Infinity", "0"]}',
    '{"BTC": ["1"]}',
    '{"BTC": {"available": "1"}}',
    '["BTC", "1", "0"]',
    '"data"',
    "[" * 100_000 + "]" * 100_000,
    "<html>busy</html>",
]


@pytest.mark.parametrize("reply", FCOIN_MALFORMED, ids=lambda r: r[:24])
async def test_malformed_fcoin_replies_are_malformed_reply(reply):
    with pytest.raises(MalformedReply) as caught:
        await mock(FcoinVenue, answer(200, reply)).balances()
    assert "cannot read" in str(caught.value)


@pytest.mark.parametrize("reply", [
    '{"code": 0, "data": {"coin": "BTC"}}',
    '{"code": 0, "data": [{"coin": "BTC", "balance": "1"}]}',
    '{"code": 0, "data": ["BTC"]}',
    '{"code": 0, "data": "x"}',
])
async def test_malformed_bitunix_replies_are_malformed_reply(reply):
    with pytest.raises(MalformedReply):
        await mock(BitunixVenue, answer(200, reply)).balances()


async def test_a_write_with_an_unreadable_reply_is_outcome_unknown():
    venue = mock(FcoinVenue, answer(200, "[" * 100_000))
    with pytest.raises(OutcomeUnknown):
        await venue.request("POST", "/v2/assets/spots/transfer/out", json_body="{}", read=False)


# -- a real loopback HTTP server for slow, huge and CLI cases -------------------------


Respond = Callable[[str, socket.socket], None]


@contextmanager
def loopback(respond: Respond) -> Iterator[str]:
    """Serve raw HTTP on 127.0.0.1: ``respond(path, sock)`` writes the whole reply.
    Yields the base URL."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            try:
                respond(path, self.request)
            except OSError:
                pass  # the client gave up: that is the point of most tests here

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def head(length: int | None = None, **headers: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/json", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def trickle(path: str, sock: socket.socket) -> None:
    """Headers, then one byte every 0.3 s (at most 20): each byte beats a read timeout."""
    sock.sendall(head(20))
    for _ in range(20):
        sock.sendall(b" ")
        time.sleep(0.3)


def live(cls, base_url: str, **settings):
    """An adapter for ``cls`` over the network to ``base_url``."""
    return cls(VenueSettings(profile="p1", base_url=base_url, retry=NO_RETRY, **settings),
               Credentials(KEY, SECRET))


# -- item 12: an overall deadline per request ----------------------------------------


async def test_a_trickled_read_hits_the_deadline():
    with loopback(trickle) as base_url:
        venue = live(FcoinVenue, base_url, timeout=0.5, deadline=1.0)
        started = time.monotonic()
        with pytest.raises(VenueUnavailable) as caught:
            await venue.balances()
        elapsed = time.monotonic() - started
        await venue.aclose()
    assert elapsed < 5  # the trickle alone lasts 6 s; the margin is for a loaded machine
    assert "within 1 s" in str(caught.value)


async def test_a_trickled_write_reply_is_outcome_unknown():
    with loopback(trickle) as base_url:
        venue = live(FcoinVenue, base_url, timeout=0.5, deadline=1.0)
        with pytest.raises(OutcomeUnknown):
            await venue.request("POST", "/v2/assets/spots/transfer/out", json_body="{}",
                                read=False)
        await venue.aclose()


async def test_balances_for_a_profile_are_bounded_as_a_whole():
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        raise AssertionError("unreachable")

    profiles = [Profile(name="slow", venue="fcoin", base_url="http://slow.test"),
                Profile(name="fast", venue="fcoin", base_url="http://fast.test")]

    async def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "slow.test":
            return await hang(request)
        return httpx.Response(200, json={"BTC": ["1", "0"]})

    session = Session(profiles, credentials=lambda p: Credentials(KEY, SECRET),
                      transport=httpx.MockTransport(route))
    started = time.monotonic()
    slow, fast = await session.load_all(bound=0.3)
    await session.aclose()
    assert time.monotonic() - started < 15  # the hang is 30 s; the margin is for load
    assert isinstance(slow.error, VenueUnavailable) and "0.3 s" in str(slow.error)
    assert fast.ok and fast.balances[0].coin == "BTC"


# -- item 13: a cap on the decoded reply size ----------------------------------------


def huge(path: str, sock: socket.socket) -> None:
    """A 40 MiB JSON string, streamed without Content-Length."""
    sock.sendall(head())
    sock.sendall(b'{"BTC": ["')
    block = b"1" * 65536
    for _ in range(640):
        sock.sendall(block)
    sock.sendall(b'", "0"]}')


BOMB = gzip.compress(b'{"BTC": ["' + b"0" * (64 * 1024 * 1024) + b'", "0"]}', 9)


def bomb(path: str, sock: socket.socket) -> None:
    """64 MiB of JSON in a small gzip body."""
    sock.sendall(head(len(BOMB), Content_Encoding="gzip"))
    sock.sendall(BOMB)


@pytest.mark.parametrize("respond", [huge, bomb], ids=["huge", "gzip-bomb"])
async def test_an_oversized_reply_is_stopped_at_the_cap(respond):
    with loopback(respond) as base_url:
        venue = live(FcoinVenue, base_url, max_reply_bytes=1024 * 1024)
        with pytest.raises(ReplyTooLarge) as caught:
            await venue.balances()
        await venue.aclose()
    assert "exceeded 1 MiB" in str(caught.value)


async def test_an_oversized_write_reply_is_outcome_unknown():
    with loopback(bomb) as base_url:
        venue = live(FcoinVenue, base_url, max_reply_bytes=1024 * 1024)
        with pytest.raises(OutcomeUnknown):
            await venue.request("POST", "/x", json_body="{}", read=False)
        await venue.aclose()


async def test_a_larger_cap_for_one_call_reads_the_reply():
    with loopback(bomb) as base_url:
        venue = live(FcoinVenue, base_url, max_reply_bytes=1024 * 1024)
        data = await venue.request("GET", "/x", read=True, max_reply_bytes=65 * 1024 * 1024)
        await venue.aclose()
    assert set(data) == {"BTC"}


# -- the CLI: healthy profiles print, each failed one is one stderr line -------------


def mixed(path: str, sock: socket.socket) -> None:
    """A healthy FCoin under /good, a malformed one under /bad."""
    body = b'{"BTC": ["1.5", "0"]}' if path.startswith("/good") else b'{"BTC": [1E+400, "0"]}'
    sock.sendall(head(len(body)) + body)


def test_cli_balances_prints_healthy_profiles_beside_a_malformed_one(tmp_path, monkeypatch):
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path))
    runner = CliRunner()
    env = {}
    with loopback(mixed) as base_url:
        for name in ("good", "bad"):
            added = runner.invoke(main, ["profile", "add", name, "--venue", "fcoin",
                                         "--base-url", f"{base_url}/{name}",
                                         "--no-credentials"])
            assert added.exit_code == 0, added.output
            key_var, secret_var = env_var_names(name)
            env[key_var], env[secret_var] = KEY, SECRET
        result = runner.invoke(main, ["balances", "--json"], env=env)
    assert result.exit_code == 1
    assert [(r["profile"], r["available"]) for r in json.loads(result.stdout)] == [("good", "1.5")]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coinsole: bad: fcoin: the venue sent a reply")


async def test_an_httpx_failure_carrying_the_signed_url_leaves_as_a_typed_error():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.TooManyRedirects(f"redirect loop at {request.url}", request=request)

    seen = []

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["FC-ACCESS-SIGNATURE"])
        return handler(request)

    with pytest.raises(VenueUnavailable) as caught:
        await mock(FcoinVenue, spy).balances()
    assert "TooManyRedirects" in str(caught.value)
    assert_no_secret(caught.value, seen[0])


async def test_a_corrupt_gzip_reply_is_malformed_and_a_good_one_reads():
    good = gzip.compress(b'{"BTC": ["1.25", "0"]}')
    rows = await mock(FcoinVenue, answer(200, good, **{"Content-Encoding": "gzip"})).balances()
    assert [(b.coin, str(b.available)) for b in rows] == [("BTC", "1.25")]
    with pytest.raises(MalformedReply):
        await mock(FcoinVenue, answer(200, b"\x1f\x8bnot gzip at all",
                                      **{"Content-Encoding": "gzip"})).balances()


async def test_an_error_an_adapter_builds_outside_the_pipeline_is_masked():
    class Echoing(FcoinVenue):
        async def balances(self):
            """Raises an error quoting reply content, as adapter code might."""
            raise InvalidRequest(self.venue_id, f"the venue says {SECRET} is wrong",
                                 code=KEY)

    venue = Echoing(VenueSettings(profile="p1", base_url="http://venue.test"),
                    Credentials(KEY, SECRET))
    with pytest.raises(InvalidRequest) as caught:
        await venue.balances()
    assert_no_secret(caught.value)


@pytest.mark.parametrize("body", ['{"time": "12abc"}', '{"tim": 1}', "[1]", '{"time": null}',
                                  '{"time": true}', '{"time": "\\u0661\\u0662"}',
                                  '{"time": 1.5}', '"x"'])
async def test_a_bad_bhex_time_reply_is_malformed_not_a_crash(body):
    """The BHEX clock sync (basic/time) raises the profile's MalformedReply on a reply
    without a whole number of milliseconds, never KeyError/ValueError/TypeError."""
    from tui.venues.bhex import BhexVenue

    with pytest.raises(MalformedReply):
        await mock(BhexVenue, answer(200, body)).sync_clock(force=True)
    with pytest.raises(MalformedReply):
        await mock(BhexVenue, answer(200, body)).basic_time()


def test_a_short_secret_is_masked_only_as_a_whole_token():
    assert redact("Invalid API-keyabcdefgh", ["abcdef"]) == "Invalid API-keyabcdefgh"
    assert redact("bad key abcdef, try again", ["abcdef"]) == "bad key ***, try again"
    assert redact("sign=abcdef&x=1", ["abcdef"]) == "sign=***&x=1"
    long_secret = "0123456789abcdefXYZ"
    assert redact(f"echo{long_secret}tail", [long_secret]) == "echo***tail"
