"""Pilot tests: the balances screen against the demo sandbox and against fake sessions."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from textual.color import Color
from test_app_support import (FakeSession, balance, fake_profiles, screen_text, small_session,
                              wait_loaded, wait_until)

from tui.app import CoinsoleApp, CoinsoleCommands
from tui.demo import demo_session
from tui.sandbox import DEMO_PROFILES
from tui.screens.balances import BalancesScreen
from tui.screens.detail import BalanceDetailScreen
from tui.screens.help import HelpScreen
from tui.widgets.balance_rows import GroupBy, SortKey
from tui.widgets.profile_status import LoadState

SIZE = (120, 36)
DEMO_NAMES = ["fcoin-demo", "bitunix-demo", "bitz-demo", "chainup-demo", "bhex-demo"]


def balances_screen(app: CoinsoleApp) -> BalancesScreen:
    screen = app.screen
    assert isinstance(screen, BalancesScreen)
    return screen


def shown(app: CoinsoleApp, kind: str = "balance"):
    return [row for row in balances_screen(app).table.rows_shown if row.kind == kind]


async def test_demo_rows_from_every_profile() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = balances_screen(app)
        assert [p for p in DEMO_NAMES if any(r.profile == p for r in shown(app))] == DEMO_NAMES
        assert all(state is LoadState.OK for state in screen.states.values())
        assert len(shown(app)) == len(screen.all_balances()) > 0
        text = screen_text(app)
        assert "coinsole · demo" in text
        assert "✓ fcoin-demo ok · 5 balances" in text
        # Every digit the venue sent is visible by default.
        assert "5,094.859925211325094096" in text


async def test_group_by_coin_and_venue(monkeypatch) -> None:
    # Each g here is a separate step, not the table's "g g" (first row).
    monkeypatch.setattr("tui.widgets.table_keys.G_WINDOW", -1.0)
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = balances_screen(app)
        await pilot.press("g")
        assert screen.group_by is GroupBy.COIN
        totals = {row.coin: row for row in shown(app, "total")}
        btc = [b for b in screen.all_balances() if b.coin == "BTC"]
        assert totals["BTC"].total == sum((b.total for b in btc), Decimal(0))
        assert totals["BTC"].count == len(btc)
        # Each coin's rows are followed by its total.
        coins = [row.coin for row in screen.table.rows_shown]
        assert coins == sorted(coins, key=str.casefold)
        await pilot.press("g")
        assert screen.group_by is GroupBy.VENUE
        headers = [row.key for row in shown(app, "header")]
        assert headers == [f"venue:{p.split('-')[0]}" for p in DEMO_NAMES]
        await pilot.press("g")
        assert screen.group_by is GroupBy.NONE
        assert not shown(app, "header") and not shown(app, "total")


async def test_filter_narrows_and_escape_restores() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        everything = len(shown(app))
        await pilot.press("slash")
        await pilot.press(*"bhex")
        await pilot.pause()
        rows = shown(app)
        assert 0 < len(rows) < everything
        assert {row.profile for row in rows} == {"bhex-demo"}
        await pilot.press("enter")  # keep the filter, back to the table
        assert balances_screen(app).table.has_focus
        assert len(shown(app)) == len(rows)
        await pilot.press("escape")
        assert len(shown(app)) == everything
        await pilot.press("slash", *"Usdt")  # case-insensitive, matches coins
        await pilot.pause()
        assert {row.coin for row in shown(app)} == {"USDT"}
        await pilot.press("escape")
        assert len(shown(app)) == everything
        await pilot.press("slash", *"no-such-thing")
        await pilot.pause()
        assert not shown(app)
        assert "no balances match" in screen_text(app)


async def test_sort_cycles_columns_and_header_click() -> None:
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = balances_screen(app)
        assert [r.coin for r in shown(app)] == ["BTC", "ETH", "BTC"]  # load order
        await pilot.press("s")
        assert screen.sort_key is SortKey.PROFILE
        for _ in range(4):
            await pilot.press("s")
        assert screen.sort_key is SortKey.AVAILABLE
        assert [r.available for r in shown(app)] == [
            Decimal("5094.859925211325094096"), Decimal("1.5"), Decimal("0.25")]
        await pilot.press("S")
        assert [r.available for r in shown(app)][0] == Decimal("0.25")
        await pilot.click("BalanceTable", offset=(3, 0))  # the "profile" header
        await pilot.pause()
        assert screen.sort_key is SortKey.PROFILE and not screen.sort_reverse
        assert [r.profile for r in shown(app)] == ["alpha", "alpha", "beta"]


async def test_refresh_reloads_every_profile() -> None:
    session = small_session()
    app = CoinsoleApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert sorted(session.calls) == ["alpha", "beta", "gamma"]
        session.data["alpha"] = [balance("alpha", "fcoin", "LTC", "3")]
        await pilot.press("r")
        await wait_loaded(pilot)
        assert sorted(session.calls) == ["alpha", "alpha", "beta", "beta", "gamma", "gamma"]
        assert [r.coin for r in shown(app) if r.profile == "alpha"] == ["LTC"]


async def test_slow_profile_does_not_block_others() -> None:
    gate = asyncio.Event()
    profiles = fake_profiles(("fast", "fcoin"), ("slow", "bitz"))
    session = FakeSession({"fast": [balance("fast", "fcoin", "BTC", "1")],
                           "slow": [balance("slow", "bitz", "ETH", "2")]},
                          profiles, gates={"slow": gate})
    app = CoinsoleApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = balances_screen(app)
        await wait_until(pilot, lambda: screen.states["fast"] is LoadState.OK)
        assert screen.states["slow"] is LoadState.LOADING
        assert [r.profile for r in shown(app)] == ["fast"]
        assert "slow loading…" in screen_text(app)
        await pilot.press("j", "k")  # the UI stays responsive meanwhile
        gate.set()
        await wait_loaded(pilot)
        assert [r.profile for r in shown(app)] == ["fast", "slow"]


async def test_loading_and_empty_states() -> None:
    gate = asyncio.Event()
    profiles = fake_profiles(("only", "fcoin"))
    app = CoinsoleApp(FakeSession({"only": []}, profiles, gates={"only": gate}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "loading balances…" in screen_text(app)
        gate.set()
        await wait_loaded(pilot)
        text = screen_text(app)
        assert "no balances" in text and "loading balances…" not in text


async def test_failing_demo_profile_shows_notice_others_load() -> None:
    session = demo_session()
    session.sandbox.faults.down("bitz")
    app = CoinsoleApp(session, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = balances_screen(app)
        assert screen.states["bitz-demo"] is LoadState.ERROR
        profiles = {row.profile for row in shown(app)}
        assert profiles == set(DEMO_NAMES) - {"bitz-demo"}
        text = screen_text(app)
        assert "✗ bitz-demo: bitz:" in text
        flat = " ".join(text.split())
        assert " ".join(screen.errors["bitz-demo"].split()) in flat  # whole message, in the notice
        # Back up again: refresh brings its rows back and removes the notice.
        session.sandbox.faults.up("bitz")
        await pilot.press("r")
        await wait_loaded(pilot)
        assert {row.profile for row in shown(app)} == set(DEMO_NAMES)
        assert "✗ bitz-demo" not in screen_text(app)


async def test_detail_modal_shows_exact_value() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = balances_screen(app)
        rows = screen.table.rows_shown
        index = next(i for i, r in enumerate(rows) if r.profile == "fcoin-demo" and r.coin == "ETH")
        screen.table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BalanceDetailScreen)
        text = screen_text(app)
        assert "5094.859925211325094096" in text
        assert str(app.screen.query_one("#detail-available").render()) == "5094.859925211325094096"
        await pilot.press("escape")
        assert app.screen is screen


async def test_compact_mode_shortens_and_marks() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
        assert "5,094.85992521…" in text
        assert "5,094.859925211325094096" not in text
        await pilot.press("c")
        await pilot.pause()
        assert "5,094.859925211325094096" in screen_text(app)


async def test_value_column_and_total_detail() -> None:
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert "value usd" in screen_text(app)
        await pilot.press("g")
        screen = balances_screen(app)
        index = next(i for i, r in enumerate(screen.table.rows_shown) if r.key == "total:BTC")
        screen.table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BalanceDetailScreen)
        assert str(app.screen.query_one("#detail-total").render()) == "1.80"


async def test_help_lists_screen_bindings() -> None:
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        descriptions = {e.description for e in help_screen.entries}
        for binding in BalancesScreen.BINDINGS:
            assert any(binding.tooltip in d for d in descriptions), binding
        keys = {e.keys for e in help_screen.entries}
        assert {"r", "g", "s", "/", "c", "?", "1 alt+1 f1"} <= keys
        await pilot.press("escape")
        assert isinstance(app.screen, BalancesScreen)


async def test_number_key_and_escape_keep_main_screen() -> None:
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        await pilot.press("1", "escape")
        assert app.screen is screen


async def test_palette_commands_cover_actions() -> None:
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        provider = CoinsoleCommands(app.screen)
        names = [name for name, _, _ in provider._commands()]
        for wanted in ("Refresh", "Group", "Group by coin", "Group by venue", "Sort", "Filter",
                       "Compact", "Help", "Quit", "Balances"):
            assert wanted in names, wanted
        # Themes: Textual's one "Theme" entry (a picker of coinsole's themes), not ours too.
        assert not any(name.startswith("Theme") for name in names)
        hits = [hit async for hit in provider.search("group by coin")]
        assert hits
        callback = hits[0].command
        callback()
        await pilot.pause()
        assert balances_screen(app).group_by is GroupBy.COIN
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"compact", "enter")
        await wait_loaded(pilot)
        assert balances_screen(app).compact


async def test_theme_cycle() -> None:
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.theme == "coinsole-dark"
        seen, backgrounds = [], []
        for _ in range(3):
            await pilot.press("t")
            await pilot.pause()
            seen.append(app.theme)
            backgrounds.append(app.screen.styles.background)
        assert seen == ["coinsole-high-contrast", "coinsole-light", "coinsole-dark"]
        # The colours follow the theme (the app starts in its theme without Textual's
        # theme watcher, and its stylesheet skips re-parses that change nothing).
        expected = [Color.parse(app.get_theme(name).background) for name in seen]
        assert backgrounds == expected
        assert len(set(backgrounds)) == 3


async def test_start_paints_the_default_theme_colours() -> None:
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        theme = app.get_theme("coinsole-dark")
        assert app.screen.styles.background == Color.parse(theme.background)
        assert app.has_class("-theme-coinsole-dark", "-dark-mode")
        assert not app.has_class("-light-mode")


@pytest.mark.parametrize("fault", [None, "bitz"])
async def test_no_secret_on_screen(fault: str | None) -> None:
    session = demo_session()
    if fault:
        session.sandbox.faults.down(fault)
    app = CoinsoleApp(session, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        pages = [screen_text(app)]
        for keys in (("g",), ("g",), ("question_mark",), ("escape", "enter")):
            await pilot.press(*keys)
            await pilot.pause()
            pages.append(screen_text(app))
        for demo in DEMO_PROFILES:
            for secret in (demo.secret, demo.api_key):
                for page in pages:
                    assert secret[:12] not in page


async def test_theme_fallback_when_folder_missing(monkeypatch) -> None:
    monkeypatch.setattr("tui.app.load_themes", lambda: [])
    app = CoinsoleApp(small_session())
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("t")  # nothing to cycle through; no crash
        assert app.theme == "textual-dark"


# -- the value column gives way when the table is too narrow ----------------------------

HIDDEN_NOTE = "value usd hidden: 9 columns short (c compacts, ⏎ shows a row's value)"
"""The info line at 120 columns with the demo data: the full table is 128 cells wide."""


def column_keys(app: CoinsoleApp) -> list[str]:
    return [key.value for key in balances_screen(app).table.columns]


def info_text(app: CoinsoleApp) -> str:
    return str(balances_screen(app).query_one("#info").render())


async def no_sideways_scroll(pilot) -> bool:
    """True when every column the table draws is on screen (nothing past its right edge)."""
    await pilot.pause()
    table = balances_screen(pilot.app).table
    return (not table.show_horizontal_scrollbar
            and table.virtual_size.width <= table.scrollable_content_region.width)


async def test_value_column_hidden_at_120_and_the_info_line_says_why() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = balances_screen(app).table
        assert table.natural_width == 128
        assert table.hidden_column == "value usd" and table.shortfall == 9
        assert column_keys(app) == ["profile", "venue", "account", "coin",
                                    "available", "frozen", "total"]
        text = screen_text(app)
        assert HIDDEN_NOTE in text
        assert "value usd hidden" not in text.replace(HIDDEN_NOTE, "")  # said once
        assert await no_sideways_scroll(pilot)
        # Every digit of every balance is on screen.
        for amount in ("32,934.951247512771511524", "8,999.0000000014483704",
                       "2,630.334415720000000001"):
            assert amount in text


async def test_value_column_shown_when_wide() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_loaded(pilot)
        table = balances_screen(app).table
        assert table.hidden_column is None and table.shortfall == 0
        assert column_keys(app)[-1] == "value"
        text = screen_text(app)
        assert "value usd" in text and "hidden" not in text
        assert "48,637.143936" in text  # bitz-demo's BTC, valued in full
        assert await no_sideways_scroll(pilot)


async def test_compact_brings_the_value_column_back_at_120() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = balances_screen(app).table
        assert table.hidden_column == "value usd"
        await pilot.press("c")
        await pilot.pause()
        assert table.natural_width == 102  # compact amounts: fits with room to spare
        assert table.hidden_column is None and column_keys(app)[-1] == "value"
        text = screen_text(app)
        assert "value usd" in text and "hidden" not in info_text(app)
        assert await no_sideways_scroll(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert table.hidden_column == "value usd" and "value" not in column_keys(app)
        assert HIDDEN_NOTE in screen_text(app)


async def test_resize_shows_and_hides_the_value_column() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        table = balances_screen(app).table
        assert "value" not in column_keys(app)
        await pilot.resize_terminal(160, 36)
        await pilot.pause()
        assert column_keys(app)[-1] == "value"
        assert "hidden" not in info_text(app)
        await pilot.resize_terminal(124, 36)
        await pilot.pause()
        assert "value" not in column_keys(app)
        assert "value usd hidden: 5 columns short" in info_text(app)
        # 129 (128 columns and the scrollbar the two-line info line brings) is wide enough while every row fits without a vertical scrollbar...
        await pilot.resize_terminal(129, 36)
        await pilot.pause()
        assert column_keys(app)[-1] == "value"
        assert await no_sideways_scroll(pilot)
        # ...and one short once a shorter terminal needs the scrollbar.
        await pilot.resize_terminal(128, 20)
        await pilot.pause()
        assert "value" not in column_keys(app)
        assert "value usd hidden: 1 column short" in info_text(app)
        assert await no_sideways_scroll(pilot)
        assert table.row_count == len(shown(app)) == 29


async def test_a_resize_that_changes_nothing_redraws_nothing() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_loaded(pilot)
        table = balances_screen(app).table
        clears = []
        original = table.clear
        table.clear = lambda *a, **kw: (clears.append(1), original(*a, **kw))[1]
        for width in (150, 170, 140):
            await pilot.resize_terminal(width, 36)
            await pilot.pause()
        assert not clears and column_keys(app)[-1] == "value"
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert len(clears) == 1 and "value" not in column_keys(app)


async def test_sorting_by_the_hidden_value_column_still_sorts_and_says_so() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = balances_screen(app)
        for _ in range(8):  # profile ... total, then value
            await pilot.press("s")
        assert screen.sort_key is SortKey.VALUE
        values = [row.value for row in shown(app)]
        present = [v for v in values if v is not None]
        assert present and present == sorted(present, reverse=True)
        assert values[:len(present)] == present  # rows without a valuation come last
        assert "sort: value (column hidden)" in screen_text(app)
        await pilot.press("s")  # the cycle goes on back to load order
        assert screen.sort_key is None


async def test_detail_modal_shows_the_valuation_the_table_leaves_out() -> None:
    app = CoinsoleApp(demo_session(), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = balances_screen(app)
        assert screen.table.hidden_column == "value usd"
        index, row = next((i, r) for i, r in enumerate(screen.table.rows_shown)
                          if r.profile == "bitz-demo" and r.coin == "BTC")
        assert row.value == Decimal("48637.143936")
        screen.table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BalanceDetailScreen)
        # As the venue sent it, trailing zeros and all.
        assert str(app.screen.query_one("#detail-value-usd").render()) == "48637.14393600"
