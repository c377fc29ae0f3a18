"""BHEX money endpoints (doc 004): sub-account transfers, balance flow, deposit address,
withdrawal quota, withdrawals keyed by ``client_order_id`` and their history.

A withdrawal freezes ``quantity`` in the main spot account (1/0) and walks its statuses
2 s apart on the sandbox clock: 1 (broker audit, above the token's audit threshold) or 3,
then 5, 8, 6 (frozen consumed); demo addresses marked to fail end in 2, 4 or 7 (refunded).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import MoneyError, dumps_exact, loads_exact, plain, to_decimal
from tui.sandbox.demo_money import (BHEX_WITHDRAW_RULES, DEMO_TRADE_PASSWORD, BhexWithdrawRule,
                                    fake_hash, whitelisted)
from tui.sandbox.ledger import SubAccount
from tui.sandbox.moves import (Move, MoveStore, Txn, add, canonical, mul, page_desc, places,
                               sub)
from tui.sandbox.service import Refusal, Refused, same_digest

__all__ = ["BhexMoves", "STEP_MS", "STATUS_CODES", "arrival"]

STEP_MS = 2000
"""Time between two withdrawal statuses on the sandbox clock."""

STATUS_CODES = {1: ("BROKER_AUDITING_STATUS", "Broker Auditing"),
                2: ("BROKER_REJECT_STATUS", "Broker Rejected"),
                3: ("AUDITING_STATUS", "Auditing"),
                4: ("AUDIT_REJECT_STATUS", "Audit Rejected"),
                5: ("PROCESSING_STATUS", "Processing"),
                6: ("WITHDRAWAL_SUCCESS_STATUS", "Withdrawal Successful"),
                7: ("WITHDRAWAL_FAILURE_STATUS", "Withdrawal Failed"),
                8: ("BLOCK_MINING_STATUS", "Block Mining")}
"""The document's withdrawal statuses."""

_FAILED = {2, 4, 7}
_ORDER_BASE = 423885103582776064
_FLOW_BASE = 393070060570204672
_DAY_MS = 24 * 3600 * 1000


def arrival(rule: BhexWithdrawRule, quantity: Decimal, miner_fee: Decimal) -> Decimal:
    """The document's arrival formula for ``quantity`` with the chosen ``miner_fee``."""
    fee = add(rule.platform_fee, rule.broker_fee)
    if rule.token == rule.miner_fee_token:
        return sub(sub(quantity, fee), miner_fee)
    converted_miner = mul(miner_fee, rule.convert_rate)
    if rule.token == rule.fee_token:
        return sub(sub(quantity, fee), converted_miner)
    return sub(sub(quantity, mul(rule.convert_rate, fee)), converted_miner)


def _steps(first: int, outcome: str | None) -> list[int]:
    if outcome == "broker_reject":
        return [1, 2]
    if outcome == "audit_reject":
        return [first, 4]
    return [first, 5, 8, 7 if outcome == "chain_fail" else 6]


class BhexMoves:
    """Mixin for :class:`~tui.sandbox.bhex.BhexService`: the money endpoints."""

    venue: str
    store: MoveStore

    def move_routes(self) -> list[Route]:
        """The money endpoints."""
        route = self.route  # type: ignore[attr-defined]
        org = "/api/v2/org"
        return [
            route(f"{org}/account/sub_account/transfer", self.sub_account_transfer, ["POST"],
                  write=True),
            route(f"{org}/account/balance_flow", self.balance_flow, ["GET"]),
            route(f"{org}/asset/deposit/address", self.deposit_address, ["GET"]),
            route(f"{org}/asset/withdraw/quota_info", self.quota_info, ["GET"]),
            route(f"{org}/asset/withdraw", self.withdraw, ["POST"], write=True),
            route(f"{org}/asset/withdraw/order", self.withdraw_order, ["GET"]),
            route(f"{org}/asset/withdraw/order/detail", self.withdraw_detail, ["GET"]),
        ]

    async def _params(self, request: Request) -> tuple[list[SubAccount], dict[str, str]]:
        _, params = await self.authenticate(request)  # type: ignore[attr-defined]
        return self._user_accounts(params), params  # type: ignore[attr-defined]

    def _now(self) -> int:
        return self.now_ms()  # type: ignore[attr-defined,no-any-return]

    # -- state machine ------------------------------------------------------------

    def advance(self) -> None:
        """Walk every open withdrawal to the status its age gives it."""
        now = self._now()
        with self.store.txn() as txn:
            for move in txn.open_moves(self.venue):
                steps = move.data["steps"]
                index = min((now - move.created_ms) // STEP_MS, len(steps) - 1)
                if steps[index] != int(move.state):
                    self._reach(txn, move, steps[index], move.created_ms + index * STEP_MS)

    def _reach(self, txn: Txn, move: Move, status: int, when: int) -> None:
        final = status in _FAILED or status == 6
        if final:
            txn.change(self.venue, move.user_id, "1", move.coin, now_ms=when,
                       flow_type="Withdraw", frozen=-move.amount,
                       available=move.amount if status in _FAILED else Decimal(0))
        extra: dict[str, Any] = {}
        if status in (5, 8, 6, 7) and not move.data.get("walletHandleTime"):
            extra["walletHandleTime"] = str(when)
        if status in (8, 6):
            extra["txid"] = fake_hash("bhex-withdraw", move.ref)
        txn.set_state(move.seq, str(status), is_open=not final, now_ms=when, data=extra)

    # -- transfers ----------------------------------------------------------------

    async def sub_account_transfer(self, request: Request) -> dict[str, Any]:
        """``sub_account/transfer``: between the main spot account (1/0) and another of the
        key's own user's accounts (the document lists no ``user_id``); ``{"success": true}``."""
        key, params = await self.authenticate(request)  # type: ignore[attr-defined]
        subs = self.key_accounts(key.api_key)  # type: ignore[attr-defined]
        ends = []
        for side, type_default in (("from", "1"), ("to", "1")):
            account_type = params.get(f"{side}_account_type") or type_default
            index = params.get(f"{side}_account_index", "")
            if not account_type.isdigit() or not index.isdigit():
                raise Refused(Refusal.INVALID, f"{side}_account_type/index must be integers")
            end = (str(int(account_type)), int(index))
            if not any((s.account_type, s.account_index) == end for s in subs):
                raise Refused(Refusal.INVALID, f"no such {side} account")
            ends.append(end)
        if ends[0] == ends[1] or ("1", 0) not in ends:
            raise Refused(Refusal.INVALID, "one side must be the main spot account 1/0")
        rule, amount = _token_amount(params, "amount")
        now, user = self._now(), subs[0].user_id
        with self.store.txn() as txn:
            for (account_type, index), sign in zip(ends, (-1, 1), strict=True):
                txn.change(self.venue, user, account_type, rule.token, account_index=index,
                           now_ms=now, flow_type="Transfer",
                           available=amount if sign > 0 else -amount)
        return {"success": True}

    async def balance_flow(self, request: Request) -> dict[str, Any]:
        """``balance_flow``: one account's flow records, newest first, ids exclusive."""
        subs, params = await self._params(request)
        account_type = params.get("account_type") or "1"
        index = _int(params, "account_index") or 0
        account = next((s for s in subs if (s.account_type, s.account_index)
                        == (account_type, index)), None)
        if account is None:
            raise Refused(Refusal.INVALID, "no such account")
        token, start, end = params.get("token_id"), _int(params, "start_time"), _int(
            params, "end_time")
        flows = [f for f in self.store.flows(self.venue, account.user_id)
                 if (f.account_type, f.account_index) == (account_type, index)
                 and (not token or f.coin == token)
                 and (start is None or f.created_ms >= start)
                 and (end is None or f.created_ms <= end)]
        page = page_desc(flows, lambda f: _FLOW_BASE + f.id, from_id=_int(params, "from_id"),
                         to_id=_int(params, "to_id"), limit=_limit(params))
        return {"status": 0, "data": [
            {"id": str(_FLOW_BASE + f.id), "accountId": account.account_id, "tokenId": f.coin,
             "tokenName": f.coin, "flowType": f.flow_type, "change": plain(f.change),
             "total": plain(f.total), "created": str(f.created_ms)} for f in page]}

    async def deposit_address(self, request: Request) -> dict[str, Any]:
        """``deposit/address``: the user's address for a token (tag where needed)."""
        subs, params = await self._params(request)
        rule = _rule(params)
        user = subs[0].user_id
        digest = hashlib.sha256(f"bhex-deposit:{user}:{rule.token}".encode()).hexdigest()
        address = ("bhexdeposit1" if rule.need_tag
                   else "0x" + digest[:40] if rule.token in ("ETH", "USDT")
                   else "1" + digest[:33])
        return {"status": 0, "data": {
            "allowDeposit": True, "address": address,
            "addressExt": user if rule.need_tag else "", "minQuantity": plain(rule.deposit_min),
            "needAddressTag": rule.need_tag, "requiredConfirmNum": rule.confirmations}}

    # -- withdrawals --------------------------------------------------------------

    async def quota_info(self, request: Request) -> dict[str, Any]:
        """``withdraw/quota_info``: available, minimum, quota, fees, miner fee range."""
        subs, params = await self._params(request)
        rule = _rule(params)
        user = subs[0].user_id
        main = self.ledger.accounts(self.venue, user, account_type="1",  # type: ignore
                                    account_index=0, coins=[rule.token])
        fee = add(rule.platform_fee, rule.broker_fee)
        return {"status": 0, "data": {
            "allowWithdraw": True, "refuseReason": "",
            "available": plain(main[0].available) if main else "0",
            "minQuantity": plain(rule.min_quantity), "dayQuota": plain(rule.day_quota),
            "usedQuota": plain(self._used_quota(user, rule.token)),
            "needConvert": rule.fee_token != rule.token,
            "convertRate": plain(rule.convert_rate),
            "feeTokenId": rule.fee_token, "feeTokenName": rule.fee_token,
            "platformFee": plain(rule.platform_fee), "brokerFee": plain(rule.broker_fee),
            "fee": plain(fee), "convertFee": plain(mul(rule.convert_rate, fee)),
            "minerFeeTokenId": rule.miner_fee_token, "minerFeeTokenName": rule.miner_fee_token,
            "minMinerFee": plain(rule.min_miner_fee), "maxMinerFee": plain(rule.max_miner_fee),
            "suggestMinerFee": plain(rule.suggest_miner_fee),
            "needAddressTag": rule.need_tag, "minPrecision": rule.precision}}

    def _used_quota(self, user: str, token: str) -> Decimal:
        since = self._now() - _DAY_MS
        return sum((m.amount for m in self.store.moves(self.venue, user, ("withdraw",))
                    if m.coin == token and m.created_ms > since
                    and int(m.state) not in _FAILED), Decimal(0))

    async def withdraw(self, request: Request) -> dict[str, Any] | Any:
        """``withdraw``: checks, then freezes ``quantity``; a repeated ``client_order_id``
        returns the first reply and moves nothing."""
        subs, params = await self._params(request)
        user = subs[0].user_id
        rule = _rule(params)
        order_key = params.get("client_order_id", "")
        if not order_key.isdigit():
            raise Refused(Refusal.INVALID, "client_order_id must be a long")
        quantity, miner_fee = _decimal(params, "quantity"), _decimal(params, "miner_fee")
        if quantity <= 0 or miner_fee < 0:
            raise Refused(Refusal.INVALID, "quantity must be positive")
        expected = hashlib.md5(DEMO_TRADE_PASSWORD.encode()).hexdigest()
        if not same_digest(expected, params.get("trade_password")):
            raise Refused(Refusal.BAD_TRADE_PASSWORD)
        address, tag = params.get("address", ""), params.get("address_ext", "")
        fingerprint = "|".join((rule.token, address, tag, canonical(quantity),
                                canonical(miner_fee)))
        now = self._now()
        with self.store.txn() as txn:
            first = txn.keyed(self.venue, user, order_key)
            if first is not None:
                if first.fingerprint != fingerprint:
                    raise Refused(Refusal.INVALID, "client_order_id reused")
                return loads_exact(first.reply or "{}")
            if places(quantity) > rule.precision:
                raise Refused(Refusal.PRECISION)
            if _decimal(params, "convert_rate") != rule.convert_rate:
                raise Refused(Refusal.INVALID, "convert_rate differs from quota_info")
            if not rule.min_miner_fee <= miner_fee <= rule.max_miner_fee:
                raise Refused(Refusal.INVALID, "miner_fee out of range")
            entry = whitelisted(self.venue, rule.token, "", address)
            if entry is None:
                raise Refused(Refusal.NOT_WHITELISTED)
            if rule.need_tag and not tag:
                raise Refused(Refusal.MEMO_REQUIRED)
            arrive = arrival(rule, quantity, miner_fee)
            if quantity < rule.min_quantity or arrive <= 0:
                raise Refused(Refusal.BELOW_MINIMUM)
            if add(self._used_quota_in(txn, user, rule.token, now), quantity) > rule.day_quota:
                raise Refused(Refusal.QUOTA_EXCEEDED)
            txn.change(self.venue, user, "1", rule.token, now_ms=now, flow_type="Withdraw",
                       available=-quantity, frozen=quantity)
            audit = quantity > rule.audit_above or entry.outcome == "broker_reject"
            steps = _steps(1 if audit else 3, entry.outcome)
            main = next(s for s in subs if (s.account_type, s.account_index) == ("1", 0))
            fee = add(rule.platform_fee, rule.broker_fee)
            move = txn.insert(
                venue=self.venue, user_id=user, kind="withdraw", ref=lambda seq: str(
                    _ORDER_BASE + seq), state=str(steps[0]), is_open=True, now_ms=now,
                coin=rule.token, amount=quantity, idem_key=order_key, fingerprint=fingerprint,
                data={"steps": steps, "address": address, "addressExt": tag,
                      "arriveQuantity": plain(arrive), "accountId": main.account_id,
                      "feeTokenId": rule.fee_token, "fee": plain(fee),
                      "minerFee": plain(miner_fee), "requiredConfirmNum": rule.confirmations})
            reply = {"status": 0, "data": {"success": True, "needBrokerAudit": audit,
                                           "orderId": move.ref}}
            txn.set_reply(move.seq, dumps_exact(reply))
        return reply

    def _used_quota_in(self, txn: Txn, user: str, token: str, now: int) -> Decimal:
        rows = txn.db.execute(
            "SELECT amount, state FROM moves WHERE venue = ? AND user_id = ? AND kind = "
            "'withdraw' AND coin = ? AND created_ms > ?",
            (self.venue, user, token, now - _DAY_MS)).fetchall()
        return sum((Decimal(a) for a, state in rows if int(state) not in _FAILED), Decimal(0))

    async def withdraw_order(self, request: Request) -> dict[str, Any]:
        """``withdraw/order``: the user's withdrawals, newest first, ids exclusive."""
        subs, params = await self._params(request)
        token, start, end = (params.get("token_id"), _int(params, "start_time"),
                             _int(params, "end_time"))
        moves = [m for m in self.store.moves(self.venue, subs[0].user_id, ("withdraw",))
                 if (not token or m.coin == token)
                 and (start is None or m.created_ms >= start)
                 and (end is None or m.created_ms <= end)]
        rows = [_order(m) for m in moves] + [
            r for r in self._seeded_withdrawals(subs[0].user_id)
            if (not token or r["tokenId"] == token)
            and (start is None or int(r["time"]) >= start)
            and (end is None or int(r["time"]) <= end)]
        page = page_desc(rows, lambda r: int(r["orderId"]), from_id=_int(params, "from_id"),
                         to_id=_int(params, "to_id"), limit=_limit(params))
        return {"status": 0, "data": page}

    def _seeded_withdrawals(self, user_id: str) -> list[dict[str, Any]]:
        """The statistics' seeded withdrawals of ``user_id`` (tui/sandbox/bhex_seeded.py)."""
        from tui.sandbox.bhex_seeded import seeded_orders

        return seeded_orders(getattr(self, "seeded_withdrawals", ()), user_id)

    async def withdraw_detail(self, request: Request) -> dict[str, Any]:
        """``withdraw/order/detail``: one withdrawal by ``order_id``."""
        subs, params = await self._params(request)
        order_id = params.get("order_id", "")
        found = [_order(m) for m in self.store.moves(self.venue, subs[0].user_id,
                                                     ("withdraw",)) if m.ref == order_id]
        found += [r for r in self._seeded_withdrawals(subs[0].user_id)
                  if r["orderId"] == order_id]
        if not found:
            raise Refused(Refusal.INVALID, "no such order_id")
        return {"status": 0, "data": found[0]}


def _order(move: Move) -> dict[str, Any]:
    data, status = move.data, int(move.state)
    code, desc = STATUS_CODES[status]
    return {"time": str(move.created_ms), "orderId": move.ref, "accountId": data["accountId"],
            "tokenId": move.coin, "tokenName": move.coin, "address": data["address"],
            "addressExt": data["addressExt"], "quantity": plain(move.amount),
            "arriveQuantity": data["arriveQuantity"], "status": status, "statusCode": code,
            "statusDesc": desc, "txid": data.get("txid", ""), "txidUrl": "",
            "walletHandleTime": data.get("walletHandleTime", ""),
            "requiredConfirmNum": data["requiredConfirmNum"],
            "confirmNum": data["requiredConfirmNum"] if status == 6 else 0, "kernelId": "",
            "isInternalTransfer": False, "feeTokenId": data["feeTokenId"],
            "feeTokenName": data["feeTokenId"], "fee": data["fee"]}


def _rule(params: dict[str, str]) -> BhexWithdrawRule:
    rule = BHEX_WITHDRAW_RULES.get(params.get("token_id", ""))
    if rule is None:
        raise Refused(Refusal.INVALID, "unknown token_id")
    return rule


def _decimal(params: dict[str, str], name: str) -> Decimal:
    try:
        return to_decimal(params.get(name, ""))
    except MoneyError:
        raise Refused(Refusal.INVALID, f"{name} must be a number") from None


def _token_amount(params: dict[str, str], name: str) -> tuple[BhexWithdrawRule, Decimal]:
    rule = _rule(params)
    amount = _decimal(params, name)
    if amount <= 0:
        raise Refused(Refusal.INVALID, f"{name} must be positive")
    if places(amount) > rule.precision:
        raise Refused(Refusal.PRECISION)
    return rule, amount


def _int(params: dict[str, str], name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():  # type: ignore[union-attr]
        raise Refused(Refusal.INVALID, f"{name} must be an integer")
    return int(value)  # type: ignore[arg-type]


def _limit(params: dict[str, str]) -> int:
    """An asset list's ``limit``: the document's default 20 and no maximum (docs/wire.md,
    BHEX list limits); a malformed value is -1100 like every other asset-list parameter."""
    limit = _int(params, "limit")
    if limit is None:
        return 20
    if limit < 1:
        raise Refused(Refusal.INVALID, "limit must be a positive integer")
    return limit
