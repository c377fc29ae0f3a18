"""FCoin asset-center transfers out (doc 000): to spot, contracts and BX, keyed by
``sourceId``. SPOTS and CONTRACTS are ``DONE`` at once; BX is ``PENDING`` for 2 s."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui.core.money import dumps_exact, loads_exact
from tui.sandbox.demo_money import FCOIN_CURRENCY_IDS, FCOIN_PRECISION
from tui.sandbox.ledger import ApiKey
from tui.sandbox.moves import MoveStore, canonical, places, positive_amount, quantize
from tui.sandbox.service import Refusal, Refused

__all__ = ["FcoinMoves", "BX_SETTLE_MS", "TARGETS"]

BX_SETTLE_MS = 2000
"""How long a BX transfer stays PENDING on the sandbox clock."""

TARGETS = {"spots": ("SPOTS", "spot", "INTERNAL"),
           "contracts": ("CONTRACTS", "contracts", "INTERNAL"),
           "bx": ("BX", "bx", "BX_INTERNAL")}
"""Path word -> (transferTo, ledger account type, transferType)."""

_ID_BASE = 10649


class FcoinMoves:
    """Mixin for :class:`~tui.sandbox.fcoin.FcoinService`: the three transfer endpoints."""

    venue: str
    store: MoveStore

    def move_routes(self) -> list[Route]:
        """``POST /v2/assets/{spots,contracts,bx}/transfer/out``."""
        return [self.route(f"/v2/assets/{word}/transfer/out",  # type: ignore[attr-defined]
                           self._transfer_handler(word), ["POST"], write=True)
                for word in TARGETS]

    def advance(self) -> None:
        """BX transfers older than 2 s become DONE."""
        now = self.now_ms()  # type: ignore[attr-defined]
        with self.store.txn() as txn:
            for move in txn.open_moves(self.venue):
                if now - move.created_ms >= BX_SETTLE_MS:
                    txn.set_state(move.seq, "DONE", is_open=False, now_ms=now)

    def _transfer_handler(self, word: str) -> Any:
        async def handler(request: Request) -> Response:
            key: ApiKey = await self.authenticate(request)  # type: ignore[attr-defined]
            return self._transfer(key, word, loads_exact(await request.body() or b"{}"))
        handler.__doc__ = f"POST /v2/assets/{word}/transfer/out"
        return handler

    def _transfer(self, key: ApiKey, word: str, body: dict[str, Any]) -> Response:
        source_id = body.get("sourceId")
        currency = body.get("currency")
        if not isinstance(source_id, str) or not source_id.strip():
            raise Refused(Refusal.INVALID, "sourceId is required")
        if not isinstance(currency, str) or currency.upper() not in FCOIN_PRECISION:
            raise Refused(Refusal.INVALID, "unknown currency")
        currency = currency.upper()
        amount = positive_amount(body.get("amount"))
        fingerprint = f"{word}|{currency}|{canonical(amount)}"
        to_name, account_type, transfer_type = TARGETS[word]
        now = self.now_ms()  # type: ignore[attr-defined]
        with self.store.txn() as txn:
            first = txn.keyed(self.venue, key.owner, source_id)
            if first is not None:
                if first.fingerprint != fingerprint:
                    raise Refused(Refusal.INVALID, "sourceId reused")
                return _json(first.reply or "")
            precision = FCOIN_PRECISION[currency]
            if places(amount) > precision:
                raise Refused(Refusal.PRECISION)
            txn.change(self.venue, key.owner, "assets", currency, now_ms=now,
                       flow_type="TRANSFER_OUT", available=-amount)
            txn.change(self.venue, key.owner, account_type, currency, now_ms=now,
                       flow_type="TRANSFER_IN", available=amount)
            pending = word == "bx"
            move = txn.insert(venue=self.venue, user_id=key.owner, kind=word,
                              ref=lambda seq: str(_ID_BASE + seq),
                              state="PENDING" if pending else "DONE", is_open=pending,
                              now_ms=now, coin=currency, amount=amount, idem_key=source_id,
                              fingerprint=fingerprint)
            shown = quantize(amount, precision)
            reply = dumps_exact({
                "id": int(move.ref), "sourceId": source_id, "targetAddress": None,
                "transferType": transfer_type, "transferFrom": "ASSETS",
                "transferTo": to_name, "userId": _int_or_str(key.owner),
                "userTargetId": (hashlib.md5(f"bx:{key.owner}".encode()).hexdigest()
                                 if pending else None),
                "currencyId": FCOIN_CURRENCY_IDS[currency], "amount": shown, "fee": None,
                "status": move.state, "confirm": 0, "txid": None, "msg": None,
                "sign": hashlib.sha1(f"{move.ref}:{source_id}:{shown}".encode()).hexdigest(),
                "createdAt": now, "updatedAt": now, "currency": currency})
            txn.set_reply(move.seq, reply)
        return _json(reply)


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


def _int_or_str(value: str) -> int | str:
    return int(value) if value.isdigit() else value
