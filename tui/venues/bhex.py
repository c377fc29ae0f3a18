"""BHEX (BlueHelix) broker Org API: the adapter for venue id ``bhex``."""

from __future__ import annotations

import asyncio
from typing import Any

from tui.core.errors import AuthError, ConfigError, InvalidRequest, RateLimited, VenueError
from tui.core.models import AccountKind, AccountRef, Balance
from tui.venues.base import Capability, HttpVenue, OutgoingRequest
from tui.venues.signers import bhex_sign

__all__ = ["BhexVenue"]

_ERRORS: dict[str, type[VenueError]] = {
    "-1003": RateLimited,  # Too many requests.
    "-1021": AuthError,  # Timestamp for this request is outside of the recvWindow.
    "-1022": AuthError,  # Signature for this request is not valid.
    "-1100": InvalidRequest,  # Illegal characters found in a parameter.
    "-2015": AuthError,  # Invalid API-key
}
_HTTP_ERRORS: dict[int, type[VenueError]] = {400: InvalidRequest, 401: AuthError}
STALE_TIMESTAMP = "-1021"

SPOT, CONTRACT = 1, 3
_KINDS = {SPOT: AccountKind.SPOT, CONTRACT: AccountKind.CONTRACT}


class BhexVenue(HttpVenue):
    """BHEX's Org API acting for one user (``settings.user_id``): main and sub-accounts.

    Every signed call carries ``timestamp`` and an HMAC-SHA256 ``signature`` among its
    parameters, so the clock offset is measured first from ``basic/time``.
    """

    venue_id = "bhex"
    capabilities = frozenset({Capability.BALANCES, Capability.SUB_ACCOUNTS})
    rate_limit = (20, 1.0)
    time_path = "/api/v2/org/basic/time"

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Add ``timestamp`` and ``signature`` to the query (GET) or form (POST), and the
        key header."""
        fields = list(request.form if request.form is not None else request.params)
        fields.append(("timestamp", str(now_ms)))
        fields.append(("signature", bhex_sign(self.credentials.secret.get_secret_value(), fields)))
        if request.form is not None:
            request.form = fields
        else:
            request.params = fields
        request.headers["X-ACCESS-KEY"] = self.credentials.api_key.get_secret_value()
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """``data`` of a ``{status: 0, data}`` reply; bare replies (arrays, objects) as they are."""
        details = payload if isinstance(payload, dict) else {}
        code = details.get("status", details.get("code"))
        if status_code < 400 and code in (None, 0, "0"):
            return details["data"] if "data" in details else payload
        kind = _ERRORS.get(str(code)) or _HTTP_ERRORS.get(status_code, VenueError)
        raise self.venue_error(kind, code, details.get("msg"))

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """As :meth:`HttpVenue.request`; a timestamp the venue calls stale (refused before
        acting, so safe to resend) makes it measure the clock again and send once more."""
        try:
            return await super().request(method, path, **kwargs)
        except AuthError as exc:
            if exc.code != STALE_TIMESTAMP:
                raise
        await self.sync_clock(force=True)
        return await super().request(method, path, **kwargs)

    def parse_server_time(self, payload: Any) -> int:
        """Milliseconds from ``basic/time``'s ``{"time": "1561627873483"}``."""
        return int(payload["time"])

    async def basic_time(self) -> int:
        """``GET /api/v2/org/basic/time``: the server's clock in milliseconds."""
        payload = await self.request("GET", self.time_path, read=True, signed=False)
        return self.parse_server_time(payload)

    async def basic_tokens(self) -> list[dict[str, Any]]:
        """``GET /api/v2/org/basic/tokens``: the broker's tokens and their trading pairs."""
        return await self.request("GET", "/api/v2/org/basic/tokens", read=True)

    async def sub_account_query(self, user_id: str) -> list[dict[str, Any]]:
        """``GET /api/v2/org/account/sub_account/query``: ``user_id``'s accounts
        (``accountId``, ``accountName``, ``accountType``, ``accountIndex``)."""
        return await self.request("GET", "/api/v2/org/account/sub_account/query",
                                  params={"user_id": user_id}, read=True)

    async def account_balance(self, user_id: str, account_type: int = SPOT,
                              account_index: int = 0) -> list[dict[str, Any]]:
        """``POST /api/v2/org/account/balance``: rows of ``tokenId``, ``total``, ``free``,
        ``locked`` for one account of ``user_id``."""
        form = {"user_id": user_id, "account_type": account_type, "account_index": account_index}
        return await self.request("POST", "/api/v2/org/account/balance", form=form, read=True)

    async def balances(self) -> list[Balance]:
        """The user's main spot and contract accounts and every sub-account, fetched concurrently.

        Accounts are named by ``accountName`` from ``sub_account/query``.
        """
        user_id = self._user_id()
        main = [(SPOT, 0), (CONTRACT, 0)]
        main_rows, accounts = await asyncio.gather(
            asyncio.gather(*(self.account_balance(user_id, *key) for key in main)),
            self.sub_account_query(user_id),
        )
        names = {(int(a["accountType"]), int(a["accountIndex"])): a.get("accountName") or ""
                 for a in accounts or []}
        subs = [key for key in names if key not in main]
        sub_rows = await asyncio.gather(*(self.account_balance(user_id, *key) for key in subs))
        balances: list[Balance] = []
        for (kind, index), rows in zip(main + subs, [*main_rows, *sub_rows]):
            account = AccountRef(kind=_KINDS.get(kind, AccountKind.OTHER), index=index,
                                 name=names.get((kind, index), ""))
            balances += self._rows(account, rows)
        return balances

    def _rows(self, account: AccountRef, rows: list[dict[str, Any]]) -> list[Balance]:
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account,
                    coin=row["tokenId"], available=row["free"], frozen=row["locked"],
                    total=row["total"])
            for row in rows or []
        ]

    def _user_id(self) -> str:
        if not self.settings.user_id:
            raise ConfigError(f"profile {self.profile!r}: BHEX's Org API needs the user id "
                              "whose balances to show; set user_id on the profile")
        return self.settings.user_id
