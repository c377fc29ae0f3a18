"""The Org settings screen: a BHEX broker's symbols (trade status, price step, the price
limits last set through coinsole) and the operating user's sub-accounts, with the three
settings writes.

Opened from the command palette ("Org settings") and closed with Escape. ``o`` opens or
closes trading of the symbol under the cursor, ``l`` sets its limit-order price bounds
(four exact prices on its step), ``x`` closes transfers of the sub-account under the
cursor; each shows the current value and what it becomes in
:class:`~tui.screens.setting_confirm.SettingConfirmScreen`, then goes through the
approvals gate and the journal. The venue has no read of price limits or of a
sub-account's transfer state: those columns show what this journal knows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label

from tui.core.errors import CoinsoleError
from tui.core.money import plain
from tui.screens.org_screen import OrgScreen, adapter_has, back_binding
from tui.screens.profile_tabs import next_profile_binding
from tui.session import Session
from tui.widgets.key_footer import KeyFooter
from tui.widgets.record_table import Column, RecordTable
from tui.widgets.title_bar import TitleBar

__all__ = ["OrgSettingsScreen", "has_settings", "SymbolRow", "SubAccountRow"]


def has_settings(venue: str) -> bool:
    """Whether ``venue``'s adapter has the org settings calls."""
    return adapter_has(venue, OrgSettingsScreen.ORG_CALL)


@dataclass(frozen=True)
class SymbolRow:
    """One symbol as the Settings screen shows it."""

    symbol_id: str
    trading: str
    price_step: Decimal
    exchange_id: str
    limits: str


@dataclass(frozen=True)
class SubAccountRow:
    """One sub-account of the operating user."""

    account_id: str
    name: str
    account_type: int
    account_index: int
    transfers: str


SYMBOLS = (Column("symbol", "symbol_id"), Column("trading", "trading"),
           Column("price step", "price_step", formatter=plain),
           Column("exchange", "exchange_id"),
           Column("price limits (last set through coinsole)", "limits"))
SUBS = (Column("sub-account", "account_id"), Column("name", "name"),
        Column("type", "account_type", value=lambda r: "spot" if r.account_type == 1
               else "contract"), Column("index", "account_index"),
        Column("transfers", "transfers"))
_LIMIT_FIELDS = (("buy_max", "buy max"), ("buy_min", "buy min"), ("sell_max", "sell max"),
                 ("sell_min", "sell min"))


class OrgSettingsScreen(OrgScreen):
    """One BHEX profile's symbol and sub-account settings."""

    SUB_TITLE = "org settings"
    ORG_CALL = "symbol_price_limit"

    DEFAULT_CSS = """
    OrgSettingsScreen #symbols { height: 1fr; }
    OrgSettingsScreen #subs { height: 1fr; }
    OrgSettingsScreen .heading { padding: 1 1 0 1; color: $text-muted; }
    """

    BINDINGS: list[BindingType] = [
        back_binding(),
        Binding("r", "refresh", "Refresh", tooltip="Read the symbols and sub-accounts again"),
        Binding("o", "trade_status", "Trading on/off",
                tooltip="Open or close trading of the symbol under the cursor"),
        Binding("l", "price_limit", "Price limits",
                tooltip="Set the limit-order price bounds of the symbol under the cursor"),
        Binding("x", "close_transfers", "Close transfers",
                tooltip="Close transfers into and out of the sub-account under the cursor"),
        next_profile_binding("Switch to the next profile with org settings"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.rules: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield self.profile_bar(self.bar_note("o trading · l price limits · x close transfers"))
        if not self.profiles:
            yield self.no_profiles("No profile has org settings: add a BHEX org profile.")
        yield Label("Symbols", classes="heading")
        yield RecordTable(SYMBOLS, record_key=lambda r: r.symbol_id, name="symbols",
                          export_prefix="settings", empty_text="no symbols", id="symbols")
        yield Label("Sub-accounts of the operating user", classes="heading")
        yield RecordTable(SUBS, record_key=lambda r: r.account_id, name="sub-accounts",
                          export_prefix="settings", empty_text="no sub-accounts", id="subs")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.profile is not None:
            self.load()
            self.table("symbols").focus_table()

    def table(self, table_id: str) -> RecordTable:
        """The ``symbols`` or ``subs`` table."""
        return self.query_one(f"#{table_id}", RecordTable)

    # -- loading ------------------------------------------------------------------------

    def load(self) -> None:
        """Read the symbols and sub-accounts afresh, in a worker."""
        if self.profile is None:
            return
        for table_id in ("symbols", "subs"):
            self.table(table_id).show_loading()
        self.run_worker(self._load(self.profile), group="settings:load", exclusive=True,
                        exit_on_error=False)

    async def _load(self, profile: str) -> None:
        from tui.journal_ui import journal_for
        from tui.org_settings.requests import last_setting

        adapter = self.session.adapter(profile)
        try:
            rules, accounts = await asyncio.gather(adapter.basic_symbols(refresh=True),
                                                   adapter.sub_accounts())
        except asyncio.CancelledError:
            raise
        except CoinsoleError as exc:
            for table_id in ("symbols", "subs"):
                self.table(table_id).show_error(str(exc))
            return
        if profile != self.profile:
            return
        journal = journal_for(self.session)
        self.rules = rules
        symbols = []
        for symbol_id, rule in sorted(rules.items()):
            last = last_setting(journal, profile, "price_limit", symbol_id)
            limits = (f"buy {plain(last.buy_min)}..{plain(last.buy_max)} · sell "
                      f"{plain(last.sell_min)}..{plain(last.sell_max)}" if last else "-")
            symbols.append(SymbolRow(symbol_id, "on" if rule.can_trade else "off",
                                     rule.min_price_precision, rule.exchange_id, limits))
        self.table("symbols").set_records(symbols)
        subs = [SubAccountRow(a.account_id, a.name, a.account_type, a.account_index,
                              "closed (through coinsole)"
                              if last_setting(journal, profile, "sub_account_transfer_limit",
                                              a.account_id) else "open as far as known")
                for a in accounts if a.account_index > 0]
        self.table("subs").set_records(subs)

    # -- actions ------------------------------------------------------------------------

    def _confirm(self, title: str, note: str, build: Callable[[dict[str, str]], Any],
                 inputs: list[tuple[str, str, str]] | None = None) -> None:
        from tui.screens.setting_confirm import SettingConfirmScreen

        def done(entry: Any) -> None:
            if entry is not None:
                self.load()

        self.app.push_screen(SettingConfirmScreen(self.session, title, note, build,
                                                  inputs or []), done)

    def _operator(self) -> str:
        from tui.support.actions import current_operator

        return current_operator()

    def action_trade_status(self) -> None:
        """Confirm opening or closing trading of the symbol under the cursor."""
        from tui.org_settings.requests import TradeStatusRequest, new_key

        row = self.table("symbols").current
        if row is None or self.profile is None:
            return
        now = row.trading == "on"
        request = TradeStatusRequest(profile=self.profile, client_key=new_key(),
                                     symbol_id=row.symbol_id, enabled=not now, previous=now,
                                     operator=self._operator())
        self._confirm(f"Trading of {row.symbol_id}", "basic/symbol/set_trade_status",
                      lambda _values: request)

    def action_price_limit(self) -> None:
        """Open the price-limit form for the symbol under the cursor."""
        from tui.journal_ui import journal_for
        from tui.org_settings.requests import PriceLimitRequest, last_setting, new_key
        from tui.venues.bhex_settings import PriceLimits, check_price_limits

        row = self.table("symbols").current
        profile = self.profile
        if row is None or profile is None or row.symbol_id not in self.rules:
            return
        rule = self.rules[row.symbol_id]
        last = last_setting(journal_for(self.session), profile, "price_limit", row.symbol_id)
        previous = ({name: plain(value) for name, value in last.limits().rows()}
                    if last else None)
        key, operator = new_key(), self._operator()

        def build(values: dict[str, str]) -> Any:
            prices = []
            for field_id, label in _LIMIT_FIELDS:
                text = values.get(field_id, "")
                try:
                    value = Decimal(text)
                except InvalidOperation:
                    raise ValueError(f"{label}: type an exact price") from None
                if not value.is_finite() or "e" in text.lower():
                    raise ValueError(f"{label}: type plain digits")
                prices.append(value)
            limits = PriceLimits(*prices)
            problems = check_price_limits(rule, limits)
            if problems:
                raise ValueError("; ".join(problems))
            return PriceLimitRequest(profile=profile, client_key=key,
                                     symbol_id=row.symbol_id, buy_max=limits.buy_max,
                                     buy_min=limits.buy_min, sell_max=limits.sell_max,
                                     sell_min=limits.sell_min, previous=previous,
                                     operator=operator)

        defaults = [getattr(last, name) if last else None for name, _ in _LIMIT_FIELDS]
        inputs = [(field_id, label, plain(value) if value is not None else "")
                  for (field_id, label), value in zip(_LIMIT_FIELDS, defaults)]
        self._confirm(f"Price limits of {row.symbol_id}",
                      f"admin/symbol/price_limit · price step {plain(rule.min_price_precision)}"
                      " · limit orders only", build, inputs)

    def action_close_transfers(self) -> None:
        """Confirm closing transfers of the sub-account under the cursor."""
        from tui.org_settings.requests import TransferLimitRequest, new_key

        row = self.table("subs").current
        if row is None or self.profile is None:
            return
        request = TransferLimitRequest(profile=self.profile, client_key=new_key(),
                                       sub_account_id=row.account_id, account_name=row.name,
                                       previous=row.transfers, operator=self._operator())
        self._confirm(f"Close transfers of {row.name}",
                      "close/sub_account/transfer/limit", lambda _values: request)

    def action_refresh(self) -> None:
        """Read everything again."""
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("trade_status", "price_limit"):
            return self.profile is not None and self.table("symbols").current is not None
        if action == "close_transfers":
            return self.profile is not None and self.table("subs").current is not None
        if action == "refresh":
            return self.profile is not None
        return super().check_action(action, parameters)

    def profile_switched(self) -> None:
        """Read the new profile's settings."""
        self.load()

    @on(RecordTable.Highlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries: each profile."""
        for name in self.profiles:
            yield f"Org settings of {name}", f"Show the org settings of profile {name}", \
                lambda n=name: self.choose_profile(n)
