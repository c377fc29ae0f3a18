"""Journaled settings writes (journal kind and approvals action ``settings``): a symbol's
trade status, its limit-order price bounds, closing a sub-account's transfers.

Each request records the value it replaces (``previous``; None when the venue cannot
show it) and who asked. Settlement: the trade status by LOOKUP (``basic/symbols``'
``canTrade`` shows whether it took); the price limits and the sub-account close are
KEYED: the venue offers no read of them, and sending the same setting again changes
nothing, so an unknown outcome is settled by sending it once more (docs/wire.md, "BHEX
settings"). Policy allow-lists match ``destination``: ``symbol:<id>`` or
``sub-account:<id>``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter

from tui.core.models import Amount
from tui.core.money import plain
from tui.core.moves import MoveReceipt, MoveStatus, Settlement
from tui.core.org_request import OrgRequest
from tui.core.org_request import new_key as org_key
from tui.venues.bhex_settings import PriceLimits

__all__ = ["KINDS", "SettingsKind", "TradeStatusRequest", "PriceLimitRequest",
           "TransferLimitRequest", "SettingsRequest", "parse", "owns", "settlement", "send",
           "look_up", "new_key", "last_setting"]

KINDS = frozenset({"settings"})


class SettingsKind:
    """The journal kind (an enum-like holder: ``kind.value``)."""

    value = "settings"


def new_key() -> str:
    """A fresh journal key for a settings write (the venue takes none)."""
    return org_key("se")


class _Setting(OrgRequest):
    operator: str = ""

    @property
    def kind(self) -> Any:
        """The journal kind: ``settings``."""
        return SettingsKind

    @property
    def amount(self) -> Decimal:
        """Nothing moves (journal listings and approvals velocity read 0)."""
        return Decimal(0)


class _OnSymbol:
    """A setting of one symbol (its ``symbol_id`` field, declared by each kind so the
    journal's JSON keeps its field order): what listings and allow-lists read."""

    @property
    def coin(self) -> str:
        """The symbol (listings)."""
        return self.symbol_id  # type: ignore[attr-defined]

    @property
    def symbol(self) -> str:
        """Allow-lists match ``symbol:<id>``."""
        return f"symbol:{self.symbol_id}"  # type: ignore[attr-defined]


class TradeStatusRequest(_OnSymbol, _Setting):
    """Open (``enabled``) or close trading of ``symbol_id``."""

    setting: Literal["trade_status"] = "trade_status"
    symbol_id: str
    enabled: bool
    previous: bool | None = None

    @property
    def destination(self) -> str:
        """The change in words."""
        return f"trading of {self.symbol_id} {'on' if self.enabled else 'off'}"

    def summary(self) -> list[tuple[str, str]]:
        """What changes."""
        now = "unknown" if self.previous is None else ("on" if self.previous else "off")
        return [("symbol", self.symbol_id), ("trading now", now),
                ("becomes", "on" if self.enabled else "off"), ("profile", self.profile)]


class PriceLimitRequest(_OnSymbol, _Setting):
    """Set ``symbol_id``'s limit-order price bounds (exact decimals)."""

    setting: Literal["price_limit"] = "price_limit"
    symbol_id: str
    buy_max: Amount
    buy_min: Amount
    sell_max: Amount
    sell_min: Amount
    previous: dict[str, str] | None = None
    """The bounds last set through coinsole (the venue has no read call), or None."""

    def limits(self) -> PriceLimits:
        """The adapter's value."""
        return PriceLimits(self.buy_max, self.buy_min, self.sell_max, self.sell_min)

    @property
    def destination(self) -> str:
        """The change in words."""
        return (f"{self.symbol_id} price limits buy {plain(self.buy_min)}..{plain(self.buy_max)}"
                f" sell {plain(self.sell_min)}..{plain(self.sell_max)}")

    def summary(self) -> list[tuple[str, str]]:
        """What changes: each bound now (as far as known) and after."""
        before = self.previous or {}
        rows = [("symbol", self.symbol_id)]
        for label, name, value in (("buy max", "buy_max_price", self.buy_max),
                                   ("buy min", "buy_min_price", self.buy_min),
                                   ("sell max", "sell_max_price", self.sell_max),
                                   ("sell min", "sell_min_price", self.sell_min)):
            rows.append((label, f"{before.get(name, '?')} -> {plain(value)}"))
        if not before:
            rows.append(("now", "not readable from the venue; none set through coinsole"))
        return [*rows, ("profile", self.profile)]


class TransferLimitRequest(_Setting):
    """Close transfers into and out of sub-account ``sub_account_id``."""

    setting: Literal["sub_account_transfer_limit"] = "sub_account_transfer_limit"
    sub_account_id: str
    account_name: str = ""
    previous: str = ""
    """What coinsole knows of it before (the venue has no read call)."""

    @property
    def coin(self) -> str:
        """The account (listings)."""
        return self.account_name or self.sub_account_id

    @property
    def symbol(self) -> str:
        """Allow-lists match ``sub-account:<id>``."""
        return f"sub-account:{self.sub_account_id}"

    @property
    def destination(self) -> str:
        """The change in words."""
        return f"close transfers of sub-account {self.sub_account_id}"

    def summary(self) -> list[tuple[str, str]]:
        """What changes."""
        return [("sub-account", f"{self.sub_account_id} ({self.account_name or '?'})"),
                ("transfers now", self.previous or "open as far as coinsole knows"),
                ("becomes", "closed (no transfers in or out)"), ("profile", self.profile)]


SettingsRequest = Annotated[Union[TradeStatusRequest, PriceLimitRequest, TransferLimitRequest],
                            Field(discriminator="setting")]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(SettingsRequest)


def parse(kind: str, text: str) -> Any:
    """A stored settings request (JSON ``text``)."""
    return _ADAPTER.validate_json(text)


def owns(request: Any) -> bool:
    """Whether ``request`` is a settings write."""
    return isinstance(request, _Setting)


def settlement(request: Any) -> Settlement:
    """The trade status by LOOKUP; the others KEYED (see the module's docstring)."""
    return Settlement.LOOKUP if isinstance(request, TradeStatusRequest) else Settlement.KEYED


def _done(what: str, how: str) -> MoveReceipt:
    return MoveReceipt(status=MoveStatus.DONE, venue_status=what, evidence=how)


async def send(adapter: Any, request: Any) -> MoveReceipt:
    """Send ``request`` once; the venue's answer as a receipt."""
    if isinstance(request, TradeStatusRequest):
        if not await adapter.symbol_set_trade_status(request.symbol_id, request.enabled):
            from tui.core.errors import VenueError

            raise VenueError("bhex", f"the venue did not confirm trading of "
                                     f"{request.symbol_id} (success false)")
        return _done("on" if request.enabled else "off", "set_trade_status answered success")
    if isinstance(request, PriceLimitRequest):
        await adapter.symbol_price_limit(request.symbol_id, request.limits())
        return _done("set", "price_limit answered status 0")
    await adapter.sub_account_close_transfer(request.sub_account_id)
    return _done("closed", "close/sub_account/transfer/limit answered success true")


async def look_up(adapter: Any, request: Any, *, venue_ref: str | None) -> MoveReceipt | None:
    """The trade status as ``basic/symbols`` shows it (None while it differs); the others
    have no read call (settled KEYED, never looked up)."""
    if not isinstance(request, TradeStatusRequest):
        raise NotImplementedError("the venue has no read of this setting")
    rule = await adapter.symbol_rule(request.symbol_id, refresh=True)
    if rule.can_trade != request.enabled:
        return None
    return _done("on" if request.enabled else "off",
                 f"basic/symbols shows canTrade {str(rule.can_trade).lower()}")


def last_setting(journal: Any, profile: str, setting: str, target: str) -> Any:
    """The newest accepted settings request of ``setting`` for ``target`` (a symbol or a
    sub-account id) in ``journal``; None when coinsole has set none."""
    found = None
    for entry in journal.entries():
        request = entry.request
        if entry.kind != "settings" or entry.profile != profile \
                or entry.state.value not in ("ACCEPTED", "RECONCILED") \
                or getattr(request, "setting", "") != setting:
            continue
        if target in (getattr(request, "symbol_id", None), getattr(request, "sub_account_id",
                                                                     None)):
            if found is None or entry.id > found.id:
                found = entry
    return found.request if found is not None else None
