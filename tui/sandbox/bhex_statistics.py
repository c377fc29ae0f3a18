"""BHEX org statistics, simulated (doc 004, 数据统计): ``token_hold_detail``, every user
account's holding of one token, paged by id (``from_id``: older, ``to_id``: newer, neither
included; newest first), at most ``limit`` (default 100, max 500)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import exact_sum, plain
from tui.sandbox.service import Refusal, Refused

if TYPE_CHECKING:
    from tui.sandbox.bhex import BhexService

__all__ = ["bhex_statistics_routes"]

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def bhex_statistics_routes(service: "BhexService") -> list[Route]:
    """The statistics routes of ``service``."""

    async def token_hold_detail(request: Request) -> dict[str, Any]:
        _, params = await service.authenticate(request)
        token = params.get("token_id", "")
        if not token:
            raise Refused(Refusal.INVALID, "token_id is required")
        limit = _number(params, "limit", DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise Refused(Refusal.INVALID, f"limit 1-{MAX_LIMIT}")
        from_id = _number(params, "from_id", 0)
        to_id = _number(params, "to_id", 0)
        sql = ("SELECT id, user_id, account_type, account_index, available, frozen, lockup "
               "FROM accounts WHERE venue = ? AND coin = ?")
        args: list[Any] = [service.venue, token]
        if from_id:
            sql += " AND id < ?"
            args.append(from_id)
        if to_id:
            sql += " AND id > ?"
            args.append(to_id)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with service.ledger.transaction() as db:
            rows = db.execute(sql, args).fetchall()
        data = []
        for id_, user, account_type, index, available, frozen, lockup in rows:
            account = next((s.account_id for s in service.ledger.sub_accounts(service.venue, user)
                            if s.account_type == account_type and s.account_index == index),
                           f"{user}-{account_type}-{index}")
            lock = exact_sum((_dec(frozen), _dec(lockup)))
            data.append({"id": str(id_), "userId": user, "accountId": account,
                         "total": plain(exact_sum((_dec(available), lock))),
                         "available": plain(_dec(available)), "lock": plain(lock)})
        return {"status": 0, "data": data}

    return [service.route("/api/v2/org/statistics/token_hold_detail", token_hold_detail,
                          ["POST"])]


def _dec(text: Any) -> Decimal:
    """A ledger amount (stored as exact text) as a Decimal."""
    return Decimal(str(text))


def _number(params: dict[str, str], name: str, default: int) -> int:
    value = params.get(name) or ""
    if not value:
        return default
    if not value.isdigit():
        raise Refused(Refusal.INVALID, f"{name} must be an integer")
    return int(value)
