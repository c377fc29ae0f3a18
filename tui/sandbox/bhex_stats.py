"""BHEX Org API statistics, simulated (doc 004, section 6), on the BHEX service's prefix,
keys, signing, limits and faults.

Holdings come from the ledger (every BHEX user's account rows, live), deposits and
withdrawals from the shared :class:`~tui.sandbox.moves.MoveStore` (live) plus a fixed set of
other users' withdrawals (so a broker-audit worklist, status 1, always exists). OTC orders,
trades, lock and unlock records are a deterministic demo book built once from the service's
clock at start. Lists are paged as the document says: newest first, ``from_id`` /
``to_id`` exclusive, ``start_time`` / ``end_time`` closed and required.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.core.money import exact_sum, plain
from tui.sandbox.bhex_moves import _int
from tui.sandbox.moves import Move, MoveStore, mul, page_desc
from tui.sandbox.profiles import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS
from tui.sandbox.service import Refusal, Refused

if TYPE_CHECKING:
    from tui.sandbox.bhex import BhexService

__all__ = ["BhexStats", "bhex_stats_routes", "HOLDING_ID_BASE", "SEEDED_WITHDRAWALS",
           "download_bytes"]

HOLDING_ID_BASE = 390000000000000000
"""A holding's ``id`` is this plus its ledger row id."""
_STATS = "/api/v2/org/statistics/"
DOWNLOAD_TYPES = ("user_register", "user_kyc", "user_login", "balance", "balance_flow",
                  "lock_position", "contract_position", "trade_detail", "otc_order",
                  "deposit_order", "withdraw_order")
DOWNLOAD_STARTS = {"balance_flow": Date(2019, 10, 31), "contract_position": Date(2019, 10, 31),
                   "lock_position": Date(2019, 11, 14), "user_register": Date(2019, 7, 14),
                   "user_kyc": Date(2019, 7, 14), "user_login": Date(2019, 7, 14)}
ACCOUNT_DATA_START = Date(2019, 6, 24)
_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
_FEE_RATE = Decimal("0.001")
_USERS = (BHEX_DEMO_USER_ID, *BHEX_OTHER_USER_IDS)
_WITHDRAW_BASE = 393906283211704832
_OTC_BASE = 799217464018271
_TRADE_BASE = 393911800348851456
_LOCK_BASE = 500
_UNLOCK_BASE = 2600
SEEDED_WITHDRAWALS = (
    # user index, token, quantity, arrive, status, hours ago
    (1, "USDT", "300582.13173", "300576.63321", 1, 30),
    (2, "ETH", "100", "100", 7, 54),
    (1, "BTC", "0.75", "0.7495", 6, 80),
    (2, "USDT", "12.5", "11.5", 1, 6),
    (1, "ETH", "2.25", "2.24", 5, 3),
    (2, "BTC", "0.002", "0.0015", 2, 100),
)
"""Other users' withdrawals the statistics list beside the live ones (two await audit)."""
_TRADES = (("BTCUSDT", "BTC", "USDT", ("9876.54", "10012.3", "9950"), ("0.0125", "0.5", "1")),
           ("ETHUSDT", "ETH", "USDT", ("180.25", "182.5", "179.99"), ("1.5", "0.2", "10")),
           ("ETHBTC", "ETH", "BTC", ("0.0182", "0.01835", "0.0181"), ("2", "0.75", "5.5")))


@dataclass(frozen=True)
class _Book:
    """The deterministic demo records the statistics serve besides the ledger's."""

    withdrawals: tuple[dict[str, Any], ...]
    otc: tuple[dict[str, Any], ...]
    trades: tuple[dict[str, Any], ...]
    locks: tuple[dict[str, Any], ...]
    unlocks: tuple[dict[str, Any], ...]


def _account(user_id: str) -> str:
    return str(int(user_id) - 1)


def _book(now_ms: int) -> _Book:
    """The demo book, a pure function of ``now_ms``."""
    # ids grow with time, as the venue's do
    by_age = sorted(range(len(SEEDED_WITHDRAWALS)), key=lambda i: -SEEDED_WITHDRAWALS[i][5])
    withdrawals = tuple(
        {"orderId": str(_WITHDRAW_BASE - 1000 + by_age.index(n)),
         "clientWithdrawalId": str(1561693260604 + n),
         "userId": _USERS[user], "accountId": _account(_USERS[user]), "tokenId": token,
         "address": "0x18B8CF0f7bC033b3A5bcC0d57e79Ff488283198c", "addressTag": "",
         "totalQuantity": quantity, "arriveQuantity": arrive,
         "txId": "" if status in (1, 2) else f"0x{n:064x}", "txIdUrl": "", "status": status,
         "createTime": str(now_ms - hours * _HOUR_MS),
         "updateTime": str(now_ms - hours * _HOUR_MS + 60_000)}
        for n, (user, token, quantity, arrive, status, hours)
        in enumerate(SEEDED_WITHDRAWALS))
    statuses = (50, 50, 10, 20, 30, 40, 0, 1, 50)
    otc = []
    for n in range(27):
        token, price = (("BTC", "63525.41"), ("USDT", "6.9"), ("ETH", "1480.5"))[n % 3]
        quantity = ("0.1", "16.08", "2.5")[n % 3]
        when = now_ms - (n * 7 + 1) * _HOUR_MS
        status = statuses[n % len(statuses)]
        otc.append({"orderId": str(_OTC_BASE - n * 17), "userId": _USERS[n % 3],
                    "accountId": _account(_USERS[n % 3]), "side": n % 2, "tokenId": token,
                    "currencyId": "CNY", "price": price, "quantity": quantity,
                    "amount": plain(mul(Decimal(price), Decimal(quantity))),
                    "fee": "0", "paymentType": n % 3, "status": status,
                    "transferTime": str(when + 60_000) if status in (20, 30, 50) else "",
                    "createTime": str(when), "updateTime": str(when + 120_000)})
    trades = []
    for n in range(90):
        symbol, base, quote, prices, quantities = _TRADES[n % 3]
        price, quantity = Decimal(prices[n % 3]), Decimal(quantities[(n // 3) % 3])
        amount = mul(price, quantity)
        side = (n // 2) % 2
        fee_token, fee = (base, mul(quantity, _FEE_RATE)) if side == 0 else (
            quote, mul(amount, _FEE_RATE))
        trades.append({"tradeId": str(_TRADE_BASE - n * 3), "orderId": str(_TRADE_BASE - n * 3 - 1),
                       "userId": _USERS[n % 3], "accountId": _account(_USERS[n % 3]),
                       "symbolId": symbol, "orderType": (0, 4, 2, 3)[n % 4] if side else 0,
                       "side": side, "price": plain(price), "quantity": plain(quantity),
                       "amount": plain(amount), "feeToken": fee_token, "fee": plain(fee),
                       "createTime": str(now_ms - n * 5 * _HOUR_MS - 1000)})
    locks, unlocks = [], []
    for n in range(12):
        user = _USERS[n % 3]
        when = now_ms - (n + 1) * _DAY_MS
        token = ("USDT", "AT", "BTC")[n % 3]
        locks.append({"id": _LOCK_BASE + 12 - n, "userId": int(user), "tokenId": token,
                      "businessSubject": 0, "secondBusinessSubject": 0,
                      "clientReqId": 1560821724691 + n,
                      "lockAmount": ("200", "12.5", "0.01")[n % 3],
                      "lockReason": "" if n % 2 else "staking", "createdTime": when,
                      "updatedTime": when})
        unlocks.append({"id": _UNLOCK_BASE + 12 - n, "userId": int(user), "tokenId": token,
                        "businessSubject": 0, "secondBusinessSubject": 0,
                        "clientReqId": 410722994621856001 + n,
                        "unlockAmount": ("1", "2.5", "0.005")[n % 3],
                        "unlockReason": "SYNCTRANSFER", "createdTime": when + _HOUR_MS})
    return _Book(withdrawals, tuple(otc), tuple(trades), tuple(locks), tuple(unlocks))


def download_bytes(kind: str, day: str) -> bytes:
    """The sandbox's history file for ``kind`` on ``day``: a deterministic zip (an .xlsx is
    one) of a few hundred KiB, so a progress bar has something to show."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        rows = "\n".join(f"{kind},{day},{n},{n * 7919 % 100003}" for n in range(12_000))
        info = zipfile.ZipInfo(f"{kind}-{day}.csv", date_time=(2020, 1, 1, 0, 0, 0))
        archive.writestr(info, "kind,date,row,value\n" + rows)
    return buffer.getvalue()


def _required(params: dict[str, str], name: str) -> int:
    value = _int(params, name)
    if value is None:
        raise Refused(Refusal.INVALID, f"{name} is required")
    return value


def _limit(params: dict[str, str], default: int, most: int | None = None) -> int:
    limit = _int(params, "limit")
    if limit is None:
        return default
    if limit < 1 or (most is not None and limit > most):
        raise Refused(Refusal.INVALID, "limit out of range")
    return limit


def _in_range(when: int, start: int, end: int) -> bool:
    return start <= when <= end


class BhexStats:
    """The twelve ``statistics/*`` endpoints on the BHEX service."""

    def __init__(self, service: "BhexService") -> None:
        self.service = service
        self.store: MoveStore = service.store
        self.book = _book(service.now_ms())

    def routes(self) -> list[Route]:
        """Every statistics endpoint, with the document's methods."""
        route = self.service.route
        post = ("token_hold_detail", "token_hold_summary", "token_hold_top",
                "cold_wallet_info", "trade_fee")
        get = ("deposit_order", "withdraw_order", "otc_order", "trade_detail", "lock_record",
               "unlock_record", "download_data")
        return ([route(_STATS + name, getattr(self, name), ["POST"]) for name in post]
                + [route(_STATS + name, getattr(self, name), ["GET"]) for name in get])

    async def _params(self, request: Request) -> dict[str, str]:
        _, params = await self.service.authenticate(request)
        return params

    # -- holdings ---------------------------------------------------------------------

    def _holdings(self, token: str) -> list[dict[str, Any]]:
        rows = [r for r in self.service.ledger.accounts_after_id("bhex", 0, 10**9)
                if r.coin == token]
        return self._holding_rows(rows)

    def _holding_rows(self, rows: list[Any]) -> list[dict[str, Any]]:
        ledger = self.service.ledger
        ids: dict[tuple[str, str, int], str] = {}
        for user in {r.user_id for r in rows}:
            for sub in ledger.sub_accounts("bhex", user):
                ids[(user, sub.account_type, sub.account_index)] = sub.account_id
        return [{"id": str(HOLDING_ID_BASE + (r.id or 0)), "userId": r.user_id,
                 "accountId": ids.get((r.user_id, r.account_type, r.account_index),
                                      _account(r.user_id)),
                 "total": plain(r.total), "available": plain(r.available),
                 "lock": plain(exact_sum((r.frozen, r.lockup)))} for r in rows]

    def _token(self, params: dict[str, str]) -> str:
        token = params.get("token_id", "")
        if not token:
            raise Refused(Refusal.INVALID, "token_id is required")
        return token

    async def token_hold_detail(self, request: Request) -> dict[str, Any]:
        """Every account's holding of ``token_id``, paged by id (limit 100, most 500)."""
        params = await self._params(request)
        token = self._token(params)
        limit = _limit(params, 100, 500)
        from_id, to_id = _int(params, "from_id"), _int(params, "to_id")
        rows = self.service.ledger.holdings_page(
            "bhex", token, below_id=None if from_id is None else from_id - HOLDING_ID_BASE,
            above_id=None if to_id is None else to_id - HOLDING_ID_BASE, limit=limit)
        return {"status": 0, "data": self._holding_rows(rows)}

    async def token_hold_top(self, request: Request) -> dict[str, Any]:
        """The ``top`` largest holdings of ``token_id`` (default 100, most 500)."""
        params = await self._params(request)
        top = _int(params, "top") or 100
        if not 1 <= top <= 500:
            raise Refused(Refusal.INVALID, "top out of range")
        rows = sorted(self._holdings(self._token(params)),
                      key=lambda r: (Decimal(r["total"]), int(r["id"])), reverse=True)
        return {"status": 0, "data": rows[:top]}

    def _totals(self) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
        sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
        for r in self.service.ledger.accounts_after_id("bhex", 0, 10**9):
            total, available, lock = sums[r.coin]
            sums[r.coin] = [exact_sum((total, r.total)), exact_sum((available, r.available)),
                            exact_sum((lock, r.frozen, r.lockup))]
        return {token: (a, b, c) for token, (a, b, c) in sorted(sums.items())}

    async def token_hold_summary(self, request: Request) -> dict[str, Any]:
        """The org's total, available and locked amount per token."""
        await self._params(request)
        return {"status": 0, "data": [
            {"tokenId": token, "total": plain(total), "available": plain(available),
             "lock": plain(lock)} for token, (total, available, lock) in self._totals().items()]}

    async def cold_wallet_info(self, request: Request) -> dict[str, Any]:
        """Deprecated by the venue: per token, the hot wallet keeps what is available and
        the cold wallet the rest."""
        await self._params(request)
        return {"status": 0, "data": [
            {"tokenId": token, "total": plain(total),
             "coldHold": plain(exact_sum((total, -available))), "hotRemain": plain(available)}
            for token, (total, available, _) in self._totals().items()]}

    # -- time-ranged lists ----------------------------------------------------------------

    def _ranged(self, params: dict[str, str], rows: list[dict[str, Any]], id_field: str,
                token_field: str, token_param: str) -> dict[str, Any]:
        start, end = _required(params, "start_time"), _required(params, "end_time")
        token = params.get(token_param)
        kept = [r for r in rows if _in_range(int(r["createTime"]), start, end)
                and (not token or r[token_field] == token)]
        page = page_desc(kept, lambda r: int(r[id_field]), from_id=_int(params, "from_id"),
                         to_id=_int(params, "to_id"), limit=_limit(params, 20))
        return {"status": 0, "data": page}

    def _moves(self, kind: str) -> list[Move]:
        return self.store.moves("bhex", None, (kind,))

    async def deposit_order(self, request: Request) -> dict[str, Any]:
        """Every user's deposits (the move store's), newest first."""
        params = await self._params(request)
        rows = [{"orderId": m.ref, "userId": m.user_id,
                 "accountId": m.data.get("accountId") or _account(m.user_id),
                 "tokenId": m.coin, "quantity": plain(m.amount),
                 "fromAddress": m.data.get("fromAddress", ""), "address": m.data["address"],
                 "addressTag": "", "txId": m.data.get("txid", ""), "txIdUrl": "",
                 "status": int(m.state), "createdAt": "", "updatedAt": "",
                 "createTime": str(m.created_ms), "updateTime": str(m.updated_ms)}
                for m in self._moves("deposit")]
        return self._ranged(params, rows, "orderId", "tokenId", "token_id")

    async def withdraw_order(self, request: Request) -> dict[str, Any]:
        """Every user's withdrawals (the move store's, live, and the seeded ones)."""
        params = await self._params(request)
        rows = [{"orderId": m.ref, "clientWithdrawalId": m.idem_key or "",
                 "userId": m.user_id, "accountId": m.data.get("accountId", ""),
                 "tokenId": m.coin, "address": m.data.get("address", ""),
                 "addressTag": m.data.get("addressExt", ""), "totalQuantity": plain(m.amount),
                 "arriveQuantity": m.data.get("arriveQuantity", plain(m.amount)),
                 "txId": m.data.get("txid", ""), "txIdUrl": "", "status": int(m.state),
                 "createTime": str(m.created_ms), "updateTime": str(m.updated_ms)}
                for m in self._moves("withdraw")]
        return self._ranged(params, rows + list(self.book.withdrawals), "orderId", "tokenId",
                            "token_id")

    async def otc_order(self, request: Request) -> dict[str, Any]:
        """The demo book's OTC orders."""
        params = await self._params(request)
        return self._ranged(params, list(self.book.otc), "orderId", "tokenId", "token_id")

    async def trade_detail(self, request: Request) -> dict[str, Any]:
        """The demo book's trades, paged by ``tradeId``."""
        params = await self._params(request)
        return self._ranged(params, list(self.book.trades), "tradeId", "symbolId",
                            "symbol_id")

    async def trade_fee(self, request: Request) -> dict[str, Any]:
        """The demo book's fees per symbol and fee token, summed exactly over the range."""
        params = await self._params(request)
        start, end = _required(params, "start_time"), _required(params, "end_time")
        symbol = params.get("symbol_id")
        sums: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        for t in self.book.trades:
            if _in_range(int(t["createTime"]), start, end) and (not symbol
                                                                or t["symbolId"] == symbol):
                sums[(t["symbolId"], t["feeToken"])].append(Decimal(t["fee"]))
        return {"status": 0, "data": [
            {"symbolId": s, "feeTokenId": token, "feeTotal": plain(exact_sum(fees))}
            for (s, token), fees in sorted(sums.items())]}

    def _user_records(self, params: dict[str, str], rows: tuple[dict[str, Any], ...]
                      ) -> dict[str, Any]:
        user = params.get("user_id", "")
        if not user.isdigit() or not self.service.ledger.sub_accounts("bhex", user):
            raise Refused(Refusal.INVALID, "user_id missing or unknown")
        token = params.get("token_id")
        kept = [r for r in rows if str(r["userId"]) == user
                and (not token or r["tokenId"] == token)]
        page = page_desc(kept, lambda r: int(r["id"]), from_id=_int(params, "from_id"),
                         to_id=_int(params, "to_id"), limit=_limit(params, 100))
        return {"status": 0, "data": page}

    async def lock_record(self, request: Request) -> dict[str, Any]:
        """One user's lock records (``user_id`` required)."""
        return self._user_records(await self._params(request), self.book.locks)

    async def unlock_record(self, request: Request) -> dict[str, Any]:
        """One user's unlock records (``user_id`` required)."""
        return self._user_records(await self._params(request), self.book.unlocks)

    async def download_data(self, request: Request) -> Response:
        """The ``type`` file of ``date``; 404 before the type's first day or after
        yesterday (UTC, of the venue's clock)."""
        params = await self._params(request)
        kind, day = params.get("type", ""), params.get("date", "")
        if kind not in DOWNLOAD_TYPES:
            raise Refused(Refusal.INVALID, "type unknown")
        try:
            when = Date.fromisoformat(day)
        except ValueError:
            raise Refused(Refusal.INVALID, "date must be yyyy-MM-dd") from None
        today = datetime.fromtimestamp(self.service.now_ms() // 1000, timezone.utc).date()
        if when < DOWNLOAD_STARTS.get(kind, ACCOUNT_DATA_START) or when >= today:
            return Response(b"", status_code=404)
        return Response(download_bytes(kind, day), media_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


def bhex_stats_routes(service: "BhexService") -> list[Route]:
    """The statistics routes on ``service``."""
    stats = BhexStats(service)
    service.seeded_withdrawals = stats.book.withdrawals  # the users' own lists show them
    return stats.routes()
