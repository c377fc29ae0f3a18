"""Pilot tests of the title bar (TitleBar): it shows the title and sub-title centred
between the icon and the clock space, follows title changes, ends a title too long for
the bar with an ellipsis, toggles the tall bar on a click, opens the command palette from
the icon (which is highlighted and explained under the mouse) unless the app has no
palette, and paints exactly what Textual's Header paints."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Header, Static

from tui.themes import load_themes
from tui.widgets.title_bar import TitleBar

WIDTH = 60
TITLE_AREA = slice(8, WIDTH - 10)  # between the 8-cell icon and the 10-cell clock space


class BarApp(App):
    """A screen with a title bar (or ``bar``, e.g. Textual's Header) above some text."""

    def __init__(self, bar: type = TitleBar, *, palette: bool = True) -> None:
        self.ENABLE_COMMAND_PALETTE = palette
        super().__init__()
        self.bar = bar
        for theme in load_themes():
            self.register_theme(theme)

    def compose(self) -> ComposeResult:
        yield self.bar()
        yield Static("body")

    def on_mount(self) -> None:
        self.title = "Title"
        self.sub_title = "Sub"


def lines(bar: TitleBar) -> list[str]:
    """The bar's lines as painted."""
    return [strip.text for strip in bar.render_lines(Region(0, 0, *bar.outer_size))]


def background_at(app: App, x: int, y: int = 0) -> object:
    """The background colour painted at ``(x, y)`` of the screen."""
    return app.screen.get_style_at(x, y).bgcolor


def centred(text: str, width: int) -> str:
    """``text`` centred in ``width`` cells as Textual centres content (extra space right)."""
    left = (width - len(text)) // 2
    return " " * left + text + " " * (width - len(text) - left)


async def click(pilot: Pilot, x: int) -> None:
    """Click column ``x`` of the bar."""
    await pilot.click(TitleBar, offset=(x, 0))
    await pilot.pause()


async def test_title_and_sub_title_centred_between_icon_and_clock() -> None:
    app = BarApp()
    async with app.run_test(size=(WIDTH, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(TitleBar)
        [line] = lines(bar)
        assert len(line) == WIDTH
        assert line[:8] == " ⭘      "
        assert line[TITLE_AREA] == centred("Title — Sub", WIDTH - 18)
        assert line[-10:] == " " * 10
        assert bar.region == Region(0, 0, WIDTH, 1)


async def test_follows_screen_sub_title_and_app_title() -> None:
    app = BarApp()
    async with app.run_test(size=(WIDTH, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(TitleBar)
        app.screen.sub_title = "Screen sub"
        await pilot.pause()
        assert lines(bar)[0][TITLE_AREA] == centred("Title — Screen sub", WIDTH - 18)
        app.title = "New title"
        await pilot.pause()
        assert lines(bar)[0][TITLE_AREA] == centred("New title — Screen sub", WIDTH - 18)
        app.screen.title = "Screen title"
        app.screen.sub_title = ""
        await pilot.pause()
        assert lines(bar)[0][TITLE_AREA] == centred("Screen title", WIDTH - 18)


async def test_title_too_long_ends_in_an_ellipsis() -> None:
    app = BarApp()
    async with app.run_test(size=(30, 5)) as pilot:
        app.title = "A title far too long for the bar"
        await pilot.pause()
        [line] = lines(app.query_one(TitleBar))
        assert line[8:20] == "A title far…"
        assert line[:8] == " ⭘      " and line[20:] == " " * 10


async def test_click_toggles_the_tall_bar() -> None:
    app = BarApp()
    async with app.run_test(size=(WIDTH, 8)) as pilot:
        await pilot.pause()
        bar = app.query_one(TitleBar)
        await click(pilot, 30)
        assert bar.has_class("-tall")
        assert bar.region.height == 3
        top, middle, bottom = lines(bar)
        assert middle[:8] == " ⭘      " and top[:8] == bottom[:8] == " " * 8
        assert top[TITLE_AREA].strip() == "Title — Sub"  # as Header: its title is one line
        assert app.query_one(Static).region.y == 3
        await click(pilot, 30)
        assert not bar.has_class("-tall")
        assert bar.region.height == 1
        bar.tall = True
        await pilot.pause()
        assert bar.region.height == 3


async def test_click_on_the_icon_opens_the_command_palette() -> None:
    app = BarApp()
    async with app.run_test(size=(WIDTH, 20)) as pilot:
        await pilot.pause()
        await click(pilot, 2)
        assert isinstance(app.screen, CommandPalette)
        assert not app.screen_stack[0].query_one(TitleBar).has_class("-tall")


async def test_icon_highlighted_and_explained_under_the_mouse() -> None:
    app = BarApp()
    async with app.run_test(size=(WIDTH, 5)) as pilot:
        await pilot.pause()
        bar = app.query_one(TitleBar)
        plain = background_at(app, 30)
        assert background_at(app, 0) == plain
        await pilot.hover(TitleBar, offset=(2, 0))
        await pilot.pause()
        assert bar.icon_hover
        assert bar.tooltip == "Open the command palette"
        highlight = bar.get_component_rich_style("title-bar--icon-hover").bgcolor
        assert highlight != plain
        assert {background_at(app, x) for x in range(8)} == {highlight}
        assert background_at(app, 8) == plain
        await pilot.hover(TitleBar, offset=(30, 0))
        await pilot.pause()
        assert not bar.icon_hover
        assert bar.tooltip is None
        assert background_at(app, 0) == plain
        await pilot.hover(TitleBar, offset=(2, 0))
        await pilot.hover(Static)
        await pilot.pause()
        assert not bar.icon_hover
        assert background_at(app, 0) == plain


async def test_without_a_command_palette_the_icon_is_inert() -> None:
    app = BarApp(palette=False)
    async with app.run_test(size=(WIDTH, 20)) as pilot:
        await pilot.pause()
        bar = app.query_one(TitleBar)
        await pilot.hover(TitleBar, offset=(2, 0))
        await pilot.pause()
        assert bar.tooltip is None
        await click(pilot, 2)
        assert len(app.screen_stack) == 1
        assert not bar.has_class("-tall")


def painted(app: App) -> list[list[tuple[str, Style]]]:
    """The top three lines of the screen as painted: each segment's text and style (meta
    included), where the screenshot shows only text, colours and segment boundaries."""
    update = app.screen._compositor.render_full_update()
    return [[(segment.text, segment.style) for strip in row for segment in strip]
            for row in update.strips[:3]]


async def paint(bar: type, theme: str, width: int, actions: tuple[str, ...]
                ) -> tuple[str, list[list[tuple[str, Style]]]]:
    """The screenshot and top lines of a :class:`BarApp` with ``bar`` after ``actions``
    (in order: ``long`` title, click for ``tall``, ``hover`` the icon)."""
    app = BarApp(bar)
    async with app.run_test(size=(width, 6)) as pilot:
        app.theme = theme
        for action in actions:
            if action == "long":
                app.title = "A title far too long for the bar, with a sub-title"
            elif action == "tall":
                await pilot.click(bar, offset=(width - 12, 0))
            elif action == "hover":
                await pilot.hover(bar, offset=(2, 0))
        await pilot.pause()
        return app.export_screenshot(), painted(app)


@pytest.mark.parametrize(("theme", "width", "actions"), [
    ("textual-dark", 80, ()),
    ("textual-light", 40, ("long",)),
    ("textual-dark", 80, ("tall", "hover")),
    ("textual-dark", 80, ("hover", "tall")),
    ("textual-light", 120, ("hover",)),
])
async def test_paints_what_header_paints(theme: str, width: int,
                                         actions: tuple[str, ...]) -> None:
    expected = await paint(Header, theme, width, actions)
    assert await paint(TitleBar, theme, width, actions) == expected


async def test_coinsole_themes_paint_what_header_paints() -> None:
    themes = [theme.name for theme in load_themes()]  # CoinsoleApp.theme_cycle
    assert len(themes) >= 3

    async def paint_themes(bar: type) -> list[tuple[str, list[list[tuple[str, Style]]]]]:
        app = BarApp(bar)
        async with app.run_test(size=(80, 6)) as pilot:
            await pilot.hover(bar, offset=(2, 0))
            result = []
            for theme in themes:
                app.theme = theme
                await pilot.pause()
                result.append((app.export_screenshot(), painted(app)))
            await pilot.hover(bar, offset=(40, 0))
            await pilot.pause()
            result.append((app.export_screenshot(), painted(app)))
        return result

    assert await paint_themes(TitleBar) == await paint_themes(Header)
