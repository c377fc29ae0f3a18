"""Bitunix spot open API, user section: the adapter for venue id ``bitunix``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from tui.core.errors import (
    AuthError,
    InsufficientFunds,
    InvalidRequest,
    NotWhitelisted,
    RateLimited,
    VenueError,
)
from tui.core.models import AccountKind, AccountRef, Balance
from tui.core.money import EXACT, to_decimal
from tui.core.moves import (
    LookupCandidate,
    LookupResult,
    MoveKind,
    MoveReceipt,
    MoveRequest,
    MoveStatus,
    Settlement,
    WithdrawQuote,
)
from tui.venues.base import LOOKUP_MARGIN_MS, Capability, HttpVenue, OutgoingRequest, json_text
from tui.venues.base import reads_reply, wire_amount
from tui.venues.clock import DateClockMixin
from tui.venues.history_bitunix import MAX_PAGE, BitunixHistoryMixin, walk_by_time
from tui.venues.lookup_walk import search_history
from tui.venues.signers import bitunix_sign, nonce

__all__ = ["BitunixVenue", "CoinNetwork", "WITHDRAW_TABLE"]

_ERRORS: dict[str, type[VenueError]] = {
    "100001": InvalidRequest,  # Parameter error
    "100003": AuthError,  # Timestamp expired
    "100004": AuthError,  # API key not exist
    "100005": AuthError,  # Signature error
    "110003": InsufficientFunds,  # Insufficient balance
    "110004": InvalidRequest,  # Amount precision exceeded
    "110007": InsufficientFunds,  # Amount below fee
    "110008": NotWhitelisted,  # Address not whitelisted
    "110009": InvalidRequest,  # Memo required
    "110010": InvalidRequest,  # Recipient not found
    "110012": InvalidRequest,  # Cannot cancel in current status
    "110041": RateLimited,  # Too many requests
}
_MESSAGES: dict[str, str] = {
    "110004": "the amount has more decimals than the coin allows; remove the extra digits",
    "110007": "the amount does not cover the withdrawal fee; raise the amount",
    "110008": "the address or account is not on the withdrawal whitelist",
    "110009": "this coin needs a memo/tag on this network; add the memo",
    "110010": "no Bitunix user matches this recipient; check the uid, email or phone",
    "110012": "it can no longer be cancelled (it is past the pending stage)",
}

SPOT = AccountRef(kind=AccountKind.SPOT)
FUTURES = AccountRef(kind=AccountKind.FUTURES)
_TRANSFER_TYPES = {(SPOT, FUTURES): "spot_futures", (FUTURES, SPOT): "futures_spot"}
_STATUSES = {
    "verification": MoveStatus.PENDING,
    "pending": MoveStatus.PENDING,
    "success": MoveStatus.DONE,
    "fail": MoveStatus.FAILED,
    "cancelled": MoveStatus.CANCELLED,
}


@dataclass(frozen=True)
class _Row:
    """A raw history row with the id and time :func:`walk_by_time` pages by."""

    id: str
    time_ms: int
    raw: dict[str, Any]


@dataclass(frozen=True)
class CoinNetwork:
    """What coinsole knows of withdrawing one coin on one Bitunix network."""

    network: str
    fee: Decimal
    precision: int
    needs_memo: bool = False


WITHDRAW_TABLE: dict[str, tuple[CoinNetwork, ...]] = {
    "USDT": (CoinNetwork("Tron (TRC-20)", Decimal("1"), 6),
             CoinNetwork("Ethereum (ERC-20)", Decimal("4.5"), 6),
             CoinNetwork("EOS", Decimal("0.5"), 6, needs_memo=True)),
    "TRX": (CoinNetwork("Tron (TRC-20)", Decimal("1"), 6),),
    "BTC": (CoinNetwork("Bitcoin", Decimal("0.0002"), 8),),
    "ETH": (CoinNetwork("Ethereum (ERC-20)", Decimal("0.002"), 18),),
}
"""Withdrawal fee (charged in the coin, out of the amount), amount precision and memo
rule per coin and network. Bitunix's document refers to a "coin data" endpoint for these
but does not describe it, so coinsole keeps this static table (the same numbers the
sandbox charges); the first network of a coin is its default."""


class BitunixVenue(DateClockMixin, BitunixHistoryMixin, HttpVenue):
    """Bitunix spot: ``{code, msg, data, success}`` replies, double-SHA256 signed headers."""

    venue_id = "bitunix"
    stale_timestamp_codes = frozenset({"100003"})  # tui/venues/clock.py
    capabilities = frozenset({Capability.BALANCES, Capability.TRANSFER,
                              Capability.INTERNAL_TRANSFER, Capability.WITHDRAW,
                              Capability.WITHDRAW_HISTORY, Capability.DEPOSIT_HISTORY})
    rate_limit = (10, 1.0)

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Add ``api-key``, ``nonce``, ``timestamp`` and ``sign`` over the query and exact body."""
        api_key = self.credentials.api_key.get_secret_value()
        nonce_, timestamp = nonce(32), str(now_ms)
        signature = bitunix_sign(self.credentials.secret.get_secret_value(), api_key, nonce_,
                                 timestamp, request.params, request.json_body or "")
        request.headers.update({
            "api-key": api_key,
            "nonce": nonce_,
            "timestamp": timestamp,
            "sign": signature,
            "Content-Type": "application/json",
        })
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """``data`` when ``code`` is ``"0"``; otherwise the typed error for the code."""
        details = payload if isinstance(payload, dict) else {}
        code = details.get("code")
        if status_code < 400 and str(code) == "0":
            return details.get("data")
        kind = _ERRORS.get(str(code), AuthError if status_code == 401 else VenueError)
        raise self.venue_error(kind, code, details.get("msg"), _MESSAGES.get(str(code)))

    async def spot_user_account(self) -> list[dict[str, Any]]:
        """``GET /api/spot/v1/user/account``: rows of ``coin``, ``balance``, ``balanceLocked``."""
        return await self.request("GET", "/api/spot/v1/user/account", read=True) or []

    @reads_reply
    async def balances(self) -> list[Balance]:
        """One spot balance per coin: ``balance`` is available, ``balanceLocked`` frozen."""
        account = AccountRef(kind=AccountKind.SPOT)
        rows = await self.spot_user_account()
        if not isinstance(rows, list):
            raise TypeError("data is not a list")
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account, coin=row["coin"],
                    available=wire_amount(row["balance"]),
                    frozen=wire_amount(row["balanceLocked"]))
            for row in rows
        ]

    # -- moving money: the endpoints -------------------------------------------------

    async def _post(self, path: str, fields: dict[str, Any], *, read: bool) -> Any:
        return await self.request("POST", path, json_body=json_text(fields), read=read)

    async def funds_transfer(self, type_: str, coin: str, amount: Decimal) -> str:
        """``POST /api/spot/v1/funds_transfer``: ``spot_futures`` or ``futures_spot``;
        returns the ``transferId``. The venue has no key for it (settlement NONE)."""
        return str(await self._post("/api/spot/v1/funds_transfer",
                                    {"type": type_, "coin": coin, "amount": amount}, read=False))

    async def inside_transfer(self, out_biz_id: str, coin: str, amount: Decimal,
                              to_type: str, *, to_uid: int | None = None,
                              to_phone_country_code: str | None = None,
                              to_phone_number: str | None = None, to_email: str | None = None,
                              remark: str | None = None) -> str:
        """``POST /api/spot/v1/inside_transfer``: to another Bitunix user by ``uid``,
        ``phone`` or ``email``; ``outBizId`` (<= 32 chars) is the venue's idempotency key.
        Returns the ``insideTransferId``."""
        fields = {"outBizId": out_biz_id, "coin": coin, "amount": amount, "toType": to_type,
                  "toUid": to_uid, "toPhoneCountryCode": to_phone_country_code,
                  "toPhoneNumber": to_phone_number, "toEmail": to_email, "remark": remark}
        return str(await self._post("/api/spot/v1/inside_transfer", fields, read=False))

    async def inside_transfer_cancel(self, inside_transfer_id: str) -> None:
        """``POST /api/spot/v1/inside_transfer/cancel``: only while ``pending``."""
        await self._post("/api/spot/v1/inside_transfer/cancel",
                         {"insideTransferId": inside_transfer_id}, read=False)

    async def withdraw(self, coin: str, network: str, address: str, amount: Decimal,
                       memo: str | None = None) -> str:
        """``POST /api/spot/v1/withdraw`` to a whitelisted address; ``amount - fee``
        arrives. Returns the ``withdrawId``. No key: settled by lookup."""
        fields = {"coin": coin, "network": network, "address": address, "amount": amount,
                  "memo": memo}
        return str(await self._post("/api/spot/v1/withdraw", fields, read=False))

    async def withdraw_cancel(self, withdraw_id: str) -> None:
        """``POST /api/spot/v1/withdraw/cancel``: only while ``pending``."""
        await self._post("/api/spot/v1/withdraw/cancel", {"withdrawId": withdraw_id},
                         read=False)

    async def withdraw_transfer_page(self, *, id: str | None = None,
                                     out_biz_id: str | None = None, coin: str | None = None,
                                     transaction_hash: str | None = None,
                                     type_: str | None = None, start_time: int | None = None,
                                     end_time: int | None = None, remark: str | None = None,
                                     limit: int | None = None) -> list[dict[str, Any]]:
        """``POST /api/spot/v1/withdraw_transfer/page``: withdrawals and inside transfers
        out, filtered as documented. A record's ``amount`` is what arrives."""
        fields = {"id": id, "outBizId": out_biz_id, "coin": coin,
                  "transactionHash": transaction_hash, "type": type_, "startTime": start_time,
                  "endTime": end_time, "remark": remark, "limit": limit}
        return await self._post("/api/spot/v1/withdraw_transfer/page", fields, read=True) or []

    async def deposit_page(self, *, id: str | None = None, coin: str | None = None,
                           type_: str | None = None, transaction_hash: str | None = None,
                           start_time: int | None = None, end_time: int | None = None,
                           limit: int | None = None) -> list[dict[str, Any]]:
        """``POST /api/spot/v1/deposit/page``: deposits and inside transfers in."""
        fields = {"id": id, "coin": coin, "type": type_, "transactionHash": transaction_hash,
                  "startTime": start_time, "endTime": end_time, "limit": limit}
        return await self._post("/api/spot/v1/deposit/page", fields, read=True) or []

    # -- moving money: the Venue contract ---------------------------------------------

    def transfer_routes(self) -> list[tuple[AccountRef, AccountRef]]:
        """Spot -> futures and futures -> spot."""
        return list(_TRANSFER_TYPES)

    def settlement(self, request: MoveRequest) -> Settlement:
        """``funds_transfer`` NONE; ``inside_transfer`` KEYED by ``outBizId``;
        ``withdraw`` LOOKUP in ``withdraw_transfer/page``."""
        return {MoveKind.TRANSFER: Settlement.NONE,
                MoveKind.INTERNAL_TRANSFER: Settlement.KEYED,
                MoveKind.WITHDRAW: Settlement.LOOKUP}[request.kind]

    def new_client_key(self, kind: MoveKind) -> str:
        """An ``outBizId``: 32 lower-case hex digits (the documented maximum length)."""
        return uuid.uuid4().hex

    async def submit_move(self, request: MoveRequest, *,
                          trade_password: SecretStr | None = None) -> MoveReceipt:
        """``funds_transfer``, ``inside_transfer`` (``outBizId`` = ``client_key``) or
        ``withdraw``, by ``request.kind``."""
        if request.kind is MoveKind.TRANSFER:
            route = (request.from_account, request.to_account)
            if route not in _TRANSFER_TYPES:
                raise InvalidRequest(self.venue_id, "Bitunix transfers go between spot and "
                                                    "futures; choose those accounts")
            transfer_id = await self.funds_transfer(_TRANSFER_TYPES[route], request.coin,
                                                    request.amount)
            return MoveReceipt(venue_ref=transfer_id, status=MoveStatus.DONE,
                               evidence=f"the venue's reply: transferId {transfer_id}")
        if request.kind is MoveKind.INTERNAL_TRANSFER:
            transfer_id = await self.inside_transfer(request.client_key, request.coin,
                                                     request.amount, **self._to(request))
            return MoveReceipt(venue_ref=transfer_id, status=MoveStatus.PENDING,
                               venue_status="pending",
                               evidence=f"the venue's reply: insideTransferId {transfer_id} "
                                        f"for outBizId {request.client_key}")
        network = request.network or self._default_network(request.coin)
        withdraw_id = await self.withdraw(request.coin, network, request.address or "",
                                          request.amount, request.memo or None)
        fee = self._table_fee(request.coin, network)
        return MoveReceipt(
            venue_ref=withdraw_id, status=MoveStatus.PENDING, venue_status="pending",
            fee=fee, fee_coin=request.coin if fee is not None else None,
            arrival=None if fee is None else EXACT.subtract(request.amount, fee),
            evidence=f"the venue's reply: withdrawId {withdraw_id}"
                     + ("" if fee is None else "; fee from coinsole's Bitunix fee table"))

    def _to(self, request: MoveRequest) -> dict[str, Any]:
        recipient = request.recipient
        assert recipient is not None
        fields: dict[str, Any] = {"to_type": recipient.kind, "remark": request.remark}
        if recipient.kind == "uid":
            if not (recipient.value.isascii() and recipient.value.isdigit()):
                raise InvalidRequest(self.venue_id, "a Bitunix uid is digits only; check it")
            fields["to_uid"] = int(recipient.value)
        elif recipient.kind == "email":
            fields["to_email"] = recipient.value
        else:
            fields["to_phone_country_code"] = (recipient.country_code or "").lstrip("+") or None
            fields["to_phone_number"] = recipient.value
        return fields

    def _default_network(self, coin: str) -> str:
        networks = WITHDRAW_TABLE.get(coin.upper())
        if not networks:
            raise InvalidRequest(self.venue_id, f"choose the network to withdraw {coin} on")
        return networks[0].network

    def _table_entry(self, coin: str, network: str | None) -> CoinNetwork | None:
        for entry in WITHDRAW_TABLE.get(coin.upper(), ()):
            if network is None or entry.network == network:
                return entry
        return None

    def _table_fee(self, coin: str, network: str | None) -> Decimal | None:
        entry = self._table_entry(coin, network)
        return entry.fee if entry else None

    async def lookup_move(self, request: MoveRequest, *, venue_ref: str | None,
                          sent_after_ms: int) -> LookupResult:
        """Every record that could be ``request``'s; the journal decides which, if any.

        By id when known, an inside transfer by ``outBizId`` (both proof). A withdrawal
        (no client key at Bitunix) by the ``type=withdraw`` records of the coin whose
        address, network and amount (record amount + fee = requested amount) agree, read
        newest first page by page (``endTime`` walk, :func:`walk_by_time`) until the
        records are older than ``sent_after_ms`` minus :data:`LOOKUP_MARGIN_MS`, at most
        :data:`LOOKUP_MAX_PAGES` pages. A ``funds_transfer`` cannot be looked up."""
        if request.kind is MoveKind.TRANSFER:
            return LookupResult(
                supported=False,
                reason="a Bitunix spot/futures funds_transfer has no client key and no "
                       "history endpoint: it cannot be looked up at the venue")
        if venue_ref:
            records = await self.withdraw_transfer_page(id=venue_ref)
            return LookupResult(
                candidates=tuple(self._candidate(r, proof=f"record {venue_ref} found by its id")
                                 for r in records if str(r.get("id")) == venue_ref),
                pages=1, searched=f"withdraw_transfer/page id {venue_ref}")
        if request.kind is MoveKind.INTERNAL_TRANSFER:
            key = request.client_key
            records = await self.withdraw_transfer_page(out_biz_id=key)
            return LookupResult(
                candidates=tuple(
                    self._candidate(r, proof=f"record {r.get('id')} found by outBizId {key}")
                    for r in records if r.get("outBizId") == key),
                pages=1, searched=f"withdraw_transfer/page outBizId {key}")
        since = sent_after_ms - LOOKUP_MARGIN_MS

        async def fetch(end_ms: int | None, limit: int) -> list[_Row]:
            rows = await self.withdraw_transfer_page(type_="withdraw", coin=request.coin,
                                                     end_time=end_ms, limit=limit)
            return [_Row(str(r.get("id")), int(r.get("ctime") or 0), r) for r in rows]

        def match(row: _Row) -> LookupCandidate | None:
            reason = self._withdraw_match(row.raw, request)
            return self._candidate(row.raw, matched=reason) if reason else None

        return await search_history(
            walk_by_time(fetch, limit=MAX_PAGE), since_ms=since,
            time_ms=lambda row: row.time_ms, match=match,
            searched=f"withdraw_transfer/page type withdraw, coin {request.coin}, newest "
                     f"first back to {since}")

    def _candidate(self, record: dict[str, Any], *, proof: str = "",
                   matched: str = "") -> LookupCandidate:
        amount = record.get("amount")
        return LookupCandidate(
            receipt=self._record_receipt(record, proof or f"record {record.get('id')} matches: "
                                                          f"{matched}"),
            time_ms=None if record.get("ctime") in (None, "") else int(record["ctime"]),
            amount=None if amount in (None, "") else to_decimal(amount),
            proof=proof, matched=matched)

    def _withdraw_match(self, record: dict[str, Any], request: MoveRequest) -> str | None:
        """Which fields of ``record`` agree with ``request``'s withdrawal, or None when one
        does not (the time is judged by the journal, not here)."""
        address = record.get("toAddress") or record.get("address")
        if record.get("type") != "withdraw" or record.get("coin") != request.coin:
            return None
        if address != request.address:
            return None
        if request.network and record.get("network") and record["network"] != request.network:
            return None
        if record.get("amount") in (None, ""):
            return None
        arrival = to_decimal(record["amount"])
        if record.get("fee") is not None:
            fee, fee_source = to_decimal(record["fee"]), "the record's fee"
        else:
            fee = self._table_fee(request.coin, request.network) or Decimal(0)
            fee_source = "the fee table's fee"
        if EXACT.add(arrival, fee) != request.amount:
            return None
        return (f"coin {request.coin}, address {address}, arrival {record['amount']} + "
                f"{fee_source} {fee} = {request.amount}")

    def _record_receipt(self, record: dict[str, Any], evidence: str) -> MoveReceipt:
        word = str(record.get("status") or "")
        amount = record.get("amount")
        fee = record.get("fee")
        return MoveReceipt(
            venue_ref=str(record.get("id")),
            status=_STATUSES.get(word, MoveStatus.PENDING),
            venue_status=word,
            fee=None if fee is None else to_decimal(fee),
            fee_coin=record.get("feeCoin"),
            arrival=None if amount is None else to_decimal(amount),
            evidence=f"{evidence}; status {word}",
        )

    def cancellable(self, request: MoveRequest) -> bool:
        """Withdrawals and inside transfers, while ``pending``."""
        return request.kind in (MoveKind.WITHDRAW, MoveKind.INTERNAL_TRANSFER)

    async def cancel_move(self, request: MoveRequest, venue_ref: str) -> MoveReceipt:
        """``withdraw/cancel`` or ``inside_transfer/cancel``; a movement past ``pending``
        answers 110012 (:class:`InvalidRequest`)."""
        if request.kind is MoveKind.WITHDRAW:
            await self.withdraw_cancel(venue_ref)
        elif request.kind is MoveKind.INTERNAL_TRANSFER:
            await self.inside_transfer_cancel(venue_ref)
        else:
            raise NotImplementedError("a Bitunix funds transfer cannot be cancelled")
        return MoveReceipt(venue_ref=venue_ref, status=MoveStatus.CANCELLED,
                           venue_status="cancelled",
                           evidence=f"the venue accepted the cancel of {venue_ref}")

    async def withdraw_quote(self, coin: str, network: str | None = None) -> WithdrawQuote:
        """Available from the spot balance; fee, precision and memo rule from
        :data:`WITHDRAW_TABLE` (the document describes no endpoint for them); minimum and
        day quota are unknown (None)."""
        entry = self._table_entry(coin, network)
        rows = await self.spot_user_account()
        available = next((row["balance"] for row in rows if row["coin"] == coin), Decimal(0))
        return WithdrawQuote(
            coin=coin, network=entry.network if entry else network, available=available,
            fee=entry.fee if entry else None, fee_coin=coin if entry else None,
            needs_tag=entry.needs_memo if entry else False,
            precision=entry.precision if entry else None,
            extra={"source": "coinsole's static Bitunix table" if entry
                   else "coin not in coinsole's table: fee and precision unknown",
                   "networks": ", ".join(e.network for e in WITHDRAW_TABLE.get(coin.upper(), ()))},
        )
