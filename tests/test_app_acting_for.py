"""Acting for a user on every BHEX screen: ``u`` opens the picker (a uid typed, or found in
the local user index), and Balances, Move money, Deposit, History and Orders then show
that user's data from the sandbox; the title bar names the user on every screen; ``u`` and
the picker's first entry go back to the profile's own user."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from test_app_support import screen_text, wait_loaded
from test_sandbox_bhex_trading import Clock
from textual.widgets import Input, OptionList, Select

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.sandbox import Sandbox
from tui.sandbox.bhex_history import add_deposits
from tui.sandbox.limits import RateLimiter
from tui.sandbox.profiles import BHEX_DEMO_USER_ID, BHEX_OTHER_USER_IDS
from tui.screens.act_for import ActForScreen

SIZE = (120, 48)
OTHER = BHEX_OTHER_USER_IDS[0]
MARK = f"acting for user {OTHER} (bhex-demo)"


def demo_app() -> tuple[CoinsoleApp, Sandbox]:
    box = Sandbox(clock=Clock(), bhex_users=500)
    box.services["bhex"].limiter = RateLimiter(100_000, 1, box.clock)
    return CoinsoleApp(demo_session(box), demo=True, idle_lock_minutes=None), box


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COINSOLE_HOME", str(tmp_path / "home"))


async def press_u(pilot) -> None:
    """Press ``u`` with no widget focused (so no text field takes the key)."""
    pilot.app.screen.set_focus(None)
    await pilot.press("u")
    await pilot.pause()


async def open_picker(pilot) -> ActForScreen:
    """Press ``u``: the acting-for picker."""
    await press_u(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, ActForScreen)
    return picker


async def act_for(pilot, user_id: str | None) -> None:
    """Press ``u`` and pick ``user_id`` (typed), or the profile's own user (None)."""
    await open_picker(pilot)
    if user_id is not None:
        await pilot.press(*user_id)
    await pilot.press("enter")
    await wait_loaded(pilot)
    assert not isinstance(pilot.app.screen, ActForScreen)


async def open_move_form(pilot):
    """Move money (``3``) with the BHEX demo profile chosen: its form."""
    await pilot.press("3")
    await wait_loaded(pilot)
    form = pilot.app.screen.form
    form.query_one(f"#{form.wid('profile')}", Select).value = "bhex-demo"
    await wait_loaded(pilot)
    return form


async def open_main(pilot, key: str, profile: str = "bhex-demo"):
    await pilot.press(key)
    await wait_loaded(pilot)
    screen = pilot.app.screen
    if hasattr(screen, "choose_profile") and screen.profile != profile:
        screen.choose_profile(profile)
        await wait_loaded(pilot)
    return screen


def ledger_rows(box: Sandbox, user_id: str) -> set[tuple[str, Decimal]]:
    return {(row.coin, row.total) for row in box.ledger.accounts("bhex", user_id)}


async def test_balances_show_the_user_acted_for_and_back() -> None:
    app, box = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = app.screen
        own = {(b.coin, b.total) for b in screen.balances["bhex-demo"]}
        assert ("AT", Decimal("15250.5")) in own
        await act_for(pilot, OTHER)
        theirs = {(b.coin, b.total) for b in screen.balances["bhex-demo"]}
        assert theirs == ledger_rows(box, OTHER) and theirs.isdisjoint(own)
        assert MARK in screen_text(app)  # the title bar names the user
        fcoin = {b.coin for b in screen.balances["fcoin-demo"]}
        assert fcoin  # other venues are untouched
        from tui.balance_cache import BalanceCache

        cached = BalanceCache().load(app.session.profile("bhex-demo"))
        assert cached is not None  # the cache for the next start keeps the profile's own
        assert {(b.coin, b.total) for b in cached.balances} == own
        await act_for(pilot, None)  # the picker's first entry: the profile's own user
        assert {(b.coin, b.total) for b in screen.balances["bhex-demo"]} == own
        assert str(app.title) == "coinsole · demo"
        assert "acting for" not in screen_text(app)


async def test_history_shows_the_users_deposits() -> None:
    app, box = demo_app()
    ids = add_deposits(box.services["bhex"].store, OTHER,
                       [int(box.clock() * 1000) - 3_600_000 * n for n in (3, 2, 1)])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = await open_main(pilot, "6")
        own = [r.id for r in screen.table("deposits").records]
        assert own and not set(own) & set(ids)
        await act_for(pilot, OTHER)
        assert sorted(r.id for r in screen.table("deposits").records) == sorted(ids)
        assert MARK in screen_text(app)


async def test_orders_show_the_users_open_orders() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        placed = await app.session.adapter("bhex-demo").order_create(
            "BTCUSDT", "SELL", "LIMIT", Decimal("0.5"), Decimal("990000"), user_id=OTHER)
        screen = await open_main(pilot, "7")
        own = [o.order_id for o in screen.table("open").records]
        assert own and placed.order_id not in own
        await act_for(pilot, OTHER)
        assert [o.order_id for o in screen.table("open").records] == [placed.order_id]
        assert MARK in screen_text(app)


async def test_deposit_shows_the_users_address() -> None:
    def address(user_id: str) -> str:
        return "0x" + hashlib.sha256(f"bhex-deposit:{user_id}:USDT".encode()).hexdigest()[:40]

    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        screen = await open_main(pilot, "5")
        screen.set_coin("USDT")
        await wait_loaded(pilot)
        assert screen.current is not None and screen.current.address == address(BHEX_DEMO_USER_ID)
        await act_for(pilot, OTHER)
        assert screen.current is not None and screen.current.address == address(OTHER)
        assert MARK in screen_text(app)


async def test_move_money_reads_the_users_balances() -> None:
    app, box = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        form = await open_move_form(pilot)
        assert form.profile == "bhex-demo"
        assert "AT" in {b.coin for b in form.balances["bhex-demo"]}
        await act_for(pilot, OTHER)
        assert {(b.coin, b.total) for b in form.balances["bhex-demo"]} == ledger_rows(box, OTHER)
        assert MARK in screen_text(app)
        # the confirmation says whose money moves
        assert ("for user", f"{OTHER} (not the profile's own)") in form.summary_head(
            Decimal("1"), "BTC")


async def test_activity_acts_for_the_user_and_the_title_follows_to_every_screen() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("4")
        await wait_loaded(pilot)
        await act_for(pilot, OTHER)
        assert app.session.acting_for == {"bhex-demo": OTHER}
        for key in "13567":
            await pilot.press(f"alt+{key}")
            await wait_loaded(pilot)
            assert MARK in screen_text(app), key


async def test_u_is_off_where_no_bhex_profile_shows_and_a_bad_uid_is_refused() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("6")
        await wait_loaded(pilot)
        history = app.screen
        assert history.profile != "bhex-demo"  # the first profile offered
        await press_u(pilot)
        assert not isinstance(app.screen, ActForScreen)
        history.choose_profile("bhex-demo")
        await wait_loaded(pilot)
        picker = await open_picker(pilot)
        await pilot.press("1", "2", "x", "enter")
        await pilot.pause()
        assert app.screen is picker and "digits only" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.acting_for == {}


async def test_the_picker_searches_the_local_user_index() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        users = await open_main(pilot, "9")
        users.set_focus(None)
        await pilot.press("s")  # sync the index
        await wait_loaded(pilot)
        picker = await open_picker(pilot)
        picker.query_one("#act-query", Input).focus()
        await pilot.press(*OTHER[:12])
        await pilot.pause()
        results = picker.query_one("#act-results", OptionList)
        found = [str(results.get_option_at_index(i).id) for i in range(results.option_count)]
        assert found[0] == "<own>" and OTHER in found and BHEX_DEMO_USER_ID in found
        results.highlighted = found.index(OTHER)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert app.session.acting_for == {"bhex-demo": OTHER}
        assert MARK in screen_text(app)


async def test_palette_offers_acting_for_while_a_text_field_has_the_keyboard() -> None:
    from tui.app import CoinsoleCommands

    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        form = await open_move_form(pilot)
        form.query_one(Input).focus()
        await pilot.pause()
        commands = CoinsoleCommands(app.screen)._commands()
        entry = next(c for c in commands if c[0] == "Act for a user")
        await entry[2]()
        await pilot.pause()
        assert isinstance(app.screen, ActForScreen)
