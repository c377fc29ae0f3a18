"""CoinsoleApp: the Textual application — main screens, bindings, command palette, themes.

The app talks to venues only through a :class:`~tui.session.Session`. With profiles it
opens the balances screen; without, a welcome screen offers the demo. Main screens are
listed in :data:`tui.screens.MAIN_SCREENS` and reached with number keys; each lives in a
Textual mode of its own, created the first time it is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.screens import MAIN_SCREENS, MainScreen
from tui.session import Session
from tui.themes import DEFAULT_THEME, FALLBACK_THEME, load_themes

__all__ = ["CoinsoleApp", "CoinsoleCommands"]

Command = tuple[str, str, Callable[[], object]]


class CoinsoleCommands(Provider):
    """Command palette entries for every action: the bindings active on the current
    screen, that screen's extra commands (``palette_commands()``), each main screen, and
    each theme."""

    def _commands(self) -> list[Command]:
        app = self.app
        screen = self.screen
        commands: list[Command] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in ("command_palette",):
                continue
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
            for theme in app.theme_cycle:
                commands.append((f"Theme: {theme}", f"Switch to the {theme} theme",
                                 partial(setattr, app, "theme", theme)))
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
    (shown in the title). ``on_start_demo`` builds the demo session when the user starts
    the demo from the welcome screen (default :func:`tui.demo.demo_session`).
    """

    TITLE = "coinsole"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {CoinsoleCommands}

    BINDINGS: list[BindingType] = [
        *(
            Binding(main.key, f"switch_main('{main.mode}')", main.title,
                    tooltip=f"Go to the {main.title.lower()} screen")
            for main in MAIN_SCREENS
        ),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Keys of this screen"),
        Binding("t", "cycle_theme", "Theme", tooltip="Switch to the next coinsole theme"),
        Binding("escape", "back", "Back", show=False, tooltip="Go back / close"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit coinsole"),
    ]

    def __init__(
        self,
        session: Session | None,
        *,
        demo: bool = False,
        on_start_demo: Callable[[], Session] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.demo = demo
        self._on_start_demo = on_start_demo
        self.theme_cycle: list[str] = []
        """Names of the shipped themes, in the order ``t`` steps through them."""
        for main in MAIN_SCREENS:
            self.add_mode(main.mode, partial(self._make_main, main))

    def _make_main(self, main: MainScreen) -> Screen:
        assert self.session is not None
        return main.factory(self.session)

    @property
    def has_profiles(self) -> bool:
        """True when there is a session with at least one profile."""
        return bool(self.session is not None and self.session.profiles)

    def on_mount(self) -> None:
        self._install_themes()
        self._update_titles()
        if self.has_profiles:
            self.switch_mode(MAIN_SCREENS[0].mode)
        else:
            from tui.screens.welcome import WelcomeScreen

            self.add_mode("welcome", WelcomeScreen)
            self.switch_mode("welcome")

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.aclose()

    def _install_themes(self) -> None:
        for theme in load_themes():
            self.register_theme(theme)
            self.theme_cycle.append(theme.name)
        self.theme = DEFAULT_THEME if DEFAULT_THEME in self.theme_cycle else FALLBACK_THEME

    def _update_titles(self) -> None:
        self.title = "coinsole · demo" if self.demo else "coinsole"
        self.sub_title = "demo" if self.demo else ""

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

    async def action_switch_main(self, mode: str) -> None:
        """Show the main screen ``mode`` (creating it on first use)."""
        if self.current_mode != mode:
            await self.switch_mode(mode)

    def action_help(self) -> None:
        """Open the help modal for the current screen, built from its bindings."""
        from tui.screens.help import HelpScreen, binding_help

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        title = screen.sub_title or screen.title or "coinsole"
        self.push_screen(HelpScreen(binding_help(screen), title))

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
            return self.has_profiles
        if action == "start_demo":
            return not self.has_profiles
        return True
