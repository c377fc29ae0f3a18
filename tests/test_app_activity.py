"""Pilot tests of the Activity screen (key 4): live journal entries, detail, settle now,
cancel and resolve, against the in-process sandbox with an in-memory journal."""

from __future__ import annotations

from decimal import Decimal

from test_app_move import TRON, make_app
from test_app_support import hold_venues, screen_text, wait_loaded, wait_until
from textual.widgets import Input, Select

from tui.core.models import AccountKind, AccountRef
from tui.core.moves import MoveKind
from tui.journal import EntryState
from tui.journal_ui import mover_for, send_move
from tui.screens.activity import EMPTY_TEXT, ActivityDetailScreen, ActivityScreen, ResolveScreen
from tui.screens.confirm import ConfirmScreen

SIZE = (120, 36)
ASSETS = AccountRef(kind=AccountKind.ASSET_CENTER)
SPOT = AccountRef(kind=AccountKind.SPOT)
FUTURES = AccountRef(kind=AccountKind.FUTURES)


async def move(session, **fields):
    """Build, journal and send one move as the TUI does; the entry."""
    mover = mover_for(session)
    request, settlement = mover.build(**fields)
    return await send_move(mover, request, settlement)


async def fcoin_transfer(session, amount="0.5"):
    return await move(session, kind=MoveKind.TRANSFER, profile="fcoin-demo", coin="BTC",
                      amount=Decimal(amount), from_account=ASSETS, to_account=SPOT)


async def bitunix_withdrawal(session, amount="10"):
    return await move(session, kind=MoveKind.WITHDRAW, profile="bitunix-demo", coin="USDT",
                      amount=Decimal(amount), network="Tron (TRC-20)", address=TRON)


async def open_activity(pilot) -> ActivityScreen:
    await wait_loaded(pilot)
    await pilot.press("4")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ActivityScreen)
    return screen


async def test_empty_state() -> None:
    app, _, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_activity(pilot)
        assert EMPTY_TEXT in screen_text(app)


async def test_entries_newest_first_with_detail() -> None:
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first = await fcoin_transfer(session)
        second = await bitunix_withdrawal(session)
        screen = await open_activity(pilot)
        assert [e.id for e in screen.entries] == [second.id, first.id]
        text = screen_text(app)
        assert "0.5 BTC" in text and "10 USDT" in text and "RECONCILED" in text, text
        assert screen.selected_id() == second.id
        await pilot.press("enter")
        await wait_loaded(pilot)
        assert isinstance(app.screen, ActivityDetailScreen)
        text = screen_text(app)
        for part in ("APPROVED -> SUBMITTING", "SUBMITTING -> ACCEPTED", TRON, "evidence"):
            assert part in text, part
        await pilot.press("escape")
        await pilot.press("slash")
        for char in "fcoin":
            await pilot.press(char)
        await wait_loaded(pilot)
        assert [e.id for e in screen.shown_entries()] == [first.id]


async def test_unknown_keyed_outcome_settles_with_evidence() -> None:
    app, session, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        session.sandbox.faults.configure("fcoin", drop_rate=1.0)
        entry = await fcoin_transfer(session)
        assert entry.state is EntryState.UNKNOWN
        session.sandbox.faults.configure("fcoin", drop_rate=0.0)
        screen = await open_activity(pilot)
        assert "UNKNOWN" in screen_text(app)
        await pilot.press("s")
        await wait_loaded(pilot)
        assert journal.get(entry.id).state in (EntryState.ACCEPTED, EntryState.RECONCILED)
        assert isinstance(app.screen, ActivityDetailScreen)
        assert "resending with the same key" in screen_text(app)
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert "UNKNOWN" not in screen_text(app)
        assert screen.entries[0].state is not EntryState.UNKNOWN


async def test_unknown_lookup_outcome_settles_by_lookup() -> None:
    app, session, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        session.sandbox.faults.configure("bitunix", drop_rate=1.0)
        entry = await bitunix_withdrawal(session)
        assert entry.state is EntryState.UNKNOWN
        session.sandbox.faults.configure("bitunix", drop_rate=0.0)
        await open_activity(pilot)
        await pilot.press("S")
        await wait_loaded(pilot)
        settled = journal.get(entry.id)
        assert settled.state is EntryState.ACCEPTED
        assert "found by lookup" in settled.note


async def test_cancel_a_pending_bitunix_withdrawal() -> None:
    app, session, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        entry = await bitunix_withdrawal(session)
        assert entry.state is EntryState.ACCEPTED
        await open_activity(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_loaded(pilot)
        done = journal.get(entry.id)
        assert done.state is EntryState.RECONCILED
        assert done.receipt is not None and done.receipt.status.value == "cancelled"


async def test_resolve_a_none_settlement_unknown() -> None:
    app, session, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        session.sandbox.faults.configure("bitunix", drop_rate=1.0)
        entry = await move(session, kind=MoveKind.TRANSFER, profile="bitunix-demo", coin="USDT",
                           amount=Decimal("1"), from_account=SPOT, to_account=FUTURES)
        session.sandbox.faults.configure("bitunix", drop_rate=0.0)
        assert entry.state is EntryState.UNKNOWN
        await open_activity(pilot)
        await pilot.press("s")  # gathers evidence; never resent
        await wait_loaded(pilot)
        assert journal.get(entry.id).state is EntryState.UNKNOWN
        await pilot.press("escape")
        await pilot.press("a")
        await pilot.pause()
        resolve = app.screen
        assert isinstance(resolve, ResolveScreen)
        resolve.query_one("#outcome", Select).value = "accepted"
        resolve.query_one("#note", Input).value = "futures balance went up by 1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_loaded(pilot)
        resolved = journal.get(entry.id)
        assert resolved.state is EntryState.ACCEPTED
        assert "futures balance went up by 1" in resolved.note


async def test_no_secret_on_screen() -> None:
    app, session, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await fcoin_transfer(session)
        await open_activity(pilot)
        await pilot.press("enter")
        await wait_loaded(pilot)
        text = screen_text(app)
        for profile in session.profiles:
            credentials = session.adapter(profile.name).credentials
            assert credentials.secret.get_secret_value() not in text


async def test_resolve_a_lookup_unknown_the_venue_could_not_find() -> None:
    app, session, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        session.sandbox.faults.configure("bitunix", drop_rate=1.0)
        entry = await bitunix_withdrawal(session)
        assert entry.state is EntryState.UNKNOWN and entry.settlement.value == "lookup"
        await open_activity(pilot)  # the venue stays unreachable: a lookup finds nothing
        await pilot.press("a")
        await pilot.pause()
        resolve = app.screen
        assert isinstance(resolve, ResolveScreen)
        resolve.query_one("#outcome", Select).value = "rejected"
        resolve.query_one("#note", Input).value = "not in the venue's withdrawal list"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_loaded(pilot)
        resolved = journal.get(entry.id)
        assert resolved.state is EntryState.REJECTED
        assert "not in the venue's withdrawal list" in resolved.note


async def test_a_slow_venue_shows_entries_at_once_and_says_it_is_checking() -> None:
    app, session, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        entry = await bitunix_withdrawal(session)
        assert entry.state is EntryState.ACCEPTED
        await wait_loaded(pilot)
        release = hold_venues(session.sandbox, "bitunix")  # slow until released
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, ActivityScreen)
                         and bool(app.screen.entries))
        screen = app.screen
        assert [e.id for e in screen.entries] == [entry.id]  # not blank while it waits
        assert "checking 1 pending at the venue" in screen_text(app)
        release.set()
        await wait_loaded(pilot)
        assert "checking" not in screen_text(app)
