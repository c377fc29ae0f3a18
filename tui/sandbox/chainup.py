"""ChainUp platform API, simulated (doc 003): every org user's accounts, paged by id or
by update time (docs/wire.md fills in what the document leaves out)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.core.money import dumps_exact, loads_exact, plain
from tui.sandbox.chainup_org import GeneratedOrg
from tui.sandbox.demo import CHAINUP_SHOW_NAMES
from tui.sandbox.ledger import AccountRow, ApiKey
from tui.sandbox.limits import RateLimiter
from tui.sandbox.service import ErrorCode, Refusal, Refused, VenueService, same_digest

__all__ = ["ChainupService", "chainup_signature"]

_DAY_MS = 24 * 3600 * 1000
_BASE = "/platformapi/chainup/open/ouser"
MAX_LIMIT = 1000
DEFAULT_LIMIT = 500


def _field_text(value: Any) -> str:
    """A body field as signed: plain text, numbers without quotes or exponent."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, int):
        return str(value)
    return dumps_exact(value)


def chainup_signature(secret: str, body: Mapping[str, Any]) -> str:
    """``md5_hex("k1=v1&k2=v2..." of every field but sign, sorted by key, + secret)``."""
    text = "&".join(f"{k}={_field_text(body[k])}" for k in sorted(body) if k != "sign")
    return hashlib.md5(f"{text}{secret}".encode()).hexdigest()


class ChainupService(VenueService):
    """ChainUp: JSON POST signed with MD5 by ``appKey``; 10 requests / s per key (chosen)."""

    venue = "chainup"
    prefix = "/chainup"
    rate_limit = (10, 1)
    errors = {
        Refusal.BAD_SIGNATURE: ErrorCode(200, "10007", "sign error"),
        Refusal.UNKNOWN_KEY: ErrorCode(200, "10006", "appKey invalid"),
        Refusal.STALE_TIMESTAMP: ErrorCode(200, "10010", "updateTime must be within 24 hours"),
        Refusal.TOO_MANY: ErrorCode(200, "10029", "request too frequent"),
        Refusal.INVALID: ErrorCode(200, "10001", "param error"),
    }

    org: GeneratedOrg | None = None
    """A generated org (``--chainup-users N``) served instead of the ledger's rows."""

    def serve_generated(self, org: GeneratedOrg, rate: tuple[int, int] | None = None) -> None:
        """Answer both queries from ``org``; ``rate`` (requests, seconds) replaces the
        chosen 10 / 1 s limit (a bench pulling a million rows lifts it)."""
        self.org = org
        if rate is not None:
            self.limiter = RateLimiter(*rate, self.clock)

    def routes(self) -> list[Route]:
        """The org-wide account queries."""
        return [
            self.route(f"{_BASE}/batchQueryUserAccountsByStartId", self.by_start_id, ["POST"]),
            self.route(f"{_BASE}/batchQueryUserAccountsByUpdateTime", self.by_update_time,
                       ["POST"]),
        ]

    def error_body(self, code: ErrorCode, msg: str) -> dict[str, Any]:
        """``{"code": "N", "msg": ..., "data": null}``."""
        return {"code": str(code.code), "msg": msg, "data": None}

    async def authenticate(self, request: Request) -> tuple[ApiKey, dict[str, Any]]:
        """Parse the JSON body, check appKey, limit and sign; return the key and the body."""
        try:
            body = loads_exact(await request.body())
        except ValueError:
            raise Refused(Refusal.INVALID, "body is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(Refusal.INVALID, "body must be a JSON object")
        app_key = body.get("appKey")
        key = self.key(app_key if isinstance(app_key, str) else None)
        self.limit(key.api_key)
        sign = body.get("sign")
        if not isinstance(sign, str) or not same_digest(chainup_signature(key.secret, body), sign):
            raise Refused(Refusal.BAD_SIGNATURE)
        return key, body

    async def by_start_id(self, request: Request) -> dict[str, Any]:
        """``batchQueryUserAccountsByStartId``: rows with ``id > startId`` by id, at most
        ``limit`` (1-1000, default 500)."""
        _, body = await self.authenticate(request)
        start_id = _integer(body, "startId", 0)
        limit = _integer(body, "limit", DEFAULT_LIMIT)
        if start_id < 0 or not 1 <= limit <= MAX_LIMIT:
            raise Refused(Refusal.INVALID, f"startId >= 0 and limit 1-{MAX_LIMIT} required")
        if self.org is not None:
            return Response(self.org.after_id_text(start_id, limit),
                            media_type="application/json")
        return _accounts_reply(self.ledger.accounts_after_id(self.venue, start_id, limit))

    async def by_update_time(self, request: Request) -> dict[str, Any]:
        """``batchQueryUserAccountsByUpdateTime``: every row changed strictly after
        ``updateTime`` (at most 24 h ago), by update time then id."""
        _, body = await self.authenticate(request)
        update_time = _integer(body, "updateTime", None)
        if update_time < self.now_ms() - _DAY_MS:
            raise Refused(Refusal.STALE_TIMESTAMP)
        if self.org is not None:
            return _generated_reply(self.org.updated_after(update_time))
        return _accounts_reply(self.ledger.accounts_updated_after(self.venue, update_time))


def _integer(body: Mapping[str, Any], name: str, default: int | None) -> int:
    """An integer field (a JSON integer or a string of digits); refuses anything else."""
    value = body.get(name)
    if value is None and default is not None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise Refused(Refusal.INVALID, f"{name} must be an integer")


def _accounts_reply(rows: list[AccountRow]) -> dict[str, Any]:
    return {"code": "0", "msg": "suc", "data": {"accounts": [
        {"uid": row.user_id, "showName": CHAINUP_SHOW_NAMES.get(row.coin, row.coin),
         "balance": plain(row.available),
         "updateTime": str(row.updated_ms), "id": str(row.id), "type": row.account_type,
         "coin": row.coin}
        for row in rows]}}


def _generated_reply(rows: list[dict[str, str]]) -> Response:
    return Response(GeneratedOrg.reply_text(rows), media_type="application/json")
