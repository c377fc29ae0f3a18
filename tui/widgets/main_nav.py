"""The main-screen navigation bar: one line under the title bar of every main screen,
listing each :data:`~tui.screens.MAIN_SCREENS` entry as "1 Balances  2 Profiles  3 Move
money …" with the screen it sits on highlighted.

Its entries follow the app's number-key bindings exactly: an entry shows only while its
``switch_main`` action is available (``App.check_action``), so a screen the app hides
(Profiles in the demo, every screen but Profiles before the first profile exists) is
absent from the bar too. The bar re-checks whenever the screen's bindings are refreshed
(the screen resuming, the vault locking, profiles changing). Clicking an entry switches
to its screen, like its number key; the entry under the mouse is highlighted and named in
the tooltip.

The bar is a single widget that draws its one line itself (no child per entry), because
it sits in the first frame of every main screen. It draws through Textual's line API
(``render_line``) so that, as with the CSS padding of a widget per entry, the cells around
a title carry only a background. Colours come from theme variables only, through the
component classes ``main-nav--entry``, ``main-nav--current`` and ``main-nav--hover``.

Usage, in a main screen's ``compose`` right after the title bar::

    yield TitleBar()
    yield MainNav("deposit")
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from tui.screens import MAIN_SCREENS, MainScreen

__all__ = ["MainNav", "set_nav_badge"]

_BY_MODE: dict[str, MainScreen] = {main.mode: main for main in MAIN_SCREENS}


def _label(main: MainScreen, form: int = 0, badge: str = "") -> str:
    """An entry's label: in full (form 0), with a three-letter title (1), or the key
    alone (2), for bars too narrow for the longer forms; a badge (a count) follows in
    brackets."""
    tail = f" ({badge})" if badge else ""
    if form == 0:
        return f"{main.key} {main.title}{tail}"
    if form == 1:
        return f"{main.key} {main.title[:3]}{tail}"
    return main.key + tail


def _badges(widget: Widget) -> dict[str, str]:
    return getattr(widget.app, "_nav_badges", {})


def set_nav_badge(app, mode: str, text: str) -> None:
    """Show ``text`` after main screen ``mode``'s title on every bar ("8 Approvals (3)");
    an empty text removes it."""
    badges = getattr(app, "_nav_badges", None)
    if badges is None:
        badges = app._nav_badges = {}
    if badges.get(mode, "") == text:
        return
    if text:
        badges[mode] = text
    else:
        badges.pop(mode, None)
    for screen in list(getattr(app, "_main_screens", {}).values()) + list(app.screen_stack):
        for bar in screen.query(MainNav):
            bar.refresh()


class MainNav(Widget):
    """The bar of main screens, highlighting ``current`` (a :class:`MainScreen` mode,
    e.g. ``"deposit"``).

    ``available(mode)`` says whether an entry shows now; :meth:`refresh_entries` applies
    it (the bar calls it itself when the screen's bindings change). Each shown entry is
    its label with one cell of padding either side, in number-key order;
    :meth:`entry_at` and :meth:`entry_region` map between entries and columns of the bar.
    """

    COMPONENT_CLASSES = {"main-nav--entry", "main-nav--current", "main-nav--hover"}

    DEFAULT_CSS = """
    MainNav {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
    }
    MainNav > .main-nav--entry { color: $text-muted; }
    MainNav > .main-nav--hover { background: $boost; color: $text; }
    MainNav > .main-nav--current {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, current: str, *, id: str | None = "main-nav") -> None:
        if current not in _BY_MODE:
            raise ValueError(f"{current!r} is not a main screen mode")
        super().__init__(id=id)
        self.current = current
        """The mode of the main screen this bar sits on."""
        self._shown: tuple[str, ...] = tuple(
            mode for mode, main in _BY_MODE.items() if main.in_nav or mode == current)
        self._hover: str | None = None
        self._spans: tuple[tuple[str, int, int], ...] = ()
        self._spans_for: tuple[object, ...] | None = None
        self._line: tuple[tuple[object, ...], Strip] | None = None
        self._subscribed_to: Screen | None = None

    def on_mount(self) -> None:
        """Follow the screen's bindings from now on, and show the entries it offers."""
        self._subscribed_to = self.screen
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.refresh_entries()

    def on_unmount(self) -> None:
        """Stop following the screen's bindings."""
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
    def shown_modes(self) -> list[str]:
        """The modes of the entries showing now, in number-key order."""
        return list(self._shown)

    @property
    def hover(self) -> str | None:
        """The mode of the entry under the mouse, or None."""
        return self._hover

    def refresh_entries(self) -> None:
        """Show the entries of the screens the app offers now; hide the others. Redraws
        only when that changes what the bar shows."""
        shown = tuple(mode for mode, main in _BY_MODE.items()
                      if (main.in_nav or mode == self.current) and self.available(mode))
        if shown == self._shown:
            return
        self._shown = shown
        if self._hover not in shown:
            self._set_hover(None)
        self.refresh()

    def _entry_spans(self) -> tuple[tuple[str, int, int], ...]:
        """``(mode, start, end)`` of each shown entry, padding included, in columns of
        the content area."""
        key = (self._shown, self.size.width, tuple(sorted(_badges(self).items())))
        if self._spans_for != key:
            labels = self.labels()
            spans = []
            x = 0
            for mode in self._shown:
                width = cell_len(labels[mode]) + 2
                spans.append((mode, x, x + width))
                x += width
            self._spans = tuple(spans)
            self._spans_for = key
        return self._spans

    def labels(self) -> dict[str, str]:
        """Each shown entry's label at the bar's width: every title in full when they fit,
        else the other entries shortened (three letters, then the key alone) and the
        current one in full; never an entry cut at the edge."""
        room = self.size.width
        badges = _badges(self)
        for form in (0, 1, 2):
            labels = {mode: _label(_BY_MODE[mode], 0 if mode == self.current else form,
                                   badges.get(mode, ""))
                      for mode in self._shown}
            if room <= 0 or sum(cell_len(text) + 2 for text in labels.values()) <= room:
                return labels
        return labels

    def entry_at(self, x: int) -> str | None:
        """The mode of the entry at column ``x`` of the bar (0 is its left edge, as in
        mouse events), or None for the bar's own padding and the space past the last
        entry."""
        content_x = x - self.styles.gutter.left
        if not 0 <= content_x < self.size.width:
            return None
        for mode, start, end in self._entry_spans():
            if start <= content_x < end:
                return mode
        return None

    def entry_region(self, mode: str) -> Region | None:
        """Where entry ``mode`` sits, relative to the bar's top-left corner (for a pilot
        ``click(MainNav, offset=...)``), or None while it is hidden."""
        left = self.styles.gutter.left
        for shown, start, end in self._entry_spans():
            if shown == mode:
                return Region(left + start, 0, end - start, 1)
        return None

    def _set_hover(self, mode: str | None) -> None:
        if mode == self._hover:
            return
        self._hover = mode
        main = None if mode is None else _BY_MODE[mode]
        self.tooltip = None if main is None else f"{main.title} ({main.key})"
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Highlight the entry under the mouse, and name it in the tooltip."""
        self._set_hover(self.entry_at(event.x))

    def on_leave(self, _event: events.Leave) -> None:
        """Drop the highlight when the mouse leaves the bar."""
        self._set_hover(None)

    async def on_click(self, event: events.Click) -> None:
        """Switch to the clicked entry's screen (the app's ``switch_main`` action); a
        click beside the entries does nothing."""
        mode = self.entry_at(event.x)
        if mode is None:
            return
        event.stop()
        await self.app.run_action(f"switch_main({mode!r})")

    def render_line(self, y: int) -> Strip:
        """The bar's one line of content: the shown entries, left-aligned; Textual fills
        the rest of the width and the padding with the bar's background."""
        if y:
            return Strip.blank(self.size.width)
        styles = (self.get_component_rich_style("main-nav--entry"),
                  self.get_component_rich_style("main-nav--current"),
                  self.get_component_rich_style("main-nav--hover"))
        key = (self._shown, self._hover, styles, self.size.width,
               tuple(sorted(_badges(self).items())))
        if self._line is None or self._line[0] != key:
            self._line = (key, self._draw(*styles))
        return self._line[1]

    def _draw(self, entry: Style, current: Style, hover: Style) -> Strip:
        segments = []
        labels = self.labels()
        for mode in self._shown:
            style = current if mode == self.current else hover if mode == self._hover else entry
            # Padding carries the background only, as a widget's CSS padding does.
            pad = Segment(" ", Style(bgcolor=style.bgcolor))
            segments += [pad, Segment(labels[mode], style), pad]
        return Strip(segments)
