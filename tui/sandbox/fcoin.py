"""FCoin v2 asset center, simulated (doc 000): asset-center balances as JSON numbers."""

from __future__ import annotations

import base64
import json
import hashlib
import hmac
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import dumps_exact, plain
from tui.sandbox.fcoin_moves import FcoinMoves
from tui.sandbox.ledger import ApiKey, Ledger
from tui.sandbox.moves import MoveStore
from tui.sandbox.service import ErrorCode, Refusal, Refused, VenueService, same_digest

__all__ = ["FcoinService", "fcoin_signature", "fcoin_body_text"]

TIMESTAMP_WINDOW_MS = 30_000


def fcoin_body_text(body: dict[str, Any]) -> str:
    """A POST body as FCoin signs it: top-level keys sorted, ``k=v`` joined by ``&``,
    strings without quotes and numbers as their JSON text."""
    return "&".join(f"{key}={_json_text(body[key])}" for key in sorted(body))


class _NumberText(str):
    """A JSON number kept as the exact text it was written with."""


def _json_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return plain(value)
    return dumps_exact(value)


def fcoin_signature(secret: str, method: str, url: str, timestamp: str, body: str = "") -> str:
    """``base64(hmac_sha1(secret, base64(METHOD + URL + TIMESTAMP + BODY)))``."""
    payload = base64.b64encode(f"{method.upper()}{url}{timestamp}{body}".encode())
    digest = hmac.new(secret.encode(), payload, hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class FcoinService(FcoinMoves, VenueService):
    """FCoin: ``FC-ACCESS-*`` headers, HMAC-SHA1 over the full URL, 100 requests / 10 s."""

    venue = "fcoin"
    prefix = "/fcoin"
    rate_limit = (100, 10)
    errors = {
        Refusal.BAD_SIGNATURE: ErrorCode(401, 6005, "api signature not valid"),
        Refusal.UNKNOWN_KEY: ErrorCode(401, 6001, "api key not found"),
        Refusal.STALE_TIMESTAMP: ErrorCode(401, 6004, "timestamp out of range"),
        Refusal.TOO_MANY: ErrorCode(429, 429, "too many requests"),
        Refusal.INVALID: ErrorCode(400, 6000, "invalid request"),
        Refusal.INSUFFICIENT: ErrorCode(400, 1016, "account balance insufficient"),
        Refusal.PRECISION: ErrorCode(400, 1002, "amount precision exceeded"),
    }

    def __init__(self, ledger: Ledger, *args: Any) -> None:
        super().__init__(ledger, *args)
        self.store = MoveStore(ledger)

    def routes(self) -> list[Route]:
        """The asset-center endpoints: balances and the three transfers out."""
        return [self.route("/v2/assets/user/accounts", self.user_accounts, ["GET"]),
                *self.move_routes()]

    def error_body(self, code: ErrorCode, msg: str) -> dict[str, Any]:
        """``{"status": code, "msg": ...}``."""
        return {"status": code.code, "msg": msg}

    async def authenticate(self, request: Request) -> ApiKey:
        """Check key, limit, timestamp and signature; return the caller's credential."""
        key = self.key(request.headers.get("FC-ACCESS-KEY"))
        self.limit(key.api_key)
        timestamp = request.headers.get("FC-ACCESS-TIMESTAMP")
        self.check_timestamp(timestamp, window_ms=TIMESTAMP_WINDOW_MS)
        body = ""
        if request.method == "POST":
            raw = await request.body()
            try:  # numbers kept as the text the client sent: it signed that text
                parsed = json.loads(raw, parse_float=_NumberText,
                                    parse_int=_NumberText) if raw else {}
            except ValueError:
                raise Refused(Refusal.INVALID, "body is not JSON") from None
            if not isinstance(parsed, dict):
                raise Refused(Refusal.INVALID, "body must be a JSON object")
            body = fcoin_body_text(parsed)
        expected = fcoin_signature(key.secret, request.method, _signed_url(request),
                                   str(timestamp), body)
        if not same_digest(expected, request.headers.get("FC-ACCESS-SIGNATURE"),
                           ignore_case=False):
            raise Refused(Refusal.BAD_SIGNATURE)
        return key

    async def user_accounts(self, request: Request) -> dict[str, list[Decimal]]:
        """``GET /v2/assets/user/accounts``: ``{"COIN": [available, frozen], ...}``."""
        key = await self.authenticate(request)
        rows = self.ledger.accounts(self.venue, key.owner, account_type="assets")
        return {row.coin: [row.available, row.frozen] for row in rows}


def _signed_url(request: Request) -> str:
    """The URL as the client addressed it: scheme, Host header, path, sorted query."""
    host = request.headers.get("host") or request.url.netloc
    url = f"{request.url.scheme}://{host}{request.url.path}"
    params = sorted(request.query_params.multi_items())
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params)
    return url
