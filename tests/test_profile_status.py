"""Pilot tests: the per-profile status strip drawn as one widget."""

from __future__ import annotations

import asyncio

import pytest
from rich.segment import Segment
from test_app_support import FakeSession, balance, fake_profiles, screen_text, wait_loaded
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import Grid
from textual.widget import Widget
from textual.widgets import Static
from textual.widgets._tooltip import Tooltip

from tui.app import CoinsoleApp
from tui.core.errors import VenueUnavailable
from tui.themes import load_themes
from tui.widgets.profile_status import LoadState, ProfileStatusStrip

NAMES = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]
LONG_ERROR = ("bitz: the venue failed with HTTP 503 (venue said: service unavailable, "
              "code 503). The venue may be down; try again later.")
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class StripApp(App[None]):
    """A strip of ``count`` profiles alone on a screen, under coinsole's themes."""

    def __init__(self, count: int = 5, theme: str = "coinsole-dark") -> None:
        super().__init__()
        self.profiles = [(name, f"venue-{name}") for name in NAMES[:count]]
        self.theme_name = theme

    def compose(self) -> ComposeResult:
        yield Static("above")
        yield ProfileStatusStrip(self.profiles, id="strip")
        yield Static("below")

    def on_mount(self) -> None:
        for theme in load_themes():
            self.register_theme(theme)
        self.theme = self.theme_name

    @property
    def strip(self) -> ProfileStatusStrip:
        return self.query_one(ProfileStatusStrip)


class GridApp(StripApp):
    """The strip above the grid of ``1fr`` cells it replaced, for comparing widths."""

    def compose(self) -> ComposeResult:
        yield ProfileStatusStrip(self.profiles, id="strip")
        with Grid(id="reference"):
            for name, _venue in self.profiles:
                yield Static(name)

    CSS = "#reference { grid-size: 3; grid-columns: 1fr; grid-rows: 1; height: auto; }"


def line(strip: ProfileStatusStrip, y: int) -> list[Segment]:
    return list(strip.render_line(y))


def line_text(strip: ProfileStatusStrip, y: int) -> str:
    return "".join(segment.text for segment in line(strip, y))


def cell_spans(strip: ProfileStatusStrip, y: int) -> list[tuple[str, int, int]]:
    """(profile, x, width) of each cell on line ``y``, found through ``cell_at``."""
    spans: list[tuple[str, int, int]] = []
    for x in range(strip.content_size.width):
        cell = strip.cell_at(x, y)
        if cell is None:
            continue
        if spans and spans[-1][0] == cell.profile:
            name, start, width = spans[-1]
            spans[-1] = (name, start, width + 1)
        else:
            spans.append((cell.profile, x, 1))
    return spans


def cell_text(strip: ProfileStatusStrip, name: str) -> str:
    """The text drawn in ``name``'s cell, padding included."""
    for y in range(strip.line_count):
        for profile, x, width in cell_spans(strip, y):
            if profile == name:
                return line_text(strip, y)[x:x + width]
    raise AssertionError(f"{name} not drawn")


def name_segment(strip: ProfileStatusStrip, name: str) -> Segment:
    """The segment holding ``name``'s text."""
    return next(segment for y in range(strip.line_count) for segment in line(strip, y)
                if f" {name}" in segment.text)


def theme_colour(value: str, background: Color) -> Color:
    """A theme variable's colour as text over ``background`` (``auto N%`` picks a contrast)."""
    if value.startswith("auto"):
        alpha = float(value.split()[1].rstrip("%")) / 100 if " " in value else 1.0
        return background.get_contrast_text(alpha)
    return Color.parse(value)


def running_timers(widget: Widget) -> list:
    """Timers of ``widget`` that are still scheduled (Textual keeps them in ``_timers``)."""
    return [timer for timer in widget._timers if timer._task is not None]


async def test_text_per_state() -> None:
    app = StripApp(count=5)
    async with app.run_test(size=(150, 10)) as pilot:
        strip = app.strip
        assert cell_text(strip, "alpha").strip() == "· alpha"
        strip.status("alpha").set_ok(5)
        strip.status("beta").set_ok(1)
        strip.status("gamma").set_error("boom")
        strip.status("delta").set_loading()
        strip.status("epsilon").set_loading("3 minutes ago")
        await pilot.pause()
        assert cell_text(strip, "alpha") == " ✓ alpha ok · 5 balances".ljust(50)
        assert cell_text(strip, "beta").strip() == "✓ beta ok · 1 balance"
        assert cell_text(strip, "gamma").strip() == "✗ gamma: boom"
        delta = cell_text(strip, "delta").strip()
        assert delta[0] in SPINNER and delta[1:] == " delta loading…"
        epsilon = cell_text(strip, "epsilon").strip()
        assert epsilon[0] in SPINNER and epsilon[1:] == " epsilon cached 3 minutes ago"
        # The same words reach the terminal.
        text = screen_text(app)
        assert "✓ alpha ok · 5 balances" in text and "✗ gamma: boom" in text


async def test_state_fields() -> None:
    app = StripApp(count=2)
    async with app.run_test(size=(90, 10)):
        status = app.strip.status("beta")
        assert (status.profile, status.venue, status.state) == ("beta", "venue-beta", LoadState.IDLE)
        status.set_loading("2 hours ago")
        assert status.state is LoadState.LOADING
        assert status.message == "showing balances cached 2 hours ago"
        status.set_ok(7)
        assert (status.state, status.count, status.message) == (LoadState.OK, 7, "")
        status.set_error("down")
        assert (status.state, status.count, status.message) == (LoadState.ERROR, 7, "down")


@pytest.mark.parametrize("theme", ["coinsole-dark", "coinsole-light", "coinsole-high-contrast"])
async def test_colours_per_state_come_from_the_theme(theme: str) -> None:
    app = StripApp(count=4, theme=theme)
    async with app.run_test(size=(150, 10)) as pilot:
        strip = app.strip
        strip.status("beta").set_loading()
        strip.status("gamma").set_ok(2)
        strip.status("delta").set_error("boom")
        await pilot.pause()
        variables = app.get_css_variables()
        background = strip.background_colors[1]
        assert background == Color.parse(variables["background"]) + Color.parse(variables["panel"])
        expected = {"alpha": ("text-muted", False), "beta": ("warning", False),
                    "gamma": ("success", False), "delta": ("error", True)}
        for name, (variable, bold) in expected.items():
            style = name_segment(strip, name).style
            colour = (background + theme_colour(variables[variable], background)).rich_color
            assert (style.color, style.bgcolor, bool(style.bold)) == (
                colour, background.rich_color, bold), (name, variable)
        # Padding carries the background only, as it did around each old cell.
        assert line(strip, 0)[0] == Segment(" ", line(strip, 0)[0].style)
        assert line(strip, 0)[0].style.color is None


async def test_three_cells_a_line() -> None:
    for count, lines in ((5, 2), (7, 3), (3, 1)):
        app = StripApp(count=count)
        async with app.run_test(size=(120, 10)):
            strip = app.strip
            assert strip.line_count == lines and strip.size.height == lines
            assert app.query_one("Static").region.bottom == strip.region.y
            assert app.query("Static").last().region.y == strip.region.bottom
            names = [name for y in range(lines) for name, _x, _w in cell_spans(strip, y)]
            assert names == NAMES[:count]
            assert [len(cell_spans(strip, y)) for y in range(lines)] == (
                [3] * (count // 3) + ([count % 3] if count % 3 else []))


@pytest.mark.parametrize("width", [120, 100, 101, 59, 31])
async def test_cells_line_up_with_a_grid_of_1fr_columns(width: int) -> None:
    app = GridApp(count=5)
    async with app.run_test(size=(width, 10)):
        strip = app.strip
        reference = list(app.query_one("#reference").query(Static))
        drawn = [(x, w) for y in range(2) for _name, x, w in cell_spans(strip, y)]
        assert drawn == [(cell.region.x, cell.region.width) for cell in reference]
        assert [x for x, _w in drawn[:3]] == [0, width // 3, 2 * width // 3]


async def test_long_error_is_cut_with_an_ellipsis() -> None:
    app = StripApp(count=3)
    async with app.run_test(size=(61, 10)) as pilot:
        strip = app.strip
        strip.status("beta").set_error(LONG_ERROR)
        strip.status("gamma").set_error("two\nlines")
        await pilot.pause()
        beta = cell_text(strip, "beta")  # 20 cells: a space each side, 18 of text
        assert len(beta) == 20
        assert beta == " " + f"✗ beta: {LONG_ERROR}"[:17] + "… "
        assert cell_text(strip, "gamma").rstrip() == " ✗ gamma: two"
        assert strip.status("beta").message == LONG_ERROR


async def test_spinner_turns_while_loading_and_stops_after() -> None:
    app = StripApp(count=3)
    async with app.run_test(size=(120, 10)) as pilot:
        strip = app.strip
        assert not strip.spinning and not running_timers(strip)
        strip.status("alpha").set_loading()
        strip.status("beta").set_loading()
        assert strip.spinning and len(running_timers(strip)) == 1
        await pilot.pause()
        seen = {cell_text(strip, "alpha").strip()[0]}
        for _ in range(10):
            await pilot.pause(0.06)
            seen.add(cell_text(strip, "alpha").strip()[0])
        assert len(seen) >= 3 and seen <= set(SPINNER)
        assert cell_text(strip, "alpha").strip()[0] == cell_text(strip, "beta").strip()[0]
        strip.status("alpha").set_ok(1)
        assert strip.spinning  # beta still loads
        strip.status("beta").set_error("down")
        assert not strip.spinning and not running_timers(strip)
        before = line_text(strip, 0)
        await pilot.pause(0.25)
        assert line_text(strip, 0) == before


async def test_tooltip_is_the_message_of_the_cell_under_the_mouse() -> None:
    app = StripApp(count=5)
    async with app.run_test(size=(90, 10), tooltips=True) as pilot:
        strip = app.strip
        strip.status("alpha").set_ok(3)
        strip.status("beta").set_error(LONG_ERROR)
        strip.status("delta").set_error("delta is down")
        strip.status("epsilon").set_loading("5 minutes ago")
        await pilot.pause()
        assert strip.tooltip is None
        await pilot.hover("#strip", offset=(35, 0))  # beta: columns 30-59
        assert strip.tooltip == LONG_ERROR
        await pilot.pause(app.TOOLTIP_DELAY + 0.3)
        tooltip = app.screen.query_one(Tooltip)
        assert tooltip.display and LONG_ERROR in str(tooltip.content)
        await pilot.hover("#strip", offset=(2, 0))  # alpha: ok, nothing to say
        assert strip.tooltip is None
        await pilot.hover("#strip", offset=(5, 1))  # delta
        assert strip.tooltip == "delta is down"
        await pilot.hover("#strip", offset=(59, 1))  # epsilon, last column of its cell
        assert strip.tooltip == "showing balances cached 5 minutes ago"
        await pilot.hover("#strip", offset=(60, 1))  # no sixth profile
        assert strip.tooltip is None
        await pilot.hover("#strip", offset=(5, 1))
        strip.status("delta").set_ok(1)  # the message under the mouse goes away
        assert strip.tooltip is None
        await pilot.hover("Static", offset=(0, 0))  # leaving the strip
        assert strip.tooltip is None


async def test_unknown_profile_is_a_clear_error() -> None:
    app = StripApp(count=2)
    async with app.run_test(size=(90, 10)):
        with pytest.raises(KeyError, match="nope"):
            app.strip.status("nope")
        assert app.strip.cell_at(0, 5) is None and app.strip.cell_at(-1, 0) is None


async def test_no_profiles_takes_no_room() -> None:
    app = StripApp(count=0)
    async with app.run_test(size=(90, 10)):
        assert app.strip.size.height == 0 and not app.strip.spinning


async def test_balances_screen_drives_the_strip() -> None:
    gate = asyncio.Event()
    profiles = fake_profiles(("fast", "fcoin"), ("slow", "bitz"), ("down", "bhex"))
    session = FakeSession({"fast": [balance("fast", "fcoin", "BTC", "1")],
                           "slow": [balance("slow", "bitz", "ETH", "2"),
                                    balance("slow", "bitz", "BTC", "3")],
                           "down": VenueUnavailable("bhex", "the venue failed with HTTP 503")},
                          profiles, gates={"slow": gate})
    app = CoinsoleApp(session, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        strip = app.screen.query_one("#strip", ProfileStatusStrip)
        for _ in range(100):
            await pilot.pause(0.01)
            if strip.status("down").state is LoadState.ERROR:
                break
        assert strip.status("slow").state is LoadState.LOADING and strip.spinning
        assert "slow loading…" in screen_text(app)
        assert strip.status("down").message.startswith("bhex")
        gate.set()
        await wait_loaded(pilot)
        assert not strip.spinning and not running_timers(strip)
        assert (strip.status("slow").state, strip.status("slow").count) == (LoadState.OK, 2)
        assert "✓ slow ok · 2 balances" in screen_text(app)
