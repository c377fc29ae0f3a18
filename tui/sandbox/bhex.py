"""BHEX broker Org API, simulated (doc 004): server time, tokens, a user's accounts and
their balances."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.money import exact_sum, plain
from tui.sandbox.demo import BHEX_DEMO_USER_ID, BHEX_SYMBOLS, BHEX_TOKENS
from tui.sandbox.bhex_moves import BhexMoves
from tui.sandbox.ledger import ApiKey, Ledger, SubAccount
from tui.sandbox.moves import MoveStore
from tui.sandbox.service import (ErrorCode, Refusal, Refused, VenueService, form_pairs,
                                 same_digest)

__all__ = ["BhexService", "bhex_signature"]

TIMESTAMP_WINDOW_MS = 30_000
ORG_ID = "6002"
_EXCHANGE_ID = "301"
KEY_USERS = {ORG_ID: BHEX_DEMO_USER_ID}
"""The user an org key is issued to: the document's sub-account endpoints (query, create,
transfer) take no ``user_id`` and act for this user (docs/wire.md)."""


def bhex_signature(secret: str, params: Sequence[tuple[str, str]]) -> str:
    """``hmac_sha256_hex(secret, "k=v&..." of every parameter but signature, sorted)``."""
    text = "&".join(f"{k}={v}" for k, v in sorted(params) if k != "signature")
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


class BhexService(BhexMoves, VenueService):
    """BHEX: ``X-ACCESS-KEY`` plus an HMAC-SHA256 ``signature`` parameter; 20 requests / s
    per key (chosen). The time and token endpoints are public."""

    venue = "bhex"
    prefix = "/bhex"
    rate_limit = (20, 1)
    errors = {
        Refusal.BAD_SIGNATURE: ErrorCode(401, -1022, "Signature for this request is not valid."),
        Refusal.UNKNOWN_KEY: ErrorCode(401, -2015, "Invalid API-key"),
        Refusal.STALE_TIMESTAMP: ErrorCode(
            400, -1021, "Timestamp for this request is outside of the recvWindow."),
        Refusal.TOO_MANY: ErrorCode(429, -1003, "Too many requests."),
        Refusal.INVALID: ErrorCode(400, -1100, "Illegal characters found in a parameter."),
        Refusal.INSUFFICIENT: ErrorCode(400, -1131, "Balance insufficient"),
        Refusal.PRECISION: ErrorCode(
            400, -1111, "Precision is over the maximum defined for this asset."),
        Refusal.BELOW_MINIMUM: ErrorCode(400, -1142, "Quantity below minimum"),
        Refusal.NOT_WHITELISTED: ErrorCode(400, -1141, "Withdraw address not allowed"),
        Refusal.MEMO_REQUIRED: ErrorCode(400, -1143, "Address tag required"),
        Refusal.QUOTA_EXCEEDED: ErrorCode(400, -1144, "Withdraw quota exceeded"),
        Refusal.BAD_TRADE_PASSWORD: ErrorCode(400, -1145, "Trade password incorrect"),
    }

    def __init__(self, ledger: Ledger, *args: Any) -> None:
        super().__init__(ledger, *args)
        self.store = MoveStore(ledger)
        self.org: Any = None
        """The org's user directory (:class:`~tui.sandbox.bhex_org.OrgDirectory`), set by
        the sandbox: every user in it has at least a main spot account."""

    def routes(self) -> list[Route]:
        """The basic-configuration, account and money endpoints."""
        return [
            self.route("/api/v2/org/basic/time", self.basic_time, ["GET"]),
            self.route("/api/v2/org/basic/tokens", self.basic_tokens, ["GET"]),
            self.route("/api/v2/org/account/sub_account/query", self.sub_account_query,
                       ["GET"]),
            self.route("/api/v2/org/account/balance", self.account_balance, ["POST"]),
            *self.move_routes(),
        ]

    def error_body(self, code: ErrorCode, msg: str) -> dict[str, Any]:
        """``{"status": N, "msg": ...}``."""
        return {"status": code.code, "msg": msg}

    def limit_public(self, request: Request) -> None:
        """Count a public (unsigned) request against its client's IP."""
        self.limit("ip:" + (request.client.host if request.client else "unknown"))

    async def authenticate(self, request: Request) -> tuple[ApiKey, dict[str, str]]:
        """Check key, limit, timestamp and signature; return the key and the parameters
        (query string, plus the form body of a POST)."""
        key = self.key(request.headers.get("X-ACCESS-KEY"))
        self.limit(key.api_key)
        pairs = request.query_params.multi_items()
        if request.method == "POST":
            pairs += await form_pairs(request)
        params = dict(pairs)
        self.check_timestamp(params.get("timestamp"), window_ms=TIMESTAMP_WINDOW_MS)
        if not same_digest(bhex_signature(key.secret, pairs), params.get("signature")):
            raise Refused(Refusal.BAD_SIGNATURE)
        return key, params

    async def basic_time(self, request: Request) -> dict[str, Any]:
        """``GET /api/v2/org/basic/time``: the server's clock in ms, as a string."""
        self.limit_public(request)
        return {"status": 0, "data": {"time": str(self.now_ms())}}

    async def basic_tokens(self, request: Request) -> dict[str, Any]:
        """``GET /api/v2/org/basic/tokens``: each token with its trading pairs."""
        self.limit_public(request)
        return {"status": 0, "data": [_token(token_id, name)
                                      for token_id, name in BHEX_TOKENS.items()]}

    async def sub_account_query(self, request: Request) -> list[dict[str, Any]]:
        """``GET /api/v2/org/account/sub_account/query`` (no parameters): the key's own
        user's accounts as the document's bare JSON array."""
        key, _ = await self.authenticate(request)
        return [{"accountId": sub.account_id, "accountName": sub.name,
                 "accountType": int(sub.account_type), "accountIndex": sub.account_index}
                for sub in self.key_accounts(key.api_key)]

    async def account_balance(self, request: Request) -> dict[str, Any]:
        """``POST /api/v2/org/account/balance``: one account's balances (type default 1,
        index default 0), optionally only ``token_ids``."""
        _, params = await self.authenticate(request)
        subs = self._user_accounts(params)
        account_type = str(_integer(params, "account_type", 1))
        account_index = _integer(params, "account_index", 0)
        if not any(s.account_type == account_type and s.account_index == account_index
                   for s in subs):
            raise Refused(Refusal.INVALID, "no such account")
        tokens = [t for t in params.get("token_ids", "").split(",") if t] or None
        rows = self.ledger.accounts(self.venue, subs[0].user_id, account_type=account_type,
                                    account_index=account_index, coins=tokens)
        return {"status": 0, "data": [
            {"tokenId": row.coin, "tokenName": row.coin, "total": plain(row.total),
             "free": plain(row.available), "locked": plain(exact_sum((row.frozen, row.lockup))),
             "position": plain(row.lockup)}
            for row in rows]}

    def key_user(self, api_key: str) -> str:
        """The user ``api_key`` is issued to (:data:`KEY_USERS`); refuses a key that has none."""
        found = self.ledger.find_key(self.venue, api_key)
        user = KEY_USERS.get(found.owner) if found else None
        if user is None or not self.ledger.sub_accounts(self.venue, user):
            raise Refused(Refusal.INVALID, "this key has no user of its own")
        return user

    def key_accounts(self, api_key: str) -> list[SubAccount]:
        """The accounts of the user ``api_key`` is issued to."""
        return self.ledger.sub_accounts(self.venue, self.key_user(api_key))

    def _user_accounts(self, params: dict[str, str]) -> list[SubAccount]:
        """The accounts of the org user named by ``user_id``; refuses a missing or unknown user."""
        user_id = params.get("user_id", "")
        subs = self.ledger.sub_accounts(self.venue, user_id) if user_id.isdigit() else []
        if not subs and user_id.isdigit() and self.org is not None and self.org.find(user_id):
            subs = self._open_main_account(user_id)
        if not subs:
            raise Refused(Refusal.INVALID, "user_id missing or unknown")
        return subs

    def _open_main_account(self, user_id: str) -> list[SubAccount]:
        """The empty main spot account every org user has (the venue opens it at
        registration; the sandbox writes it down the first time a call names the user)."""
        main = SubAccount(self.venue, user_id, "1", 0, str(MAIN_ACCOUNT_ID_BASE + int(user_id)),
                          "Main")
        self.ledger.add_sub_accounts([main])
        return self.ledger.sub_accounts(self.venue, user_id)


MAIN_ACCOUNT_ID_BASE = 10**19
"""An org user's main account id, when the sandbox opens it: this plus their user id."""


def _integer(params: dict[str, str], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise Refused(Refusal.INVALID, f"{name} must be an integer")
    return int(value)


def _symbol(base: str, quote: str, base_p: str, quote_p: str, min_qty: str, min_amount: str,
            min_price: str) -> dict[str, Any]:
    step = Decimal(min_price)
    return {"orgId": ORG_ID, "exchangeId": _EXCHANGE_ID, "symbolId": base + quote,
            "symbolName": base + quote, "baseTokenId": base, "baseTokenName": base,
            "quoteTokenId": quote, "quoteTokenName": quote, "basePrecision": base_p,
            "quotePrecision": quote_p, "minTradeQuantity": min_qty, "minTradeAmount": min_amount,
            "minPricePrecision": min_price,
            "digitMerge": ",".join(plain(step.scaleb(n)) for n in (2, 1, 0)),
            "canTrade": True, "customOrder": 0}


def _token(token_id: str, full_name: str) -> dict[str, Any]:
    chains = ([{"chainType": chain, "allowDeposit": True, "allowWithdraw": True}
               for chain in ("OMIN", "ERC20")] if token_id == "USDT" else [])
    return {"orgId": ORG_ID, "tokenId": token_id, "tokenName": token_id,
            "tokenFullName": full_name, "iconUrl": f"https://static.bhfastime.com/{token_id}.svg",
            "allowWithdraw": True, "allowDeposit": True,
            "baseTokenSymbols": [_symbol(*s) for s in BHEX_SYMBOLS if s[0] == token_id],
            "quoteTokenSymbols": [_symbol(*s) for s in BHEX_SYMBOLS if s[1] == token_id],
            "needAddressTag": False, "chainTypes": chains}
