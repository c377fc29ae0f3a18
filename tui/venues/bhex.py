"""BHEX (BlueHelix) broker Org API: the adapter for venue id ``bhex``."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from tui.core.errors import (
    AuthError,
    ConfigError,
    InsufficientFunds,
    InvalidRequest,
    MalformedReply,
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
from tui.venues.bhex_accounts import KnownAccounts
from tui.venues.base import LOOKUP_MARGIN_MS, Capability, HttpVenue, OutgoingRequest
from tui.venues.base import reads_reply, wire_amount
from tui.venues.bhex_finance import BhexFinanceMixin
from tui.venues.bhex_payments import BhexPaymentsMixin
from tui.venues.bhex_settings import BhexSettingsMixin
from tui.venues.bhex_stats import BhexStatsMixin
from tui.venues.bhex_trading import BhexTradingMixin
from tui.venues.bhex_users import BhexUsersMixin
from tui.venues.history_bhex import MAX_PAGE as HISTORY_PAGE
from tui.venues.history_bhex import BhexHistoryMixin, walk_from_id
from tui.venues.lookup_walk import search_history
from tui.venues.signers import bhex_sign

__all__ = ["BhexVenue"]

_ERRORS: dict[str, type[VenueError]] = {
    "-1003": RateLimited,  # Too many requests.
    "-1021": AuthError,  # Timestamp for this request is outside of the recvWindow.
    "-1022": AuthError,  # Signature for this request is not valid.
    "-1100": InvalidRequest,  # Illegal characters found in a parameter.
    "-2015": AuthError,  # Invalid API-key
    "-1111": InvalidRequest,  # Precision is over the maximum defined for this asset.
    "-1131": InsufficientFunds,  # Balance insufficient
    "-1141": NotWhitelisted,  # Withdraw address not allowed
    "-1142": InvalidRequest,  # Quantity below minimum
    "-1143": InvalidRequest,  # Address tag required
    "-1144": InvalidRequest,  # Withdraw quota exceeded
    "-1145": InvalidRequest,  # Trade password incorrect
}
_MESSAGES: dict[str, str] = {
    "-1111": "the amount has more decimals than the token allows; remove the extra digits",
    "-1141": "the address is not on the user's withdrawal whitelist",
    "-1142": "the amount is below the minimum withdrawal; raise it",
    "-1143": "this token needs an address tag; add the tag",
    "-1144": "the amount is above what is left of the 24-hour withdrawal quota; lower it "
             "or wait",
    "-1145": "the trade password is wrong; type it again",
}
_HTTP_ERRORS: dict[int, type[VenueError]] = {400: InvalidRequest, 401: AuthError}
STALE_TIMESTAMP = "-1021"

SPOT, CONTRACT = 1, 3
#: basic/time's time: a whole number of milliseconds, ASCII digits only.
_MILLISECONDS = re.compile(r"[0-9]{1,15}")
_KINDS = {SPOT: AccountKind.SPOT, CONTRACT: AccountKind.CONTRACT}
_TYPES = {AccountKind.SPOT: SPOT, AccountKind.CONTRACT: CONTRACT}
_STATUSES = {1: MoveStatus.PENDING, 3: MoveStatus.PENDING, 5: MoveStatus.PENDING,
             8: MoveStatus.PENDING, 6: MoveStatus.DONE,
             2: MoveStatus.FAILED, 4: MoveStatus.FAILED, 7: MoveStatus.FAILED}
"""Withdrawal ``status`` -> MoveStatus: 1 broker auditing, 3 auditing, 5 processing,
8 block mining are pending; 6 success; 2 broker reject, 4 audit reject, 7 failure."""
_STATUS_CODES = {1: "BROKER_AUDITING_STATUS", 2: "BROKER_REJECT_STATUS", 3: "AUDITING_STATUS",
                 4: "AUDIT_REJECT_STATUS", 5: "PROCESSING_STATUS",
                 6: "WITHDRAWAL_SUCCESS_STATUS", 7: "WITHDRAWAL_FAILURE_STATUS",
                 8: "BLOCK_MINING_STATUS"}
MAX_CLIENT_ORDER_ID = 2**63 - 1


class BhexVenue(BhexHistoryMixin, BhexTradingMixin, BhexStatsMixin, BhexUsersMixin,
                BhexFinanceMixin, BhexPaymentsMixin, BhexSettingsMixin, HttpVenue):
    """BHEX's Org API acting for one user (``settings.user_id``): main and sub-accounts.

    Every signed call carries ``timestamp`` and an HMAC-SHA256 ``signature`` among its
    parameters, so the clock offset is measured first from ``basic/time``.
    """

    venue_id = "bhex"
    capabilities = frozenset({Capability.BALANCES, Capability.SUB_ACCOUNTS, Capability.TRANSFER,
                              Capability.WITHDRAW, Capability.WITHDRAW_HISTORY})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, index) -> accountName, as last seen in sub_account/query.
        self._accounts: dict[tuple[int, int], str] = {}
    rate_limit = (20, 1.0)
    time_path = "/api/v2/org/basic/time"
    sync_clock_first = False  # request() measures and resends on -1021 instead

    def sign(self, request: OutgoingRequest, now_ms: int) -> OutgoingRequest:
        """Add ``timestamp`` and ``signature`` to the query (GET) or form (POST), and the
        key header."""
        fields = list(request.form if request.form is not None else request.params)
        fields.append(("timestamp", str(now_ms)))
        fields.append(("signature", bhex_sign(self.credentials.secret.get_secret_value(), fields)))
        if request.form is not None:
            request.form = fields
        else:
            request.params = fields
        request.headers["X-ACCESS-KEY"] = self.credentials.api_key.get_secret_value()
        return request

    def unwrap(self, status_code: int, payload: Any) -> Any:
        """``data`` of a ``{status: 0, data}`` reply; bare replies (arrays, objects) as they are."""
        details = payload if isinstance(payload, dict) else {}
        code = details.get("status", details.get("code"))
        if status_code < 400 and code in (None, 0, "0"):
            return details["data"] if "data" in details else payload
        kind = _ERRORS.get(str(code)) or _HTTP_ERRORS.get(status_code, VenueError)
        raise self.venue_error(kind, code, details.get("msg"), _MESSAGES.get(str(code)))

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """As :meth:`HttpVenue.request`; a timestamp the venue calls stale (refused before
        acting, so safe to resend) makes it measure the clock again and send once more."""
        signed_at = time.monotonic()
        try:
            return await super().request(method, path, **kwargs)
        except AuthError as exc:
            if exc.code != STALE_TIMESTAMP:
                raise
        await self.sync_clock(force=True, refused_since=signed_at)
        return await super().request(method, path, **kwargs)

    def parse_server_time(self, payload: Any) -> int:
        """Milliseconds from ``basic/time``'s ``{"time": "1561627873483"}``; any other
        reply (no ``time``, not a whole number of milliseconds) is :class:`MalformedReply`."""
        value = payload.get("time") if isinstance(payload, dict) else None
        text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
        if not _MILLISECONDS.fullmatch(text):
            raise self.scrub(MalformedReply(
                self.venue_id, "the venue's basic/time reply holds no time in milliseconds"))
        return int(text)

    async def basic_time(self) -> int:
        """``GET /api/v2/org/basic/time``: the server's clock in milliseconds."""
        payload = await self.request("GET", self.time_path, read=True, signed=False)
        return self.parse_server_time(payload)

    async def basic_tokens(self) -> list[dict[str, Any]]:
        """``GET /api/v2/org/basic/tokens``: the broker's tokens and their trading pairs."""
        return await self.request("GET", "/api/v2/org/basic/tokens", read=True)

    async def sub_account_query(self) -> list[dict[str, Any]]:
        """``GET /api/v2/org/account/sub_account/query`` (the document: no parameters): the
        key's own user's accounts (``accountId``, ``accountName``, ``accountType``,
        ``accountIndex``); docs/wire.md, BHEX sub-account endpoints."""
        return await self.request("GET", "/api/v2/org/account/sub_account/query", read=True)

    async def account_balance(self, user_id: str, account_type: int = SPOT,
                              account_index: int = 0) -> list[dict[str, Any]]:
        """``POST /api/v2/org/account/balance``: rows of ``tokenId``, ``total``, ``free``,
        ``locked`` for one account of ``user_id``."""
        form = {"user_id": user_id, "account_type": account_type, "account_index": account_index}
        return await self.request("POST", "/api/v2/org/account/balance", form=form, read=True)

    @reads_reply
    async def balances(self) -> list[Balance]:
        """The user's main spot and contract accounts and every sub-account.

        Every account known from last time (this session, or the cache of an earlier one)
        is asked for at once, alongside ``sub_account/query``; only an account that has
        appeared since costs a second round. Accounts are named by ``accountName``; one
        that has disappeared from the list is dropped.
        """
        user_id = self._user_id()
        main = [(SPOT, 0), (CONTRACT, 0)]
        known = self._accounts or self._known_accounts().load()
        first = main + [key for key in known if key not in main]
        first_rows, accounts = await asyncio.gather(
            asyncio.gather(*(self._known_account_balance(user_id, key, key == main[0])
                             for key in first)),
            self.sub_account_query(),
        )
        names = self._remember(accounts)
        rows_by_key = {key: rows for key, rows in zip(first, first_rows) if rows is not None}
        # Only the main spot account must exist: a user acted for (not the key's own)
        # may have no contract account, and the sub-account list is the key's user's.
        missing = [key for key in names if key not in first]
        for key, rows in zip(missing, await asyncio.gather(
                *(self._known_account_balance(user_id, key, key == main[0])
                  for key in missing))):
            rows_by_key[key] = rows
        if names != known:
            self._known_accounts().save(names)
        balances: list[Balance] = []
        for kind, index in main + [key for key in names if key not in main]:
            account = AccountRef(kind=_KINDS.get(kind, AccountKind.OTHER), index=index,
                                 name=names.get((kind, index), ""))
            balances += self._rows(account, rows_by_key.get((kind, index)) or [])
        return balances

    async def _known_account_balance(self, user_id: str, key: tuple[int, int],
                                     required: bool) -> list[dict[str, Any]] | None:
        """Balances of an account remembered from last time; None when the venue no longer
        knows it (a removed sub-account), so the fresh list decides."""
        try:
            return await self.account_balance(user_id, *key)
        except InvalidRequest:
            if required:
                raise
            return None

    def _known_accounts(self) -> KnownAccounts:
        return KnownAccounts(self.settings.base_url, self._user_id())

    def _remember(self, accounts: list[dict[str, Any]] | None) -> dict[tuple[int, int], str]:
        names = {(int(a["accountType"]), int(a["accountIndex"])): a.get("accountName") or ""
                 for a in accounts or []}
        self._accounts = dict(names)
        return names

    def _rows(self, account: AccountRef, rows: list[dict[str, Any]]) -> list[Balance]:
        if not isinstance(rows or [], list):
            raise TypeError("balance rows are not a list")
        return [
            Balance(profile=self.profile, venue=self.venue_id, account=account,
                    coin=row["tokenId"], available=wire_amount(row["free"]),
                    frozen=wire_amount(row["locked"]), total=wire_amount(row["total"]))
            for row in rows or []
        ]

    def _user_id(self) -> str:
        if not self.settings.user_id:
            raise ConfigError(f"profile {self.profile!r}: BHEX's Org API needs the user id "
                              "whose balances to show; set user_id on the profile")
        return self.settings.user_id

    # -- moving money: the endpoints -------------------------------------------------

    async def sub_account_transfer(self, from_account_type: int,
                                   from_account_index: int, to_account_type: int,
                                   to_account_index: int, token_id: str,
                                   amount: Decimal) -> dict[str, Any]:
        """``POST /api/v2/org/account/sub_account/transfer``: between two accounts of the
        key's own user (the document lists no ``user_id``), one of them the main spot
        account (1/0). No key: settlement NONE."""
        form = {"from_account_type": from_account_type,
                "from_account_index": from_account_index, "to_account_type": to_account_type,
                "to_account_index": to_account_index, "token_id": token_id, "amount": amount}
        return await self.request("POST", "/api/v2/org/account/sub_account/transfer", form=form,
                                  read=False)

    async def withdraw_quota_info(self, user_id: str, token_id: str,
                                  chain_type: str | None = None) -> dict[str, Any]:
        """``GET /api/v2/org/asset/withdraw/quota_info``: available, minimum, quota, fees,
        miner fee range, tag rule and precision for withdrawing ``token_id``."""
        params = {"user_id": user_id, "token_id": token_id, "chain_type": chain_type}
        return await self.request("GET", "/api/v2/org/asset/withdraw/quota_info",
                                  params=params, read=True)

    async def asset_withdraw(self, user_id: str, token_id: str, client_order_id: str,
                             address: str, quantity: Decimal, miner_fee: Decimal,
                             convert_rate: Decimal, trade_password: SecretStr, *,
                             address_ext: str | None = None,
                             auto_convert: bool = True) -> dict[str, Any]:
        """``POST /api/v2/org/asset/withdraw``: ``client_order_id`` (a long) is the venue's
        idempotency key; the trade password is sent as its MD5 hex and used for this call
        only. Returns ``{success, needBrokerAudit, orderId}``."""
        digest = hashlib.md5(trade_password.get_secret_value().encode()).hexdigest()
        form = {"user_id": user_id, "token_id": token_id, "client_order_id": client_order_id,
                "address": address, "address_ext": address_ext, "quantity": quantity,
                "miner_fee": miner_fee, "auto_convert": auto_convert,
                "convert_rate": convert_rate, "trade_password": digest}
        try:
            return await self.request("POST", "/api/v2/org/asset/withdraw", form=form,
                                      read=False)
        except VenueError as exc:
            raise self._scrubbed(exc, trade_password.get_secret_value(), digest) from None

    def _scrubbed(self, exc: VenueError, *hidden: str) -> VenueError:
        """``exc`` itself, or the same error rebuilt without ``hidden`` should the venue
        ever echo them."""
        text = str(exc) + repr(exc.args)
        if not any(h and h in text for h in hidden):
            return exc
        venue_message = exc.venue_message or ""
        for h in hidden:
            if h:
                venue_message = venue_message.replace(h, "***")
        return self.venue_error(type(exc), exc.code, venue_message)

    async def withdraw_order(self, user_id: str, *, token_id: str | None = None,
                             from_id: str | None = None, to_id: str | None = None,
                             start_time: int | None = None, end_time: int | None = None,
                             limit: int | None = None) -> list[dict[str, Any]]:
        """``GET /api/v2/org/asset/withdraw/order``: the user's withdrawals, newest first."""
        params = {"user_id": user_id, "token_id": token_id, "from_id": from_id, "to_id": to_id,
                  "start_time": start_time, "end_time": end_time, "limit": limit}
        return await self.request("GET", "/api/v2/org/asset/withdraw/order", params=params,
                                  read=True) or []

    async def withdraw_order_detail(self, user_id: str, order_id: str) -> dict[str, Any]:
        """``GET /api/v2/org/asset/withdraw/order/detail``: one withdrawal by ``orderId``."""
        return await self.request("GET", "/api/v2/org/asset/withdraw/order/detail",
                                  params={"user_id": user_id, "order_id": order_id}, read=True)

    # -- moving money: the Venue contract ---------------------------------------------

    def _ref(self, account_type: int, index: int) -> AccountRef:
        return AccountRef(kind=_KINDS.get(account_type, AccountKind.OTHER), index=index,
                          name=self._accounts.get((account_type, index), ""))

    def transfer_routes(self) -> list[tuple[AccountRef, AccountRef]]:
        """Main spot (1/0) to and from each other account of the user, as last seen by
        :meth:`balances` or :meth:`fetch_transfer_routes` (main contract 3/0 before that)."""
        keys = [key for key in (self._accounts or {(CONTRACT, 0): ""}) if key != (SPOT, 0)]
        main = self._ref(SPOT, 0)
        routes: list[tuple[AccountRef, AccountRef]] = []
        for key in keys:
            other = self._ref(*key)
            routes += [(main, other), (other, main)]
        return routes

    async def fetch_transfer_routes(self) -> list[tuple[AccountRef, AccountRef]]:
        """Fetch the user's accounts from ``sub_account/query``, then :meth:`transfer_routes`."""
        self._remember(await self.sub_account_query())
        return self.transfer_routes()

    def _type_index(self, ref: AccountRef) -> tuple[int, int]:
        if ref.kind in _TYPES:
            return _TYPES[ref.kind], ref.index
        for (account_type, index), name in self._accounts.items():
            if index == ref.index and name == ref.name and account_type not in _KINDS:
                return account_type, index
        raise InvalidRequest(self.venue_id, f"unknown BHEX account {ref.label}; refresh the "
                                            "account list and choose again")

    def settlement(self, request: MoveRequest) -> Settlement:
        """``sub_account/transfer`` NONE; ``withdraw`` KEYED by ``client_order_id``."""
        if request.kind is MoveKind.TRANSFER:
            return Settlement.NONE
        if request.kind is MoveKind.WITHDRAW:
            return Settlement.KEYED
        raise NotImplementedError("BHEX has no internal transfer to another user")

    def new_client_key(self, kind: MoveKind) -> str:
        """A ``client_order_id``: a random positive long (1 .. 2**63-1), as decimal text."""
        return str(secrets.randbelow(MAX_CLIENT_ORDER_ID) + 1)

    async def submit_move(self, request: MoveRequest, *,
                          trade_password: SecretStr | None = None) -> MoveReceipt:
        """``sub_account/transfer`` for a TRANSFER; ``withdraw`` (``client_order_id`` =
        ``client_key``, the trade password's MD5) for a WITHDRAW. A withdrawal without
        ``request.convert_rate`` or ``miner_fee`` takes them from ``quota_info`` first."""
        user_id = request.user_id or self._user_id()
        if request.kind is MoveKind.TRANSFER:
            if request.user_id is not None:
                raise InvalidRequest(self.venue_id, "a BHEX sub-account transfer moves the "
                                                    "key's own user's money (the endpoint names "
                                                    "no user): go back to the profile's own user "
                                                    "to transfer")
            assert request.from_account and request.to_account
            source = self._type_index(request.from_account)
            target = self._type_index(request.to_account)
            if (SPOT, 0) not in (source, target) or source == target:
                raise InvalidRequest(self.venue_id, "a BHEX transfer goes to or from the main "
                                                    "spot account; choose it on one side")
            reply = await self.sub_account_transfer(*source, *target, request.coin,
                                                    request.amount)
            if not (isinstance(reply, dict) and reply.get("success") is True):
                raise VenueError(self.venue_id, "the venue did not confirm the transfer; "
                                                "check the balances before trying again")
            return MoveReceipt(status=MoveStatus.DONE, venue_status="success",
                               evidence=f"the venue's reply: success for {source} -> {target}")
        if request.kind is not MoveKind.WITHDRAW:
            raise NotImplementedError("BHEX has no internal transfer to another user")
        if trade_password is None or not trade_password.get_secret_value():
            raise InvalidRequest(self.venue_id, "a BHEX withdrawal needs the trade password; "
                                                "type it to confirm")
        quote = None
        miner_fee, convert_rate = request.miner_fee, request.convert_rate
        if miner_fee is None or convert_rate is None:
            quote = await self.withdraw_quote(request.coin, request.network)
            if miner_fee is None:
                miner_fee = quote.miner_fee_suggested or Decimal(0)
            if convert_rate is None:
                convert_rate = quote.convert_rate or Decimal(0)
        reply = await self.asset_withdraw(
            user_id, request.coin, request.client_key, request.address or "", request.amount,
            miner_fee, convert_rate, trade_password, address_ext=request.memo or None)
        if not (isinstance(reply, dict) and reply.get("orderId")):
            raise VenueError(self.venue_id, "the venue did not confirm the withdrawal; look it "
                                            "up in the withdrawal history")
        audit = bool(reply.get("needBrokerAudit"))
        arrival = fee = None
        if quote is not None:
            arrival = self.arrival_amount(quote, request.amount, miner_fee)
            fee = quote.fee
        return MoveReceipt(
            venue_ref=str(reply["orderId"]), status=MoveStatus.PENDING,
            venue_status="needBrokerAudit" if audit else "accepted",
            fee=fee, fee_coin=quote.fee_coin if quote else None, arrival=arrival,
            evidence=f"the venue's reply: orderId {reply['orderId']} for client_order_id "
                     f"{request.client_key}, needBrokerAudit {str(audit).lower()}")

    async def lookup_move(self, request: MoveRequest, *, venue_ref: str | None,
                          sent_after_ms: int) -> LookupResult:
        """Every record that could be ``request``'s; the journal decides which, if any.

        A withdrawal by ``withdraw/order/detail`` when its ``orderId`` is known (proof);
        else the ``withdraw/order`` records of the token whose address, tag and quantity
        agree (the records carry no ``client_order_id``), read newest first page by page
        (``from_id`` walk, :func:`walk_from_id`) until they are older than
        ``sent_after_ms`` minus :data:`LOOKUP_MARGIN_MS`, at most
        :data:`LOOKUP_MAX_PAGES` pages. A sub-account transfer cannot be looked up."""
        if request.kind is not MoveKind.WITHDRAW:
            return LookupResult(
                supported=False,
                reason="a BHEX sub-account transfer has no client key and no record id to "
                       "find it by: it cannot be looked up at the venue")
        user_id = request.user_id or self._user_id()
        if venue_ref:
            record = await self.withdraw_order_detail(user_id, venue_ref)
            found = bool(record) and str(record.get("orderId")) == venue_ref
            return LookupResult(
                candidates=(self._candidate(record, proof=f"order {venue_ref} found by its "
                                                          "orderId"),) if found else (),
                pages=1, searched=f"withdraw/order/detail order_id {venue_ref}")
        since = sent_after_ms - LOOKUP_MARGIN_MS

        async def fetch(cursor: str | None, limit: int) -> list[dict[str, Any]]:
            return await self.withdraw_order(user_id, token_id=request.coin, from_id=cursor,
                                             limit=limit)

        def match(record: dict[str, Any]) -> LookupCandidate | None:
            if (record.get("tokenId") == request.coin
                    and record.get("address") == request.address
                    and (record.get("addressExt") or "") == (request.memo or "")
                    and record.get("quantity") not in (None, "")
                    and to_decimal(record["quantity"]) == request.amount):
                return self._candidate(record, matched=(
                    f"token {request.coin}, address {request.address}, quantity "
                    f"{record['quantity']}"))
            return None

        return await search_history(
            walk_from_id(fetch, key=lambda r: str(r.get("orderId")), limit=HISTORY_PAGE),
            since_ms=since, time_ms=lambda r: int(r.get("time") or 0), match=match,
            searched=f"withdraw/order token {request.coin}, newest first back to {since}")

    def _candidate(self, record: dict[str, Any], *, proof: str = "",
                   matched: str = "") -> LookupCandidate:
        quantity = record.get("quantity")
        return LookupCandidate(
            receipt=self._order_receipt(record, proof or f"order {record.get('orderId')} matches: "
                                                         f"{matched}"),
            time_ms=None if record.get("time") in (None, "") else int(record["time"]),
            amount=None if quantity in (None, "") else to_decimal(quantity),
            proof=proof, matched=matched)

    def _order_receipt(self, record: dict[str, Any], evidence: str) -> MoveReceipt:
        status = int(record.get("status") or 0)
        word = str(record.get("statusCode") or _STATUS_CODES.get(status, status))
        fee, arrival = record.get("fee"), record.get("arriveQuantity")
        return MoveReceipt(
            venue_ref=str(record.get("orderId")),
            status=_STATUSES.get(status, MoveStatus.PENDING),
            venue_status=word,
            fee=None if fee in (None, "") else to_decimal(fee),
            fee_coin=record.get("feeTokenId"),
            arrival=None if arrival in (None, "") else to_decimal(arrival),
            evidence=f"{evidence}; status {status} {word}",
        )

    async def withdraw_quote(self, coin: str, network: str | None = None) -> WithdrawQuote:
        """Every field of ``withdraw/quota_info``; those WithdrawQuote has no field for
        (``needConvert``, ``platformFee``, ``brokerFee``, token names) go in ``extra``."""
        data = await self.withdraw_quota_info(self._user_id(), coin, network)
        extra = {key: str(data[key]).lower() if isinstance(data[key], bool) else str(data[key])
                 for key in ("needConvert", "platformFee", "brokerFee", "feeTokenName",
                             "minerFeeTokenName") if data.get(key) is not None}
        return WithdrawQuote(
            coin=coin, network=network,
            allowed=bool(data.get("allowWithdraw", True)),
            refuse_reason=data.get("refuseReason") or None,
            available=_amount(data.get("available")),
            minimum=_amount(data.get("minQuantity")),
            day_quota=_amount(data.get("dayQuota")),
            used_quota=_amount(data.get("usedQuota")),
            fee=_amount(data.get("fee")),
            fee_coin=data.get("feeTokenId") or None,
            convert_rate=_amount(data.get("convertRate")),
            convert_fee=_amount(data.get("convertFee")),
            miner_fee_coin=data.get("minerFeeTokenId") or None,
            miner_fee_min=_amount(data.get("minMinerFee")),
            miner_fee_max=_amount(data.get("maxMinerFee")),
            miner_fee_suggested=_amount(data.get("suggestMinerFee")),
            needs_tag=bool(data.get("needAddressTag", False)),
            precision=None if data.get("minPrecision") is None else int(data["minPrecision"]),
            extra=extra,
        )

    def arrival_amount(self, quote: WithdrawQuote, amount: Decimal,
                       miner_fee: Decimal | None) -> Decimal:
        """The document's formula, exactly (any rounding raises):

        - token == miner fee token: ``amount - fee - miner_fee``
        - token == fee token: ``amount - fee - miner_fee * convertRate``
        - otherwise: ``amount - convertFee - miner_fee * convertRate``

        A ``miner_fee`` of None is the quote's suggested miner fee (0 when it has none).
        """
        chosen = miner_fee if miner_fee is not None else (quote.miner_fee_suggested or Decimal(0))
        if quote.coin == quote.miner_fee_coin:
            return EXACT.subtract(EXACT.subtract(amount, _known(quote.fee, "fee")), chosen)
        miner_part = (Decimal(0) if chosen == 0
                      else EXACT.multiply(chosen, _known(quote.convert_rate, "convertRate")))
        if quote.coin == quote.fee_coin:
            return EXACT.subtract(EXACT.subtract(amount, _known(quote.fee, "fee")), miner_part)
        return EXACT.subtract(EXACT.subtract(amount, _known(quote.convert_fee, "convertFee")),
                              miner_part)


def _amount(value: Any) -> Decimal | None:
    return None if value is None or value == "" else to_decimal(value)


def _known(value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise ValueError(f"the quote has no {name}; fetch the withdrawal quote again")
    return value
