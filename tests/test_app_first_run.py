"""Pilot tests of a first run with a vault (issue 12 item 7): the welcome screen leads into
Profiles, a locked vault shows cached balances with one calm line, and `r` while locked
keeps the rows; a failing refresh keeps last-known rows marked stale."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from test_app_support import screen_text, wait_loaded
from test_app_vault import home, make_vault, sandbox_session, wait_for  # noqa: F401

from tui.app import CoinsoleApp
from tui.balance_cache import BalanceCache
from tui.config import ProfileStore
from tui.core.models import AccountKind, AccountRef, Balance
from tui.demo import demo_session
from tui.sandbox import Sandbox
from tui.screens.balances import BalancesScreen
from tui.screens.profiles import ProfilesScreen
from tui.screens.unlock import UnlockScreen
from tui.screens.welcome import WelcomeScreen
from tui.widgets.profile_status import LoadState, ProfileStatusStrip

SIZE = (120, 36)


async def test_welcome_2_opens_profiles_and_mentions_the_vault(home: Path) -> None:
    app = CoinsoleApp(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        text = screen_text(app)
        assert "vault" in text and "Profiles" in text
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)


def cache_balances(names: list[str]) -> dict[str, list[Balance]]:
    """Write a cached balance list for each profile; the balances written."""
    cache = BalanceCache()
    written = {}
    for profile in ProfileStore().load():
        if profile.name in names:
            rows = [Balance(profile=profile.name, venue=profile.venue,
                            account=AccountRef(kind=AccountKind.SPOT), coin="BTC",
                            available=Decimal("1.25"), frozen=Decimal("0"))]
            cache.save(profile, rows)
            written[profile.name] = rows
    return written


async def test_locked_start_paints_cached_rows_with_one_calm_line(home: Path,
                                                                 sandbox: Sandbox) -> None:
    make_vault(["fcoin-demo", "bitz-demo"])
    cache_balances(["fcoin-demo", "bitz-demo"])
    app = CoinsoleApp(sandbox_session(sandbox))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.press("escape")
        await wait_loaded(pilot)
        screen = app.screen
        assert isinstance(screen, BalancesScreen)
        assert screen.locked == {"fcoin-demo", "bitz-demo"}
        assert screen.errors == {}
        assert screen.table.row_count == 2  # the cached rows, not "0 balances"
        assert set(screen.stale) == {"fcoin-demo", "bitz-demo"}
        text = screen_text(app)
        assert text.count("vault is locked") == 1
        assert "✗" not in text
        strip = screen.query_one(ProfileStatusStrip)
        assert strip.status("fcoin-demo").state is LoadState.LOCKED
        notices = [n for n in app.screen.query(".notice")]
        assert len(notices) == 1 and notices[0].has_class("-calm")

        # r while locked keeps every row and says to unlock first.
        seen: list[str] = []
        original = app.notify
        app.notify = lambda message, *a, **kw: (seen.append(str(message)),  # type: ignore
                                                original(message, *a, **kw))[1]
        await pilot.press("r")
        await wait_loaded(pilot)
        assert screen.table.row_count == 2
        assert any("unlock it first" in m for m in seen)


async def test_a_failed_refresh_keeps_rows_marked_stale() -> None:
    session = demo_session()
    app = CoinsoleApp(session, demo=True, idle_lock_minutes=None)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        before = screen.table.row_count
        bitz_rows = len(screen.balances["bitz-demo"])
        assert bitz_rows
        assert "updated " in screen_text(app)
        session.sandbox.faults.down("bitz")
        await pilot.press("r")
        await wait_loaded(pilot)
        assert screen.table.row_count == before  # rows are not dropped
        assert "bitz-demo" in screen.stale and "bitz-demo" in screen.errors
        assert screen.states["bitz-demo"] is LoadState.STALE
        text = screen_text(app)
        assert "showing balances from" in text and "stale" in text


async def test_auto_refresh_toggles_and_reloads() -> None:
    session = demo_session()
    app = CoinsoleApp(session, demo=True, idle_lock_minutes=None)
    app.auto_refresh_seconds = 5  # what --refresh 5 sets
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        assert screen.auto_refresh_s == 5
        assert "auto refresh 5 s" in screen_text(app)
        loads = []
        screen.load_profile = lambda name: loads.append(name)  # type: ignore[method-assign]
        screen._timed_reload()
        assert set(loads) == {p.name for p in session.profiles}
        await pilot.press("A")
        await pilot.pause()
        assert screen.auto_refresh_s is None and "auto refresh" not in screen_text(app)
        await pilot.press("A")
        await pilot.pause()
        assert screen.auto_refresh_s == 5


def test_refresh_option_is_validated() -> None:
    from click.testing import CliRunner

    from tui.cli import main

    result = CliRunner().invoke(main, ["--refresh", "1", "--demo"])
    assert result.exit_code == 2 and "--refresh" in result.output
