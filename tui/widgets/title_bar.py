"""The title bar at the top of every coinsole screen: a one-widget stand-in for Textual's
``Header`` that looks and behaves the same.

``Header`` composes three child widgets (the icon, the title, the clock space) and keeps
the title up to date with four async watchers. The bar sits in the first frame of every
screen, so :class:`TitleBar` draws the same picture itself, with no children: through
Textual's line API (``render_line``) it renders each of the three areas exactly as the
child widget drew it (the same styles, the same segments, so screenshots are identical)
and keeps the lines until the title, the size, the hover or the theme changes. (One
trace of the children is gone: the compositor no longer cuts a widget drawn over the bar,
such as a tooltip, at the icon's and the clock's edges, so its segments there are split
only in unsimplified screenshots of Header.)

Like ``Header``: the ⭘ icon at the left is highlighted under the mouse and a click on it
opens the command palette (unless the app disables the palette); a click elsewhere on the
bar toggles the three-line "tall" bar; the title is ``App.format_title`` of the screen's
title and sub-title (the app's when the screen has none). Colours come from theme
variables through the component classes ``title-bar--icon``, ``title-bar--icon-hover``
and ``title-bar--title``.

Usage, first in a screen's ``compose``::

    yield TitleBar()
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.content import Content
from textual.css.styles import RulesMap, StylesBase
from textual.css.types import AlignHorizontal, AlignVertical
from textual.reactive import Reactive
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions
from textual.widget import Widget

__all__ = ["TitleBar"]

ICON = "⭘"
"""The icon at the left of the bar (Header's default)."""

_ICON_WIDTH = 8  # Header's icon: width 8, padding 0 1
_CLOCK_WIDTH = 10  # Header's clock space: width 10, padding 0 1, blank
_PADDING = 1
_NO_RULES: RulesMap = {}


class TitleBar(Widget):
    """The bar at the top of a screen: icon, centred title and sub-title, clock space.

    ``tall`` (or the ``-tall`` class, which a click on the bar toggles) makes it three
    lines high. :attr:`icon_hover` says whether the mouse is over the icon.
    """

    COMPONENT_CLASSES = {"title-bar--icon", "title-bar--icon-hover", "title-bar--title"}

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    TitleBar.-tall { height: 3; }
    TitleBar > .title-bar--icon-hover { background: $foreground 10%; }
    TitleBar > .title-bar--title {
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    ALLOW_SELECT = False

    tall: Reactive[bool] = Reactive(False)
    """Set to ``True`` for a three-line bar, ``False`` for a one-line bar."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._icon_hover = False
        self._drawn_titles: tuple[str, str] | None = None
        self._lines: tuple[tuple[object, ...], list[Strip]] | None = None

    @property
    def screen_title(self) -> str:
        """The title shown: the screen's title, or the app's when the screen has none."""
        title = self.screen.title
        return title if title is not None else self.app.title

    @property
    def screen_sub_title(self) -> str:
        """The sub-title shown: the screen's, or the app's when the screen has none."""
        sub_title = self.screen.sub_title
        return sub_title if sub_title is not None else self.app.sub_title

    def format_title(self) -> Content:
        """The title as shown, from ``App.format_title`` (title, then " — " and the
        dimmed sub-title)."""
        return self.app.format_title(self.screen_title, self.screen_sub_title)

    @property
    def icon_hover(self) -> bool:
        """Whether the mouse is over the icon (which is then highlighted)."""
        return self._icon_hover

    def on_mount(self) -> None:
        """Redraw whenever the app's or the screen's title or sub-title changes."""
        for owner in (self.app, self.screen):
            self.watch(owner, "title", self._titles_changed, init=False)
            self.watch(owner, "sub_title", self._titles_changed, init=False)

    def _titles_changed(self) -> None:
        if (self.screen_title, self.screen_sub_title) != self._drawn_titles:
            self.refresh()

    def watch_tall(self, tall: bool) -> None:
        """Show the bar one or three lines high."""
        self.set_class(tall, "-tall")

    def _on_icon(self, x: int) -> bool:
        """Whether column ``x`` is the icon's: below 18 cells the clock space covers the
        icon's right end, as in Header."""
        return x < min(_ICON_WIDTH, self.size.width - _CLOCK_WIDTH)

    def _follow_mouse(self, x: int | None) -> None:
        # Header's icon is highlighted even where the clock space covers it (Textual gives
        # the hover to the first widget with a hover style under the mouse), while its
        # tooltip and click belong to the widget on top.
        hover = x is not None and x < _ICON_WIDTH
        palette = x is not None and self._on_icon(x) and self.app.ENABLE_COMMAND_PALETTE
        tooltip = "Open the command palette" if palette else None
        if tooltip != self.tooltip:
            self.tooltip = tooltip
        if hover != self._icon_hover:
            self._icon_hover = hover
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Highlight the icon while the mouse is over it, and explain it in the tooltip."""
        self._follow_mouse(event.x)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Drop the icon's highlight on a press beside it that came without a move (from
        a test's pilot), as Header's icon loses it when the click resizes the bar."""
        if event.x >= _ICON_WIDTH:
            self._follow_mouse(event.x)

    def on_leave(self, _event: events.Leave) -> None:
        """Drop the icon's highlight when the mouse leaves the bar."""
        self._follow_mouse(None)

    async def on_click(self, event: events.Click) -> None:
        """Open the command palette from the icon; elsewhere toggle the tall bar."""
        if self._on_icon(event.x):
            # As Header's icon, which is disabled when the app has no palette: the click
            # goes no further either way.
            event.stop()
            if self.app.ENABLE_COMMAND_PALETTE:
                await self.run_action("app.command_palette")
            return
        self.toggle_class("-tall")

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the bar, drawn for the current titles, size, hover and theme."""
        titles = (self.screen_title, self.screen_sub_title)
        icon_style = self.get_component_rich_style(
            "title-bar--icon-hover" if self._icon_hover else "title-bar--icon")
        title_style = self.get_component_rich_style("title-bar--title")
        bar_style = self.visual_style
        key = (titles, self.size, icon_style, title_style, bar_style)
        if self._lines is None or self._lines[0] != key:
            self._drawn_titles = titles
            self._lines = (key, self._draw(icon_style, title_style, bar_style))
        lines = self._lines[1]
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)

    def _draw(self, icon_style: RichStyle, title_style: RichStyle,
              bar_style: Style) -> list[Strip]:
        """Every line of the bar: the icon, title and clock areas side by side, each as
        Header's child widget drew it."""
        width, height = self.size
        title_width = max(0, width - _ICON_WIDTH - _CLOCK_WIDTH)
        icon = self._area(Content(ICON), _ICON_WIDTH, height, _PADDING,
                          Style.from_rich_style(icon_style), ("left", "middle"),
                          self.get_component_styles("title-bar--icon"))
        # Header's title widget is one line high (height auto); below it the bar is blank.
        title = self._area(self.format_title(), title_width, 1, 0,
                           Style.from_rich_style(title_style), ("center", "middle"),
                           self.get_component_styles("title-bar--title"))
        title += [Strip.blank(title_width, Style(background=bar_style.background).rich_style)
                  ] * (height - 1)
        clock = self._area(Content(""), _CLOCK_WIDTH, height, _PADDING, bar_style,
                           ("left", "top"), _NO_RULES)
        return [_overlay_clock(Strip.join([icon_line, title_line]), clock_line, width)
                for icon_line, title_line, clock_line in zip(icon, title, clock)]

    def _area(self, content: Content, width: int, height: int, padding: int, style: Style,
              align: tuple[AlignHorizontal, AlignVertical],
              rules: StylesBase | RulesMap) -> list[Strip]:
        """The lines of one area, ``width`` cells and ``height`` lines, drawn as a widget
        with those styles draws ``content``: rendered (``Visual.to_strips``) and aligned,
        filled out (``Widget.render_line``), padded (``StylesCache.render_line``)."""
        inner_width = max(0, width - 2 * padding)
        strips = content.render_strips(inner_width, height, style,
                                       RenderOptions(self._get_style, rules))
        if align != ("left", "top"):
            fill = (style + Style(reverse=False)).rich_style
            strips = list(Strip.align(strips, fill, inner_width, height, *align))
        background = Style(background=style.background).rich_style
        pad = [Segment(" " * padding, background)] if padding else []
        lines = []
        for y in range(height):
            line = strips[y] if y < len(strips) else Strip.blank(inner_width, style.rich_style)
            line = line.adjust_cell_length(inner_width, background)
            lines.append(Strip([*pad, *line, *pad], width))
        return lines


def _overlay_clock(left: Strip, clock: Strip, width: int) -> Strip:
    """The line of a bar ``width`` cells wide from its icon and title areas (``left``) and
    its clock space, which Header docks over the icon's right end in a bar narrower than
    both; the screen is then also cut at the icon's edge, splitting the clock's blank."""
    clock_x = width - _CLOCK_WIDTH
    if clock_x >= left.cell_length:
        return Strip.join([left, clock])
    clock = clock.crop(max(0, -clock_x), _CLOCK_WIDTH)
    icon_edge = _ICON_WIDTH - max(0, clock_x)
    parts = [clock]
    if icon_edge < clock.cell_length:
        parts = clock.divide([icon_edge, clock.cell_length])
    return Strip.join([left.crop(0, max(0, clock_x)), *parts])
