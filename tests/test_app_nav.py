"""Pilot tests of the main-screen navigation bar (MainNav): the current screen is
highlighted as the number keys switch screens, a click on an entry switches screen while a
click beside the entries does nothing, the entry under the mouse is highlighted and named
in the tooltip, the demo's bar has no Profiles entry, and the number keys are out of the
footer."""

from __future__ import annotations

import pytest
from rich.style import Style
from test_app_support import FakeSession, balance, fake_profiles, wait_loaded
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Tooltip

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.screens import MAIN_SCREENS
from tui.widgets.key_footer import KeyFooter
from tui.widgets.main_nav import MainNav

SIZE = (120, 36)
TITLES = {m.mode: m.title for m in MAIN_SCREENS}
ALWAYS = [m for m in MAIN_SCREENS if m.mode != "approvals" and m.in_nav]
"""The main screens offered without a policy file (Approvals shows only with one)."""


def nav_of(app: CoinsoleApp) -> MainNav:
    """The bar of the screen showing now."""
    return app.screen.query_one(MainNav)


def bar_text(nav: MainNav) -> str:
    """The bar's line as painted, padding included."""
    return nav.render_lines(Region(0, 0, nav.outer_size.width, 1))[0].text


def painted(app: CoinsoleApp, mode: str) -> Style:
    """The style on screen at the first letter of entry ``mode``'s title."""
    nav = nav_of(app)
    entry = nav.entry_region(mode)
    assert entry is not None, f"{mode} is not shown"
    style = app.screen.get_style_at(nav.region.x + entry.x + 3, nav.region.y)
    return Style(color=style.color, bgcolor=style.bgcolor, bold=style.bold)


def component(nav: MainNav, name: str) -> Style:
    """The colours and weight of component class ``main-nav--<name>``."""
    style = nav.get_component_rich_style(f"main-nav--{name}")
    return Style(color=style.color, bgcolor=style.bgcolor, bold=style.bold)


def highlighted(app: CoinsoleApp) -> list[str]:
    """The modes of the entries painted as the current one."""
    nav = nav_of(app)
    current = component(nav, "current")
    return [mode for mode in nav.shown_modes if painted(app, mode) == current]


async def click_bar(pilot: Pilot, x: int) -> None:
    """Click column ``x`` of the bar of the screen showing now."""
    await pilot.click(MainNav, offset=(x, 0))
    await pilot.pause()


async def test_current_entry_follows_number_keys_and_clicks() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert highlighted(app) == ["balances"]
        # Move money's form owns the number keys: alt+number leaves it.
        for key, mode in (("3", "move"), ("alt+4", "activity"), ("6", "history"),
                          ("7", "orders"), ("5", "deposit"), ("1", "balances")):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            assert highlighted(app) == [mode]
            nav = nav_of(app)
            assert nav.current == mode
            assert nav.region.y == 1  # right under the one-line title bar
            assert not nav.children  # the bar draws its entries itself
        # Clicking an entry (its label or its padding) switches to its screen, like its
        # number key.
        history = nav_of(app).entry_region("history")
        assert history is not None
        await click_bar(pilot, history.x + 3)
        assert app.current_mode == "history"
        assert highlighted(app) == ["history"]
        move = nav_of(app).entry_region("move")
        assert move is not None
        await click_bar(pilot, move.right - 1)
        assert app.current_mode == "move"
        assert highlighted(app) == ["move"]


async def test_click_beside_the_entries_does_nothing() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        nav = nav_of(app)
        balances, move = nav.entry_region("balances"), nav.entry_region("move")
        last = nav.entry_region(nav.shown_modes[-1])
        assert balances is not None and move is not None and last is not None
        assert balances.x == 1  # after the bar's own one-cell padding
        # Entries sit side by side: each one's padding belongs to it.
        assert move.x == balances.right
        assert nav.entry_at(balances.right - 1) == "balances"
        assert nav.entry_at(move.x) == "move"
        width = nav.outer_size.width
        assert last.right < width - 1
        for x in (0, last.right, (last.right + width) // 2, width - 1):
            assert nav.entry_at(x) is None
            await click_bar(pilot, x)
            assert app.current_mode == "balances"
            assert highlighted(app) == ["balances"]


async def test_entry_under_the_mouse_is_highlighted_with_a_tooltip() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE, tooltips=True) as pilot:
        await wait_loaded(pilot)
        nav = nav_of(app)
        tooltip = app.screen.query_one(Tooltip)
        entry, hover = component(nav, "entry"), component(nav, "hover")
        assert hover != entry
        assert painted(app, "move") == entry
        move = nav.entry_region("move")
        assert move is not None
        await pilot.hover(MainNav, offset=(move.x + 2, 0))
        await pilot.pause(app.TOOLTIP_DELAY + 0.2)
        assert nav.hover == "move"
        assert painted(app, "move") == hover
        assert painted(app, "activity") == entry
        assert nav.tooltip == "Move money (3)"
        assert tooltip.display
        assert str(tooltip.render()) == "Move money (3)"
        # Over the current entry: it keeps its own look, the tooltip names it.
        await pilot.hover(MainNav, offset=(2, 0))
        await pilot.pause()
        assert nav.hover == "balances"
        assert painted(app, "balances") == component(nav, "current")
        assert painted(app, "move") == entry
        assert nav.tooltip == "Balances (1)"
        # Past the last entry: nothing highlighted, no tooltip.
        await pilot.hover(MainNav, offset=(nav.outer_size.width - 5, 0))
        await pilot.pause(app.TOOLTIP_DELAY + 0.2)
        assert nav.hover is None
        assert nav.tooltip is None
        assert not tooltip.display
        await pilot.hover(MainNav, offset=(move.x, 0))
        await pilot.pause()
        assert nav.hover == "move"
        # Leaving the bar drops the highlight.
        await pilot.hover("TitleBar")
        await pilot.pause()
        assert nav.hover is None
        assert painted(app, "move") == entry


async def test_demo_bar_has_no_profiles_entry() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        nav = nav_of(app)
        expected = [m.mode for m in ALWAYS if m.mode != "profiles"]
        assert nav.shown_modes == expected
        assert nav.entry_region("profiles") is None
        assert "Profiles" not in bar_text(nav)
        await pilot.press("2")  # the key is off in the demo, and so is the entry
        await pilot.pause()
        assert app.current_mode == "balances"
        await pilot.press("7")
        await pilot.pause()
        assert nav_of(app).shown_modes == expected
        assert "Profiles" not in bar_text(nav_of(app))


async def test_bar_follows_binding_changes_and_redraws_only_on_a_change() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        nav = nav_of(app)
        redraws: list[tuple[object, ...]] = []
        refresh = nav.refresh

        def counting_refresh(*args, **kwargs):
            redraws.append(args)
            return refresh(*args, **kwargs)

        nav.refresh = counting_refresh  # type: ignore[method-assign]
        app.screen.refresh_bindings()
        await pilot.pause()
        assert "profiles" not in nav.shown_modes
        assert redraws == []
        app.demo = False  # what the app checks before offering Profiles
        app.screen.refresh_bindings()
        await pilot.pause()
        assert nav.shown_modes == [m.mode for m in ALWAYS]
        assert "2 Profiles" in bar_text(nav)
        assert len(redraws) == 1


async def test_bar_lists_profiles_outside_the_demo() -> None:
    session = FakeSession({"desk": [balance("desk", "bitunix", "BTC", "1")]},
                          fake_profiles(("desk", "bitunix")))
    app = CoinsoleApp(session, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        nav = nav_of(app)
        assert nav.shown_modes == [m.mode for m in ALWAYS]
        entries = "".join(f" {m.key} {m.title} " for m in ALWAYS)
        assert bar_text(nav) == f" {entries}".ljust(nav.outer_size.width)
        for main in ALWAYS:
            region = nav.entry_region(main.mode)
            assert region is not None
            assert bar_text(nav)[region.x:region.right] == f" {main.key} {main.title} "


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="not a main screen mode"):
        MainNav("nowhere")


async def test_number_keys_are_out_of_the_footer_but_still_bound() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        app.screen.query_one(KeyFooter)
        shown = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert not shown & {m.key for m in MAIN_SCREENS}
        keys = {b.binding.key for b in app.screen.active_bindings.values()}
        assert {m.key for m in ALWAYS if m.mode != "profiles"} <= keys


async def test_a_narrow_bar_shortens_the_other_entries_instead_of_cutting() -> None:
    """Issue 12: at 80 columns with Profiles the bar ended in "7 Ord"."""
    from test_app_support import small_session

    app = CoinsoleApp(small_session(), idle_lock_minutes=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        nav = nav_of(app)
        labels = nav.labels()
        assert labels["balances"] == "1 Balances"  # the current screen keeps its title
        assert labels["orders"] in ("7 Ord", "7")
        text = "".join(segment.text for segment in nav.render_line(0))
        assert sum(len(label) + 2 for label in labels.values()) <= nav.size.width
        assert text.rstrip().endswith(list(labels.values())[-1])  # the last entry whole
        await pilot.resize_terminal(200, 24)
        await pilot.pause()
        assert nav_of(app).labels()["orders"] == "7 Orders"
