"""Bit-Z v2 assets: the adapter for venue id ``bitz``."""

from __future__ import annotations

from typing import Any

from tui.core.errors import AuthError, InvalidRequest, RateLimited, VenueError
from tui.core.models import AccountKind, AccountRef, Balance
from tui.venues.base import Capability, HttpVenue, OutgoingRequest, reads_reply, wire_amount
from tui.venues.clock import DateClockMixin
from tui.venues.signers import bitz_sign, nonce

__all__ = ["BitzVenue"]

_ERRORS: dict[str, type[VenueError]] = {
    "-102": InvalidRequest,  # Invalid parameter
    "-103": AuthError,  # Request timestamp expired
    "-105": AuthError,  # Invalid api signature
    "-109": AuthError,  # Invalid apiKey
    "-110": RateLimited,  # The number of access requests exceeded
}

_VALUATIONS = ("btc", "usd", "cny")


class BitzVenue(DateClockMixin, HttpVenue):
    """Bit-Z: form-encoded POSTs signed with MD5; balances carry btc/usd/cny valuations."""

    venue_id = "bitz"
    stale_timestamp_codes = frozenset({"-103"})  # tui/venues/clock.py
    capabilities = frozenset({Capability.BALANCES, Capability.VALUATIONS})
    rate_limit = (10, 1.0)

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Add ``apiKey``, ``timeStamp`` (s), ``nonce`` and ``sign`` to the form fields."""
        fields = list(request.form or [])
        fields += [
            ("apiKey", self.credentials.api_key.get_secret_value()),
            ("timeStamp", str(now_ms // 1000)),
            ("nonce", nonce(6)),
        ]
        fields.append(("sign", bitz_sign(self.credentials.secret.get_secret_value(), fields)))
        request.form = fields
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """``data`` when ``status`` is 200; otherwise the typed error for the status code."""
        details = payload if isinstance(payload, dict) else {}
        code = details.get("status")
        if status_code < 400 and str(code) == "200":
            return details.get("data")
        kind = _ERRORS.get(str(code), AuthError if status_code == 401 else VenueError)
        raise self.venue_error(kind, code, details.get("msg"))

    async def assets_get_user_assets(self) -> dict[str, Any]:
        """``POST /Assets/getUserAssets``: totals (``cny``, ``usd``, ``btc_total``) and
        ``info`` rows."""
        return await self.request("POST", "/Assets/getUserAssets", form={}, read=True)

    @reads_reply
    async def balances(self) -> list[Balance]:
        """One spot balance per coin (name upper-cased) with the venue's own valuations."""
        assets = await self.assets_get_user_assets()
        account = AccountRef(kind=AccountKind.SPOT)
        rows = (assets or {}).get("info") or []
        if not isinstance(rows, list):
            raise TypeError("info is not a list")
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account,
                    coin=row["name"].upper(), available=wire_amount(row["over"]),
                    frozen=wire_amount(row["lock"]), total=wire_amount(row["num"]),
                    valuations={q: wire_amount(row[q]) for q in _VALUATIONS
                                if row.get(q) is not None})
            for row in rows
        ]
