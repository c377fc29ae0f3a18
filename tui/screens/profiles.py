"""The Profiles screen: list, add, edit, test and remove venue profiles.

A profile's non-secret settings (venue, base URL, user id) go to the profiles file through
:class:`~tui.config.ProfileStore`; its API key and secret go only into the encrypted vault
(created on first use, unlocked on demand). The table says where each profile's
credentials come from (vault, env, missing) and never shows them; the form masks both
fields. "Test connection" builds a throw-away adapter and calls the venue's cheapest
authenticated endpoint (:meth:`~tui.venues.base.Venue.check_connection`) in a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tui.config import Profile, ProfileStore
from tui.core.errors import CoinsoleError, ConfigError
from tui.core.models import VENUE_IDS
from tui.screens.modal import ModalBase, cancel_binding
from tui.venues.base import Credentials, VenueSettings
from tui.venues.registry import adapter_class
from tui.widgets.key_footer import KeyFooter
from tui.widgets.table_keys import TOP_BOTTOM_BINDINGS, TopBottomKeys
from tui.widgets.main_nav import MainNav
from tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    import httpx

    from tui.app import CoinsoleApp
    from tui.session import Session

__all__ = [
    "ProfilesScreen",
    "ProfileFormScreen",
    "ProfileTable",
    "check_connection",
    "session_transport",
    "SOURCE_LABELS",
]

SOURCE_LABELS = {
    "vault": "vault",
    "env": "env",
    "missing": "missing",
    "unknown": "vault? (unlock to tell)",
}
"""How the Credentials column names each :class:`~tui.credentials.CredentialSource`."""

_FIELDS = ("name", "venue", "base_url", "user_id", "api_key", "secret")


def session_transport(session: "Session | None") -> "httpx.AsyncBaseTransport | None":
    """The httpx transport the session routes adapters through (the sandbox's in the demo
    and in tests), so a connection test goes where the session's requests go."""
    return session.transport if session is not None else None


async def check_connection(profile: Profile, credentials: Credentials, *,
                           transport: "httpx.AsyncBaseTransport | None" = None,
                           timeout: float = 10.0) -> None:  # float-ok: seconds
    """Call ``profile``'s venue's cheapest authenticated endpoint with ``credentials``
    through a throw-away adapter; raises the adapter's typed error on failure."""
    settings = VenueSettings(profile=profile.name, base_url=profile.base_url,
                             user_id=profile.user_id, timeout=timeout, transport=transport)
    adapter = adapter_class(profile.venue)(settings, credentials)
    try:
        await adapter.check_connection()
    finally:
        await adapter.aclose()


def _failure_text(exc: BaseException) -> str:
    """A failure fit to show: a coinsole error's own message (never a secret), else only
    the exception's type."""
    if isinstance(exc, CoinsoleError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({getattr(exc, 'filename', '') or 'file'})"
    return f"unexpected {type(exc).__name__}"



def _sync_session(session: "Session | None", profile: Profile | None, *,
                  removed: str | None = None) -> None:
    """Bring ``session.profiles`` in line with a saved or removed profile."""
    if session is None:
        return
    if removed is not None:
        session.profiles[:] = [p for p in session.profiles if p.name != removed]
    if profile is not None:
        for index, existing in enumerate(session.profiles):
            if existing.name == profile.name:
                session.profiles[index] = profile
                break
        else:
            session.profiles.append(profile)


class ProfileTable(TopBottomKeys, DataTable):
    """The table of profiles: one row per profile, keyed by its name."""

    HELP_SECTION = "profiles table"

    BINDINGS: list[BindingType] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("enter", "select_cursor", "Edit", show=False,
                tooltip="Edit the selected profile"),
        *TOP_BOTTOM_BINDINGS,
    ]


class ProfilesScreen(Screen[None]):
    """Every configured profile, with where its credentials come from; add, edit, test
    and remove them."""

    SUB_TITLE = "profiles"

    BINDINGS: list[BindingType] = [
        Binding("a", "add", "Add", tooltip="Add a profile"),
        Binding("e", "edit", "Edit", tooltip="Edit the selected profile (enter too)"),
        Binding("d,delete", "remove", "Remove", key_display="d",
                tooltip="Remove the selected profile: settings and vault entry (asks first)"),
        Binding("t", "test", "Test",
                tooltip="Test the selected profile's connection (cheapest authenticated call)"),
        Binding("r", "reload", "Reload", tooltip="Re-read the profiles file and the vault"),
    ]

    DEFAULT_CSS = """
    ProfilesScreen #vault-line {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    ProfilesScreen #vault-line.-locked { color: $warning; }
    ProfilesScreen #vault-line.-unlocked { color: $success; }
    ProfilesScreen #vault-line.-problem { color: $error; }
    ProfilesScreen #empty {
        display: none;
        color: $text-muted;
        text-style: italic;
        padding: 1 2;
    }
    ProfilesScreen #empty.-shown { display: block; }
    ProfilesScreen ProfileTable { height: 1fr; }
    ProfilesScreen #outcome { height: auto; padding: 0 1; color: $text-muted; }
    ProfilesScreen #outcome.-busy { color: $accent; text-style: italic; }
    ProfilesScreen #outcome.-ok { color: $success; }
    ProfilesScreen #outcome.-error { color: $error; }
    """

    def __init__(self, session: "Session") -> None:
        super().__init__()
        self.session = session
        self.profiles: list[Profile] = []
        """The profiles as last read from the profiles file."""
        self.sources: dict[str, str] = {}
        """Where each profile's credentials come from (a :data:`SOURCE_LABELS` key)."""
        self.outcome = ""
        """The last message shown under the table (test results, saves, errors)."""

    @property
    def coinsole(self) -> "CoinsoleApp":
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def store(self) -> ProfileStore:
        """The profiles file (``$COINSOLE_HOME`` aware)."""
        return ProfileStore()

    @property
    def table(self) -> ProfileTable:
        """The profiles table."""
        return self.query_one(ProfileTable)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield MainNav("profiles")
        yield Static(id="vault-line", markup=False)
        yield Static("no profiles yet: press a to add one", id="empty", markup=False)
        yield ProfileTable(id="profiles", cursor_type="row", zebra_stripes=True)
        yield Static(id="outcome", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.table
        for label, key in (("Name", "name"), ("Venue", "venue"), ("Base URL", "base_url"),
                           ("User id", "user_id"), ("Credentials", "source")):
            table.add_column(label, key=key)
        table.focus()
        self.reload()

    # -- data ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the profiles file and where each profile's credentials come from."""
        try:
            self.profiles = self.store.load()
        except ConfigError as exc:
            self.profiles = []
            self.show_outcome(str(exc), "error")
        resolver = self.coinsole.credential_resolver()
        self.sources = {p.name: resolver.source(p.name).value for p in self.profiles}
        self._render_table()
        self._render_vault_line()

    def vault_changed(self) -> None:
        """The vault was locked, unlocked or created: refresh what depends on it."""
        if self.is_attached:
            self.reload()

    def _render_table(self) -> None:
        table = self.table
        selected = self.selected_name()
        table.clear()
        for p in self.profiles:
            table.add_row(p.name, p.venue, p.base_url, p.user_id or "—",
                          SOURCE_LABELS.get(self.sources.get(p.name, ""), "?"), key=p.name)
        self.query_one("#empty").set_class(not self.profiles, "-shown")
        names = [p.name for p in self.profiles]
        if selected in names:
            table.move_cursor(row=names.index(selected))

    def _render_vault_line(self) -> None:
        line = self.query_one("#vault-line", Static)
        vault = self.coinsole.vault
        if vault is None or not vault.exists:
            text, kind = "vault: none yet · saving a key and secret creates it", ""
        elif vault.is_unlocked:
            count = len([s for s in self.sources.values() if s == "vault"])
            text, kind = f"vault: unlocked · {count} of these profiles keep credentials in it · ctrl+l locks", "unlocked"
        else:
            problem = vault.status().problem
            if problem:
                text = "vault: damaged · restore a backup with `coinsole vault import FILE`"
                kind = "problem"
            else:
                text, kind = "vault: locked · ctrl+u unlocks", "locked"
        line.update(text)
        line.set_classes("-" + kind if kind else "")

    def selected_name(self) -> str | None:
        """The name of the profile under the cursor, if any."""
        table = self.table
        if not self.profiles or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        return self.profiles[row].name if row < len(self.profiles) else None

    def selected(self) -> Profile | None:
        """The profile under the cursor, if any."""
        name = self.selected_name()
        return next((p for p in self.profiles if p.name == name), None)

    def show_outcome(self, text: str, kind: str = "") -> None:
        """Show ``text`` under the table, styled as ``kind`` (busy, ok, error or plain)."""
        self.outcome = text
        outcome = self.query_one("#outcome", Static)
        outcome.update(text)
        outcome.set_classes("-" + kind if kind else "")

    # -- actions ------------------------------------------------------------------------

    def action_add(self) -> None:
        """Open the form for a new profile."""
        self.app.push_screen(ProfileFormScreen(None, existing=[p.name for p in self.profiles]),
                             callback=self._form_closed)

    def action_edit(self) -> None:
        """Open the form on the selected profile."""
        profile = self.selected()
        if profile is None:
            self.show_outcome("no profile selected: press a to add one", "error")
            return
        self.app.push_screen(
            ProfileFormScreen(profile, existing=[p.name for p in self.profiles],
                              source=self.sources.get(profile.name)),
            callback=self._form_closed)

    async def _form_closed(self, saved: str | None) -> None:
        if not saved:
            return
        await self.profiles_saved(saved)

    async def profiles_saved(self, name: str, *, removed: str | None = None) -> None:
        """After a save (or removal): update the session, rebuild the other screens, and
        re-read the table."""
        profile = None
        if removed is None:
            try:
                profile = self.store.get(name)
            except ConfigError:
                profile = None
        _sync_session(self.session, profile, removed=removed)
        await self.coinsole.profiles_changed()
        self.reload()
        if removed is None and name in [p.name for p in self.profiles]:
            self.table.move_cursor(row=[p.name for p in self.profiles].index(name))
            where = SOURCE_LABELS.get(self.sources.get(name, ""), "?")
            self.show_outcome(f"saved profile {name!r} (credentials: {where})", "ok")

    def action_remove(self) -> None:
        """Ask, then remove the selected profile's settings and vault entry."""
        from tui.screens.confirm import ConfirmScreen

        profile = self.selected()
        if profile is None:
            self.show_outcome("no profile selected", "error")
            return
        in_vault = self.sources.get(profile.name) in ("vault", "unknown")
        message = "Its settings are deleted from the profiles file"
        message += " and its API key and secret from the vault." if in_vault else "."
        self.app.push_screen(
            ConfirmScreen(f"Remove profile {profile.name!r}?", message,
                          confirm_label="Remove", danger=True),
            callback=lambda yes: self._confirmed_remove(profile.name) if yes else None)

    def _confirmed_remove(self, name: str) -> None:
        resolver = self.coinsole.credential_resolver()
        vault = resolver.vault
        known = resolver.vault_profiles()
        needs_vault = vault.exists and (known is None or name in known)
        if needs_vault and not vault.is_unlocked:
            self.coinsole.request_unlock(
                lambda ok: self._remove(name) if ok else self.show_outcome(
                    f"profile {name!r} was not removed: unlock the vault to remove its "
                    "credentials too", "error"),
                reason=f"Removing profile {name!r} deletes its credentials from the vault.")
            return
        self._remove(name)

    def _remove(self, name: str) -> None:
        resolver = self.coinsole.credential_resolver()
        try:
            if resolver.vault.is_unlocked:
                resolver.forget(name)
            self.store.remove(name)
        except CoinsoleError as exc:
            self.show_outcome(str(exc), "error")
            return
        self.run_worker(partial(self._removed, name), group="profiles-saved", exit_on_error=False)

    async def _removed(self, name: str) -> None:
        await self.profiles_saved(name, removed=name)
        self.show_outcome(f"removed profile {name!r}", "ok")

    def action_test(self) -> None:
        """Test the selected profile's connection with its stored credentials."""
        profile = self.selected()
        if profile is None:
            self.show_outcome("no profile selected", "error")
            return
        self._test(profile)

    def _test(self, profile: Profile, *, asked: bool = False) -> None:
        from tui.screens.unlock import LockAwareCredentials

        resolver = self.coinsole.credential_resolver()
        try:
            credentials = LockAwareCredentials(resolver)(profile)
        except ConfigError as exc:
            if not asked and self.coinsole.vault_locked and resolver.needs_unlock([profile.name]):
                self.coinsole.request_unlock(
                    lambda ok: self._test(profile, asked=True),
                    reason=f"Testing profile {profile.name!r} needs its credentials.")
                return
            self.show_outcome(f"✗ {profile.name}: {exc}", "error")
            return
        self.show_outcome(f"testing {profile.name}…", "busy")
        self.run_worker(partial(self._run_test, profile, credentials), group="profile-test",
                        exclusive=True, exit_on_error=False)

    async def _run_test(self, profile: Profile, credentials: Credentials) -> None:
        try:
            await check_connection(profile, credentials,
                                   transport=session_transport(self.session))
        except Exception as exc:
            self.show_outcome(f"✗ {profile.name}: {_failure_text(exc)}", "error")
        else:
            self.show_outcome(f"✓ {profile.name}: connected, {profile.venue} accepted the "
                              "credentials", "ok")

    def action_reload(self) -> None:
        """Re-read the profiles file and the vault's state."""
        self.reload()
        self.show_outcome(f"{len(self.profiles)} profiles", "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "remove", "test"):
            return True if self.profiles else None
        return True

    # -- events -------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra palette entries: test each profile by name."""
        for profile in self.profiles:
            yield (f"Test {profile.name}", f"Test the connection of {profile.name}",
                   lambda p=profile: self._test(p))


class ProfileFormScreen(ModalBase["str | None"]):
    """Add or edit one profile: settings, and the API key and secret (masked).

    ``profile`` is the profile to edit (its name cannot change), or None to add one;
    ``existing`` lists the names in use; ``source`` is where the edited profile's
    credentials come from now. Dismisses with the saved profile's name, or None.
    Blank key and secret keep the stored ones when editing, and mean "no vault entry"
    (environment variables) when adding.
    """

    OWNS_DIGITS = True
    """Number keys typed here belong to the form, never a screen switch (alt+N does)."""

    BINDINGS: list[BindingType] = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the profile"),
        Binding("ctrl+t", "test", "Test connection",
                tooltip="Call the venue's cheapest authenticated endpoint with these values"),
        cancel_binding("Close without saving"),
    ]

    DEFAULT_CSS = """
    ProfileFormScreen > Vertical { width: 90; max-height: 100%; }
    ProfileFormScreen Grid {
        grid-size: 2;
        grid-columns: 12 1fr;
        grid-gutter: 1 1;
        height: auto;
    }
    ProfileFormScreen .label { color: $text-muted; padding-top: 0; }
    ProfileFormScreen .field { height: auto; }
    ProfileFormScreen .field Input { background: $boost; }
    ProfileFormScreen .field Input:focus { background: $panel; }
    ProfileFormScreen .error { display: none; color: $error; }
    ProfileFormScreen .error.-shown { display: block; }
    ProfileFormScreen #form-outcome { height: auto; margin-top: 1; color: $text-muted; }
    ProfileFormScreen #form-outcome.-busy { color: $accent; text-style: italic; }
    ProfileFormScreen #form-outcome.-ok { color: $success; }
    ProfileFormScreen #form-outcome.-error { color: $error; }
    """

    def __init__(self, profile: Profile | None, *, existing: Iterable[str] = (),
                 source: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.existing = set(existing)
        self.source = source
        self.busy = False

    @property
    def editing(self) -> bool:
        """True when editing an existing profile."""
        return self.profile is not None

    @property
    def coinsole(self) -> "CoinsoleApp":
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        p = self.profile
        keep = "leave blank to keep the stored one" if self.editing else ""
        with Vertical() as box:
            box.border_title = f"Edit profile {p.name}" if p else "Add a profile"
            with Grid():
                yield from self._row("Name", Input(p.name if p else "", id="name",
                                                   placeholder="e.g. desk-spot",
                                                   disabled=self.editing, compact=True))
                yield from self._row("Venue", Select(
                    [(v, v) for v in VENUE_IDS], id="venue", allow_blank=False,
                    value=p.venue if p else VENUE_IDS[0], compact=True))
                yield from self._row("Base URL", Input(p.base_url if p else "", id="base_url",
                                                       placeholder="https://api.venue.example",
                                                       compact=True))
                yield from self._row("User id", Input(p.user_id or "" if p else "",
                                                      id="user_id", compact=True,
                                                      placeholder="org APIs only (optional)"))
                yield from self._row("API key", Input(password=True, id="api_key", compact=True,
                                                      placeholder=keep or "API key (masked)"))
                yield from self._row("Secret", Input(password=True, id="secret", compact=True,
                                                     placeholder=keep or "secret (masked)"))
            hint = ("The key and secret are stored only in the encrypted vault. "
                    "Leave both blank to use environment variables instead.")
            if self.editing:
                hint = (f"Credentials now come from: {SOURCE_LABELS.get(self.source or '', '?')}. "
                        "Type a new key and secret to replace them in the vault.")
            yield Static(hint, classes="hint", markup=False)
            yield Static("", id="form-outcome", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Test connection  (ctrl+t)", id="test")
                yield Button("Cancel  (esc)", id="cancel")
                yield Button("Save  (ctrl+s)", id="save", variant="primary")

    @staticmethod
    def _row(label: str, widget) -> ComposeResult:
        yield Label(label, classes="label")
        with Vertical(classes="field"):
            yield widget
            yield Static("", id=f"{widget.id}-error", classes="error", markup=False)

    def on_mount(self) -> None:
        first = "base_url" if self.editing else "name"
        self.query_one(f"#{first}", Input).focus()

    # -- reading the form ---------------------------------------------------------------

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    def set_error(self, field: str, text: str) -> None:
        """Show ``text`` under ``field`` (empty hides it)."""
        error = self.query_one(f"#{field}-error", Static)
        error.update(text)
        error.set_class(bool(text), "-shown")

    def clear_errors(self) -> None:
        """Hide every field's message."""
        for field in _FIELDS:
            self.set_error(field, "")

    def read_profile(self) -> Profile | None:
        """The profile the form describes, or None after showing why it is invalid."""
        self.clear_errors()
        venue = self.query_one("#venue", Select).value
        data = {
            "name": self.profile.name if self.profile else self._value("name"),
            "venue": venue if isinstance(venue, str) else "",
            "base_url": self._value("base_url"),
            "user_id": self._value("user_id") or None,
        }
        try:
            profile = Profile(**data)
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "name"
                message = str(error["msg"]).removeprefix("Value error, ")
                self.set_error(field if field in _FIELDS else "name", message)
            return None
        if not self.editing and profile.name in self.existing:
            self.set_error("name", f"a profile named {profile.name!r} exists already")
            return None
        return profile

    def read_credentials(self) -> Credentials | None | bool:
        """The typed key and secret as :class:`Credentials`; None when both are blank;
        False after showing why one alone is not enough."""
        key = self.query_one("#api_key", Input).value.strip()
        secret = self.query_one("#secret", Input).value.strip()
        if not key and not secret:
            return None
        if not key or not secret:
            self.set_error("api_key" if not key else "secret",
                           "give both the API key and the secret (or neither)")
            return False
        return Credentials(api_key=key, secret=secret)

    def clear_secrets(self) -> None:
        """Forget the typed key and secret (done on save, cancel and when the app locks)."""
        for field in ("api_key", "secret"):
            self.query_one(f"#{field}", Input).value = ""

    def show_outcome(self, text: str, kind: str = "") -> None:
        """Show ``text`` above the buttons, styled as ``kind`` (busy, ok, error or plain)."""
        outcome = self.query_one("#form-outcome", Static)
        outcome.update(text)
        outcome.set_classes("-" + kind if kind else "")

    # -- test connection ----------------------------------------------------------------

    @on(Button.Pressed, "#test")
    def _test_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_test()

    def action_test(self, *, asked: bool = False) -> None:
        """Test the connection with the form's values (or the stored credentials when the
        key and secret are blank) in a worker."""
        from tui.screens.unlock import LockAwareCredentials

        profile = self.read_profile()
        credentials = self.read_credentials()
        if profile is None or credentials is False:
            self.show_outcome("fix the marked fields first", "error")
            return
        if credentials is None:
            resolver = self.coinsole.credential_resolver()
            try:
                credentials = LockAwareCredentials(resolver)(profile)
            except ConfigError as exc:
                if (not asked and self.coinsole.vault_locked
                        and resolver.needs_unlock([profile.name])):
                    self.coinsole.request_unlock(
                        lambda ok: self.action_test(asked=True),
                        reason=f"Testing profile {profile.name!r} needs its credentials.")
                    return
                self.show_outcome(f"✗ {exc}", "error")
                return
        self.show_outcome("testing the connection…", "busy")
        self.run_worker(partial(self._run_test, profile, credentials), group="form-test",
                        exclusive=True, exit_on_error=False)

    async def _run_test(self, profile: Profile, credentials: Credentials) -> None:
        try:
            await check_connection(profile, credentials,
                                   transport=session_transport(self.coinsole.session))
        except Exception as exc:
            self.show_outcome(f"✗ {_failure_text(exc)}", "error")
        else:
            self.show_outcome(f"✓ connected: {profile.venue} accepted the credentials", "ok")

    # -- saving -------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        """Validate, then write the settings (and the credentials, into the vault)."""
        if self.busy:
            return
        profile = self.read_profile()
        credentials = self.read_credentials()
        if profile is None or credentials is False:
            self.show_outcome("not saved: fix the marked fields", "error")
            return
        if credentials is None:
            self._write(profile, None)
            return

        def with_vault(ready: bool) -> None:
            if ready:
                self._write(profile, credentials)
            else:
                self.show_outcome("not saved: the key and secret need an unlocked vault",
                                  "error")

        self.coinsole.request_vault(
            with_vault, reason=f"Saving profile {profile.name!r} stores its credentials.")

    def _write(self, profile: Profile, credentials: Credentials | None) -> None:
        store = ProfileStore()
        try:
            if credentials is not None:
                self.coinsole.credential_resolver().store(profile.name, credentials)
            if self.editing:
                store.replace(profile)
            else:
                store.add(profile)
        except (CoinsoleError, OSError) as exc:
            self.show_outcome(f"not saved: {_failure_text(exc)}", "error")
            return
        self.clear_secrets()
        self.dismiss(profile.name)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()
