"""BHEX deposit history, simulated (doc 004): ``asset/deposit/order`` and its detail, over
seeded demo deposits.

Deposits are movements (kind ``deposit``) in the shared :class:`~tui.sandbox.moves.MoveStore`,
stored closed so the withdrawal state machine never touches them. Order ids grow with
insertion (and so with time); several seeded deposits share a millisecond so that paging
across a shared timestamp is exercised. Paging as the document says: newest first,
``from_id`` / ``to_id`` exclusive, ``start_time`` / ``end_time`` closed, ``limit`` default 20.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import plain
from tui.sandbox.bhex_moves import _int, _limit
from tui.sandbox.demo import BHEX_DEMO_USER_ID
from tui.sandbox.moves import MoveStore, page_desc
from tui.sandbox.service import Refusal, Refused

if TYPE_CHECKING:
    from tui.sandbox.bhex import BhexService

__all__ = ["bhex_history_routes", "add_deposits", "DEPOSIT_STATUS_CODES", "DEMO_DEPOSITS",
           "DEPOSIT_ID_BASE"]

DEPOSIT_ID_BASE = 383414918925407488
"""Deposit order ids are this plus the movement's sequence number."""

DEPOSIT_STATUS_CODES = {1: ("DEPOSIT_BALANCE_ADDED", "Deposit Added"),
                        2: ("DEPOSIT_CAN_WITHDRAW", "Deposit Successful"),
                        10: ("DEPOSIT_BALANCE_NOT_ADD", "Deposit Pending")}
"""The document's deposit statuses."""

_HOUR_MS = 3600 * 1000
_TOKENS = ("USDT", "BTC", "ETH", "BHT")
_AMOUNTS = ("200", "0.0125", "1.5", "700", "35.12345678", "0.0001", "12", "1000.5")
DEMO_DEPOSITS = 45
"""How many deposits the demo user starts with."""


def _address(token: str, n: int) -> str:
    if token == "BTC":
        return "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"
    return "0x74eecf1cD7c9337014dE0031D0e8c1FE54aaDBc5"


def add_deposits(store: MoveStore, user_id: str, times_ms: Sequence[int], *,
                 account_id: str = "97298430070624256") -> list[str]:
    """Store one deposit per entry of ``times_ms`` (oldest first) for ``user_id``; return
    their order ids in insertion order. The deterministic details cycle through demo
    tokens and amounts; the two newest of a batch are still pending (status 10), every
    third is an internal transfer."""
    ids: list[str] = []
    count = len(times_ms)
    with store.txn() as txn:
        for n, when in enumerate(times_ms):
            token = _TOKENS[n % len(_TOKENS)]
            status = 10 if n >= count - 2 else (1 if n % 5 == 4 else 2)
            internal = n % 3 == 0
            move = txn.insert(
                venue="bhex", user_id=user_id, kind="deposit",
                ref=lambda seq: str(DEPOSIT_ID_BASE + seq), state=str(status), is_open=False,
                now_ms=when, coin=token, amount=Decimal(_AMOUNTS[n % len(_AMOUNTS)]),
                data={"accountId": account_id, "address": _address(token, n),
                      "fromAddress": "" if internal else "0x9f8c2E01aB7f3E4a6d1B0c5e8F2a3D4b",
                      "txid": "" if internal else f"{n:064x}",
                      "internal": internal, "requiredConfirmNum": 0 if internal else 12})
            ids.append(move.ref)
    return ids


def _seed(store: MoveStore, now_ms: int) -> None:
    if store.moves("bhex", BHEX_DEMO_USER_ID, ("deposit",)):
        return
    # One an hour back from now, but every fifth shares its predecessor's millisecond, and
    # a run of four shares one (so page boundaries of 20 fall inside shared timestamps).
    times = []
    for n in range(DEMO_DEPOSITS):
        hour = 18 if 18 <= n <= 21 else n - 1 if n % 5 == 0 and n else n
        times.append(now_ms - (DEMO_DEPOSITS - hour) * _HOUR_MS)
    add_deposits(store, BHEX_DEMO_USER_ID, sorted(times))


def _record(move: Any) -> dict[str, Any]:
    data, status = move.data, int(move.state)
    code, desc = DEPOSIT_STATUS_CODES[status]
    confirm = data["requiredConfirmNum"]
    return {"time": str(move.created_ms), "orderId": move.ref, "accountId": data["accountId"],
            "tokenId": move.coin, "tokenName": move.coin, "address": data["address"],
            "addressExt": "", "fromAddress": data["fromAddress"], "fromAddressExt": "",
            "quantity": plain(move.amount), "status": status, "statusCode": code,
            "statusDesc": desc, "requiredConfirmNum": confirm,
            "confirmNum": 0 if status == 10 else confirm, "txid": data["txid"],
            "txidUrl": "", "walletHandleTime": str(move.created_ms), "addressUrl": "",
            "isInternalTransfer": data["internal"]}


class BhexHistory:
    """The deposit-order endpoints on the BHEX service's prefix and checks."""

    def __init__(self, service: "BhexService") -> None:
        self.service = service
        self.store: MoveStore = service.store
        _seed(self.store, service.now_ms())

    def routes(self) -> list[Route]:
        """``asset/deposit/order`` and ``asset/deposit/order/detail``."""
        org = "/api/v2/org/asset"
        return [self.service.route(f"{org}/deposit/order", self.deposit_order, ["GET"]),
                self.service.route(f"{org}/deposit/order/detail", self.deposit_detail,
                                   ["GET"])]

    async def _deposits(self, request: Request) -> tuple[list[Any], dict[str, str]]:
        subs, params = await self.service._params(request)
        return self.store.moves("bhex", subs[0].user_id, ("deposit",)), params

    async def deposit_order(self, request: Request) -> dict[str, Any]:
        """``deposit/order``: the user's deposits, newest first, ids exclusive."""
        moves, params = await self._deposits(request)
        token, start, end = (params.get("token_id"), _int(params, "start_time"),
                             _int(params, "end_time"))
        kept = [m for m in moves if (not token or m.coin == token)
                and (start is None or m.created_ms >= start)
                and (end is None or m.created_ms <= end)]
        page = page_desc(kept, lambda m: int(m.ref), from_id=_int(params, "from_id"),
                         to_id=_int(params, "to_id"), limit=_limit(params))
        return {"status": 0, "data": [_record(m) for m in page]}

    async def deposit_detail(self, request: Request) -> dict[str, Any]:
        """``deposit/order/detail``: one deposit by ``order_id``."""
        moves, params = await self._deposits(request)
        found = [m for m in moves if m.ref == params.get("order_id", "")]
        if not found:
            raise Refused(Refusal.INVALID, "no such order_id")
        return {"status": 0, "data": _record(found[0])}


def bhex_history_routes(service: "BhexService") -> list[Route]:
    """Seed the demo deposits (once per ledger) and return the deposit-order routes."""
    return BhexHistory(service).routes()
