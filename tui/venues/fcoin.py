"""FCoin v2 asset center (资产中心): the adapter for venue id ``fcoin``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tui.core.errors import AuthError, InvalidRequest, PermissionDenied, RateLimited, VenueError
from tui.core.models import AccountKind, AccountRef, Balance
from tui.venues.base import Capability, HttpVenue, OutgoingRequest
from tui.venues.signers import fcoin_body, fcoin_sign, fcoin_url

__all__ = ["FcoinVenue"]

_ERRORS: dict[str, type[VenueError]] = {
    "6001": AuthError,  # api key not found
    "6004": AuthError,  # timestamp out of range
    "6005": AuthError,  # api signature not valid
    "6000": InvalidRequest,
    "429": RateLimited,
}
_HTTP_ERRORS: dict[int, type[VenueError]] = {
    400: InvalidRequest,
    401: AuthError,
    403: PermissionDenied,
}


class FcoinVenue(HttpVenue):
    """FCoin's asset center: balances as ``{coin: [available, frozen]}``, HMAC-SHA1 headers."""

    venue_id = "fcoin"
    capabilities = frozenset({Capability.BALANCES})
    rate_limit = (100, 10.0)

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Sort the query (the URL is signed as sent) and add the three ``FC-ACCESS-*`` headers."""
        request.params = sorted(request.params)
        timestamp = str(now_ms)
        url = fcoin_url(self.settings.base_url, request.path, request.params)
        body = fcoin_body(request.json_body) if request.method == "POST" else ""
        signature = fcoin_sign(self.credentials.secret.get_secret_value(),
                               request.method, url, timestamp, body)
        request.headers.update({
            "FC-ACCESS-KEY": self.credentials.api_key.get_secret_value(),
            "FC-ACCESS-SIGNATURE": signature,
            "FC-ACCESS-TIMESTAMP": timestamp,
        })
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """Success replies are the document's bare objects; refusals are ``{status, msg}``."""
        refused = status_code >= 400 or (
            isinstance(payload, dict) and isinstance(payload.get("status"), int)
            and payload["status"] != 0
        )
        if not refused:
            return payload
        details = payload if isinstance(payload, dict) else {}
        code = details.get("status")
        kind = _ERRORS.get(str(code)) or _HTTP_ERRORS.get(status_code, VenueError)
        raise self.venue_error(kind, code, details.get("msg"))

    async def assets_user_accounts(self) -> dict[str, list[Decimal]]:
        """``GET /v2/assets/user/accounts``: each coin's asset-center ``[available, frozen]``."""
        return await self.request("GET", "/v2/assets/user/accounts", read=True)

    async def balances(self) -> list[Balance]:
        """One asset-center balance per coin."""
        accounts = await self.assets_user_accounts()
        account = AccountRef(kind=AccountKind.ASSET_CENTER)
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account, coin=coin,
                    available=amounts[0], frozen=amounts[1])
            for coin, amounts in accounts.items()
        ]
