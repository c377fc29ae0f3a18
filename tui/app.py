"""CoinsoleApp: the Textual application — main screens, bindings, command palette, themes.

The app talks to venues only through a :class:`~tui.session.Session`. With profiles it
opens the balances screen; without, a welcome screen offers the demo. Main screens are
listed in :data:`tui.screens.MAIN_SCREENS` and reached with number keys; each lives in a
Textual mode of its own, created the first time it is opened.

The vault: when the session resolves credentials through a
:class:`~tui.credentials.CredentialResolver` (or a vault is passed in), the app asks for
the passphrase at start (:class:`~tui.screens.unlock.UnlockScreen`), locks on ``ctrl+l``
and after ``idle_lock_minutes`` without a key or mouse event, and reopens the unlock
screen on ``ctrl+u``. Locking drops every decrypted value: the vault's, and the session's
adapters (they are rebuilt, with fresh credentials, after the next unlock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme

from tui.screens import MAIN_SCREENS, MainScreen
from tui.session import Session
from tui.stylesheet import SteadyStylesheet
from tui.themes import DEFAULT_THEME, FALLBACK_THEME, load_themes

if TYPE_CHECKING:
    from tui.vault import KdfParams, Vault

__all__ = ["CoinsoleApp", "CoinsoleCommands", "DEFAULT_IDLE_LOCK_MINUTES"]

DEFAULT_IDLE_LOCK_MINUTES = 10.0
"""Minutes without a key press or mouse event after which the app locks the vault."""

Command = tuple[str, str, Callable[[], object]]


def main_screen_keys(main: MainScreen) -> str:
    """The keys that open ``main`` from anywhere, forms too: alt+number and the F-key of
    the same number (f10 for 0)."""
    return f"alt+{main.key},f{int(main.key) or 10}" if main.key.isdigit() else main.key


def form_owns_digits(screen: Screen) -> bool:
    """Whether ``screen`` takes the number keys for itself (a form the user types amounts
    into, outside a text field too): then only alt+number and the F-keys switch screens."""
    return bool(getattr(screen, "OWNS_DIGITS", False))


class CoinsoleCommands(Provider):
    """Command palette entries for every action: the bindings active on the current
    screen, that screen's extra commands (``palette_commands()``) and each main screen.
    Themes have one entry, Textual's "Theme", which lists coinsole's themes only (see
    :attr:`CoinsoleApp.available_themes`)."""

    def _commands(self) -> list[Command]:
        app = self.app
        screen = self.screen
        commands: list[Command] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in ("command_palette",):
                continue
            if not active.enabled:
                continue  # e.g. a number key a form holds back: its alt+N twin follows
            if binding.action == "cycle_theme":
                continue  # Textual's own "Theme" entry picks among coinsole's themes
            name = binding.description
            if name in seen:
                continue
            seen.add(name)
            keys = app.get_key_display(binding)
            help_text = f"{binding.tooltip or binding.description}  ({keys})"
            commands.append((name, help_text, partial(app.run_action, binding.action, active.node)))
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            for name, help_text, callback in extra():
                if name not in seen:
                    seen.add(name)
                    commands.append((name, help_text, callback))
        if isinstance(app, CoinsoleApp):
            if app.profiles_reachable_from_palette() and "Profiles" not in seen:
                commands.append(("Profiles", "Add, edit, test and remove profiles",
                                 partial(app.run_action, "open_profiles")))
            if app.has_profiles and not app.approvals_offered and "Approvals" not in seen:
                commands.append(("Approvals", "The approvals queue (no policy file yet: how to "
                                 "start)", partial(app.switch_mode, "approvals")))
            from tui.support.acting import acting_profiles

            if "Act for a user" not in seen and acting_profiles(screen):
                # Also while a text field holds the keyboard (Move money), where u is typed.
                commands.append(("Act for a user", "BHEX: choose the org user this profile's "
                                 "screens show (uid or search)  (u)",
                                 partial(app.run_action, "act_for_user")))
            if app.statistics_profiles() and screen.sub_title != "statistics":
                commands.append(("Statistics", "Org-wide holdings, the broker-audit worklist, "
                                 "withdrawals, deposits and fees (BHEX)",
                                 partial(app.run_action, "open_statistics")))
            if app.statistics_profiles() and screen.sub_title != "payments":
                commands.append(("Payments", "Payment orders: list, items, settle, refund, "
                                 "unlock, cancel (BHEX)", partial(app.run_action, "open_payments")))
            if app.statistics_profiles() and screen.sub_title != "org settings":
                commands.append(("Org settings", "Symbol trade status and price limits, "
                                 "sub-account transfers (BHEX)",
                                 partial(app.run_action, "open_org_settings")))
            if app.finance_profiles() and screen.sub_title != "finance":
                commands.append(("Finance", "Airdrops and batch lock/unlock from a CSV file "
                                 "(BHEX)", partial(app.run_action, "open_finance")))
            if app.org_screens() and "Org" not in seen:
                commands.append(("Org", "Org operations: choose Finance, Payments, Org "
                                 "settings or Statistics", partial(app.run_action, "open_org")))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)


class CoinsoleApp(App[None]):
    """The coinsole terminal wallet console.

    ``session`` supplies the profiles and loads their data; ``None`` or a session without
    profiles starts on the welcome screen. ``demo`` marks the session as the sandbox demo
    (shown in the title; the Profiles screen is not offered). ``on_start_demo`` builds the
    demo session when the user starts the demo from the welcome screen (default
    :func:`tui.demo.demo_session`).

    ``vault`` is the credential vault to unlock, lock and save credentials into; by
    default the vault of the session's :class:`~tui.credentials.CredentialResolver`, if it
    uses one (the Profiles screen otherwise opens the default vault when it needs one).
    ``idle_lock_minutes`` locks the vault after that long without a key or mouse event
    (default 10; ``None`` never).
    """

    TITLE = "coinsole"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {CoinsoleCommands}

    BINDINGS: list[BindingType] = [
        # First, so the footer keeps them visible on busy screens; only one shows at a time.
        Binding("ctrl+l", "lock_vault", "Lock", priority=True,
                tooltip="Lock the vault now, dropping every decrypted credential"),
        # Priority: text inputs bind ctrl+u (delete to the start); while the vault is locked
        # the unlock comes first, and while it is not, check_action hands the key back.
        Binding("ctrl+u", "unlock_vault", "Unlock", priority=True,
                tooltip="Unlock the vault with its passphrase"),
        # Not in the footer: the MainNav bar under the Header lists the main screens. Each
        # has a number key, which a form owning the keyboard takes for itself (see
        # check_action), and alt+number / an F-key, which work everywhere.
        *(
            binding
            for main in MAIN_SCREENS
            for binding in (
                Binding(main.key, f"switch_main('{main.mode}', 'digit')", main.title,
                        show=False, tooltip=f"Go to the {main.title.lower()} screen"),
                Binding(main_screen_keys(main), f"switch_main('{main.mode}')", main.title,
                        show=False, tooltip=f"Go to the {main.title.lower()} screen"),
            )
        ),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Keys of this screen"),
        Binding("t", "cycle_theme", "Theme", tooltip="Switch to the next coinsole theme"),
        # Enabled on the screens showing a BHEX profile (tui/screens/act_for.py).
        Binding("u", "act_for_user", "Act for a user", show=False,
                tooltip="BHEX: choose the org user this profile's screens show (uid or search)"),
        Binding("escape", "back", "Back", show=False, tooltip="Go back / close"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit coinsole"),
    ]

    def __init__(
        self,
        session: Session | None,
        *,
        demo: bool = False,
        on_start_demo: Callable[[], Session] | None = None,
        vault: "Vault | None" = None,
        idle_lock_minutes: float | None = DEFAULT_IDLE_LOCK_MINUTES,  # float-ok: minutes, not money
    ) -> None:
        super().__init__()
        if idle_lock_minutes is not None and idle_lock_minutes <= 0:
            raise ValueError("idle_lock_minutes must be positive, or None to never lock")
        self.session = session
        self.demo = demo
        self._on_start_demo = on_start_demo
        self.theme_cycle: list[str] = []
        """Names of the shipped themes, in the order ``t`` steps through them."""
        self.idle_lock_minutes = idle_lock_minutes
        """Minutes without input after which the vault locks; None never."""
        self.demo_approvals = False
        """The Approvals screen uses the demo's policy, store and operators
        (:mod:`tui.approvals.demo`; ``coinsole --demo`` sets it)."""
        self.new_vault_kdf: KdfParams | None = None
        """Argon2id costs for a vault created from the TUI (None: the vault's default;
        tests set :data:`~tui.vault.TEST_KDF`)."""
        self.resolver = None
        """The :class:`~tui.credentials.CredentialResolver` in use, if any."""
        self.vault: Vault | None = vault
        """The credential vault (locked or unlocked), if any."""
        self._last_activity = time.monotonic()
        self._was_unlocked = False
        self._main_screens: dict[str, Screen] = {}
        self._adopt_session_credentials()
        self._install_themes()
        for main in MAIN_SCREENS:
            self.add_mode(main.mode, partial(self._make_main, main))

    def _make_main(self, main: MainScreen) -> Screen:
        if self.session is None:
            from tui.screens.unlock import LockAwareCredentials

            self.session = Session([], credentials=LockAwareCredentials(
                self.credential_resolver()))
        screen = main.factory(self.session)
        self._main_screens[main.mode] = screen
        return screen

    @property
    def has_profiles(self) -> bool:
        """True when there is a session with at least one profile."""
        return bool(self.session is not None and self.session.profiles)

    def on_mount(self) -> None:
        self._update_titles()
        if self.has_profiles:
            self.switch_mode(MAIN_SCREENS[0].mode)
        else:
            from tui.screens.welcome import WelcomeScreen

            self.add_mode("welcome", WelcomeScreen)
            self.switch_mode("welcome")
        self._was_unlocked = self.vault_unlocked
        if self.idle_lock_minutes is not None:
            period = min(15.0, max(0.05, self.idle_lock_minutes * 60 / 10))
            self.set_interval(period, self.check_idle_lock, name="idle-lock")
        if self.has_profiles and self.vault_locked:
            self.call_after_refresh(self.request_unlock)
        elif self.has_profiles and not self.demo:
            # After the first frame: the journal's modules are not needed to paint it (the
            # demo's journal lives in memory, so it never has anything to recover).
            self.call_after_refresh(self._start_journal_recovery)
        if self.has_profiles and self.approvals_offered:
            self.call_after_refresh(self._track_approvals)

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.aclose()

    def _install_themes(self) -> None:
        """Register the shipped themes and start in the default one.

        Runs before the stylesheet is first parsed, so the theme's variables go straight
        into that parse: setting ``App.theme`` would run Textual's theme watcher, which
        parses every rule of the app a second time (~20 ms at start)."""
        for theme in load_themes():
            self.register_theme(theme)
            self.theme_cycle.append(theme.name)
        name = DEFAULT_THEME if DEFAULT_THEME in self.theme_cycle else FALLBACK_THEME
        self.set_reactive(App.theme, name)
        # What the watcher does for a theme change, except its re-parse of the stylesheet
        # (nothing is parsed yet): the variables, which go into a stylesheet that skips
        # re-parses reproducing its rules; the theme and dark/light classes; the ANSI filter.
        self.stylesheet = SteadyStylesheet(variables=self.get_css_variables())
        dark = self.current_theme.dark
        self.update_classes({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark},
                            update=False)
        self._refresh_truecolor_filter(self.ansi_theme)

    @property
    def available_themes(self) -> dict[str, Theme]:
        """The themes offered (the palette's "Theme" picker): coinsole's own, or Textual's
        fallback theme alone when they could not be loaded."""
        themes = super().available_themes
        cycle = getattr(self, "theme_cycle", None)
        names = cycle if cycle else [FALLBACK_THEME]
        return {name: themes[name] for name in names if name in themes} or themes

    def _update_titles(self) -> None:
        self.title = "coinsole · demo" if self.demo else "coinsole"
        self.sub_title = "demo" if self.demo else ""

    # -- the vault ----------------------------------------------------------------------

    def _adopt_session_credentials(self) -> None:
        """Find the session's credential resolver (and its vault) and make its errors for a
        locked vault say how to unlock it here. A session without one (the demo) needs
        nothing, and the vault's modules are not even imported for it."""
        from tui.credentials import CredentialResolver

        session = self.session
        if session is None:
            return
        source = session.credentials
        resolver = getattr(source, "resolver", source)
        if not isinstance(resolver, CredentialResolver):
            return
        from tui.screens.unlock import LockAwareCredentials

        if self.vault is None:
            self.vault = resolver.vault
        elif resolver.vault is not self.vault:
            resolver.vault = self.vault
        self.resolver = resolver
        if not isinstance(source, LockAwareCredentials):
            session.credentials = LockAwareCredentials(resolver)

    def credential_resolver(self):
        """The :class:`~tui.credentials.CredentialResolver` over the app's vault, opening
        the default vault (``$COINSOLE_HOME`` aware) when the app has none yet."""
        from tui.credentials import CredentialResolver

        if self.vault is None:
            from tui.vault import Vault

            timeout = None if self.idle_lock_minutes is None else self.idle_lock_minutes * 60
            self.vault = Vault(idle_timeout=timeout)
        if self.resolver is None:
            self.resolver = CredentialResolver(self.vault)
        elif self.resolver.vault is not self.vault:
            self.resolver.vault = self.vault
        return self.resolver

    def adopt_vault(self, vault: "Vault") -> None:
        """Use ``vault`` (e.g. one just created) from now on, in the resolver too."""
        self.vault = vault
        resolver = self.credential_resolver()
        resolver.vault = vault
        resolver.sync_index()
        self._vault_changed()

    @property
    def vault_unlocked(self) -> bool:
        """Whether the app's vault holds decrypted credentials now."""
        return self.vault is not None and self.vault.is_unlocked

    @property
    def vault_locked(self) -> bool:
        """Whether a vault file exists and is locked (so its profiles are unavailable)."""
        return self.vault is not None and not self.vault.is_unlocked and self.vault.exists

    def request_unlock(self, then: Callable[[bool], object] | None = None,
                       reason: str = "") -> None:
        """Ask for the passphrase when the vault is locked, then call ``then`` with whether
        it is unlocked. Calls ``then`` at once when there is nothing to unlock."""
        from tui.screens.unlock import UnlockScreen

        if not self.vault_locked:
            if then is not None:
                then(self.vault_unlocked)
            return
        if any(isinstance(screen, UnlockScreen) for screen in self.screen_stack):
            return
        resolver = self.credential_resolver()
        vault = self.vault
        assert vault is not None

        def done(unlocked: bool | None) -> None:
            if unlocked:
                self._vault_changed(unlocked=True)
            if then is not None:
                then(bool(unlocked))

        self.push_screen(UnlockScreen(vault, unlock=resolver.unlock, reason=reason),
                         callback=done)

    def request_vault(self, then: Callable[[bool], object], reason: str = "") -> None:
        """Make sure an unlocked vault is there, then call ``then`` with whether it is: no
        vault file yet offers to create one; a locked one asks for the passphrase."""
        from tui.screens.unlock import CreateVaultScreen

        self.credential_resolver()
        vault = self.vault
        assert vault is not None
        if vault.is_unlocked:
            then(True)
        elif vault.exists:
            self.request_unlock(then, reason)
        else:
            minutes = self.idle_lock_minutes
            options = {"idle_timeout": None if minutes is None else minutes * 60}
            screen = CreateVaultScreen(
                vault.path, on_created=self.adopt_vault, vault_options=options,
                **({"kdf": self.new_vault_kdf} if self.new_vault_kdf is not None else {}),
            )
            self.push_screen(screen, callback=lambda created: then(bool(created)))

    async def lock_vault(self, reason: str = "vault locked") -> bool:
        """Lock the vault now: drop every decrypted value (the vault's, the session's
        adapters', any secret typed into an open form). Returns whether it was unlocked."""
        was_unlocked = self.vault_unlocked
        if self.vault is not None:
            self.vault.lock()
        for screen in list(self.screen_stack):
            clear = getattr(screen, "clear_secrets", None)
            if clear is not None:
                clear()
        await self.forget_credentials()
        self._vault_changed()
        if was_unlocked:
            self.notify(f"{reason} — ctrl+u unlocks", timeout=4)
        return was_unlocked

    async def forget_credentials(self) -> None:
        """Close the session's adapters, dropping the credentials they hold; they are
        rebuilt, with fresh credentials, the next time they are used."""
        if self.session is not None:
            await self.session.aclose()

    def _vault_changed(self, *, unlocked: bool = False) -> None:
        self._was_unlocked = self.vault_unlocked
        self.refresh_bindings()
        for screen in self._main_screens.values():
            hook = getattr(screen, "vault_changed", None)
            if hook is not None:
                hook()
        if unlocked:
            self.run_worker(self._after_unlock, group="vault-unlocked", exclusive=True)

    def _track_approvals(self) -> None:
        """Keep the count of requests waiting for me on the screen bar."""
        from tui.screens.approvals import track_waiting

        track_waiting(self)

    def _start_journal_recovery(self) -> None:
        # The coroutine function: a worker dropped by a quick quit then leaves no coroutine
        # that was never awaited (Python warns about those on exit).
        self.run_worker(self._recover_journal, group="journal-recovery", exclusive=True)

    async def _recover_journal(self) -> None:
        """Settle the money requests a previous run left unfinished, and say what is left."""
        from tui.journal_ui import recover_interrupted

        try:
            outcome = await recover_interrupted(self.session)
        except Exception as exc:  # recovery must never take the app down; Activity retries
            self.notify(f"could not settle unfinished money requests: {exc}. Open Activity "
                        "(4) and press S to retry.", severity="error", timeout=15)
            return
        if outcome is None:
            return
        found, unknown = outcome
        text = f"{found} unfinished money request{'s' if found != 1 else ''} from the last run"
        if unknown:
            self.notify(f"{text}: {unknown} still have an unknown outcome; see Activity (4).",
                        severity="warning", timeout=15)
        else:
            self.notify(f"{text}: all settled; see Activity (4).", timeout=10)

    async def _after_unlock(self) -> None:
        await self.forget_credentials()
        self._start_journal_recovery()
        from tui.screens.balances import BalancesScreen

        for screen in self._main_screens.values():
            if isinstance(screen, BalancesScreen) and screen.is_attached:
                screen.action_refresh()

    def record_activity(self) -> None:
        """Note user activity now (keys and mouse events call this)."""
        self._last_activity = time.monotonic()
        if self.vault is not None and self.vault.is_unlocked:
            self.vault.touch()

    async def check_idle_lock(self) -> None:
        """Lock the vault when the app has been idle for ``idle_lock_minutes`` (or the vault
        locked itself); the app runs this from a timer."""
        if self.vault is None:
            return
        if self.vault.is_unlocked and self.idle_lock_minutes is not None:
            if time.monotonic() - self._last_activity >= self.idle_lock_minutes * 60:
                await self.lock_vault(f"vault locked after {self.idle_lock_minutes:g} idle "
                                      "minutes")
                return
        if self._was_unlocked and not self.vault.is_unlocked:
            await self.lock_vault()  # it locked itself: drop the adapters too

    async def on_event(self, event: events.Event) -> None:
        """Every key, mouse and paste event counts as activity for the idle lock."""
        if isinstance(event, (events.Key, events.MouseEvent, events.Paste)):
            self.record_activity()
        await super().on_event(event)

    async def profiles_changed(self) -> None:
        """Profiles were added, edited or removed: drop cached adapters and rebuild the
        other main screens the next time they are opened."""
        await self.forget_credentials()
        for mode in list(self._main_screens):
            if mode == self.current_mode:
                continue
            del self._main_screens[mode]
            main = next(m for m in MAIN_SCREENS if m.mode == mode)
            await self.remove_mode(mode)
            self.add_mode(mode, partial(self._make_main, main))
        self.refresh_bindings()

    @property
    def approvals_offered(self) -> bool:
        """Whether the Approvals screen is on the bar (key 8): a policy file or a team
        store is configured. Without either nothing needs approving, so a single trader
        sees no change (the palette still opens it, to say how to start)."""
        if self.demo_approvals:
            return True
        from tui.screens.approvals_gate import approvals_configured

        return approvals_configured()

    def profiles_reachable_from_palette(self) -> bool:
        """Whether the palette offers the Profiles screen although its key is hidden
        (no profiles yet, so the welcome screen is showing)."""
        return not self.demo and not self.has_profiles and self.current_mode != "profiles"

    # -- actions ------------------------------------------------------------------------

    async def action_start_demo(self) -> None:
        """Replace the (empty) session with the sandbox demo and open the first main screen."""
        factory = self._on_start_demo
        if factory is None:
            from tui.demo import demo_session

            factory = demo_session
        old, self.session = self.session, factory()
        self.demo = True
        self._update_titles()
        if old is not None:
            await old.aclose()
        await self.switch_mode(MAIN_SCREENS[0].mode)

    async def action_lock_vault(self) -> None:
        """Lock the vault now."""
        await self.lock_vault()

    def action_unlock_vault(self) -> None:
        """Open the unlock screen."""
        self.request_unlock()

    async def action_open_profiles(self) -> None:
        """Open the Profiles screen (also when there are no profiles yet)."""
        if not self.demo:
            await self.switch_mode("profiles")

    def statistics_profiles(self) -> list[str]:
        """The profiles whose venue reads org statistics (BHEX)."""
        from tui.screens.statistics import has_statistics

        profiles = self.session.profiles if self.session is not None else []
        return [p.name for p in profiles if has_statistics(p.venue)]

    def action_open_statistics(self) -> None:
        """Open the Statistics screen over the current one (Escape closes it)."""
        from tui.screens.statistics import StatisticsScreen

        if self.session is not None and self.statistics_profiles():
            self.push_screen(StatisticsScreen(self.session))

    def action_open_payments(self) -> None:
        """Open the Payments screen over the current one (Escape closes it)."""
        from tui.screens.payments import PaymentsScreen, has_payments

        if self.session is not None and any(has_payments(p.venue) for p in self.session.profiles):
            self.push_screen(PaymentsScreen(self.session))

    def action_open_org_settings(self) -> None:
        """Open the Org settings screen over the current one (Escape closes it)."""
        from tui.screens.org_settings import OrgSettingsScreen, has_settings

        if self.session is not None and any(has_settings(p.venue) for p in self.session.profiles):
            self.push_screen(OrgSettingsScreen(self.session))
    def org_screens(self) -> list:
        """The org screens (:mod:`tui.screens.org_chooser`) the session's profiles offer."""
        from tui.screens.org_chooser import org_screens

        return org_screens(p.venue for p in (self.session.profiles if self.session else []))

    def action_open_org(self) -> None:
        """Open the Org chooser; the screen picked there opens over the current one."""
        from tui.screens.org_chooser import OrgChooserScreen

        screens = self.org_screens()
        if screens:
            self.push_screen(OrgChooserScreen(screens), self._org_screen_picked)

    async def _org_screen_picked(self, action: str | None) -> None:
        if action:
            await self.run_action(action)

    def finance_profiles(self) -> list[str]:
        """The profiles whose venue runs org finance tasks (BHEX)."""
        from tui.screens.finance import has_finance

        profiles = self.session.profiles if self.session is not None else []
        return [p.name for p in profiles if has_finance(p.venue)]

    def action_open_finance(self) -> None:
        """Open the Finance screen over the current one (Escape closes it)."""
        from tui.screens.finance import FinanceScreen

        if self.session is not None and self.finance_profiles():
            self.push_screen(FinanceScreen(self.session))

    async def action_switch_main(self, mode: str, via: str = "") -> None:
        """Show the main screen ``mode`` (creating it on first use); ``via`` is
        ``"digit"`` for the number keys, which :meth:`check_action` holds back while a
        form owns the keyboard."""
        if self.current_mode != mode:
            await self.switch_mode(mode)

    def action_act_for_user(self) -> None:
        """Choose the BHEX org user the current screen's profile acts for."""
        from tui.screens.act_for import open_act_for

        open_act_for(self)

    def action_help(self) -> None:
        """Open the help modal for the current screen, built from its bindings."""
        from tui.screens.help import HelpScreen, binding_help

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        from tui.screens.org_chooser import org_help_entries

        title = screen.sub_title or screen.title or "coinsole"
        from tui.demo_notes import demo_notes

        venues = [p.venue for p in (self.session.profiles if self.session else [])]
        self.push_screen(HelpScreen(binding_help(screen) + org_help_entries(venues), title,
                                    note=demo_notes() if self.demo else None))

    def action_cycle_theme(self) -> None:
        """Switch to the next shipped theme."""
        if not self.theme_cycle:
            return
        index = self.theme_cycle.index(self.theme) + 1 if self.theme in self.theme_cycle else 0
        self.theme = self.theme_cycle[index % len(self.theme_cycle)]
        self.notify(f"theme: {self.theme}", timeout=2)

    async def action_back(self) -> None:
        """Close the topmost modal or pushed screen, if any."""
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_main":
            if parameters[1:] == ("digit",) and form_owns_digits(self.screen):
                return False
            if parameters and parameters[0] == "approvals":
                return self.has_profiles and self.approvals_offered
            if parameters and parameters[0] == "profiles":
                return not self.demo  # also from the welcome screen: the way to a first profile
            return self.has_profiles
        if action == "lock_vault":
            return self.vault_unlocked
        if action == "unlock_vault":
            return self.vault_locked
        if action == "start_demo":
            return not self.has_profiles
        if action == "act_for_user":
            from tui.support.acting import acting_profiles

            return bool(acting_profiles(self.screen))
        return True
