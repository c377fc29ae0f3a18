"""Bitunix spot open API, simulated (doc 001): spot balances as JSON numbers."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.sandbox.bitunix_moves import BitunixMoves
from tui.sandbox.ledger import ApiKey, Ledger
from tui.sandbox.moves import MoveStore
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


class BitunixService(BitunixMoves, VenueService):
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
        Refusal.INSUFFICIENT: ErrorCode(200, "110003", "Insufficient balance"),
        Refusal.PRECISION: ErrorCode(200, "110004", "Amount precision exceeded"),
        Refusal.BELOW_MINIMUM: ErrorCode(200, "110007", "Amount below fee"),
        Refusal.NOT_WHITELISTED: ErrorCode(200, "110008", "Address not whitelisted"),
        Refusal.MEMO_REQUIRED: ErrorCode(200, "110009", "Memo required"),
        Refusal.UNKNOWN_RECIPIENT: ErrorCode(200, "110010", "Recipient not found"),
        Refusal.CANNOT_CANCEL: ErrorCode(200, "110012", "Cannot cancel in current status"),
    }

    def __init__(self, ledger: Ledger, *args: Any) -> None:
        super().__init__(ledger, *args)
        self.store = MoveStore(ledger)

    def routes(self) -> list[Route]:
        """The user endpoints and the money endpoints."""
        return [self.route("/api/spot/v1/user/account", self.user_account, ["GET"]),
                *self.move_routes()]

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
