"""What the per-profile main screens (Deposit, History, Orders) share: the profile bar
(a "profile" label, the profile Select and a note), the "no profile offers this" line,
``p`` for the next profile, and, for the tabbed ones, ``]``/``[`` between tabs.

:class:`ProfileScreen` offers the session's profiles whose venue has any of
:attr:`ProfileScreen.PROFILE_CAPABILITIES` and keeps the chosen one in ``profile``;
picking another in the Select (or ``p``) sets it and calls
:meth:`ProfileScreen.profile_switched`. :class:`ProfileTabsScreen` adds the tab keys over
:meth:`ProfileTabsScreen.tab_order`.

Bindings stay in each screen's own ``BINDINGS`` (built with :func:`next_profile_binding`
and :func:`tab_bindings`) so the footer keeps each screen's order and ``?`` lists them
under "this screen".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, Select, Static

from tui.session import Session
from tui.venues.base import Capability
from tui.venues.registry import capabilities

__all__ = ["ProfileScreen", "ProfileTabsScreen", "next_profile_binding", "tab_bindings"]


def next_profile_binding(tooltip: str) -> Binding:
    """``p``: switch to the next offered profile (not shown in the footer)."""
    return Binding("p", "next_profile", "Profile", show=False, tooltip=tooltip)


def tab_bindings() -> list[Binding]:
    """``]`` (shown) and ``[`` (hidden): the next and the previous tab."""
    return [
        Binding("right_square_bracket", "next_tab", "Next tab", key_display="]",
                tooltip="Show the next tab"),
        Binding("left_square_bracket", "previous_tab", "Previous tab", key_display="[",
                show=False, tooltip="Show the previous tab"),
    ]


class ProfileScreen(Screen[None]):
    """A main screen showing one profile at a time, chosen in its profile bar.

    Subclasses set :attr:`PROFILE_CAPABILITIES` (and :attr:`PROFILE_PROMPT`), compose
    :meth:`profile_bar` and :meth:`no_profiles`, and react to a new profile in
    :meth:`profile_switched`.
    """

    PROFILE_CAPABILITIES: ClassVar[frozenset[Capability]] = frozenset()
    """A profile is offered when its venue has any of these capabilities."""

    PROFILE_PROMPT: ClassVar[str] = "no profile"
    """What the profile Select says when no profile is offered."""

    DEFAULT_CSS = """
    ProfileScreen #bar { height: 3; padding: 0 1; }
    ProfileScreen #bar Label { padding: 1 1 0 0; color: $text-muted; }
    ProfileScreen #profile { width: 32; }
    ProfileScreen #bar-note { padding: 1 0 0 2; color: $text-muted; width: 1fr; }
    ProfileScreen #no-profiles { color: $text-muted; text-style: italic; padding: 1 2; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        wanted = self.PROFILE_CAPABILITIES
        self.profiles: list[str] = [p.name for p in session.profiles
                                    if wanted & capabilities(p.venue)]
        """Names of the profiles this screen offers, in session order."""
        self.profile: str | None = self.profiles[0] if self.profiles else None
        """The profile shown now (None when none is offered)."""

    # -- layout -------------------------------------------------------------------------

    def profile_bar(self, *widgets: Widget) -> Horizontal:
        """The bar (``#bar``): "profile", the profile Select (``#profile``), then
        ``widgets``."""
        select: Select[str] = Select([(n, n) for n in self.profiles], id="profile",
                                     value=self.profile or Select.BLANK,
                                     allow_blank=not self.profiles, prompt=self.PROFILE_PROMPT)
        return Horizontal(Label("profile"), select, *widgets, id="bar")

    @staticmethod
    def bar_note(text: str = "") -> Static:
        """The muted note filling the rest of the bar (``#bar-note``)."""
        return Static(text, id="bar-note", markup=False)

    @staticmethod
    def no_profiles(text: str) -> Static:
        """The line saying no profile is offered, and why (``#no-profiles``)."""
        return Static(text, id="no-profiles", markup=False)

    # -- profiles -----------------------------------------------------------------------

    def choose_profile(self, name: str) -> None:
        """Show profile ``name`` (through the Select, so it reads the same as a pick)."""
        self.query_one("#profile", Select).value = name

    def action_next_profile(self) -> None:
        """Switch to the next offered profile."""
        if len(self.profiles) > 1 and self.profile is not None:
            index = self.profiles.index(self.profile)
            self.choose_profile(self.profiles[(index + 1) % len(self.profiles)])

    def profile_switched(self) -> None:
        """Called after ``profile`` changed to another offered profile: reload. Nothing
        by default."""

    @on(Select.Changed, "#profile")
    def _profile_picked(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK or event.value == self.profile:
            return
        self.profile = str(event.value)
        self.profile_switched()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``p`` needs two profiles or more; subclasses add their own and call this last."""
        if action == "next_profile":
            return len(self.profiles) > 1
        return True


class ProfileTabsScreen(ProfileScreen):
    """A :class:`ProfileScreen` whose lists are tabs, stepped through with ``]``/``[``.

    Subclasses give :meth:`tab_order`, :attr:`active_table_id` and :meth:`select_tab`.
    """

    DEFAULT_CSS = """
    ProfileTabsScreen TabbedContent { height: 1fr; }
    ProfileTabsScreen ContentSwitcher { height: 1fr; }
    ProfileTabsScreen TabPane { padding: 0; height: 1fr; }
    """

    def tab_order(self) -> Sequence[str]:
        """The table ids ``]`` steps through, in order."""
        raise NotImplementedError

    @property
    def active_table_id(self) -> str:
        """The id of the table showing now."""
        raise NotImplementedError

    def select_tab(self, table_id: str) -> None:
        """Show the tab of ``table_id``."""
        raise NotImplementedError

    def action_next_tab(self, step: int = 1) -> None:
        """Show the next tab (``step`` -1: the previous one)."""
        order = list(self.tab_order())
        if not order:
            return
        current = self.active_table_id
        index = order.index(current) if current in order else 0
        self.select_tab(order[(index + step) % len(order)])

    def action_previous_tab(self) -> None:
        """Show the previous tab."""
        self.action_next_tab(-1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The tab keys need a profile."""
        if action in ("next_tab", "previous_tab"):
            return self.profile is not None
        return super().check_action(action, parameters)
