"""Pilot tests of KeyFooter, the one-widget footer: what it lists and where, how it
follows the bindings (focus, screen switches, themes), clicks, unavailable keys, hover
and tooltips."""

from __future__ import annotations

from test_app_support import wait_loaded
from test_app_vault import wait_for
from textual.command import CommandPalette
from textual.widgets import Tooltip

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens.help import HelpScreen
from tui.screens.profiles import ProfileFormScreen, ProfilesScreen
from tui.widgets.key_footer import KeyFooter

SIZE = (120, 36)
BALANCES_KEYS = (" ⏎ Details  r Refresh  g Group  s Sort  / Filter  c Compact  C Columns  ^q Quit"
                 "  ? Help"
                 "  t Theme ")
PALETTE_KEY = "▏^p palette "


def demo_app() -> CoinsoleApp:
    return CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)


def footer(app: CoinsoleApp) -> KeyFooter:
    return app.screen.query_one(KeyFooter)


def footer_text(app: CoinsoleApp) -> str:
    """The footer line as drawn (the same cells the screen shows)."""
    return footer(app).render_line(0).text


def key_x(app: CoinsoleApp, label: str) -> int:
    """The cell of the key of ``label`` (e.g. ``"? Help"``) in the footer."""
    return footer_text(app).index(f" {label}") + 1


def style_at(app: CoinsoleApp, x: int):
    """The Rich style of footer cell ``x``."""
    for segment in footer(app).render_line(0).crop(x, x + 1):
        return segment.style
    raise AssertionError(f"no cell {x} in the footer")


async def test_lists_the_shown_keys_in_order_with_the_palette_key_at_the_right() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        widget = footer(app)
        assert not widget.children and not app.screen.query("FooterKey")
        assert (widget.region.y, widget.region.width, widget.region.height) == (35, 120, 1)
        text = footer_text(app)
        assert len(text) == 120
        assert text.startswith(BALANCES_KEYS)
        assert text.endswith(PALETTE_KEY)
        assert text[len(BALANCES_KEYS):-len(PALETTE_KEY)].strip() == ""
        # Bindings with show=False (S Reverse, the number keys, esc) are not listed.
        assert "Reverse" not in text and "Balances" not in text


async def test_follows_focus_and_screen_switches() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash")  # the filter input takes the focus and the letter keys
        await pilot.pause()
        text = footer_text(app)
        assert "Refresh" not in text and "Group" not in text
        assert "^q Quit" in text and text.endswith(PALETTE_KEY)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert footer_text(app).startswith(BALANCES_KEYS)

        await pilot.press("6")
        await wait_loaded(pilot)
        assert app.current_mode == "history"
        history = footer_text(app)
        assert " m Load more  r Refresh " in history and "Group" not in history
        await pilot.press("1")
        await pilot.pause()
        assert footer_text(app).startswith(BALANCES_KEYS)


async def test_theme_switch_redraws_in_the_new_colours() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        x = key_x(app, "r Refresh")
        assert style_at(app, x).color.triplet.hex == "#4ea1f3"  # coinsole-dark's key colour
        app.theme = "coinsole-high-contrast"
        await pilot.pause()
        assert style_at(app, x).color.triplet.hex == "#ffff00"


async def test_clicking_a_key_presses_it() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.click(KeyFooter, offset=(key_x(app, "? Help"), 0))
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.click(KeyFooter, offset=(SIZE[0] - 3, 0))  # on "palette"
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))


async def test_unavailable_key_is_dim_and_a_click_only_rings_the_bell() -> None:
    app = CoinsoleApp(None, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.run_action("open_profiles")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfilesScreen))
        await pilot.pause()
        bells = []
        app.bell = lambda: bells.append(True)
        edit, add = key_x(app, "e Edit"), key_x(app, "a Add")
        assert style_at(app, edit).dim and style_at(app, edit + 3).dim  # key and description
        assert not style_at(app, add).dim
        await pilot.click(KeyFooter, offset=(edit, 0))
        await pilot.pause()
        assert bells == [True]
        assert isinstance(app.screen, ProfilesScreen)
        await pilot.click(KeyFooter, offset=(add, 0))
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileFormScreen))
        assert bells == [True]


async def test_hover_highlights_the_key_and_shows_its_tooltip() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE, tooltips=True) as pilot:
        await wait_loaded(pilot)
        widget = footer(app)
        help_x, theme_x = key_x(app, "? Help"), key_x(app, "t Theme")
        plain = style_at(app, help_x).bgcolor
        await pilot.hover(KeyFooter, offset=(help_x + 2, 0))  # on the description
        await pilot.pause()
        assert widget.tooltip == "Keys of this screen"
        assert style_at(app, help_x).bgcolor != plain
        assert style_at(app, theme_x).bgcolor == plain
        await pilot.pause(app.TOOLTIP_DELAY + 0.2)
        tooltip = app.screen.get_child_by_type(Tooltip)
        assert tooltip.display
        assert "Keys of this screen" in str(tooltip.render())

        await pilot.hover(KeyFooter, offset=(SIZE[0] - 3, 0))
        await pilot.pause()
        assert widget.tooltip == "Open the command palette"
        assert style_at(app, help_x).bgcolor == plain
        await pilot.hover(KeyFooter, offset=(len(BALANCES_KEYS) + 5, 0))  # the gap: no key
        await pilot.pause()
        assert widget.tooltip is None
        assert style_at(app, SIZE[0] - 3).bgcolor == plain


async def test_a_key_that_does_not_fit_is_left_out_whole_not_cut() -> None:
    """Issue 12: at 80 columns the footer read "t Them" (Move money) and "C Colum"."""
    app = demo_app()
    described = {"⏎": "Details", "r": "Refresh", "g": "Group", "s": "Sort", "/": "Filter",
                 "c": "Compact", "C": "Columns", "^q": "Quit", "?": "Help", "t": "Theme",
                 "^s": "Review", "^g": "Max", "^r": "Reload", "^t": "Next form"}
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        for screen_key in ("1", "3"):
            await pilot.press(screen_key)
            await wait_loaded(pilot)
            text = footer_text(app)
            assert text.endswith(PALETTE_KEY) and len(text) == 80
            body = text[:-len(PALETTE_KEY)]
            assert " Details" in body or " Review" in body
            for key, label in described.items():
                if f" {key} {label[:2]}" in body:
                    assert f" {key} {label}" in body, body  # whole, or not there at all
