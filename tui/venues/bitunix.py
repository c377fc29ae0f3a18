"""Bitunix spot open API, user section: the adapter for venue id ``bitunix``."""

from __future__ import annotations

from typing import Any

from tui.core.errors import (
    AuthError,
    InsufficientFunds,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    VenueError,
)
from tui.core.models import AccountKind, AccountRef, Balance
from tui.venues.base import Capability, HttpVenue, OutgoingRequest
from tui.venues.signers import bitunix_sign, nonce

__all__ = ["BitunixVenue"]

_ERRORS: dict[str, type[VenueError]] = {
    "100001": InvalidRequest,  # Parameter error
    "100003": AuthError,  # Timestamp expired
    "100004": AuthError,  # API key not exist
    "100005": AuthError,  # Signature error
    "110007": InsufficientFunds,  # amount below fee
    "110008": PermissionDenied,  # address not whitelisted
    "110041": RateLimited,  # Too many requests
}


class BitunixVenue(HttpVenue):
    """Bitunix spot: ``{code, msg, data, success}`` replies, double-SHA256 signed headers."""

    venue_id = "bitunix"
    capabilities = frozenset({Capability.BALANCES})
    rate_limit = (10, 1.0)

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Add ``api-key``, ``nonce``, ``timestamp`` and ``sign`` over the query and exact body."""
        api_key = self.credentials.api_key.get_secret_value()
        nonce_, timestamp = nonce(32), str(now_ms)
        signature = bitunix_sign(self.credentials.secret.get_secret_value(), api_key, nonce_,
                                 timestamp, request.params, request.json_body or "")
        request.headers.update({
            "api-key": api_key,
            "nonce": nonce_,
            "timestamp": timestamp,
            "sign": signature,
            "Content-Type": "application/json",
        })
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """``data`` when ``code`` is ``"0"``; otherwise the typed error for the code."""
        details = payload if isinstance(payload, dict) else {}
        code = details.get("code")
        if status_code < 400 and str(code) == "0":
            return details.get("data")
        kind = _ERRORS.get(str(code), AuthError if status_code == 401 else VenueError)
        raise self.venue_error(kind, code, details.get("msg"))

    async def spot_user_account(self) -> list[dict[str, Any]]:
        """``GET /api/spot/v1/user/account``: rows of ``coin``, ``balance``, ``balanceLocked``."""
        return await self.request("GET", "/api/spot/v1/user/account", read=True) or []

    async def balances(self) -> list[Balance]:
        """One spot balance per coin: ``balance`` is available, ``balanceLocked`` frozen."""
        account = AccountRef(kind=AccountKind.SPOT)
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account, coin=row["coin"],
                    available=row["balance"], frozen=row["balanceLocked"])
            for row in await self.spot_user_account()
        ]
