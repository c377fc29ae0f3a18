"""FCoin v2 asset center (资产中心): the adapter for venue id ``fcoin``."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from tui.core.errors import (
    AuthError,
    InsufficientFunds,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    VenueError,
)
from tui.core.models import AccountKind, AccountRef, Balance
from tui.core.moves import MoveKind, MoveReceipt, MoveRequest, MoveStatus, Settlement
from tui.venues.base import Capability, HttpVenue, OutgoingRequest, json_text
from tui.venues.base import reads_reply, wire_amount
from tui.venues.clock import DateClockMixin
from tui.venues.signers import fcoin_body, fcoin_sign, fcoin_url

__all__ = ["FcoinVenue"]

_ERRORS: dict[str, type[VenueError]] = {
    "6001": AuthError,  # api key not found
    "6004": AuthError,  # timestamp out of range
    "6005": AuthError,  # api signature not valid
    "6000": InvalidRequest,  # invalid request (amount not positive / malformed)
    "429": RateLimited,
    "1016": InsufficientFunds,  # account balance insufficient
    "1002": InvalidRequest,  # amount precision exceeded
}
_MESSAGES: dict[str, str] = {
    "1002": "the amount has more decimals than the coin allows; remove the extra digits",
    "6000": "the venue rejected the request; check the amount is a positive number",
}

ASSET_CENTER = AccountRef(kind=AccountKind.ASSET_CENTER)
SPOTS = AccountRef(kind=AccountKind.SPOT)
CONTRACTS = AccountRef(kind=AccountKind.CONTRACT)
BX = AccountRef(kind=AccountKind.OTHER, name="bx")
"""The BX (币信) account the asset center can transfer out to."""
_STATUSES = {"DONE": MoveStatus.DONE, "PENDING": MoveStatus.PENDING}
_HTTP_ERRORS: dict[int, type[VenueError]] = {
    400: InvalidRequest,
    401: AuthError,
    403: PermissionDenied,
}


class FcoinVenue(DateClockMixin, HttpVenue):
    """FCoin's asset center: balances as ``{coin: [available, frozen]}``, HMAC-SHA1 headers."""

    venue_id = "fcoin"
    stale_timestamp_codes = frozenset({"6004"})  # tui/venues/clock.py
    capabilities = frozenset({Capability.BALANCES, Capability.TRANSFER})
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
        raise self.venue_error(kind, code, details.get("msg"), _MESSAGES.get(str(code)))

    async def assets_user_accounts(self) -> dict[str, list[Decimal]]:
        """``GET /v2/assets/user/accounts``: each coin's asset-center ``[available, frozen]``."""
        return await self.request("GET", "/v2/assets/user/accounts", read=True)

    @reads_reply
    async def balances(self) -> list[Balance]:
        """One asset-center balance per coin."""
        accounts = await self.assets_user_accounts()
        account = AccountRef(kind=AccountKind.ASSET_CENTER)
        if not isinstance(accounts, dict):
            raise TypeError("data is not an object")
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account, coin=coin,
                    available=wire_amount(amounts[0]), frozen=wire_amount(amounts[1]))
            for coin, amounts in accounts.items()
        ]

    # -- moving money: asset center -> spot / contracts / BX, keyed by sourceId ------

    async def _transfer_out(self, path: str, source_id: str, currency: str,
                            amount: Decimal) -> dict[str, Any]:
        body = json_text({"sourceId": source_id, "currency": currency, "amount": amount})
        return await self.request("POST", path, json_body=body, read=False)

    async def assets_spots_transfer_out(self, source_id: str, currency: str,
                                        amount: Decimal) -> dict[str, Any]:
        """``POST /v2/assets/spots/transfer/out``: asset center -> spot. ``sourceId`` is
        the venue's idempotency key (a repeat returns the first reply, moves nothing)."""
        return await self._transfer_out("/v2/assets/spots/transfer/out", source_id, currency,
                                        amount)

    async def assets_contracts_transfer_out(self, source_id: str, currency: str,
                                            amount: Decimal) -> dict[str, Any]:
        """``POST /v2/assets/contracts/transfer/out``: asset center -> contracts, keyed by
        ``sourceId``."""
        return await self._transfer_out("/v2/assets/contracts/transfer/out", source_id,
                                        currency, amount)

    async def assets_bx_transfer_out(self, source_id: str, currency: str,
                                     amount: Decimal) -> dict[str, Any]:
        """``POST /v2/assets/bx/transfer/out``: asset center -> BX (币信), keyed by
        ``sourceId``; answered ``PENDING``."""
        return await self._transfer_out("/v2/assets/bx/transfer/out", source_id, currency,
                                        amount)

    def transfer_routes(self) -> list[tuple[AccountRef, AccountRef]]:
        """Asset center -> spot, -> contracts, -> BX."""
        return [(ASSET_CENTER, SPOTS), (ASSET_CENTER, CONTRACTS), (ASSET_CENTER, BX)]

    def settlement(self, request: MoveRequest) -> Settlement:
        """Every FCoin transfer is KEYED by ``sourceId``."""
        self._endpoint(request)
        return Settlement.KEYED

    def new_client_key(self, kind: MoveKind) -> str:
        """A ``sourceId``: 32 lower-case hex digits (a UUID4 without dashes)."""
        return uuid.uuid4().hex

    def _endpoint(self, request: MoveRequest):
        if request.kind is not MoveKind.TRANSFER:
            raise NotImplementedError(f"fcoin cannot do a {request.kind.value}")
        endpoints = {SPOTS: self.assets_spots_transfer_out,
                     CONTRACTS: self.assets_contracts_transfer_out,
                     BX: self.assets_bx_transfer_out}
        to = request.to_account
        if request.from_account != ASSET_CENTER or to not in endpoints:
            raise InvalidRequest(self.venue_id, "FCoin transfers go from the asset center to "
                                                "spot, contracts or BX; choose one of those")
        return endpoints[to]

    async def submit_move(self, request: MoveRequest, *,
                          trade_password: SecretStr | None = None) -> MoveReceipt:
        """Call the transfer-out endpoint for ``request.to_account`` with
        ``request.client_key`` as ``sourceId``; ``DONE``/``PENDING`` become the status."""
        send = self._endpoint(request)
        reply = await send(request.client_key, request.coin, request.amount)
        return self._receipt(reply, "the venue's reply")

    def _receipt(self, reply: dict[str, Any], source: str) -> MoveReceipt:
        word = str(reply.get("status") or "")
        fee = reply.get("fee")
        return MoveReceipt(
            venue_ref=None if reply.get("id") is None else str(reply["id"]),
            status=_STATUSES.get(word, MoveStatus.PENDING),
            venue_status=word,
            fee=fee,
            fee_coin=reply.get("currency") if fee is not None else None,
            evidence=(f"{source}: transfer {reply.get('id')} sourceId {reply.get('sourceId')} "
                      f"{reply.get('transferFrom')} -> {reply.get('transferTo')} "
                      f"{reply.get('amount')} {reply.get('currency')}, status {word}"),
        )
