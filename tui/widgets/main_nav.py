"""The main-screen navigation bar: one line under the Header of every main screen,
listing each :data:`~tui.screens.MAIN_SCREENS` entry as "1 Balances  2 Profiles  3 Move
money …" with the screen it sits on highlighted.

Its entries follow the app's number-key bindings exactly: an entry shows only while its
``switch_main`` action is available (``App.check_action``), so a screen the app hides
(Profiles in the demo, every screen but Profiles before the first profile exists) is
absent from the bar too. The bar re-checks whenever the screen's bindings are refreshed
(the screen resuming, the vault locking, profiles changing). Clicking an entry switches
to its screen, like its number key. Colours come from theme variables only.

Usage, in a main screen's ``compose`` right after the Header::

    yield Header()
    yield MainNav("deposit")
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from tui.screens import MAIN_SCREENS, MainScreen

__all__ = ["MainNav", "NavEntry"]


class NavEntry(Static):
    """One entry of the bar ("3 Move money"), id ``nav-<mode>``; a click switches to its
    screen. Carries ``-current`` when it is the screen the bar is on."""

    def __init__(self, main: MainScreen, *, current: bool) -> None:
        super().__init__(f"{main.key} {main.title}", id=f"nav-{main.mode}", markup=False,
                         classes="-current" if current else "")
        self.main = main
        """The main screen this entry opens."""
        self.tooltip = f"{main.title} ({main.key})"

    async def on_click(self, event: events.Click) -> None:
        """Switch to this entry's screen (the app's ``switch_main`` action)."""
        event.stop()
        await self.app.run_action(f"switch_main({self.main.mode!r})")


class MainNav(Horizontal):
    """The bar of main screens, highlighting ``current`` (a :class:`MainScreen` mode,
    e.g. ``"deposit"``).

    ``available(mode)`` says whether an entry shows now; :meth:`refresh_entries` applies
    it (the bar calls it itself when the screen's bindings change).
    """

    DEFAULT_CSS = """
    MainNav {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
    }
    MainNav > NavEntry {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    MainNav > NavEntry:hover { background: $boost; color: $text; }
    MainNav > NavEntry.-current {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, current: str, *, id: str | None = "main-nav") -> None:
        if current not in {main.mode for main in MAIN_SCREENS}:
            raise ValueError(f"{current!r} is not a main screen mode")
        super().__init__(id=id)
        self.current = current
        """The mode of the main screen this bar sits on."""
        self._subscribed_to: Screen | None = None

    def compose(self) -> ComposeResult:
        for main in MAIN_SCREENS:
            yield NavEntry(main, current=main.mode == self.current)

    def on_mount(self) -> None:
        self._subscribed_to = self.screen
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.refresh_entries()

    def on_unmount(self) -> None:
        if self._subscribed_to is not None:
            self._subscribed_to.bindings_updated_signal.unsubscribe(self)
            self._subscribed_to = None

    def _bindings_changed(self, _screen: Screen) -> None:
        self.refresh_entries()

    def available(self, mode: str) -> bool:
        """Whether the app offers main screen ``mode`` now (its number key works); the
        current screen always shows."""
        if mode == self.current:
            return True
        return self.app.check_action("switch_main", (mode,)) is not False

    @property
    def entries(self) -> list[NavEntry]:
        """Every entry, shown or not, in number-key order."""
        return list(self.query(NavEntry))

    @property
    def shown_modes(self) -> list[str]:
        """The modes of the entries showing now."""
        return [entry.main.mode for entry in self.entries if entry.display]

    def refresh_entries(self) -> None:
        """Show the entries of the screens the app offers now; hide the others."""
        for entry in self.entries:
            entry.display = self.available(entry.main.mode)
