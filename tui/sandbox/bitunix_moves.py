"""Bitunix money endpoints (doc 001): spot <-> futures transfers, internal transfers keyed
by ``outBizId``, withdrawals with network fee, whitelist and memo, their cancels, the
withdrawal and deposit histories and deposit addresses.

Withdrawals and internal transfers freeze the amount while ``pending``; after 3 s of the
sandbox clock they become ``success`` (frozen consumed, the recipient credited); a cancel
while ``pending`` returns the funds (``cancelled``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import loads_exact, plain
from tui.sandbox.demo_money import (BITUNIX_DEPOSIT_ADDRESSES, BITUNIX_NETWORKS,
                                    BITUNIX_PRECISION, BITUNIX_USERS, BitunixUser, fake_hash,
                                    whitelisted)
from tui.sandbox.ledger import ApiKey
from tui.sandbox.moves import Move, MoveStore, Txn, canonical, places, positive_amount, sub
from tui.sandbox.service import Refusal, Refused

__all__ = ["BitunixMoves", "SETTLE_MS"]

SETTLE_MS = 3000
"""How long withdrawals and internal transfers stay ``pending`` on the sandbox clock."""

_ID_BASE = 1909870000000000000
_OUT_KINDS = ("withdraw", "inside_transfer_out")
_IN_KINDS = ("deposit", "inside_transfer_in")


def _ref(seq: int) -> str:
    return str(_ID_BASE + seq * 7919)


class BitunixMoves:
    """Mixin for :class:`~tui.sandbox.bitunix.BitunixService`: the money endpoints."""

    venue: str
    store: MoveStore

    def move_routes(self) -> list[Route]:
        """Every money endpoint (all JSON POSTs)."""
        base = "/api/spot/v1"
        route = self.route  # type: ignore[attr-defined]
        return [
            route(f"{base}/funds_transfer", self.funds_transfer, ["POST"], write=True),
            route(f"{base}/inside_transfer", self.inside_transfer, ["POST"], write=True),
            route(f"{base}/inside_transfer/cancel", self.inside_transfer_cancel, ["POST"],
                  write=True),
            route(f"{base}/withdraw", self.withdraw, ["POST"], write=True),
            route(f"{base}/withdraw/cancel", self.withdraw_cancel, ["POST"], write=True),
            route(f"{base}/withdraw_transfer/page", self.withdraw_page, ["POST"]),
            route(f"{base}/deposit/page", self.deposit_page, ["POST"]),
            route(f"{base}/deposit/address", self.deposit_address, ["POST"]),
        ]

    async def _body(self, request: Request) -> tuple[ApiKey, dict[str, Any]]:
        key: ApiKey = await self.authenticate(request)  # type: ignore[attr-defined]
        raw = await request.body()
        try:
            body = loads_exact(raw) if raw.strip() else {}
        except ValueError:
            raise Refused(Refusal.INVALID, "body is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(Refusal.INVALID, "body must be a JSON object")
        return key, body

    def _now(self) -> int:
        return self.now_ms()  # type: ignore[attr-defined,no-any-return]

    def _ok(self, data: Any) -> dict[str, Any]:
        return self.success(data)  # type: ignore[attr-defined,no-any-return]

    # -- state machine ------------------------------------------------------------

    def advance(self) -> None:
        """Pending withdrawals and internal transfers older than 3 s succeed."""
        now = self._now()
        with self.store.txn() as txn:
            for move in txn.open_moves(self.venue):
                if move.kind in _OUT_KINDS and now - move.created_ms >= SETTLE_MS:
                    self._finish(txn, move, "success", move.created_ms + SETTLE_MS)

    def _finish(self, txn: Txn, move: Move, state: str, when: int) -> None:
        gross = Decimal(move.data["gross"])
        txn.change(self.venue, move.user_id, "spot", move.coin, now_ms=when,
                   flow_type=move.kind, frozen=-gross,
                   available=gross if state == "cancelled" else Decimal(0))
        extra: dict[str, Any] = {}
        if state == "success" and move.kind == "withdraw":
            extra["transactionHash"] = fake_hash("bitunix-withdraw", move.ref)
        txn.set_state(move.seq, state, is_open=False, now_ms=when, data=extra)
        twin = move.data.get("twin")
        if twin:
            incoming = txn.by_ref(self.venue, twin)
            assert incoming is not None
            txn.set_state(incoming.seq, state, is_open=False, now_ms=when)
            if state == "success":
                txn.change(self.venue, incoming.user_id, "spot", move.coin, now_ms=when,
                           flow_type="inside_transfer_in", available=move.amount)

    # -- writes -------------------------------------------------------------------

    async def funds_transfer(self, request: Request) -> dict[str, Any]:
        """``funds_transfer``: ``spot_futures`` or ``futures_spot``; data is the id."""
        key, body = await self._body(request)
        kind = body.get("type")
        if kind not in ("spot_futures", "futures_spot"):
            raise Refused(Refusal.INVALID, "type must be spot_futures or futures_spot")
        coin, amount = _coin_amount(body)
        source, target = ("spot", "futures") if kind == "spot_futures" else ("futures", "spot")
        now = self._now()
        with self.store.txn() as txn:
            txn.change(self.venue, key.owner, source, coin, now_ms=now, flow_type=kind,
                       available=-amount)
            txn.change(self.venue, key.owner, target, coin, now_ms=now, flow_type=kind,
                       available=amount)
            move = txn.insert(venue=self.venue, user_id=key.owner, kind="funds_transfer",
                              ref=_ref, state="success", is_open=False, now_ms=now,
                              coin=coin, amount=amount, data={"type": kind})
        return self._ok(move.ref)

    async def inside_transfer(self, request: Request) -> dict[str, Any]:
        """``inside_transfer`` to a uid, phone or email; ``outBizId`` makes it idempotent."""
        key, body = await self._body(request)
        out_biz_id = body.get("outBizId")
        if out_biz_id is not None and (not isinstance(out_biz_id, str | int)
                                       or not 0 < len(str(out_biz_id)) <= 32):
            raise Refused(Refusal.INVALID, "outBizId must be 1-32 characters")
        out_biz_id = None if out_biz_id is None else str(out_biz_id)
        coin, amount = _coin_amount(body)
        remark = body.get("remark")
        if remark is not None and (not isinstance(remark, str) or len(remark) > 256):
            raise Refused(Refusal.INVALID, "remark must be text of at most 256 characters")
        to_type = body.get("toType")
        fields = _recipient_fields(to_type, body)
        fingerprint = "|".join([coin, canonical(amount), str(to_type), *fields.values(),
                                str(remark)])
        now = self._now()
        with self.store.txn() as txn:
            if out_biz_id is not None:
                first = txn.keyed(self.venue, key.owner, out_biz_id)
                if first is not None:
                    if first.fingerprint != fingerprint:
                        raise Refused(Refusal.INVALID, "outBizId reused")
                    return self._ok(first.ref)
            recipient = _find_user(to_type, fields)
            txn.change(self.venue, key.owner, "spot", coin, now_ms=now,
                       flow_type="inside_transfer_out", available=-amount, frozen=amount)
            incoming = txn.insert(
                venue=self.venue, user_id=recipient.uid, kind="inside_transfer_in", ref=_ref,
                state="pending", is_open=False, now_ms=now, coin=coin, amount=amount,
                data={"network": None, "fromAddress": key.owner, "toAddress": recipient.uid,
                      "transactionHash": None})
            move = txn.insert(
                venue=self.venue, user_id=key.owner, kind="inside_transfer_out", ref=_ref,
                state="pending", is_open=True, now_ms=now, coin=coin, amount=amount,
                idem_key=out_biz_id, fingerprint=fingerprint,
                data={"gross": plain(amount), "fee": "0", "toType": to_type, **fields,
                      "remark": remark, "outBizId": out_biz_id, "twin": incoming.ref})
        return self._ok(move.ref)

    async def withdraw(self, request: Request) -> dict[str, Any]:
        """``withdraw`` to a whitelisted address; the network's fee is taken from the
        amount (``amount - fee = arrival``)."""
        key, body = await self._body(request)
        coin, amount = _coin_amount(body)
        network_name, address = body.get("network"), body.get("address")
        network = next((n for n in BITUNIX_NETWORKS
                        if (n.coin, n.network) == (coin, network_name)), None)
        if network is None:
            raise Refused(Refusal.INVALID, "unknown network for this coin")
        if not isinstance(address, str) or not address:
            raise Refused(Refusal.INVALID, "address is required")
        memo = body.get("memo")
        if memo is not None and not isinstance(memo, str | int):
            raise Refused(Refusal.INVALID, "memo must be text")
        memo = None if memo in (None, "") else str(memo)
        if network.needs_memo and memo is None:
            raise Refused(Refusal.MEMO_REQUIRED)
        if whitelisted(self.venue, coin, network.network, address) is None:
            raise Refused(Refusal.NOT_WHITELISTED)
        if amount <= network.fee:
            raise Refused(Refusal.BELOW_MINIMUM)
        now = self._now()
        with self.store.txn() as txn:
            txn.change(self.venue, key.owner, "spot", coin, now_ms=now, flow_type="withdraw",
                       available=-amount, frozen=amount)
            move = txn.insert(
                venue=self.venue, user_id=key.owner, kind="withdraw", ref=_ref,
                state="pending", is_open=True, now_ms=now, coin=coin,
                amount=sub(amount, network.fee),
                data={"gross": plain(amount), "fee": plain(network.fee),
                      "network": network.network, "address": address, "memo": memo})
        return self._ok(move.ref)

    async def withdraw_cancel(self, request: Request) -> dict[str, Any]:
        """``withdraw/cancel``: only while ``pending`` (else 110012)."""
        return await self._cancel(request, "withdrawId", "withdraw")

    async def inside_transfer_cancel(self, request: Request) -> dict[str, Any]:
        """``inside_transfer/cancel``: only while ``pending`` (else 110012)."""
        return await self._cancel(request, "insideTransferId", "inside_transfer_out")

    async def _cancel(self, request: Request, field: str, kind: str) -> dict[str, Any]:
        key, body = await self._body(request)
        ref = body.get(field)
        if not isinstance(ref, str | int) or not str(ref):
            raise Refused(Refusal.INVALID, f"{field} is required")
        with self.store.txn() as txn:
            move = txn.by_ref(self.venue, str(ref))
            if move is None or move.kind != kind or move.user_id != key.owner:
                raise Refused(Refusal.INVALID, f"no such {field}")
            if move.state != "pending":
                raise Refused(Refusal.CANNOT_CANCEL)
            self._finish(txn, move, "cancelled", self._now())
        return self._ok(None)

    # -- reads --------------------------------------------------------------------

    async def withdraw_page(self, request: Request) -> dict[str, Any]:
        """``withdraw_transfer/page``: withdrawals and internal transfers out, newest first."""
        key, body = await self._body(request)
        rows = _filtered(self.store.moves(self.venue, key.owner, _OUT_KINDS), body,
                         ("id", "outBizId", "coin", "type", "transactionHash", "remark"))
        return self._ok([_out_record(m) for m in rows])

    async def deposit_page(self, request: Request) -> dict[str, Any]:
        """``deposit/page``: deposits and internal transfers in, newest first."""
        key, body = await self._body(request)
        rows = _filtered(self.store.moves(self.venue, key.owner, _IN_KINDS), body,
                         ("id", "coin", "type", "transactionHash"))
        return self._ok([_in_record(m) for m in rows])

    async def deposit_address(self, request: Request) -> dict[str, Any]:
        """``deposit/address``: every address of (coin, network), with memo where needed."""
        _, body = await self._body(request)
        coin, network = body.get("coin"), body.get("network")
        addresses = BITUNIX_DEPOSIT_ADDRESSES.get((coin, network))  # type: ignore[arg-type]
        if not addresses:
            raise Refused(Refusal.INVALID, "unknown coin or network")
        return self._ok([{"coin": coin, "network": network, "address": address, "memo": memo}
                         for address, memo in addresses])


# -- helpers --------------------------------------------------------------------------

def _coin_amount(body: dict[str, Any]) -> tuple[str, Decimal]:
    coin = body.get("coin")
    if not isinstance(coin, str) or coin.upper() not in BITUNIX_PRECISION:
        raise Refused(Refusal.INVALID, "unknown coin")
    coin = coin.upper()
    amount = positive_amount(body.get("amount"))
    if places(amount) > BITUNIX_PRECISION[coin]:
        raise Refused(Refusal.PRECISION)
    return coin, amount


def _recipient_fields(to_type: Any, body: dict[str, Any]) -> dict[str, str]:
    names = {"uid": ("toUid",), "phone": ("toPhoneCountryCode", "toPhoneNumber"),
             "email": ("toEmail",)}.get(to_type) if isinstance(to_type, str) else None
    if names is None:
        raise Refused(Refusal.INVALID, "toType must be uid, phone or email")
    values = {name: body.get(name) for name in names}
    if any(not isinstance(v, str | int) or isinstance(v, bool) or str(v) == ""
           for v in values.values()):
        raise Refused(Refusal.INVALID, f"{', '.join(names)} required for toType {to_type}")
    return {name: str(value) for name, value in values.items()}


def _find_user(to_type: Any, fields: dict[str, str]) -> BitunixUser:
    for user in BITUNIX_USERS:
        if (to_type == "uid" and fields["toUid"] == user.uid
                or to_type == "email" and fields["toEmail"].lower() == user.email
                or to_type == "phone"
                and (fields["toPhoneCountryCode"].lstrip("+"), fields["toPhoneNumber"])
                == (user.phone_country_code, user.phone_number)):
            return user
    raise Refused(Refusal.UNKNOWN_RECIPIENT)


def _integer(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or str(value).isdigit()):
        raise Refused(Refusal.INVALID, f"{name} must be an integer")
    return int(value)


def _value(move: Move, name: str) -> Any:
    if name == "id":
        return move.ref
    if name == "coin":
        return move.coin
    if name == "type":
        return move.kind
    return move.data.get(name)


def _filtered(moves: list[Move], body: dict[str, Any], exact: tuple[str, ...]) -> list[Move]:
    """Apply the documented filters (exact fields, ``startTime``/``endTime`` inclusive on
    ``ctime``) and ``limit`` (1-100, default 100) to moves already newest first."""
    start, end, limit = (_integer(body, "startTime"), _integer(body, "endTime"),
                         _integer(body, "limit"))
    if limit is None:
        limit = 100
    if not 1 <= limit <= 100:
        raise Refused(Refusal.INVALID, "limit must be 1-100")
    wanted = {name: str(body[name]) for name in exact if body.get(name) not in (None, "")}
    if "coin" in wanted:
        wanted["coin"] = wanted["coin"].upper()
    kept = [m for m in moves
            if all(str(_value(m, name)) == value for name, value in wanted.items())
            and (start is None or m.created_ms >= start) and (end is None or m.created_ms <= end)]
    return kept[:limit]


def _out_record(move: Move) -> dict[str, Any]:
    data, withdraw = move.data, move.kind == "withdraw"
    to_type = data.get("toType")
    return {
        "id": move.ref, "outBizId": data.get("outBizId"), "type": move.kind,
        "coin": move.coin, "amount": plain(move.amount), "status": move.state,
        "ctime": move.created_ms, "network": data.get("network"),
        "address": data.get("address"), "toAddress": data.get("address"),
        "transactionHash": data.get("transactionHash"), "feeCoin": move.coin,
        "fee": data.get("fee"), "memo": data.get("memo"),
        "toType": None if withdraw else to_type,
        "toUid": int(data["toUid"]) if to_type == "uid" else None,
        "toPhoneCountryCode": data.get("toPhoneCountryCode"),
        "toPhoneNumber": data.get("toPhoneNumber"), "toEmail": data.get("toEmail"),
        "remark": data.get("remark"),
    }


def _in_record(move: Move) -> dict[str, Any]:
    data = move.data
    return {"id": move.ref, "transactionHash": data.get("transactionHash"), "coin": move.coin,
            "network": data.get("network"), "type": move.kind,
            "fromAddress": data.get("fromAddress"), "toAddress": data.get("toAddress"),
            "amount": plain(move.amount), "status": move.state, "ctime": move.created_ms}
