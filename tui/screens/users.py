"""The Users screen (the support desk): find any user of a BHEX org and see their card.

One search input: a uid, a mobile (with or without national code), an email, or a prefix
of any; results appear as you type, from the local index of the org's users
(:mod:`tui.support.user_index`; ``s`` syncs it), 50 at a time: a full page ends with a
"more matches" entry that loads the next 50 when chosen or highlighted (the #state line
says how many are shown and whether there are more). Until a user is chosen the card
says how to choose one. Choosing a result loads the user's card:
every part (base info, KYC, invite info and list, the eight status flags, balances with
sub-accounts, their ChainUp rows when the session has a ChainUp profile, deposits,
withdrawals with their broker-audit state, balance flow, OTC orders, open orders,
positions) at once, each with its own loading or error state (:mod:`tui.support.card`),
the lists in the History and Orders screens' tables (:mod:`tui.screens.user_card`). The
title bar names the user whose data is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.profile_tabs import ProfileScreen, next_profile_binding
from tui.session import Session
from tui.screens.user_card import UserCardView
from tui.support.card import CardPart, UserCard
from tui.venues.base import Capability
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav
from tui.widgets.title_bar import TitleBar

__all__ = ["UsersScreen", "act_for"]


def act_for(app: Any, session: Session, profile: str, user_id: str) -> None:
    """Make every screen of ``profile`` act for ``user_id`` (the session's acting-for,
    :func:`tui.screens.act_for.apply_acting`); the app's title names the user."""
    from tui.screens.act_for import apply_acting

    apply_acting(app, session, profile, user_id)


PAGE = 50
"""Matches listed at a time; the more-entry loads the next ones."""
MORE_ID = "more"
"""The more-entry's option id (a user's id is digits)."""
MORE_PROMPT = f"↓ more matches: the next {PAGE}…"
MORE_LOADING = "loading more matches…"


@dataclass
class _Listing:
    """The search whose matches are listed: its text, how many are shown, whether the
    index has more, and whether the next page is loading. Each search makes a new one,
    so a page that arrives for a listing no longer on screen is dropped."""

    text: str
    shown: int = 0
    more: bool = False
    loading: bool = False

    def state(self) -> str:
        """The #state line: how many matches are shown and whether there are more."""
        noun = "match" if self.shown == 1 else "matches"
        if self.more:
            return f"{self.shown:,} {noun} shown · more below"
        return f"{self.shown:,} {noun}" if self.shown else "no user matches"


class UsersScreen(ProfileScreen):
    """Search the org's users and show one user's card, part by part."""

    SUB_TITLE = "users"
    PROFILE_CAPABILITIES = frozenset({Capability.SUB_ACCOUNTS})
    PROFILE_PROMPT = "no BHEX profile"

    BINDINGS: list[BindingType] = [
        Binding("slash", "focus_search", "Search", key_display="/",
                tooltip="Type a uid, mobile or email (or the start of one)"),
        Binding("s", "sync", "Sync index",
                tooltip="Bring the local index of the org's users up to date"),
        Binding("r", "reload_card", "Reload card", tooltip="Load the shown user's card again"),
        Binding("a", "act_for", "Act for user",
                tooltip="Make the other BHEX screens act for the user on screen"),
        Binding("h", "holdings", "Holdings", show=False,
                tooltip="This user's rows in Org holdings (h or esc comes back)"),
        Binding("f", "status_flags", "Flags",
                tooltip="The user's eight status flags as toggles (each change confirmed, "
                        "journaled, through approvals)"),
        Binding("v", "verify_caller", "Verify caller",
                tooltip="Check the caller's GA code or trade password (masked)"),
        Binding("w", "write_menu", "Write",
                tooltip="Every change to a user, by menu (each has its own key too)"),
        Binding("K", "update_kyc", "Update KYC", show=False,
                tooltip="Update the shown user's KYC (prefilled; the diff confirmed)"),
        Binding("i", "rebuild_invite", "Invite relation", show=False,
                tooltip="Give the shown user, who has none, an inviter"),
        Binding("L", "reset_login_password", "Login password", show=False,
                tooltip="Reset the shown user's login password (masked, typed twice)"),
        Binding("T", "reset_trade_password", "Trade password", show=False,
                tooltip="Reset the shown user's trade password (masked, typed twice)"),
        Binding("B", "bind_ga", "Bind GA", show=False,
                tooltip="Issue the shown user a GA key (shown once, QR code) and bind it"),
        Binding("n", "register_user", "Register", show=False,
                tooltip="Register a new user of the org"),
        Binding("I", "kyc_import", "KYC import", show=False,
                tooltip="Update many users' KYC from a CSV file (previewed, confirmed once)"),
        next_profile_binding("Switch to the next BHEX profile"),
    ]

    DEFAULT_CSS = """
    UsersScreen #search { margin: 0 1; }
    UsersScreen #body { height: 1fr; }
    UsersScreen #results { width: 46; height: 1fr; margin: 0 1; }
    UsersScreen #card { width: 1fr; height: 1fr; }
    UsersScreen #state { color: $text-muted; height: auto; padding: 0 1; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.profiles = [name for name in self.profiles
                         if session.profile(name).venue == "bhex"]
        self.profile = self.profiles[0] if self.profiles else None
        self.user_id: str | None = None
        """The user whose card is on screen."""
        self.card: UserCard | None = None
        self._index_empty = False
        self._index_state = ""
        """What the #state line says about the index (shown again when the search is
        emptied)."""
        self._listing = _Listing("")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("users")
        yield self.profile_bar(self.bar_note())
        yield Input(id="search", placeholder="uid, mobile (+86 138…) or email — or the "
                                             "start of one")
        yield Static("", id="state", markup=False)
        with Horizontal(id="body"):
            yield OptionList(id="results")
            yield UserCardView(id="card")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.profile is None:
            self._state("No BHEX profile: the support desk needs BHEX's Org API.")
            return
        self._index_says(self._index_note())
        if self._index_empty:
            # the note says "press s": s must sync, not type into the search
            self.query_one("#results", OptionList).focus()
        else:
            self.query_one("#search", Input).focus()

    # -- the index ----------------------------------------------------------------------

    def _adapter(self) -> Any:
        assert self.profile is not None
        return self.session.adapter(self.profile)

    def _index(self) -> Any:
        return self._index_opener()()

    def _index_opener(self) -> Callable[[], Any]:
        """What opens this profile's org index (the org worked out here, so a worker
        thread only opens the file)."""
        from tui.support.user_index import UserIndex, org_key

        adapter = self._adapter()
        return partial(UserIndex.open, org_key(adapter.settings.base_url,
                                               adapter.credentials.api_key.get_secret_value()))

    def _index_note(self) -> str:
        index = self._index()
        try:
            count = index.count()
        finally:
            index.close()
        self._index_empty = not count
        if not count:
            return "The local index of this org's users is empty: press s to sync it."
        return f"{count:,} users indexed; s syncs again."

    def _state(self, text: str) -> None:
        self.query_one("#state", Static).update(text)

    def _index_says(self, text: str) -> None:
        """Say ``text`` about the index on the #state line (and again whenever the search
        is emptied)."""
        self._index_state = text
        self._state(text)

    def action_sync(self) -> None:
        """Sync the local index (in a worker)."""
        if self.profile is not None:
            self._index_says("syncing the index…")
            self._sync()

    @work(exclusive=True, group="sync")
    async def _sync(self) -> None:
        from tui.support.user_sync import sync_users

        index = self._index()
        try:
            report = await sync_users(index, self._adapter())
            self._index_says(f"synced: {report.users:,} users and {report.kyc:,} KYC "
                             f"rows; {report.total:,} users indexed")
        except Exception as exc:  # noqa: BLE001 - shown on the screen, the app goes on
            self._index_says(f"sync failed: {exc}")
        finally:
            index.close()
        text = self.query_one("#search", Input).value
        self._search(text)
        if text.strip():  # the sync's report stays beside the count
            self._state(f"{self._index_state} · {self._listing.state()}")

    # -- searching --------------------------------------------------------------------
    #
    # A keystroke's search runs here, on the UI thread: the first page at 1,000,000
    # indexed users, index opened and closed, measured p50 0.7-0.9 ms, max 5.5 ms
    # (bench/support.py's index; a name word over most of the org, 11-17 ms). The pages
    # after it ask the index again with a longer limit (UserIndex.search lists the same
    # users first), which grows with the depth (5,000 deep: 35-120 ms), so they load in
    # a thread worker, the newest search winning.

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, text: str) -> None:
        results = self.query_one("#results", OptionList)
        results.clear_options()
        self._listing = _Listing(text)
        if not text.strip() or self.profile is None:
            if self.profile is not None:
                self._state(self._index_state)
            return
        index = self._index()
        try:
            found = index.search(text, PAGE + 1)
        finally:
            index.close()
        self._add_matches(found)

    def _add_matches(self, found: list[Any]) -> None:
        """List ``found`` (up to a page, plus one that says whether there are more) after
        the matches already listed; the more-entry last when there are."""
        results = self.query_one("#results", OptionList)
        listing = self._listing
        more = len(found) > PAGE
        for match in found[:PAGE]:
            user = match.user
            contact = (f"+{user.national_code} {user.mobile}" if user.mobile else user.email)
            results.add_option(Option(f"{user.user_id}  {contact}  ({match.why})",
                                      id=user.user_id))
        listing.shown += len(found[:PAGE])
        listing.more = more
        if more:
            results.add_option(Option(MORE_PROMPT, id=MORE_ID))
        elif not listing.shown:
            results.add_option(Option("no user matches", id="", disabled=True))
        self._state(listing.state())

    def _load_more(self) -> None:
        """Load the next page of matches in place of the more-entry (once at a time)."""
        listing = self._listing
        if not listing.more or listing.loading or self.profile is None:
            return
        listing.loading = True
        results = self.query_one("#results", OptionList)
        results.replace_option_prompt(MORE_ID, MORE_LOADING)
        self._fetch_more(listing, self._index_opener())

    @work(thread=True, exclusive=True, group="more")
    def _fetch_more(self, listing: "_Listing", open_index: Callable[[], Any]) -> None:
        try:
            index = open_index()
            try:
                found = index.search(listing.text, listing.shown + PAGE + 1)
            finally:
                index.close()
        except Exception as exc:  # noqa: BLE001 - shown on the screen, the list stays
            self.app.call_from_thread(self._more_failed, listing, str(exc))
            return
        self.app.call_from_thread(self._more_loaded, listing, found[listing.shown:])

    def _more_loaded(self, listing: "_Listing", found: list[Any]) -> None:
        if listing is not self._listing:
            return  # a newer search replaced the list
        results = self.query_one("#results", OptionList)
        highlighted = results.highlighted
        results.remove_option(MORE_ID)
        listing.loading = False
        self._add_matches(found)
        if highlighted is not None and highlighted < results.option_count:
            results.highlighted = highlighted  # where it was: the more-entry's place

    def _more_failed(self, listing: "_Listing", error: str) -> None:
        if listing is self._listing:
            listing.loading = False
            self.query_one("#results", OptionList).replace_option_prompt(MORE_ID,
                                                                         MORE_PROMPT)
            self._state(f"{listing.state()} · loading more failed: {error}")

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count and results.get_option_at_index(0).id not in ("", MORE_ID):
            self.show_user(str(results.get_option_at_index(0).id))

    @on(OptionList.OptionSelected, "#results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == MORE_ID:
            self._load_more()
        elif event.option.id:
            self.show_user(str(event.option.id))

    @on(OptionList.OptionHighlighted, "#results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id == MORE_ID:
            self._load_more()

    def action_focus_search(self) -> None:
        """Focus the search input."""
        self.query_one("#search", Input).focus()

    # -- the card ----------------------------------------------------------------------

    def show_user(self, user_id: str) -> None:
        """Show ``user_id``'s card: every part loading at once."""
        self.user_id = user_id
        self.sub_title = f"users — user {user_id} ({self.profile})"
        self.query_one("#bar-note", Static).update(f"showing user {user_id}")
        card = UserCard(user_id)
        self.card = card
        for part in card.parts.values():
            self._draw(part)
        self._load(card)

    def action_reload_card(self) -> None:
        """Load the shown user's card again."""
        if self.user_id is not None:
            self.show_user(self.user_id)

    @work(exclusive=True, group="card")
    async def _load(self, card: UserCard) -> None:
        from tui.support.card import load_card

        def settled(part: CardPart) -> None:
            if self.card is card:
                card.parts[part.name] = part
                self._draw(part)

        assert self.profile is not None
        chainup = [(p.name, partial(self.session.adapter, p.name))
                   for p in self.session.profiles if p.venue == "chainup"]
        await load_card(self._adapter(), card.user_id, on_part=settled,
                        own_user_id=self.session.profile(self.profile).user_id,
                        chainup=chainup or None)

    def _draw(self, part: CardPart) -> None:
        self.query_one("#card", UserCardView).draw(part)

    def action_act_for(self) -> None:
        """Make every screen of this profile act for the user on screen (``a`` again on
        the profile's own user goes back); the app's title says for whom."""
        if self.user_id is None or self.profile is None:
            self.notify("choose a user first", severity="warning")
            return
        act_for(self.app, self.session, self.profile, self.user_id)
        self.notify(f"{self.profile} now acts for user {self.user_id}")

    async def action_holdings(self) -> None:
        """Open Org holdings on the shown user's rows (``h`` or esc there comes back)."""
        if self.user_id is None or self.profile is None:
            self.notify("choose a user first", severity="warning")
            return
        user_id, profile = self.user_id, self.profile
        await self.app.switch_mode("holdings")
        self.app.screen.show_user(user_id, profile, return_mode="users")  # type: ignore[attr-defined]

    def action_status_flags(self) -> None:
        """The shown user's status flags as toggles (:mod:`tui.screens.user_flags`); the
        card reloads when one changed."""
        from tui.screens.user_flags import StatusFlagsScreen

        if self.user_id is None or self.profile is None:
            self.notify("choose a user first", severity="warning")
            return
        self.app.push_screen(StatusFlagsScreen(self.session, self.profile, self.user_id),
                             callback=lambda changed: changed and self.action_reload_card())

    def action_verify_caller(self) -> None:
        """Check the caller's GA code or trade password (:mod:`tui.screens.caller_check`)."""
        from tui.screens.caller_check import CallerCheckScreen

        if self.user_id is None or self.profile is None:
            self.notify("choose a user first", severity="warning")
            return
        self.app.push_screen(CallerCheckScreen(self.session, self.profile, self.user_id))

    # -- support writes (:mod:`tui.screens.user_write_base`) ----------------------------

    def _write(self, make: Any, *, needs_user: bool = True) -> None:
        """Open the write dialog ``make(session, profile, user_id)``; the card reloads when
        the change was taken (a registration shows the new user's card)."""
        if self.profile is None or (needs_user and self.user_id is None):
            self.notify("choose a user first" if self.profile else "no BHEX profile",
                        severity="warning")
            return

        def done(result: Any) -> None:
            if isinstance(result, str) and result:
                self.show_user(result)
            elif result:
                self.action_reload_card()

        self.app.push_screen(make(self.session, self.profile,
                                  self.user_id if needs_user else None), callback=done)

    def action_write_menu(self) -> None:
        """Pick a write from the menu (:mod:`tui.screens.user_write_menu`)."""
        from tui.screens.user_write_menu import UserWriteMenu

        self.app.push_screen(UserWriteMenu(self.user_id),
                             callback=lambda action: action and self.run_action(action))

    def action_update_kyc(self) -> None:
        """Update the shown user's KYC."""
        from tui.screens.user_write_dialogs import KycUpdateDialog

        self._write(KycUpdateDialog)

    def action_rebuild_invite(self) -> None:
        """Give the shown user an inviter."""
        from tui.screens.user_write_dialogs import InviteRelationDialog

        self._write(InviteRelationDialog)

    def action_reset_login_password(self) -> None:
        """Reset the shown user's login password."""
        from tui.screens.user_write_dialogs import PasswordResetDialog

        self._write(lambda *args: PasswordResetDialog(*args, kind="login"))

    def action_reset_trade_password(self) -> None:
        """Reset the shown user's trade password."""
        from tui.screens.user_write_dialogs import PasswordResetDialog

        self._write(lambda *args: PasswordResetDialog(*args, kind="trade"))

    def action_bind_ga(self) -> None:
        """Bind a new GA key to the shown user."""
        from tui.screens.user_ga_bind import GaBindDialog

        self._write(GaBindDialog)

    def action_register_user(self) -> None:
        """Register a new user of the org."""
        from tui.screens.user_register import RegisterDialog

        self._write(RegisterDialog, needs_user=False)

    def action_kyc_import(self) -> None:
        """Update many users' KYC from a CSV file."""
        from tui.screens.kyc_import_dialog import KycImportDialog

        self._write(KycImportDialog, needs_user=False)

    def profile_switched(self) -> None:
        """Another profile: clear the card and search again in its org."""
        self.user_id = None
        self.card = None
        self.sub_title = "users"
        self.query_one("#card", UserCardView).clear()
        self._index_says(self._index_note())
        self._search(self.query_one("#search", Input).value)
