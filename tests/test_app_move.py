"""Pilot tests of the Move money screen (key 3) and its confirmation modal, against the
in-process sandbox with an in-memory journal."""

from __future__ import annotations

import time
from decimal import Decimal

from test_app_support import screen_text, wait_loaded
from textual.widgets import Button, Input

from tui.app import CoinsoleApp
from tui.demo import demo_session
from tui.journal import EntryState, Journal
from tui.journal_ui import attach_journal
from tui.sandbox import Sandbox
from tui.sandbox.demo_money import DEMO_TRADE_PASSWORD
from tui.screens.move import MoveScreen
from tui.screens.move_confirm import MoveConfirmScreen

SIZE = (120, 36)
TRON = "TJmW5D1p1LnMdTMmxuY1VELHht7v5HV7rU"


class Clock:
    """Real time plus an offset tests can move forward (the sandbox's clock)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def make_app(clock: Clock | None = None):
    """A demo app whose journal is in memory; returns (app, session, journal)."""
    session = demo_session(Sandbox(clock=clock) if clock else None)
    journal = Journal(":memory:")
    attach_journal(session, journal, lookup_final_after_ms=0)
    return CoinsoleApp(session, demo=True), session, journal


async def open_form(pilot, pane: str):
    """Press 3, switch to form ``pane``, wait for its workers; the form."""
    await wait_loaded(pilot)
    await pilot.press("3")
    await wait_loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MoveScreen)
    form = screen.show_form(pane)
    await wait_loaded(pilot)
    return form


async def choose(pilot, form, name: str, value) -> None:
    """Pick ``value`` in the form's Select ``name``."""
    form.ctl(name).value = value
    await wait_loaded(pilot)


async def type_into(pilot, form, name: str, text: str, *, clear: bool = True) -> None:
    """Focus Input ``name`` and type ``text`` key by key."""
    field: Input = form.ctl(name)
    if clear:
        field.value = ""
    field.focus()
    await pilot.pause()
    if not clear:
        await pilot.press("end")
    for char in text:
        await pilot.press(char)
    await wait_loaded(pilot)


def review_enabled(form) -> bool:
    return not form.query_one(f"#{form.wid('review')}", Button).disabled


async def test_transfer_form_flags_bad_input_and_does_not_submit() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "transfer")
        await choose(pilot, form, "profile", "fcoin-demo")
        assert form.choice("from") == "asset_center"
        await choose(pilot, form, "coin", "BTC")
        await type_into(pilot, form, "amount", "12abc")
        assert "must be a number" in form.field_row("amount").error_text
        assert "must be a number" in screen_text(app)
        assert not review_enabled(form)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, MoveConfirmScreen)

        available = form.available()
        assert available is not None and available > 0
        await type_into(pilot, form, "amount", str(available + 1))
        assert "more than the" in form.field_row("amount").error_text
        assert f"{available}" in screen_text(app)
        assert not review_enabled(form)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, MoveConfirmScreen)
        assert journal.entries() == []


async def test_withdraw_form_precision_memo_address_and_arrival() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        assert form.quote is not None and form.quote.coin == "USDT"
        # Too many decimals for USDT (6).
        await type_into(pilot, form, "amount", "10.1234567")
        assert "at most 6 decimals" in form.field_row("amount").error_text
        # Arrival updates as you type: amount - 1 USDT fee on Tron.
        await type_into(pilot, form, "amount", "12.5")
        assert "arrives 11.5 USDT" in screen_text(app)
        await type_into(pilot, form, "amount", "7", clear=False)
        assert "arrives 11.57 USDT" in screen_text(app)
        # An address of the wrong shape for Tron is flagged.
        await type_into(pilot, form, "address", "0x0E6c27D61a6052a8f1E26741DA277F6fF48e5cE9")
        assert "not a Tron" in form.field_row("address").error_text
        # The memo network: the memo row appears and is required.
        await choose(pilot, form, "network", "EOS")
        assert form.quote.needs_tag
        assert form.field_row("memo").display
        await type_into(pilot, form, "address", "coinsoledemo")
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert "needs a memo/tag" in form.field_row("memo").error_text
        assert "needs a memo/tag" in screen_text(app)
        assert not review_enabled(form)
        assert not isinstance(app.screen, MoveConfirmScreen)
        await type_into(pilot, form, "memo", "20261125")
        assert form.field_row("memo").error_text == ""
        assert review_enabled(form)
        assert journal.entries() == []


async def test_transfer_through_confirmation_is_accepted_and_moves_the_balance() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "transfer")
        await choose(pilot, form, "profile", "fcoin-demo")
        await choose(pilot, form, "coin", "BTC")
        before = form.available()
        await type_into(pilot, form, "amount", "1.5")
        assert review_enabled(form)
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, MoveConfirmScreen)
        text = screen_text(app)
        for part in ("1.5 BTC", "asset center", "spot", "fcoin-demo", "settlement keyed"):
            assert part in text, part
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert confirm.entry is not None
        assert confirm.entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED)
        assert "venue ref" in screen_text(app)
        # A second press never sends again.
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert len(journal.entries()) == 1
        await pilot.press("escape")
        await wait_loaded(pilot)
        assert isinstance(app.screen, MoveScreen)
        assert form.available() == before - Decimal("1.5")


async def test_internal_transfer_by_uid() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "internal")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        await type_into(pilot, form, "recipient", "98954x")
        assert "digits only" in form.field_row("recipient").error_text
        await type_into(pilot, form, "recipient", "989541187")
        await type_into(pilot, form, "amount", "2")
        await type_into(pilot, form, "remark", "lunch")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MoveConfirmScreen)
        assert "uid 989541187" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        [entry] = journal.entries()
        assert entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED)


async def test_withdrawal_requires_the_address_tail() -> None:
    app, _, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        await type_into(pilot, form, "address", TRON)
        await type_into(pilot, form, "amount", "10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, MoveConfirmScreen)
        text = screen_text(app)
        for part in ("10 USDT", "1 USDT", "9 USDT", TRON, "Tron (TRC-20)",
                     "last 4 characters"):
            assert part in text, part
        button = confirm.query_one("#confirm", Button)
        assert button.disabled
        for char in "XXXX":
            await pilot.press(char)
        await pilot.pause()
        assert button.disabled
        assert "not the last 4" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_loaded(pilot)
        assert journal.entries() == []
        confirm.query_one("#tail", Input).value = ""
        for char in TRON[-4:]:
            await pilot.press(char)
        await pilot.pause()
        assert not button.disabled
        await pilot.press("enter")
        await wait_loaded(pilot)
        [entry] = journal.entries()
        assert entry.state is EntryState.ACCEPTED
        assert entry.receipt is not None and entry.receipt.venue_status == "pending"


async def test_bhex_withdrawal_with_the_trade_password_never_shows_it() -> None:
    app, session, journal = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bhex-demo")
        await choose(pilot, form, "coin", "BTC")
        assert form.quote is not None and form.quote.miner_fee_coin == "BTC"
        assert form.text("miner_fee") == "0.0001"
        await type_into(pilot, form, "miner_fee", "0.9")
        assert "miner fee must be within" in form.field_row("miner_fee").error_text
        await type_into(pilot, form, "miner_fee", "0.0001")
        address = "1GHquiYANN9JjqySWxncvn88nQ8pp8pdBe"
        await type_into(pilot, form, "address", address)
        await type_into(pilot, form, "amount", "0.0015")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, MoveConfirmScreen), form.problems
        assert "miner fee" in screen_text(app)
        for char in address[-4:]:
            await pilot.press(char)
        await pilot.press("enter")  # on to the password
        for char in DEMO_TRADE_PASSWORD:
            await pilot.press(char)
        await pilot.pause()
        text = screen_text(app)
        assert DEMO_TRADE_PASSWORD not in text
        await pilot.press("enter")
        await wait_loaded(pilot)
        [entry] = journal.entries()
        assert entry.state in (EntryState.ACCEPTED, EntryState.RECONCILED), entry.last_error
        text = screen_text(app)
        assert DEMO_TRADE_PASSWORD not in text
        assert confirm.query_one("#password", Input).value == ""
        assert DEMO_TRADE_PASSWORD not in str(entry.as_record())
        for demo in session.profiles:
            secret = session.adapter(demo.name).credentials.secret.get_secret_value()
            assert secret not in text


async def test_max_fills_the_largest_valid_amount() -> None:
    app, _, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, "withdraw")
        await choose(pilot, form, "profile", "bitunix-demo")
        await choose(pilot, form, "coin", "USDT")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert form.text("amount") == str(form.quote.available)
        assert form.field_row("amount").error_text == ""
