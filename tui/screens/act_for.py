"""Acting for a user of a BHEX org, on every BHEX screen: ``u`` opens :class:`ActForScreen`
(a uid typed, or searched in the local index of the org's users), and the chosen user is
the one every screen reading through that profile's adapter shows (Balances, Move money,
Activity, Deposit, History, Orders, Users). The app's title names the user acted for, so
the title bar says on every screen whose data is on it.

The state lives in the session (:meth:`tui.session.Session.act_for`), so it outlives the
adapters (a vault lock drops them) and reaches screens not opened yet.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.errors import CoinsoleError
from tui.screens.modal import ModalBase, cancel_binding
from tui.session import Session
from tui.support.acting import acting_profiles, acting_title

__all__ = ["ActForScreen", "apply_acting", "open_act_for", "OWN_USER"]

OWN_USER = "<own>"
"""The picker's option id for "the profile's own user"."""


def _reload(screen: Screen, profile: str) -> None:
    """Make ``screen`` read ``profile`` again (its data is now another user's)."""
    from tui.screens.activity import ActivityScreen
    from tui.screens.balances import BalancesScreen
    from tui.screens.deposit import DepositScreen
    from tui.screens.move import MoveForm, MoveScreen
    from tui.screens.org_holdings import OrgHoldingsScreen
    from tui.screens.profile_tabs import ProfileScreen
    from tui.screens.statistics import StatisticsScreen
    from tui.screens.users import UsersScreen

    if not screen.is_mounted:
        return
    if isinstance(screen, BalancesScreen):
        screen.load_profile(profile)
    elif isinstance(screen, ActivityScreen):
        screen.action_refresh()
    elif isinstance(screen, MoveScreen):
        for form in screen.query(MoveForm):
            if form.profile == profile:
                form.load_profile(profile)
    elif isinstance(screen, DepositScreen):
        if screen.profile == profile:
            screen.load_coins()  # the same coin, the new user's address
    elif isinstance(screen, (UsersScreen, StatisticsScreen, OrgHoldingsScreen)):
        return  # the card names its user; statistics and org holdings are org-wide
    elif isinstance(screen, ProfileScreen) and screen.profile == profile:
        screen.profile_switched()


def apply_acting(app: Any, session: Session, profile: str, user_id: str | None) -> str:
    """Make ``profile`` act for ``user_id`` (None: its own user) everywhere: the session's
    adapter, the app's title, and every open main screen showing it reloads. Returns the
    user id now shown."""
    session.act_for(profile, user_id)
    app.title = acting_title(str(app.title), session.acting_for)
    for screen in list(getattr(app, "_main_screens", {}).values()):
        _reload(screen, profile)
    return session.shown_user(profile) or ""


def open_act_for(app: Any) -> None:
    """``u``: open the picker for the first BHEX profile the current screen shows."""
    screen = app.screen
    profiles = acting_profiles(screen)
    if not profiles:
        app.notify("no BHEX profile on this screen: only an org API acts for its users",
                   severity="warning")
        return
    session: Session = screen.session  # type: ignore[attr-defined]
    profile = profiles[0]

    def chosen(user_id: str | None) -> None:
        if user_id is None:
            return
        own = session.profile(profile).user_id
        shown = apply_acting(app, session, profile, None if user_id == OWN_USER else user_id)
        whose = "its own user" if shown == own else f"user {shown}"
        app.notify(f"{profile} now shows {whose}", timeout=4)

    app.push_screen(ActForScreen(session, profile), callback=chosen)


class ActForScreen(ModalBase[str | None]):
    """Choose the user ``profile`` acts for: type a uid, or search the org's users (uid,
    mobile, email or a prefix; from the local index, when synced). Enter takes the first
    match (or the uid typed when nothing matches); the list's first entry goes back to the
    profile's own user. Dismisses with the user id, :data:`OWN_USER`, or None (Esc)."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "choose", "Act for", key_display="^s",
                tooltip="Act for the highlighted user (or the uid typed)"),
        cancel_binding("Keep acting for the same user"),
    ]

    DEFAULT_CSS = """
    ActForScreen > Vertical { width: 72; }
    ActForScreen #act-now { color: $text-muted; }
    ActForScreen #act-query { margin-top: 1; }
    ActForScreen #act-results { height: auto; max-height: 10; }
    ActForScreen #act-error { color: $error; height: auto; }
    """

    def __init__(self, session: Session, profile: str) -> None:
        super().__init__()
        self.session = session
        self.profile = profile
        self.own = session.profile(profile).user_id or ""

    def compose(self) -> ComposeResult:
        shown = self.session.shown_user(self.profile) or ""
        now = "its own user" if shown == self.own else "another user"
        with Vertical() as box:
            box.border_title = f"Act for a user · {self.profile}"
            yield Static(f"now showing user {shown} ({now})", id="act-now", markup=False)
            yield Input(id="act-query", placeholder="uid, mobile or email — or the start "
                                                    "of one")
            yield OptionList(id="act-results")
            yield Static("", id="act-error", markup=False)
            yield Static("enter or ctrl+s acts for the first (or highlighted) user · "
                         "esc cancels", classes="hint", markup=False)

    def on_mount(self) -> None:
        self._search("")
        self.query_one("#act-query", Input).focus()

    def _index(self) -> Any:
        from tui.support.user_index import UserIndex, index_path, org_key

        adapter = self.session.adapter(self.profile)
        org = org_key(adapter.settings.base_url, adapter.credentials.api_key.get_secret_value())
        if not index_path(org).exists():
            return None
        return UserIndex.open(org)

    def _search(self, text: str) -> None:
        results = self.query_one("#act-results", OptionList)
        results.clear_options()
        results.add_option(Option(f"{self.own}  the profile's own user", id=OWN_USER))
        if text.strip():
            try:
                index = self._index()
            except Exception:  # noqa: BLE001 - e.g. a locked vault: typing a uid still works
                index = None
            if index is not None:
                try:
                    found = index.search(text, 8)
                finally:
                    index.close()
                for match in found:
                    user = match.user
                    contact = (f"+{user.national_code} {user.mobile}" if user.mobile
                               else user.email)
                    results.add_option(Option(f"{user.user_id}  {contact}  ({match.why})",
                                              id=user.user_id))
        results.highlighted = 1 if results.option_count > 1 else 0

    @on(Input.Changed, "#act-query")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#act-error", Static).update("")
        self._search(event.value)

    @on(Input.Submitted, "#act-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    @on(OptionList.OptionSelected, "#act-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))

    def action_choose(self) -> None:
        """Act for the highlighted match; with no match, for the uid typed (checked)."""
        from tui.venues.bhex_users import check_user_id

        results = self.query_one("#act-results", OptionList)
        text = self.query_one("#act-query", Input).value.strip()
        index = results.highlighted
        if index is not None and (index > 0 or not text):
            self.dismiss(str(results.get_option_at_index(index).id))
            return
        try:
            self.dismiss(check_user_id(text, "the user id"))
        except CoinsoleError as exc:
            self.query_one("#act-error", Static).update(str(exc).removeprefix("bhex: "))
