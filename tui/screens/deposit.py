"""The Deposit screen: where to send a coin, with its memo/tag, limits and a QR code.

Pick a profile (only those whose adapter has the DEPOSIT_ADDRESS capability), a coin
(typed, with the profile's coins as suggestions) and, when the coin's addresses span
several networks, a network. The screen shows the address, the memo/tag with a clear
warning when the venue requires it, the minimum deposit and confirmations, whether
deposits are open, and a QR code of the address (black on white with its quiet zone,
whatever the theme). ``c`` copies the address and ``t`` the tag to the clipboard; a coin
with several addresses steps through them with ``]`` and ``[``. Every request runs in a
worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from tui.core.errors import CoinsoleError
from tui.core.history import DepositAddress
from tui.core.money import plain
from tui.screens.profile_tabs import ProfileScreen, next_profile_binding
from tui.session import Session
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav
from tui.venues.base import Capability
from tui.widgets.qr import QRCode
from tui.widgets.title_bar import TitleBar

__all__ = ["DepositScreen", "TAG_WARNING", "ANY_NETWORK"]

TAG_WARNING = ("⚠ This coin needs a memo/tag: send BOTH the address and the tag, or the "
               "deposit is lost.")
"""What the screen says when the venue requires a memo/tag."""

ANY_NETWORK = "*"
"""The network selector's value meaning "every network"."""


class DepositScreen(ProfileScreen):
    """Deposit address, memo/tag, limits and QR code for one coin of one profile."""

    SUB_TITLE = "deposit"
    PROFILE_CAPABILITIES = frozenset({Capability.DEPOSIT_ADDRESS})

    BINDINGS: list[BindingType] = [
        Binding("c", "copy_address", "Copy address",
                tooltip="Copy the deposit address to the clipboard"),
        Binding("t", "copy_tag", "Copy tag",
                tooltip="Copy the memo/tag to the clipboard (when the coin has one)"),
        Binding("right_square_bracket", "next_address", "Next address", key_display="]",
                tooltip="Show the coin's next address (a coin may have several)"),
        Binding("left_square_bracket", "previous_address", "Previous address",
                key_display="[", show=False, tooltip="Show the coin's previous address"),
        Binding("r", "refresh", "Refresh", tooltip="Fetch the address again"),
        Binding("slash", "focus_coin", "Coin", key_display="/",
                tooltip="Type another coin (enter looks it up)"),
        next_profile_binding("Switch to the next profile that offers deposit addresses"),
    ]

    DEFAULT_CSS = """
    DepositScreen #bar Label { padding: 1 1 0 1; }
    DepositScreen #profile { width: 1fr; min-width: 16; max-width: 30; }
    DepositScreen #coin { width: 14; }
    DepositScreen #network { width: 1fr; min-width: 16; max-width: 24; }
    DepositScreen #body { height: 1fr; padding: 1 1 0 1; }
    DepositScreen #qr-box { width: auto; height: auto; margin-right: 2; }
    DepositScreen #details { width: 1fr; height: 1fr; }
    DepositScreen .heading { color: $text-muted; }
    DepositScreen #address {
        text-style: bold;
        color: $foreground;
        background: $boost;
        padding: 0 1;
        margin-bottom: 1;
        height: auto;
    }
    DepositScreen #tag-warning {
        display: none;
        color: $warning;
        background: $warning 15%;
        border: tall $warning;
        text-style: bold;
        padding: 0 1;
        height: auto;
    }
    DepositScreen #tag-warning.-shown { display: block; }
    DepositScreen #memo { height: auto; margin-bottom: 1; }
    DepositScreen #facts { height: auto; color: $text; }
    DepositScreen #closed {
        display: none;
        color: $error;
        text-style: bold;
        height: auto;
    }
    DepositScreen #closed.-shown { display: block; }
    DepositScreen #state {
        color: $text-muted;
        text-style: italic;
        height: auto;
        padding: 1 0;
    }
    DepositScreen #state.-error { color: $error; text-style: bold; }
    DepositScreen #hint { color: $text-muted; height: auto; margin-top: 1; }
    DepositScreen #qr-note { color: $text-muted; height: auto; margin-bottom: 1; display: none; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.coins: list[str] = []
        """The chosen profile's coins (from its balances), as suggestions."""
        self.coin: str = ""
        self.addresses: list[DepositAddress] = []
        """Every address found for the coin (all networks)."""
        self.network: str = ANY_NETWORK
        self.index = 0
        """Which of the shown addresses is on screen."""
        self.error: str | None = None
        self.busy = False

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("deposit")
        yield self.profile_bar(
            Label("coin"), Input(id="coin", placeholder="coin"), Label("network"),
            Select([("any network", ANY_NETWORK)], id="network", value=ANY_NETWORK,
                   allow_blank=False))
        with Horizontal(id="body"):
            with Vertical(id="qr-box"):
                yield QRCode(id="qr")
            with VerticalScroll(id="details"):
                yield Static("", id="title", classes="heading", markup=False)
                yield Static("", id="address", markup=False)
                yield Static("", id="qr-note", markup=False)
                yield Static(TAG_WARNING, id="tag-warning", markup=False)
                yield Static("", id="memo", markup=False)
                yield Static("", id="facts", markup=False)
                yield Static("Deposits of this coin are closed at the venue right now: do not "
                             "send any.", id="closed", markup=False)
                yield Static("", id="state", markup=False)
                yield Static("", id="hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.profile is None:
            self._show_state("No profile offers deposit addresses: add a profile whose venue "
                             "has the deposit-address capability.")
            self.query_one("#bar").display = False
            return
        self.load_coins()

    # -- loading ------------------------------------------------------------------------

    def load_coins(self) -> None:
        """Load the chosen profile's coins (its balances) to suggest, then the address of
        the first coin."""
        if self.profile is None:
            return
        self.busy = True
        self._show_state("loading coins…")
        self.run_worker(partial(self._load_coins, self.profile), group="deposit:coins",
                        exclusive=True, exit_on_error=False)

    async def _load_coins(self, profile: str) -> None:
        result = await self.session.load_balances(profile)
        if profile != self.profile:
            return
        coins = sorted({b.coin.upper() for b in result.balances})
        self.coins = coins
        coin_input = self.query_one("#coin", Input)
        coin_input.suggester = SuggestFromList(coins, case_sensitive=False)
        if result.error is not None and not coins:
            self.busy = False
            self._show_state(f"could not list the coins of {profile}: {result.error} — type "
                             "a coin to look it up", error=True)
            coin_input.focus()
            return
        if not self.coin and coins:
            self.set_coin(coins[0])
        elif self.coin:
            self.load_address()
        else:
            self.busy = False
            self._show_state("type a coin (e.g. USDT) and press enter")
            coin_input.focus()

    def set_coin(self, coin: str) -> None:
        """Show the deposit address of ``coin``."""
        coin = coin.strip().upper()
        if not coin:
            return
        self.coin = coin
        field = self.query_one("#coin", Input)
        if field.value.upper() != coin:
            field.value = coin
        self.load_address()

    def load_address(self) -> None:
        """Fetch the coin's addresses (every network) in a worker."""
        if self.profile is None or not self.coin:
            return
        self.busy = True
        self.error = None
        self._show_state(f"loading the {self.coin} deposit address…")
        self.run_worker(partial(self._load_address, self.profile, self.coin),
                        group="deposit:address", exclusive=True, exit_on_error=False)

    async def _load_address(self, profile: str, coin: str) -> None:
        try:
            found = await self.session.adapter(profile).deposit_address(coin)
        except asyncio.CancelledError:
            raise
        except CoinsoleError as exc:
            found, error = [], str(exc)
        except Exception as exc:  # noqa: BLE001 - show it, keep the app up
            found, error = [], f"unexpected {type(exc).__name__}: {exc}"
        else:
            error = None
        if (profile, coin) != (self.profile, self.coin):
            return
        self.busy = False
        self.error = error
        self.addresses = list(found)
        self.index = 0
        networks = sorted({a.network for a in self.addresses if a.network})
        select = self.query_one("#network", Select)
        with select.prevent(Select.Changed):
            select.set_options([("any network", ANY_NETWORK)] + [(n, n) for n in networks])
            select.value = ANY_NETWORK
        self.network = ANY_NETWORK
        self.show()

    # -- rendering ----------------------------------------------------------------------

    @property
    def shown(self) -> list[DepositAddress]:
        """The addresses on the chosen network (every one for "any network")."""
        if self.network == ANY_NETWORK:
            return list(self.addresses)
        return [a for a in self.addresses if a.network == self.network]

    @property
    def current(self) -> DepositAddress | None:
        """The address on screen, if any."""
        shown = self.shown
        return shown[self.index % len(shown)] if shown else None

    def _show_state(self, text: str, *, error: bool = False) -> None:
        state = self.query_one("#state", Static)
        state.update(text)
        state.set_class(error, "-error")
        state.display = bool(text)

    def show(self) -> None:
        """Render the current address (or the loading/error/empty state)."""
        address = self.current
        qr = self.query_one(QRCode)
        for widget_id in ("#title", "#address", "#memo", "#facts", "#hint"):
            self.query_one(widget_id, Static).display = address is not None
        warning = self.query_one("#tag-warning", Static)
        closed = self.query_one("#closed", Static)
        if address is None:
            qr.data = ""
            warning.remove_class("-shown")
            closed.remove_class("-shown")
            self.refresh_bindings()
            if self.error:
                self._show_state(f"✗ {self.error}", error=True)
            elif self.busy:
                self._show_state("loading…")
            else:
                self._show_state(f"no deposit address for {self.coin}" if self.coin
                                 else "type a coin and press enter")
            return
        self._show_state("")
        qr.data = address.address
        count = len(self.shown)
        where = f" on {address.network}" if address.network else ""
        position = f" · address {self.index % count + 1} of {count} (] next)" if count > 1 else ""
        self.query_one("#title", Static).update(
            f"{address.coin} deposit address{where} · {self.profile}{position}")
        self.query_one("#address", Static).update(address.address)
        warning.set_class(address.tag_required, "-shown")
        if address.memo:
            label = "memo/tag (REQUIRED)" if address.tag_required else "memo/tag"
            self.query_one("#memo", Static).update(f"{label}: {address.memo}")
        else:
            self.query_one("#memo", Static).update("memo/tag: none needed")
        facts = [
            "minimum deposit: " + (f"{plain(address.minimum)} {address.coin}"
                                   if address.minimum is not None else "not reported"),
            "confirmations:   " + (str(address.confirmations)
                                   if address.confirmations is not None else "not reported"),
            "deposits open:   " + ({True: "yes", False: "NO"}.get(address.deposits_open, "")
                                   if address.deposits_open is not None else "not reported"),
        ]
        self.query_one("#facts", Static).update("\n".join(facts))
        closed.set_class(address.deposits_open is False, "-shown")
        keys = "c copies the address" + (" · t copies the tag" if address.memo else "")
        self.query_one("#hint", Static).update(
            f"{keys}. Send only {address.coin}{where} to this address.")
        self.refresh_bindings()
        self.call_after_refresh(self.fit_qr)

    def on_resize(self) -> None:
        """Decide again whether the QR code fits."""
        self.call_after_refresh(self.fit_qr)

    def fit_qr(self) -> None:
        """Show the QR code only when all of it fits and leaves the address one whole line
        beside it; otherwise hide it (a cut code scans wrong or not at all) and say why."""
        qr = self.query_one(QRCode)
        box = self.query_one("#qr-box")
        note = self.query_one("#qr-note", Static)
        address = self.current
        if address is None or not qr.modules:
            note.display = False
            return
        body = self.query_one("#body").content_region
        width, height = len(qr.modules[0]), (len(qr.modules) + 1) // 2
        beside = body.width - width - 2  # the box's right margin
        fits = height <= body.height and beside >= len(address.address) + 2
        box.display = fits
        note.display = not fits
        if not fits:
            note.update(f"QR code hidden: it needs {width}×{height} cells and the address "
                        "a whole line beside it; enlarge the terminal to scan it.")

    # -- actions ------------------------------------------------------------------------

    def action_copy_address(self) -> None:
        """Copy the address on screen to the clipboard."""
        address = self.current
        if address is None:
            self.notify("no address to copy", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(address.address)
        self.notify(f"{address.coin} address copied: {address.address}", title="Copied",
                    timeout=4)

    def action_copy_tag(self) -> None:
        """Copy the memo/tag on screen to the clipboard."""
        address = self.current
        if address is None or not address.memo:
            self.notify("this address has no memo/tag to copy", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(address.memo)
        self.notify(f"{address.coin} memo/tag copied: {address.memo} — send it WITH the "
                    "address", title="Copied", timeout=5)

    def action_next_address(self, step: int = 1) -> None:
        """Show the coin's next address."""
        if len(self.shown) > 1:
            self.index = (self.index + step) % len(self.shown)
            self.show()

    def action_previous_address(self) -> None:
        """Show the coin's previous address."""
        self.action_next_address(-1)

    def action_refresh(self) -> None:
        """Fetch the coin's addresses again."""
        if self.coin:
            self.load_address()
        else:
            self.load_coins()

    def action_focus_coin(self) -> None:
        """Focus the coin field to type another coin."""
        field = self.query_one("#coin", Input)
        field.focus()
        field.action_select_all()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_tag":
            address = self.current if self.is_mounted else None
            return address is not None and bool(address.memo)
        if action in ("next_address", "previous_address"):
            return self.is_mounted and len(self.shown) > 1
        if action in ("copy_address", "refresh", "focus_coin"):
            return self.profile is not None
        return super().check_action(action, parameters)

    # -- events -------------------------------------------------------------------------

    def profile_switched(self) -> None:
        """Forget the coin and its addresses, and load the new profile's coins."""
        self.coin, self.addresses, self.index = "", [], 0
        self.query_one("#coin", Input).value = ""
        self.show()
        self.load_coins()

    @on(Select.Changed, "#network")
    def _network_changed(self, event: Select.Changed) -> None:
        self.network = str(event.value)
        self.index = 0
        self.show()
        self.refresh_bindings()

    @on(Input.Submitted, "#coin")
    def _coin_submitted(self, event: Input.Submitted) -> None:
        self.set_coin(event.value)
        self.set_focus(None)

    # -- command palette ----------------------------------------------------------------

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries: one per suggested coin and per profile."""
        for coin in self.coins:
            yield f"Deposit {coin}", f"Show the {coin} deposit address", \
                lambda c=coin: self.set_coin(c)
        for name in self.profiles:
            yield f"Deposit to {name}", f"Show deposit addresses of profile {name}", \
                lambda n=name: self.choose_profile(n)
