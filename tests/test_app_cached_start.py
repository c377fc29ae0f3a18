"""A start shows each profile's last balances at once, marked cached, until the live load."""

import pytest
from test_app_support import hold_venues, screen_text, wait_loaded, wait_until
from tui.app import CoinsoleApp
from tui.balance_cache import BalanceCache
from tui.demo import demo_session
from tui.sandbox import DEMO_PROFILES
from tui.screens.balances import BalancesScreen


async def first_run() -> list[str]:
    """Run the demo once so every profile's balances are cached; the files' text."""
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
    return [p.read_text() for p in BalanceCache().directory.glob("*.json")]


async def cached_rows_drawn(pilot) -> None:
    """Wait until the Balances screen shows the cached rows at its first size (the live
    loads are held meanwhile, so nothing replaces them however long this takes)."""
    def drawn() -> bool:
        screen = pilot.app.screen
        return (isinstance(screen, BalancesScreen) and screen.table.row_count == 29
                and screen.table.size.width > 0)

    await wait_until(pilot, drawn)
    await pilot.pause()  # the first resize's refit, then the info line it updates
    await pilot.pause()


async def test_cached_balances_show_first_then_live_replaces_them() -> None:
    files = await first_run()
    assert len(files) == len(DEMO_PROFILES)
    assert any('"5094.859925211325094096"' in text for text in files)  # exact, as text
    for demo in DEMO_PROFILES:
        assert all(demo.secret not in text and demo.api_key not in text for text in files)

    session = demo_session()
    release = hold_venues(session.sandbox)  # the live answers wait until released
    app = CoinsoleApp(session, demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await cached_rows_drawn(pilot)
        screen = app.screen
        assert isinstance(screen, BalancesScreen)
        assert screen.loading and set(screen.cached) == {d.name for d in DEMO_PROFILES}
        assert screen.table.row_count == 29
        text = screen_text(app)
        assert "fcoin-demo cached just now" in text
        assert "still showing cached balances" in text
        release.set()
        await wait_loaded(pilot)
        assert not screen.loading and not screen.cached
        assert "cached" not in screen_text(app)
        assert screen.table.row_count == 29


async def test_a_failing_live_load_keeps_the_cached_rows_marked_stale() -> None:
    await first_run()
    session = demo_session()
    session.sandbox.faults.down("bitz")
    app = CoinsoleApp(session, demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert "bitz-demo" in screen.balances and "bitz-demo" in screen.errors
        assert "bitz-demo" in screen.stale
        assert any(row.profile == "bitz-demo" for row in screen.table.rows_shown)
        assert "✗ bitz-demo" in screen_text(app)


async def test_no_cache_starts_with_the_live_load() -> None:
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.05)
        assert not app.screen.cached
        await wait_loaded(pilot)
        assert app.screen.table.row_count == 29


async def test_live_numbers_equal_to_the_cached_ones_do_not_rebuild_the_table(monkeypatch) -> None:
    await first_run()
    from tui.widgets.balance_table import BalanceTable

    clears = []
    original = BalanceTable.clear
    monkeypatch.setattr(BalanceTable, "clear",
                        lambda self, *a, **kw: (clears.append(1), original(self, *a, **kw))[1])
    app = CoinsoleApp(demo_session(), demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.table
        assert len(clears) == 1  # the cached rows; the live ones only lost their italics
        profile_cell = table.get_cell_at((0, 0))
        assert "italic" not in str(profile_cell.style)
        app.screen.action_refresh()
        await wait_loaded(pilot)
        assert len(clears) == 1


@pytest.mark.parametrize(("width", "value_shown"), [(120, False), (160, True)])
async def test_cached_rows_fit_the_width_once_it_is_known(width: int, value_shown: bool) -> None:
    """Cached rows are drawn at mount, before the table has a size; the first resize
    decides the value column, and the info line says so, while the live loads still run."""
    await first_run()
    session = demo_session()
    release = hold_venues(session.sandbox)
    app = CoinsoleApp(session, demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(width, 36)) as pilot:
        await cached_rows_drawn(pilot)
        screen = app.screen
        assert screen.loading and screen.cached
        keys = [key.value for key in screen.table.columns]
        assert ("value" in keys) is value_shown
        assert (screen.table.hidden_column is None) is value_shown
        info = str(screen.query_one("#info").render())  # longer than the line while cached
        assert "still showing cached balances" in info
        # The info line wraps to two lines instead of being cut, so the 29 rows need the
        # vertical scrollbar: one column shorter than the 8 of the settled screen.
        assert ("value usd hidden: 9 columns short" in info) is not value_shown
