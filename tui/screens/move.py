"""The Move money screen: transfer between accounts, send to another user, withdraw on chain.

Three forms in tabs. Each checks its input as the user types (:func:`validate_move`), shows
every problem under its field, and keeps Review disabled while anything is wrong. Balances
(``adapter.balances()``), transfer routes and withdrawal quotes are read in workers, one
group per profile, so the event loop never waits on a venue. Review opens
:class:`~tui.screens.move_confirm.MoveConfirmScreen`, which journals and sends the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static, TabbedContent, TabPane

from tui.core.models import AccountKind, AccountRef, Balance
from tui.core.money import plain
from tui.core.moves import MoveKind, Recipient, WithdrawQuote
from tui.core.trade_password import trade_password_ok
from tui.core.validation import (Problem, default_decimals, max_amount, parse_amount,
                                  resolve_network, validate_move)
from tui.journal import EntryState
from tui.journal.accounts import available_in
from tui.journal_ui import mover_for, needs_trade_password
from tui.session import Session
from tui.venues.base import Capability
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav
from tui.widgets.move_fields import FormField
from tui.widgets.title_bar import TitleBar

__all__ = ["MoveScreen", "MoveForm", "TransferForm", "InternalTransferForm", "WithdrawForm"]

SPOT = AccountRef(kind=AccountKind.SPOT)


def _capable(session: Session, capability: Capability) -> list[str]:
    from tui.venues.registry import capabilities

    names = []
    for profile in session.profiles:
        try:
            if capability in capabilities(profile.venue):
                names.append(profile.name)
        except Exception:  # noqa: BLE001 - an unknown venue simply offers nothing
            continue
    return names


def _token(ref: AccountRef) -> str:
    from tui.journal.accounts import account_token

    return account_token(ref)


class MoveForm(VerticalScroll, can_focus=False):
    """What the three forms share: the profile, coin and amount rows, inline validation,
    the Max and Review actions, and reading balances in a worker."""

    kind: MoveKind
    capability: Capability
    prefix: str
    last_field: str = "amount"

    DEFAULT_CSS = """
    MoveForm { padding: 1 2; }
    MoveForm .actions { height: auto; margin-top: 1; padding-left: 18; }
    MoveForm .actions Button { margin-right: 2; }
    MoveForm .status { color: $text-muted; height: auto; padding-left: 18; }
    MoveForm .summary { color: $foreground; text-style: bold; height: auto; padding-left: 18; }
    MoveForm .empty { color: $text-muted; text-style: italic; }
    """

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.profiles = _capable(session, self.capability)
        self.balances: dict[str, list[Balance]] = {}
        self.load_errors: dict[str, str] = {}
        self.touched: set[str] = set()
        self.problems: list[Problem] = []
        self._last_profile: str | None = None

    # -- building -------------------------------------------------------------------------

    def wid(self, name: str) -> str:
        """The DOM id of this form's control ``name``."""
        return f"{self.prefix}-{name}"

    def ctl(self, name: str) -> Any:
        """This form's control ``name``."""
        return self.query_one(f"#{self.wid(name)}")

    def text(self, name: str) -> str:
        """The text typed in Input ``name``."""
        return self.query_one(f"#{self.wid(name)}", Input).value

    def choice(self, name: str) -> Any:
        """The value chosen in Select ``name`` (None when blank)."""
        return self.query_one(f"#{self.wid(name)}", Select).selection

    def row(self, label: str, name: str, *controls: Any, hint: str = "") -> FormField:
        """A :class:`FormField` for ``name``."""
        return FormField(label, *controls, field=name, hint=hint, id=self.wid(f"{name}-row"))

    def field_row(self, name: str) -> FormField:
        """The row of field ``name``."""
        return self.query_one(f"#{self.wid(name)}-row", FormField)

    def input(self, name: str, placeholder: str = "", **kwargs: Any) -> Input:
        """A compact Input for field ``name``."""
        return Input(placeholder=placeholder, id=self.wid(name), compact=True, **kwargs)

    def select(self, name: str, options: Iterable[tuple[str, Any]] = (), prompt: str = "choose",
               **kwargs: Any) -> Select:
        """A compact Select for field ``name``."""
        return Select(list(options), prompt=prompt, id=self.wid(name), compact=True, **kwargs)

    def compose(self) -> ComposeResult:
        if not self.profiles:
            yield Static(f"No profile can {self.kind.value.replace('_', ' ')}: add a profile "
                         "of a venue that offers it (Profiles, key 2).", classes="empty",
                         markup=False)
            return
        yield self.row("profile", "profile",
                       self.select("profile", ((p, p) for p in self.profiles),
                                   value=self.profiles[0], allow_blank=False))
        yield from self.compose_fields()
        yield Static("", classes="summary", id=self.wid("summary"), markup=False)
        yield Static("", classes="status", id=self.wid("status"), markup=False)
        with Horizontal(classes="actions"):
            yield Button("Review  (ctrl+s)", id=self.wid("review"), variant="primary",
                         disabled=True, compact=True)

    def compose_fields(self) -> ComposeResult:
        """The rows after the profile row."""
        yield from ()

    def amount_row(self) -> FormField:
        """The amount row with its Max button."""
        return self.row("amount", "amount", self.input("amount", "e.g. 12.5"),
                        Button("Max", id=self.wid("max"), compact=True))

    def on_mount(self) -> None:
        if self.profiles:
            self.profile_changed()

    def focus_first(self) -> None:
        """Focus the form's first field (the profile), if it has one."""
        first = next((w for w in self.query("Select, Input, Button") if w.focusable), None)
        if first is not None:
            first.focus(scroll_visible=False)
            self.scroll_home(animate=False)

    # -- state ----------------------------------------------------------------------------

    @property
    def profile(self) -> str | None:
        """The chosen profile."""
        return self.choice("profile") if self.profiles else None

    def adapter(self) -> Any:
        """The chosen profile's adapter (created without I/O), or None."""
        profile = self.profile
        if profile is None:
            return None
        try:
            return self.session.adapter(profile)
        except Exception:  # noqa: BLE001 - e.g. a locked vault; shown by the loaders
            return None

    def set_status(self, text: str) -> None:
        """The muted line above the buttons (loading, errors of the venue)."""
        self.ctl("status").update(text)

    def profile_changed(self) -> None:
        """The profile changed: reload what the form reads from the venue."""
        profile = self.profile
        if profile is None or profile == self._last_profile:
            return
        self._last_profile = profile
        self.load_profile(profile)
        self.validate()

    def load_profile(self, profile: str) -> None:
        """Read the balances of ``profile`` in a worker."""
        self.set_status(f"loading {profile}…")
        self.run_worker(partial(self._load_balances, profile), group=f"{self.prefix}-balances",
                        exclusive=True, exit_on_error=False)

    async def _load_balances(self, profile: str) -> None:
        try:
            balances = await self.session.adapter(profile).balances()
        except Exception as exc:  # noqa: BLE001 - the venue's error is shown
            self.load_errors[profile] = str(exc)
            self.balances.pop(profile, None)
            if profile == self.profile:
                self.set_status(f"✗ {profile}: {exc}")
        else:
            self.balances[profile] = balances
            self.load_errors.pop(profile, None)
            if profile == self.profile:
                self.set_status("")
        if profile == self.profile:
            self.balances_loaded()

    def balances_loaded(self) -> None:
        """The chosen profile's balances arrived: refresh coin options and hints."""
        self.validate()

    def coins(self, account: AccountRef | None = None) -> list[str]:
        """Coins with a balance in ``account`` (any account when None) of the profile."""
        from tui.journal.accounts import account_token, parse_account

        name = parse_account(account_token(account)) if account is not None else None
        return sorted({b.coin for b in self.balances.get(self.profile or "", [])
                       if name is None or name.matches(b.account)})

    def set_coin_options(self, coins: list[str]) -> None:
        """Offer ``coins``, keeping the chosen one when still there."""
        select = self.query_one(f"#{self.wid('coin')}", Select)
        current = select.selection
        options = [(c, c) for c in coins]
        if [v for _, v in options] == getattr(select, "_coin_values", None):
            return
        select._coin_values = [v for _, v in options]  # type: ignore[attr-defined]
        select.set_options(options)
        if current in coins:
            select.value = current
        elif coins:
            select.value = coins[0]

    def available(self) -> Decimal | None:
        """The available balance of the chosen coin for this form (None: unknown)."""
        return None

    # -- validation -----------------------------------------------------------------------

    def check(self) -> list[Problem]:
        """Every problem with the form as it stands."""
        return []

    def validate(self) -> list[Problem]:
        """Check the form, show the problems of touched fields, enable Review when none."""
        if not self.profiles or not self.is_mounted:
            return []
        try:
            problems = self.check()
        except Exception as exc:  # noqa: BLE001 - never let a check crash the form
            problems = [Problem("amount", str(exc))]
        self.problems = problems
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for row in self.query(FormField):
            messages = by_field.get(row.field, [])
            shown = row.field in self.touched or "*" in self.touched
            row.set_error("\n".join(messages) if shown else "")
        self.ctl("review").disabled = bool(problems)
        self.update_summary()
        return problems

    def update_summary(self) -> None:
        """Refresh derived lines (the arrival amount)."""

    def touch(self, name: str) -> None:
        """Mark field ``name`` as edited, so its problems show."""
        self.touched.add(name)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix(f"{self.prefix}-")
        if event.value:
            self.touch(name)
        self.validate()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix(f"{self.prefix}-")
        if name == "profile":
            self.profile_changed()
        else:
            self.select_changed(name)
        self.validate()

    def select_changed(self, name: str) -> None:
        """A Select other than the profile changed."""

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = (event.input.id or "").removeprefix(f"{self.prefix}-")
        if name == self.last_field:
            self.review()
        else:
            self.app.action_focus_next()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == self.wid("max"):
            self.fill_max()
        elif event.button.id == self.wid("review"):
            self.review()

    # -- actions --------------------------------------------------------------------------

    def max_value(self) -> Decimal | None:
        """What Max fills in (None: unknown yet)."""
        available = self.available()
        return None if available is None else max_amount(available)

    def fill_max(self) -> None:
        """Fill the amount with the largest valid amount."""
        if not self.profiles:
            return
        value = self.max_value()
        if value is None:
            self.notify("the available balance is not known yet", severity="warning", timeout=3)
            return
        self.touch("amount")
        self.ctl("amount").value = plain(value)
        self.validate()

    def review(self) -> None:
        """Open the confirmation when the form is valid; else show every problem."""
        if not self.profiles:
            return
        self.touched.add("*")
        problems = self.validate()
        if problems:
            self.notify(f"fix the marked field{'s' if len(problems) > 1 else ''} first: "
                        f"{problems[0].message}", severity="warning", timeout=4)
            return
        try:
            screen = self.confirmation()
        except Exception as exc:  # noqa: BLE001 - e.g. the adapter refuses to build it
            self.notify(str(exc), severity="error", timeout=6)
            return
        self.app.push_screen(screen, callback=self.sent)

    def confirmation(self) -> Any:
        """The :class:`MoveConfirmScreen` for the form as it stands."""
        raise NotImplementedError

    def precision(self) -> int | None:
        """The decimals an amount may carry at the chosen profile's venue when it publishes
        none for the coin (the CLI's rule: :func:`default_decimals`)."""
        adapter = self.adapter()
        return None if adapter is None else default_decimals(adapter.venue_id)

    def summary_head(self, amount: Decimal, coin: str) -> list[tuple[str, str]]:
        """The first rows of the confirmation: amount and profile."""
        adapter = self.adapter()
        head = [("amount", f"{plain(amount)} {coin}"),
                ("profile", f"{self.profile} (venue {adapter.venue_id if adapter else '?'})")]
        acting = self.session.acting_for.get(self.profile or "")
        if acting is not None:  # the support desk acts for this org user (u)
            head.append(("for user", f"{acting} (not the profile's own)"))
        return head

    def sent(self, entry: Any) -> None:
        """The confirmation closed with ``entry`` (None: nothing sent)."""
        if entry is None:
            return
        if entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED):
            self.notify(f"{entry.state.value}: journal entry {entry.id}", timeout=4)
            self.ctl("amount").value = ""
            self.touched.discard("amount")
            self.touched.discard("*")
        elif entry.state is EntryState.REJECTED:
            self.notify(f"rejected: {entry.last_error}", severity="error", timeout=6)
        elif entry.state is EntryState.PENDING_APPROVAL:
            from tui.approvals.held import submitted_text

            self.notify(submitted_text(entry), title="Submitted for approval", timeout=8)
            self.ctl("amount").value = ""
            self.touched.discard("amount")
            self.touched.discard("*")
        else:
            self.notify("outcome unknown: see Activity (4) and settle it", severity="warning",
                        timeout=6)
        if self.profile:
            self.load_profile(self.profile)
        self.validate()

    def reload(self) -> None:
        """Read the venue again (balances, routes, quote)."""
        if self.profile:
            self.load_profile(self.profile)


class TransferForm(MoveForm):
    """Between two accounts of one profile: from, to, coin (with its available balance)
    and amount."""

    kind = MoveKind.TRANSFER
    capability = Capability.TRANSFER
    prefix = "transfer"

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self.routes: list[tuple[AccountRef, AccountRef]] = []

    def compose_fields(self) -> ComposeResult:
        yield self.row("from account", "from", self.select("from", allow_blank=True))
        yield self.row("to account", "to", self.select("to", allow_blank=True))
        yield self.row("coin", "coin", self.select("coin", allow_blank=True))
        yield self.amount_row()

    def load_profile(self, profile: str) -> None:
        super().load_profile(profile)
        self.run_worker(partial(self._load_routes, profile), group="transfer-routes", exclusive=True,
                        exit_on_error=False)

    async def _load_routes(self, profile: str) -> None:
        try:
            routes = await self.session.adapter(profile).fetch_transfer_routes()
        except Exception as exc:  # noqa: BLE001
            if profile == self.profile:
                self.routes = []
                self.set_status(f"✗ {profile}: cannot list accounts: {exc}")
            return
        if profile != self.profile:
            return
        self.routes = list(routes)
        froms: dict[str, AccountRef] = {}
        for a, _ in self.routes:
            froms.setdefault(_token(a), a)
        select = self.ctl("from")
        select.set_options([(a.label, t) for t, a in froms.items()])
        if froms:
            select.value = next(iter(froms))
        self._fill_to()
        self.validate()

    def _account(self, token: str | None) -> AccountRef | None:
        for a, b in self.routes:
            if _token(a) == token:
                return a
            if _token(b) == token:
                return b
        return None

    def _fill_to(self) -> None:
        source = self.choice("from")
        select = self.ctl("to")
        current = select.selection
        targets = [b for a, b in self.routes if _token(a) == source]
        select.set_options([(b.label, _token(b)) for b in targets])
        tokens = [_token(b) for b in targets]
        if current in tokens:
            select.value = current
        elif tokens:
            select.value = tokens[0]

    def select_changed(self, name: str) -> None:
        if name == "from":
            self._fill_to()
            self.balances_loaded()
        elif name == "coin":
            self._show_available()

    def balances_loaded(self) -> None:
        source = self._account(self.choice("from"))
        if source is not None and self.profile in self.balances:
            self.set_coin_options(self.coins(source))
        self._show_available()
        self.validate()

    def _show_available(self) -> None:
        coin = self.choice("coin")
        available = self.available()
        if coin is None:
            text = ""
        elif available is None:
            text = "available: loading…" if self.profile not in self.load_errors else \
                "available: unknown"
        else:
            text = f"available {plain(available)} {coin}"
        self.field_row("coin").set_hint(text)

    def available(self) -> Decimal | None:
        coin, source = self.choice("coin"), self._account(self.choice("from"))
        if coin is None or source is None or self.profile not in self.balances:
            return None
        return _exact_available(self.balances[self.profile], coin, source)

    def check(self) -> list[Problem]:
        problems: list[Problem] = []
        if self._account(self.choice("from")) is None:
            problems.append(Problem("from", "Choose the account to move from."))
        if self._account(self.choice("to")) is None:
            problems.append(Problem("to", "Choose the account to move to."))
        coin = self.choice("coin")
        if coin is None:
            problems.append(Problem("coin", "Choose a coin."))
        problems += validate_move(MoveKind.TRANSFER, amount_text=self.text("amount"),
                                  coin=coin or "", available=self.available(),
                                  precision=self.precision())
        return problems

    def confirmation(self) -> Any:
        from tui.screens.move_confirm import MoveConfirmScreen

        amount, _ = parse_amount(self.text("amount"))
        coin = self.choice("coin")
        source, target = self._account(self.choice("from")), self._account(self.choice("to"))
        assert amount is not None and source is not None and target is not None
        mover = mover_for(self.session)
        request, settlement = mover.build(kind=MoveKind.TRANSFER, profile=self.profile,
                                          coin=coin, amount=amount, from_account=source,
                                          to_account=target)
        summary = self.summary_head(amount, coin)
        summary[1:1] = [("fee", "none"), ("arrival", f"{plain(amount)} {coin}"),
                        ("from", source.label), ("to", target.label)]
        return MoveConfirmScreen(mover, request, settlement, summary)


class InternalTransferForm(MoveForm):
    """To another user of the same venue: recipient by uid, phone or email; coin; amount;
    remark."""

    kind = MoveKind.INTERNAL_TRANSFER
    capability = Capability.INTERNAL_TRANSFER
    prefix = "internal"
    last_field = "remark"

    DEFAULT_CSS = """
    InternalTransferForm .-hidden { display: none; }
    """

    def compose_fields(self) -> ComposeResult:
        yield self.row("recipient by", "recipient_kind",
                       self.select("recipient_kind", [("uid", "uid"), ("email", "email"),
                                                      ("phone", "phone")],
                                   value="uid", allow_blank=False))
        country = self.row("country code", "country_code", self.input("country_code", "e.g. 86"))
        country.add_class("-hidden")
        yield country
        yield self.row("recipient", "recipient", self.input("recipient", "uid, e.g. 989541187"))
        yield self.row("coin", "coin", self.select("coin", allow_blank=True))
        yield self.amount_row()
        yield self.row("remark", "remark", self.input("remark", "optional note"))

    def select_changed(self, name: str) -> None:
        if name == "recipient_kind":
            kind = self.choice("recipient_kind")
            self.field_row("country_code").set_class(kind != "phone", "-hidden")
            placeholder = {"uid": "uid, e.g. 989541187", "email": "e.g. alice@example.com",
                           "phone": "number without the country code"}.get(kind, "")
            self.ctl("recipient").placeholder = placeholder
        elif name == "coin":
            self._show_available()

    def balances_loaded(self) -> None:
        if self.profile in self.balances:
            self.set_coin_options(self.coins(SPOT))
        self._show_available()
        self.validate()

    def _show_available(self) -> None:
        coin, available = self.choice("coin"), self.available()
        text = "" if coin is None else (
            f"available {plain(available)} {coin} (spot)" if available is not None
            else "available: loading…")
        self.field_row("coin").set_hint(text)

    def available(self) -> Decimal | None:
        coin = self.choice("coin")
        if coin is None or self.profile not in self.balances:
            return None
        return _exact_available(self.balances[self.profile], coin, SPOT)

    def check(self) -> list[Problem]:
        coin = self.choice("coin")
        problems = [] if coin else [Problem("coin", "Choose a coin.")]
        kind = self.choice("recipient_kind")
        problems += validate_move(MoveKind.INTERNAL_TRANSFER, amount_text=self.text("amount"),
                                  coin=coin or "", available=self.available(),
                                  precision=self.precision(),
                                  recipient_kind=kind, recipient_value=self.text("recipient"),
                                  country_code=self.text("country_code") if kind == "phone"
                                  else None, remark=self.text("remark"))
        return problems

    def confirmation(self) -> Any:
        from tui.screens.move_confirm import MoveConfirmScreen

        amount, _ = parse_amount(self.text("amount"))
        coin = self.choice("coin")
        kind = self.choice("recipient_kind")
        assert amount is not None
        recipient = Recipient(kind=kind, value=self.text("recipient").strip(),
                              country_code=self.text("country_code").strip().lstrip("+")
                              if kind == "phone" else None)
        remark = self.text("remark").strip() or None
        mover = mover_for(self.session)
        request, settlement = mover.build(kind=MoveKind.INTERNAL_TRANSFER, profile=self.profile,
                                          coin=coin, amount=amount, recipient=recipient,
                                          remark=remark)
        summary = self.summary_head(amount, coin)
        summary[1:1] = [("fee", "none"), ("arrival", f"{plain(amount)} {coin}"),
                        ("to", recipient.label)]
        if remark:
            summary.insert(-1, ("remark", remark))
        return MoveConfirmScreen(mover, request, settlement, summary)


DEFAULT_NETWORK = "-"
"""The network Select's value for "the venue's default network"."""


class WithdrawForm(MoveForm):
    """On chain: coin, network, address, memo/tag (when the quote needs one), miner fee
    (BHEX), amount; the quote's fee, minimum, quota left and precision, and the arrival
    amount as you type."""

    kind = MoveKind.WITHDRAW
    capability = Capability.WITHDRAW
    prefix = "withdraw"

    DEFAULT_CSS = """
    WithdrawForm .-hidden { display: none; }
    WithdrawForm .quote { color: $text-muted; height: auto; padding-left: 18; margin-bottom: 1; }
    """

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(session, id=id)
        self.quote: WithdrawQuote | None = None
        self.quote_error: str | None = None
        self._quote_key: tuple[str | None, str | None, str | None] | None = None
        self._networks_for: tuple[str | None, str] | None = None

    def compose_fields(self) -> ComposeResult:
        yield self.row("coin", "coin", self.select("coin", allow_blank=True))
        yield self.row("network", "network",
                       self.select("network", [("venue default", DEFAULT_NETWORK)],
                                   value=DEFAULT_NETWORK, allow_blank=False))
        yield self.row("address", "address", self.input("address", "destination address"))
        memo = self.row("memo / tag", "memo", self.input("memo", "required for this network"))
        memo.add_class("-hidden")
        yield memo
        miner = self.row("miner fee", "miner_fee", self.input("miner_fee", "miner fee"))
        miner.add_class("-hidden")
        yield miner
        yield self.amount_row()
        yield Static("", classes="quote", id=self.wid("quote"), markup=False)

    # -- the quote ------------------------------------------------------------------------

    @property
    def network(self) -> str | None:
        """The chosen network (None: the venue's default)."""
        value = self.choice("network")
        return None if value in (None, DEFAULT_NETWORK) else value

    def balances_loaded(self) -> None:
        if self.profile in self.balances:
            self.set_coin_options(self.coins())
            self.fetch_quote()
        self.validate()

    def select_changed(self, name: str) -> None:
        if name == "coin":
            self._reset_networks()
            self.fetch_quote()
        elif name == "network":
            self.fetch_quote()

    def _reset_networks(self) -> None:
        select = self.ctl("network")
        select.set_options([("venue default", DEFAULT_NETWORK)])
        select.value = DEFAULT_NETWORK
        self._networks_for = None

    def fetch_quote(self) -> None:
        """Read the withdrawal quote for the chosen coin and network in a worker."""
        profile, coin, network = self.profile, self.choice("coin"), self.network
        key = (profile, coin, network)
        if coin is None or key == self._quote_key:
            return
        self._quote_key = key
        self.quote = None
        self.quote_error = None
        self.ctl("quote").update(f"loading the {coin} withdrawal rules…")
        self.run_worker(partial(self._load_quote, profile, coin, network), group="withdraw-quote",
                        exclusive=True, exit_on_error=False)

    async def _load_quote(self, profile: str, coin: str, network: str | None) -> None:
        try:
            quote = await self.session.adapter(profile).withdraw_quote(coin, network)
        except Exception as exc:  # noqa: BLE001
            if self._quote_key == (profile, coin, network):
                self.quote_error = str(exc)
                self.ctl("quote").update(f"✗ cannot read the withdrawal rules: {exc}")
                self.validate()
            return
        if self._quote_key != (profile, coin, network):
            return
        self.quote = quote
        self._show_quote(quote)

    def _show_quote(self, quote: WithdrawQuote) -> None:
        networks = [n.strip() for n in quote.extra.get("networks", "").split(",") if n.strip()]
        if networks and self._networks_for != (self.profile, quote.coin):
            self._networks_for = (self.profile, quote.coin)
            select = self.ctl("network")
            chosen = quote.network if quote.network in networks else networks[0]
            select.set_options([(n, n) for n in networks])
            select.value = chosen
            self._quote_key = (self.profile, quote.coin, chosen)
        self.field_row("memo").set_class(not quote.needs_tag, "-hidden")
        miner = self.field_row("miner_fee")
        if quote.miner_fee_coin is not None:
            miner.remove_class("-hidden")
            span = f"{plain(quote.miner_fee_min) if quote.miner_fee_min is not None else '0'}"
            if quote.miner_fee_max is not None:
                span += f" .. {plain(quote.miner_fee_max)}"
            miner.set_hint(f"{quote.miner_fee_coin}, {span}")
            field = self.ctl("miner_fee")
            if not field.value:
                suggested = quote.miner_fee_suggested or quote.miner_fee_min
                if suggested is not None:
                    field.value = plain(suggested)
        else:
            miner.add_class("-hidden")
        self.ctl("quote").update(self.quote_text(quote))
        self.field_row("coin").set_hint(
            f"available {plain(quote.available)} {quote.coin}" if quote.available is not None
            else "")
        self.validate()

    @staticmethod
    def quote_text(quote: WithdrawQuote) -> str:
        """The quote in one line: fee, minimum, quota left, precision."""
        parts = []
        if quote.fee is not None:
            parts.append(f"fee {plain(quote.fee)} {quote.fee_coin or quote.coin}")
        else:
            parts.append("fee unknown")
        if quote.minimum is not None:
            parts.append(f"minimum {plain(quote.minimum)}")
        if quote.day_quota is not None:
            left = quote.day_quota - (quote.used_quota or Decimal(0))
            parts.append(f"quota left today {plain(left)}")
        if quote.precision is not None:
            parts.append(f"precision {quote.precision} decimals")
        if not quote.allowed:
            parts.append(f"withdrawals closed{': ' + quote.refuse_reason if quote.refuse_reason else ''}")
        return " · ".join(parts)

    # -- checks ---------------------------------------------------------------------------

    def miner_fee(self) -> tuple[Decimal | None, Problem | None]:
        """The miner fee typed (BHEX), or the problem with it; (None, None) when the
        venue takes none."""
        quote = self.quote
        if quote is None or quote.miner_fee_coin is None:
            return None, None
        value, problem = parse_amount(self.text("miner_fee"))
        if problem is not None:
            return None, Problem("miner_fee", problem.message.replace("amount", "miner fee"))
        assert value is not None
        low, high = quote.miner_fee_min, quote.miner_fee_max
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{plain(low) if low is not None else '0'} .. " \
                   f"{plain(high) if high is not None else '-'}"
            return value, Problem("miner_fee", f"The miner fee must be within {span} "
                                               f"{quote.miner_fee_coin}.")
        return value, None

    def _arrival(self) -> Callable[[Decimal], Decimal] | None:
        quote, adapter = self.quote, self.adapter()
        if quote is None or adapter is None:
            return None
        fee, _ = self.miner_fee()
        return lambda amount: adapter.arrival_amount(quote, amount, fee)

    def check(self) -> list[Problem]:
        coin = self.choice("coin")
        if coin is None:
            return [Problem("coin", "Choose a coin.")]
        if self.quote is None:
            why = (f"cannot read the withdrawal rules: {self.quote_error}" if self.quote_error
                   else "loading the withdrawal rules…")
            return [Problem("coin", why)]
        _, fee_problem = self.miner_fee()
        problems = [fee_problem] if fee_problem else []
        problems += validate_move(MoveKind.WITHDRAW, amount_text=self.text("amount"), coin=coin,
                                  quote=self.quote, arrival=self._arrival(),
                                  memo=self.text("memo"), address=self.text("address"),
                                  network=self.network)
        return problems

    def arrival_value(self) -> Decimal | None:
        """What would arrive for the amount typed (None: not computable)."""
        amount, problem = parse_amount(self.text("amount"))
        arrival = self._arrival()
        if problem is not None or amount is None or arrival is None:
            return None
        try:
            return arrival(amount)
        except Exception:  # noqa: BLE001 - e.g. a quote without a fee
            return None

    def update_summary(self) -> None:
        coin = self.choice("coin")
        value = self.arrival_value()
        text = "" if value is None else f"arrives {plain(value)} {coin}"
        self.ctl("summary").update(text)

    def available(self) -> Decimal | None:
        return self.quote.available if self.quote is not None else None

    def max_value(self) -> Decimal | None:
        quote = self.quote
        if quote is None or quote.available is None:
            return None
        return max_amount(quote.available, precision=quote.precision)

    def confirmation(self) -> Any:
        from tui.screens.move_confirm import MoveConfirmScreen

        quote = self.quote
        assert quote is not None
        amount, _ = parse_amount(self.text("amount"))
        assert amount is not None
        coin = self.choice("coin")
        fee, _ = self.miner_fee()
        address = self.text("address").strip()
        memo = self.text("memo").strip() or None
        adapter = self.adapter()
        mover = mover_for(self.session)
        network, network_label, _ = resolve_network(self.network, quote, coin)
        request, settlement = mover.build(kind=MoveKind.WITHDRAW, profile=self.profile,
                                          coin=coin, amount=amount, network=network,
                                          address=address, memo=memo, miner_fee=fee,
                                          convert_rate=quote.convert_rate)
        arrival = adapter.arrival_amount(quote, amount, fee)
        summary = self.summary_head(amount, coin)
        rows = [("fee", f"{plain(quote.fee)} {quote.fee_coin or coin}" if quote.fee is not None
                 else "unknown")]
        if fee is not None:
            rows.append(("miner fee", f"{plain(fee)} {quote.miner_fee_coin or coin}"))
        rows += [("arrival", f"{plain(arrival)} {coin}"), ("address", address),
                 ("network", network_label or "venue default")]
        if memo:
            rows.append(("memo / tag", memo))
        summary[1:1] = rows
        return MoveConfirmScreen(mover, request, settlement, summary, tail=address[-4:],
                                 ask_password=needs_trade_password(adapter.venue_id),
                                 check_password=partial(trade_password_ok, adapter))

    def sent(self, entry: Any) -> None:
        super().sent(entry)
        self._quote_key = None
        self.fetch_quote()


def _exact_available(balances: list[Any], coin: str, account: AccountRef) -> Decimal | None:
    """The available ``coin`` in ``account`` summed exactly (0 when none is held); None
    when the sum cannot be exact, so no amount is checked against a rounded balance."""
    from decimal import DecimalException

    try:
        return available_in(balances, coin, account) or Decimal(0)
    except DecimalException:
        return None


_FORMS: tuple[tuple[str, str, type[MoveForm]], ...] = (
    ("transfer", "Transfer", TransferForm),
    ("internal", "Internal transfer", InternalTransferForm),
    ("withdraw", "Withdraw", WithdrawForm),
)


class MoveScreen(Screen[None]):
    """Move money: a Transfer, an Internal transfer and a Withdraw form in tabs."""

    SUB_TITLE = "move money"

    OWNS_DIGITS = True
    """Number keys typed here are part of an amount, never a screen switch."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "review", "Review", tooltip="Check the form and open the "
                                                      "confirmation (enter on the last field)"),
        # Not ctrl+b: that is tmux's prefix key.
        Binding("ctrl+g", "max", "Max", tooltip="Fill in the largest amount available"),
        Binding("ctrl+r", "reload", "Reload", tooltip="Read balances, accounts and the "
                                                      "withdrawal rules again"),
        Binding("ctrl+t", "next_form", "Next form", priority=True,
                tooltip="Switch between Transfer, Internal transfer and Withdraw"),
    ]

    DEFAULT_CSS = """
    MoveScreen TabbedContent { height: 1fr; }
    MoveScreen TabPane { padding: 0; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("move")
        with TabbedContent(id="kinds"):
            for pane_id, title, form in _FORMS:
                with TabPane(title, id=pane_id):
                    yield form(self.session, id=f"{pane_id}-form")
        yield KeyFooter()

    @property
    def form(self) -> MoveForm:
        """The form in the active tab."""
        active = self.query_one(TabbedContent).active or "transfer"
        return self.query_one(f"#{active}-form", MoveForm)

    def on_mount(self) -> None:
        self.form.focus_first()

    def show_form(self, pane_id: str) -> MoveForm:
        """Switch to the form ``transfer``, ``internal`` or ``withdraw``, focus its first
        field and return it.

        The focus moves at once: a focused field left in the hidden pane would hand the
        focus to its neighbour, and TabbedContent would switch back to that pane."""
        self.query_one(TabbedContent).active = pane_id
        form = self.query_one(f"#{pane_id}-form", MoveForm)
        form.focus_first()
        return form

    def action_review(self) -> None:
        """Check the active form and open its confirmation."""
        self.form.review()

    def action_max(self) -> None:
        """Fill the active form's amount with the largest valid amount."""
        self.form.fill_max()

    def action_reload(self) -> None:
        """Read the active form's data from the venue again."""
        self.form.reload()

    def action_next_form(self) -> None:
        """Switch to the next form."""
        ids = [pane_id for pane_id, _, _ in _FORMS]
        active = self.query_one(TabbedContent).active or ids[0]
        self.show_form(ids[(ids.index(active) + 1) % len(ids)])

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Palette entries beyond the bindings: open each form."""
        for pane_id, title, _ in _FORMS:
            yield (f"Move money: {title}", f"Open the {title.lower()} form",
                   lambda p=pane_id: self.show_form(p))
