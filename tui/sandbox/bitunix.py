"""Bitunix spot open API, simulated (doc 001): spot balances as JSON numbers."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.sandbox.ledger import ApiKey
from tui.sandbox.service import ErrorCode, Refusal, Refused, VenueService, same_digest

__all__ = ["BitunixService", "bitunix_signature"]

TIMESTAMP_WINDOW_MS = 60_000


def bitunix_signature(secret: str, api_key: str, nonce: str, timestamp: str,
                      params: list[tuple[str, str]], body: str) -> str:
    """``sha256_hex(sha256_hex(nonce + timestamp + api_key + query + body) + secret)`` where
    ``query`` is the parameters sorted by key, each written ``key`` + ``value``."""
    query = "".join(f"{k}{v}" for k, v in sorted(params))
    digest = hashlib.sha256(f"{nonce}{timestamp}{api_key}{query}{body}".encode()).hexdigest()
    return hashlib.sha256(f"{digest}{secret}".encode()).hexdigest()


class BitunixService(VenueService):
    """Bitunix: ``api-key``/``nonce``/``timestamp``/``sign`` headers, 10 requests / s per IP."""

    venue = "bitunix"
    prefix = "/bitunix"
    rate_limit = (10, 1)
    errors = {
        Refusal.BAD_SIGNATURE: ErrorCode(200, "100005", "Signature error"),
        Refusal.UNKNOWN_KEY: ErrorCode(200, "100004", "API key not exist"),
        Refusal.STALE_TIMESTAMP: ErrorCode(200, "100003", "Timestamp expired"),
        Refusal.TOO_MANY: ErrorCode(200, "110041", "Too many requests"),
        Refusal.INVALID: ErrorCode(200, "100001", "Parameter error"),
    }

    def routes(self) -> list[Route]:
        """The user endpoints."""
        return [self.route("/api/spot/v1/user/account", self.user_account, ["GET"])]

    def error_body(self, code: ErrorCode, msg: str) -> dict[str, Any]:
        """``{"code": "N", "msg": ..., "data": null, "success": false}``."""
        return {"code": str(code.code), "msg": msg, "data": None, "success": False}

    @staticmethod
    def success(data: Any) -> dict[str, Any]:
        """The success envelope around ``data``."""
        return {"code": "0", "msg": "result.success", "data": data, "success": True}

    async def authenticate(self, request: Request) -> ApiKey:
        """Check the per-IP limit, key, timestamp, nonce and signature."""
        self.limit(request.client.host if request.client else "unknown")
        headers = request.headers
        key = self.key(headers.get("api-key"))
        timestamp = headers.get("timestamp")
        self.check_timestamp(timestamp, window_ms=TIMESTAMP_WINDOW_MS)
        nonce = headers.get("nonce")
        if not nonce:
            raise Refused(Refusal.INVALID, "nonce is required")
        body = (await request.body()).decode("utf-8", errors="replace")
        expected = bitunix_signature(key.secret, key.api_key, nonce, str(timestamp),
                                     request.query_params.multi_items(), body)
        if not same_digest(expected, headers.get("sign")):
            raise Refused(Refusal.BAD_SIGNATURE)
        return key

    async def user_account(self, request: Request) -> dict[str, Any]:
        """``GET /api/spot/v1/user/account``: each coin's balance and locked balance."""
        key = await self.authenticate(request)
        rows = self.ledger.accounts(self.venue, key.owner, account_type="spot")
        return self.success([{"coin": row.coin, "balance": row.available,
                              "balanceLocked": row.frozen} for row in rows])
