"""Bit-Z v2, simulated (doc 002): the user's assets with btc/usd/cny valuations."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import EXACT, exact_sum, plain
from tui.sandbox.demo import BITZ_PRICES, BITZ_USD_CNY
from tui.sandbox.ledger import ApiKey
from tui.sandbox.service import (ErrorCode, Refusal, Refused, VenueService, form_pairs,
                                 same_digest)

__all__ = ["BitzService", "bitz_signature"]

TIMESTAMP_WINDOW_MS = 60_000
_PLACES = Decimal("0.00000001")
_ROUNDING = Context(prec=120, rounding=ROUND_HALF_UP)


def bitz_signature(secret: str, params: Sequence[tuple[str, str]]) -> str:
    """``md5_hex("k1=v1&k2=v2..." sorted by key, without sign, + secret)``."""
    text = "&".join(f"{k}={v}" for k, v in sorted(params) if k != "sign")
    return hashlib.md5(f"{text}{secret}".encode()).hexdigest()


def _eight(value: Decimal) -> Decimal:
    """``value`` rounded half-up to the document's 8 decimal places."""
    return value.quantize(_PLACES, context=_ROUNDING)


class BitzService(VenueService):
    """Bit-Z: form-encoded POST signed with MD5; 10 requests / s per key (chosen)."""

    venue = "bitz"
    prefix = "/bitz"
    rate_limit = (10, 1)
    errors = {
        Refusal.BAD_SIGNATURE: ErrorCode(200, -105, "Invalid api signature"),
        Refusal.UNKNOWN_KEY: ErrorCode(200, -109, "Invalid apiKey"),
        Refusal.STALE_TIMESTAMP: ErrorCode(200, -103, "Request timestamp expired"),
        Refusal.TOO_MANY: ErrorCode(200, -110, "The number of access requests exceeded"),
        Refusal.INVALID: ErrorCode(200, -102, "Invalid parameter"),
    }

    def routes(self) -> list[Route]:
        """The asset endpoints."""
        return [self.route("/Assets/getUserAssets", self.get_user_assets, ["POST"])]

    def envelope(self, status: int, msg: str, data: Any) -> dict[str, Any]:
        """Bit-Z's reply envelope: status, msg, data, time, microtime, source."""
        now_ms = self.now_ms()
        seconds, millis = divmod(now_ms, 1000)
        return {"status": status, "msg": msg, "data": data, "time": seconds,
                "microtime": f"0.{millis:03d}00000 {seconds}", "source": "api"}

    def error_body(self, code: ErrorCode, msg: str) -> dict[str, Any]:
        """The envelope with the error status and ``data: null``."""
        return self.envelope(int(code.code), msg, None)

    async def authenticate(self, request: Request) -> tuple[ApiKey, dict[str, str]]:
        """Check key, limit, timestamp, nonce and signature; return the key and the form."""
        pairs = await form_pairs(request)
        params = dict(pairs)
        key = self.key(params.get("apiKey"))
        self.limit(key.api_key)
        self.check_timestamp(params.get("timeStamp"), window_ms=TIMESTAMP_WINDOW_MS,
                             unit_ms=1000)
        if not params.get("nonce"):
            raise Refused(Refusal.INVALID, "nonce is required")
        if not same_digest(bitz_signature(key.secret, pairs), params.get("sign")):
            raise Refused(Refusal.BAD_SIGNATURE)
        return key, params

    async def get_user_assets(self, request: Request) -> dict[str, Any]:
        """``POST /Assets/getUserAssets``: each coin's num/over/lock and its valuation."""
        key, _ = await self.authenticate(request)
        info = []
        for row in self.ledger.accounts(self.venue, key.owner, account_type="spot"):
            num = exact_sum((row.available, row.frozen))
            in_btc, in_usd = BITZ_PRICES.get(row.coin, (Decimal(0), Decimal(0)))
            usd = EXACT.multiply(num, in_usd)
            info.append({"name": row.coin.lower(), "num": _eight(num),
                         "over": _eight(row.available), "lock": _eight(row.frozen),
                         "btc": _eight(EXACT.multiply(num, in_btc)), "usd": _eight(usd),
                         "cny": _eight(EXACT.multiply(usd, BITZ_USD_CNY))})
        data = {name: plain(_eight(exact_sum(item[src] for item in info)))
                for name, src in (("cny", "cny"), ("usd", "usd"), ("btc_total", "btc"))}
        data["info"] = [{k: v if isinstance(v, str) else plain(v) for k, v in item.items()}
                        for item in info]
        return self.envelope(200, "", data)
